"""The files of ``sortition tables``: members, who is present, the tables already held, the
rules; and the schedule written back.

Every problem is collected and raised at once as :class:`~sortition.errors.InputErrors`,
naming its file, row (the header is row 1) and column.

The rules file has the columns ``rule,members,table``, one rule per row:

``apart``
    exactly two member ids in ``members``: never at the same table.
``together``
    two or more ids: always at one table (those of them who are present).
``fixed``
    one or more ids and a table number in ``table``: always at that table.

Ids in ``members`` are separated by spaces or semicolons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sortition.errors import InputErrors, InputProblem
from sortition.tables.model import Member, Rules, TablesResult
from sortition.tabular.cells import restore_cell
from sortition.tabular.files import Sheet, match_key, read_sheet

RULE_KINDS = ("apart", "together", "fixed")


def read_members(path: str | Path, *, id_column: str, categories: Sequence[str]) -> list[Member]:
    """The members with their values of ``categories`` (spelled as in the file's header)."""
    problems: list[InputProblem] = []
    sheet = read_sheet(path, problems)
    if sheet is None:
        raise InputErrors(problems)
    ids = _column(sheet, id_column, problems)
    columns = [_column(sheet, c, problems) for c in categories]
    if ids is None or any(c is None for c in columns):
        raise InputErrors(problems)
    first: dict[str, int] = {}
    members = []
    for row in sheet.frame.index:
        pid = str(sheet.frame.at[row, ids]).strip()
        if not pid:
            problems.append(sheet.problem("the id is empty", row=int(row), column=ids))
        elif pid in first:
            message = f"the id {pid!r} appears twice (also on row {first[pid]})"
            problems.append(sheet.problem(message, row=int(row), column=ids))
        first.setdefault(pid, int(row))
        values: dict[str, str] = {}
        for name, column in zip(categories, columns, strict=True):
            assert column is not None
            value = " ".join(str(sheet.frame.at[row, column]).split())
            if not value:
                problems.append(sheet.problem("the value is empty", row=int(row), column=column))
            values[name] = value
        members.append(Member(pid, values))
    if problems:
        raise InputErrors(problems)
    return members


def read_present(path: str | Path, *, ids: Sequence[str], sittings: int) -> list[list[str]]:
    """Who is present at each sitting, from the columns ``sitting,id``; a sitting the file
    does not mention has everyone present."""
    problems: list[InputProblem] = []
    rows = _rows(path, ("sitting", "id"), ids=ids, sittings=sittings, problems=problems)
    listed: dict[int, list[str]] = {}
    for sitting, pid, _ in rows:
        listed.setdefault(sitting, []).append(pid)
    if problems:
        raise InputErrors(problems)
    return [listed.get(s, list(ids)) for s in range(1, sittings + 1)]


def read_history(path: str | Path, *, ids: Sequence[str]) -> list[list[list[str]]]:
    """The tables already held, from the columns ``sitting,table,id`` (a ``tables.csv`` of an
    earlier run will do; rows with the same sitting and table are one table, so the sittings
    of several runs joined into one file need distinct numbers). Ids that are no longer
    members are kept: they simply meet no one."""
    problems: list[InputProblem] = []
    rows = _rows(path, ("sitting", "table", "id"), ids=None, sittings=None, problems=problems)
    if problems:
        raise InputErrors(problems)
    held: dict[tuple[int, int], list[str]] = {}
    for sitting, pid, table in rows:
        # an id that looks like a formula was written with an apostrophe (write_csv)
        held.setdefault((sitting, table), []).append(str(restore_cell(pid)))
    by_sitting: dict[int, list[list[str]]] = {}
    for (sitting, _), members in sorted(held.items()):
        by_sitting.setdefault(sitting, []).append(members)
    return list(by_sitting.values())


def read_rules(path: str | Path, *, ids: Sequence[str]) -> Rules:
    """The rules file (see the module's documentation)."""
    problems: list[InputProblem] = []
    sheet = read_sheet(path, problems)
    if sheet is None:
        raise InputErrors(problems)
    kind, listed, table = (_column(sheet, c, problems) for c in ("rule", "members", "table"))
    if kind is None or listed is None or table is None:
        raise InputErrors(problems)
    known = set(ids)
    apart: list[tuple[str, str]] = []
    together: list[tuple[str, ...]] = []
    fixed: list[tuple[str, int]] = []
    for row in (int(r) for r in sheet.frame.index):
        rule = match_key(str(sheet.frame.at[row, kind]))
        members = [m for m in re.split(r"[\s;]+", str(sheet.frame.at[row, listed])) if m]
        for m in members:
            if m not in known:
                problems.append(sheet.problem(f"{m!r} is not a member", row=row, column=listed))
        if rule not in RULE_KINDS:
            message = f"unknown rule {rule!r}: use apart, together or fixed"
            problems.append(sheet.problem(message, row=row, column=kind))
        elif rule == "apart" and len(members) != 2:
            problems.append(sheet.problem("apart needs exactly two ids", row=row, column=listed))
        elif rule == "together" and len(members) < 2:
            problems.append(sheet.problem("together needs two or more ids", row=row, column=listed))
        elif rule == "fixed" and not members:
            problems.append(sheet.problem("fixed needs at least one id", row=row, column=listed))
        elif rule == "apart":
            apart.append((members[0], members[1]))
        elif rule == "together":
            together.append(tuple(members))
        else:
            number = _number(sheet, row, table, problems)
            fixed += [(m, number) for m in members if number is not None]
    if problems:
        raise InputErrors(problems)
    return Rules(tuple(apart), tuple(together), tuple(fixed))


def schedule_table(result: TablesResult) -> pd.DataFrame:
    """``sitting,table,id``: one row per member per sitting attended."""
    rows = [
        (s, b.number, pid)
        for s, sitting in enumerate(result.sittings, start=1)
        for b in sitting
        for pid in b.members
    ]
    return pd.DataFrame(rows, columns=["sitting", "table", "id"])


def facilitator_table(result: TablesResult) -> pd.DataFrame:
    """``sitting,table,facilitator`` for the tables that have one."""
    rows = [
        (s, b.number, b.facilitator)
        for s, sitting in enumerate(result.sittings, start=1)
        for b in sitting
        if b.facilitator is not None
    ]
    return pd.DataFrame(rows, columns=["sitting", "table", "facilitator"])


def _rows(
    path: str | Path,
    names: tuple[str, ...],
    *,
    ids: Sequence[str] | None,
    sittings: int | None,
    problems: list[InputProblem],
) -> list[tuple[int, str, int]]:
    """(sitting, id, table or 0) per row of a file with the columns ``names``."""
    sheet = read_sheet(path, problems)
    if sheet is None:
        return []
    columns = [_column(sheet, c, problems) for c in names]
    if any(c is None for c in columns):
        return []
    known = set(ids) if ids is not None else None
    out = []
    for row in (int(r) for r in sheet.frame.index):
        sitting = _number(sheet, row, columns[0], problems, most=sittings)
        pid = str(sheet.frame.at[row, columns[-1]]).strip()
        if not pid:
            problems.append(sheet.problem("the id is empty", row=row, column=columns[-1]))
        elif known is not None and pid not in known:
            problems.append(sheet.problem(f"{pid!r} is not a member", row=row, column=columns[-1]))
        table = _number(sheet, row, columns[1], problems) if len(names) == 3 else 0
        if sitting is not None and table is not None and pid:
            out.append((sitting, pid, table))
    return out


def _column(sheet: Sheet, name: str, problems: list[InputProblem]) -> str | None:
    actual = sheet.find(name)
    if actual is None:
        listing = ", ".join(repr(c) for c in sheet.frame.columns)
        message = f"there is no column {name!r}; the columns are {listing}"
        problems.append(sheet.problem(message, row=1))
    return actual


def _number(
    sheet: Sheet,
    row: int,
    column: str | None,
    problems: list[InputProblem],
    most: int | None = None,
) -> int | None:
    assert column is not None
    text = str(sheet.frame.at[row, column]).strip()
    # ASCII digits only: "²" and "①" pass str.isdigit() but int() refuses them
    if (
        not (text.isascii() and text.isdigit())
        or int(text) < 1
        or (most is not None and int(text) > most)
    ):
        limit = f" from 1 to {most}" if most is not None else " (1 or more)"
        message = f"{text!r} is not a whole number{limit}"
        problems.append(sheet.problem(message, row=row, column=column))
        return None
    return int(text)
