"""Spreadsheet-safe CSV cells: a cell that starts like a formula is written with a leading
apostrophe, so a spreadsheet program shows it as text instead of running it (CSV injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets the ``'``.
So that reading a file back gives exactly what was written, a cell that already starts with
apostrophes followed by one of those gets one more; :func:`restore_cell` removes one.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise_cell", "neutralise_frame", "restore_cell", "restore_frame"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _risky(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise_cell(value: object) -> object:
    """``value`` as written to a CSV: text that a spreadsheet would run gets a leading ``'``.
    Numbers and other non-text values are left alone (``-3`` stays a number)."""
    if isinstance(value, str) and _risky(value):
        return "'" + value
    return value


def restore_cell(value: object) -> object:
    """The inverse of :func:`neutralise_cell` (for files we wrote and read back)."""
    if isinstance(value, str) and value.startswith("'") and _risky(value[1:]):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) neutralised."""
    out = frame.copy()
    out.columns = [neutralise_cell(c) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`neutralise_frame` for a frame read with ``dtype="string"``."""
    out = frame.copy()
    out.columns = [restore_cell(c) for c in out.columns]
    for column in out.columns:
        out[column] = out[column].map(restore_cell)
    return out
