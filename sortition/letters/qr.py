"""QR codes as vector drawing operators.

Two encoders give the same kind of symbol (error correction level M, byte mode): zxing-cpp,
a compiled library (about 0.5 ms a code), when it is installed, else segno, pure Python
(about 2 ms a code, as much as the rest of a letter). zxing-cpp comes with the project's dev
extra; for batches of tens of thousands of letters either install it or pass ``workers``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
import segno

zxingcpp: Any
try:
    import zxingcpp
except ImportError:  # pragma: no cover - the optional fast encoder is missing
    zxingcpp = None

__all__ = ["ENGINES", "qr_matrix", "qr_operator", "qr_operators"]

ENGINES = ("zxing", "segno")
# Below this many letters, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 500
# A fixed mask skips segno's evaluation of all eight masks (three quarters of its time); every
# mask yields a valid symbol, and error level M leaves ample margin for print and scan.
MASK = 4
_RECTS: dict[tuple[int, int, int], str] = {}


def default_engine() -> str:
    """ "zxing" when zxing-cpp is installed, else "segno"."""
    return "zxing" if zxingcpp is not None else "segno"


def qr_matrix(text: str, *, engine: str | None = None) -> npt.NDArray[np.bool_]:
    """The modules of the QR code of ``text`` (True is dark), without the quiet zone."""
    if (engine or default_engine()) == "zxing":
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        image = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
        return image < 128
    symbol = segno.make(text, error="m", micro=False, boost_error=False, mask=MASK)
    return np.array([list(row) for row in symbol.matrix], dtype=bool)


def qr_operator(text: str, *, engine: str | None = None) -> tuple[int, str]:
    """The QR code of ``text``: its width in modules and PDF path operators that draw each
    horizontal run of dark modules as a rectangle one unit high, down and to the right of
    the origin. The caller scales and moves the origin with ``cm`` and fills the path. The
    quiet zone is not drawn: the layout leaves white space around the code."""
    matrix = qr_matrix(text, engine=engine)
    size = matrix.shape[1]
    padded = np.zeros((matrix.shape[0], size + 2), dtype=np.int8)
    padded[:, 1:-1] = matrix
    edges = np.diff(padded, axis=1).ravel()
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts
    width = size + 1
    parts = []
    columns, rows = (starts % width).tolist(), (starts // width).tolist()
    for run in zip(columns, rows, lengths.tolist(), strict=True):
        text_run = _RECTS.get(run)
        if text_run is None:
            # The same runs recur from code to code: format each once.
            text_run = _RECTS[run] = f"{run[0]} {-run[1]} {run[2]} -1 re"
        parts.append(text_run)
    return size, " ".join(parts)


def _chunk(texts: Sequence[str], engine: str | None = None) -> list[tuple[int, str]]:
    return [qr_operator(t, engine=engine) for t in texts]


def qr_operators(texts: Sequence[str], *, workers: int = 1) -> Iterator[tuple[int, str]]:
    """The width and operators of each text's QR code, in order.

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
