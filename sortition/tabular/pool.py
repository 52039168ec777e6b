"""Reading the pool of volunteers and matching it to the quotas.

Category names and values match the quota file case- and white-space-insensitively and take
the quota file's spelling. Columns the quotas do not use (names, e-mails, ...) are kept in the
table for the output files but never reach :class:`~sortition.model.Person`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sortition.errors import InputProblem
from sortition.households import household_key
from sortition.model import Person, Pool
from sortition.tabular.files import Sheet, match_key, read_sheet


@dataclass(frozen=True, slots=True, eq=False)
class LoadedPool:
    """The pool as value types, and the table it came from.

    ``table`` has every original column as strings, one row per person in ``pool`` order,
    indexed by spreadsheet row number. ``id_column`` is None when the ids are those row
    numbers (as text: the first volunteer, on row 2 below the header, has id "2").
    """

    pool: Pool
    table: pd.DataFrame
    id_column: str | None

    def rows(self, ids: Sequence[str]) -> pd.DataFrame:
        """The original rows of ``ids``, in that order."""
        position = {pid: i for i, pid in enumerate(self.pool.ids)}
        return self.table.iloc[[position[pid] for pid in ids]]


def parse_pool(
    path: str | Path,
    vocabulary: Mapping[str, Sequence[str]] | None,
    *,
    id_column: str | None,
    address_columns: Sequence[str],
    problems: list[InputProblem],
) -> LoadedPool | None:
    """Read the pool at ``path``, matching its values to ``vocabulary`` (category -> values,
    in the quota file's spelling; None skips the matching). Every problem found is appended
    to ``problems``; returns None when there is any."""
    before = len(problems)
    sheet = read_sheet(path, problems)
    if sheet is None:
        return None
    ids = _ids(sheet, id_column, problems)
    houses = _households(sheet, address_columns, problems)
    features = _features(sheet, vocabulary, problems) if vocabulary is not None else None
    if len(problems) > before or ids is None or features is None:
        return None
    people = tuple(
        Person(pid, values, house) for pid, values, house in zip(ids, features, houses, strict=True)
    )
    actual = sheet.find(id_column) if id_column is not None else None
    return LoadedPool(Pool(people), sheet.frame, actual)


def _ids(sheet: Sheet, id_column: str | None, problems: list[InputProblem]) -> list[str] | None:
    """One id per row: the id column's (stripped), or the row numbers; unique and non-empty."""
    rows = [int(r) for r in sheet.frame.index]
    if id_column is None:
        return [str(r) for r in rows]
    actual = sheet.find(id_column)
    if actual is None:
        message = f"there is no id column {id_column!r}; the columns are {_listing(sheet)}"
        problems.append(sheet.problem(message, row=1))
        return None
    ids = [cell.strip() for cell in sheet.frame[actual]]
    first: dict[str, int] = {}
    for row, pid in zip(rows, ids, strict=True):
        if not pid:
            problems.append(sheet.problem("the id is empty", row=row, column=actual))
        elif pid in first:
            message = f"the id {pid!r} is also on row {first[pid]}"
            problems.append(sheet.problem(message, row=row, column=actual))
        else:
            first[pid] = row
    return ids


def _households(
    sheet: Sheet, address_columns: Sequence[str], problems: list[InputProblem]
) -> list[str | None]:
    """One normalised address key per row (None without address columns or address)."""
    actual: list[str] = []
    for name in address_columns:
        found = sheet.find(name)
        if found is None:
            message = f"there is no address column {name!r}; the columns are {_listing(sheet)}"
            problems.append(sheet.problem(message, row=1))
        else:
            actual.append(found)
    if not actual or len(actual) < len(address_columns):
        return [None] * len(sheet.frame)
    cells = sheet.frame[actual].itertuples(index=False)
    return [household_key(str(c) for c in row) for row in cells]


def _features(
    sheet: Sheet, vocabulary: Mapping[str, Sequence[str]], problems: list[InputProblem]
) -> list[dict[str, str]] | None:
    """Each row's value per quota category, in the quota file's spelling."""
    rows = [int(r) for r in sheet.frame.index]
    features: list[dict[str, str]] = [{} for _ in rows]
    ok = True
    for category, allowed in vocabulary.items():
        column = sheet.find(category)
        if column is None:
            message = (
                f"the quotas use the category {category!r} but the pool has no such column; "
                f"the columns are {_listing(sheet)}"
            )
            problems.append(sheet.problem(message, row=1))
            ok = False
            continue
        spelling = {match_key(v): v for v in allowed}
        for row, cell, values in zip(rows, sheet.frame[column], features, strict=True):
            value = spelling.get(match_key(cell))
            if value is None:
                problems.append(
                    sheet.problem(_unknown(cell, category, spelling), row=row, column=column)
                )
                ok = False
            else:
                values[category] = value
    return features if ok else None


def _unknown(cell: str, category: str, spelling: dict[str, str]) -> str:
    allowed = ", ".join(repr(v) for v in spelling.values())
    if not cell.strip():
        return f"the {category} is empty; the quota file allows {allowed}"
    return f"{cell.strip()!r} has no quota in {category!r}; the quota file has {allowed}"


def _listing(sheet: Sheet) -> str:
    return ", ".join(repr(c) for c in sheet.frame.columns)
