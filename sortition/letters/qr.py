"""QR codes as vector drawing operators, computed in worker processes for large batches.

Encoding a QR code costs about 2 ms in pure Python (segno), as much as the rest of a letter;
for 30,000 letters the codes are encoded in parallel while the main process lays out pages.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import segno

__all__ = ["qr_operator", "qr_operators"]

# Below this many letters, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 500
# A fixed mask skips segno's evaluation of all eight masks (three quarters of its time); every
# mask yields a valid symbol, and error level M leaves ample margin for print and scan.
MASK = 4


def _runs(matrix: Sequence[Sequence[int]]) -> Iterator[tuple[int, int, int]]:
    """(column, row, length) of every horizontal run of dark modules."""
    for row, cells in enumerate(matrix):
        start = -1
        for column, dark in enumerate(cells):
            if dark and start < 0:
                start = column
            elif not dark and start >= 0:
                yield start, row, column - start
                start = -1
        if start >= 0:
            yield start, row, len(cells) - start


def qr_operator(text: str) -> tuple[int, str]:
    """The QR code of ``text``: its width in modules and PDF path operators that draw its
    dark modules as unit squares, down and to the right of the origin. The caller scales and
    moves the origin with ``cm`` and fills the path. Integer coordinates keep the operators
    short and quick to write. The quiet zone is not drawn: the layout leaves white space."""
    matrix = segno.make(text, error="m", micro=False, boost_error=False, mask=MASK).matrix
    return len(matrix), " ".join(f"{c} {-r} {n} -1 re" for c, r, n in _runs(matrix))


def _chunk(texts: Sequence[str]) -> list[tuple[int, str]]:
    return [qr_operator(t) for t in texts]


def qr_operators(texts: Sequence[str], *, workers: int = 1) -> Iterator[tuple[int, str]]:
    """The width and operators of each text's QR code, in order; parallel for large batches.

    ``workers`` above 1 encodes in that many processes, started with "spawn" (forking a
    process that may hold threads is unsafe): the calling program's main module must then be
    import-safe (``if __name__ == "__main__":``), as console scripts are.
    """
    if workers == 1 or len(texts) < PARALLEL_FROM:
        yield from _chunk(texts)
        return
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for operators in pool.map(_chunk, chunks):
            yield from operators
