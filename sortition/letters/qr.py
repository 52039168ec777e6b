"""QR codes as vector drawing operators, computed in worker processes for large batches.

Encoding a QR code costs about 2 ms in pure Python (segno), as much as the rest of a letter;
for 30,000 letters the codes are encoded in parallel while the main process lays out pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

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


def qr_operator(text: str, *, size: float) -> str:
    """PDF path operators for the QR code of ``text``, ``size`` points wide, drawn down and
    to the right of the origin (the caller moves the origin with ``cm`` and fills the path).
    The quiet zone is not drawn: the layout leaves white space around the code."""
    qr = segno.make(text, error="m", micro=False, boost_error=False, mask=MASK)
    matrix = qr.matrix
    module = size / len(matrix)
    return " ".join(
        f"{c * module:.2f} {-r * module:.2f} {n * module:.2f} {-module:.2f} re"
        for c, r, n in _runs(matrix)
    )


def _chunk(texts: Sequence[str], size: float) -> list[str]:
    return [qr_operator(t, size=size) for t in texts]


def qr_operators(texts: Sequence[str], *, size: float, workers: int | None = None) -> Iterator[str]:
    """The operators of each text's QR code, in order; parallel for large batches.

    ``workers`` defaults to the number of CPUs; 1 means in this process.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(texts) < PARALLEL_FROM:
        yield from _chunk(texts, size)
        return
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    # spawn, not fork: forking a process that may hold threads is unsafe (and warns).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for operators in pool.map(partial(_chunk, size=size), chunks):
            yield from operators
