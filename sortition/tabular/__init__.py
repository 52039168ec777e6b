"""Pools and quotas from CSV and XLSX files, and the output tables of a selection.

Every problem in the input files is collected and raised at once as
:class:`~sortition.errors.InputErrors`, each naming its file, row (as a spreadsheet numbers
it: the header is row 1) and column, so an organiser can fix everything in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from sortition.errors import InputErrors, InputProblem
from sortition.model import Quotas
from sortition.tabular.cells import neutralise_frame
from sortition.tabular.files import match_key
from sortition.tabular.pool import LoadedPool, parse_pool
from sortition.tabular.quotas import parse_quotas

__all__ = [
    "LoadedPool",
    "match_key",
    "people_table",
    "probability_table",
    "read_inputs",
    "read_pool",
    "read_quotas",
    "write_csv",
]


def read_quotas(path: str | Path) -> Quotas:
    """The quotas in the file at ``path`` (format detected from the header).

    Raises :class:`InputErrors` listing every problem in the file.
    """
    problems: list[InputProblem] = []
    quotas, _ = parse_quotas(path, problems)
    if quotas is None or problems:
        raise InputErrors(problems)
    return quotas


def read_pool(
    path: str | Path,
    quotas: Quotas,
    *,
    id_column: str | None = None,
    address_columns: Sequence[str] = (),
) -> LoadedPool:
    """The volunteers in the file at ``path``, matched to ``quotas``.

    ``id_column`` names the column of ids (None: the spreadsheet row numbers are the ids);
    ``address_columns`` together give the household (one panel member per household).
    Raises :class:`InputErrors` listing every problem in the file.
    """
    problems: list[InputProblem] = []
    vocabulary = {c: list(quotas.values(c)) for c in quotas.categories}
    loaded = parse_pool(
        path, vocabulary, id_column=id_column, address_columns=address_columns, problems=problems
    )
    if loaded is None or problems:
        raise InputErrors(problems)
    return loaded


def read_inputs(
    people: str | Path,
    quotas: str | Path,
    *,
    id_column: str | None = None,
    address_columns: Sequence[str] = (),
) -> tuple[LoadedPool, Quotas]:
    """Both files of a selection; raises :class:`InputErrors` with the problems of both (the
    pool is checked against every quota row that names a category and a value, even when
    the quota file has other problems)."""
    problems: list[InputProblem] = []
    read, vocabulary = parse_quotas(quotas, problems)
    loaded = parse_pool(
        people, vocabulary, id_column=id_column, address_columns=address_columns, problems=problems
    )
    if read is None or loaded is None or problems:
        raise InputErrors(problems)
    return loaded, read


def people_table(loaded: LoadedPool, ids: Sequence[str]) -> pd.DataFrame:
    """The original rows of ``ids`` in that order, with every original column; when ids are
    row numbers a first column ``row`` holds them."""
    frame = loaded.rows(ids).copy()
    if loaded.id_column is None:
        frame.insert(0, _free_name(frame, "row"), list(ids))
    return frame


def probability_table(probabilities: Mapping[str, float], ids: Sequence[str]) -> pd.DataFrame:
    """Columns ``id,probability`` in the order of ``ids``."""
    return pd.DataFrame({"id": list(ids), "probability": [probabilities[i] for i in ids]})


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as UTF-8 CSV without the index; cells that a spreadsheet would run as a
    formula are neutralised (:mod:`sortition.tabular.cells`)."""
    neutralise_frame(frame).to_csv(path, index=False)


def _free_name(frame: pd.DataFrame, name: str) -> str:
    taken = {match_key(c) for c in frame.columns}
    while match_key(name) in taken:
        name = "_" + name
    return name
