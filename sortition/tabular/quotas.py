"""Reading a quota file in any of the formats the field writes, detected from the header.

========================================  ===============================================
header                                    written by
========================================  ===============================================
``feature,value,min,max[,min_flex,max_flex]``  sortition-algorithms, OpenDLP
``category,name,min,max``                 the older Sortition Foundation stratification app
``category,feature,min,max``              the Nature 2021 replication code
========================================  ===============================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sortition.errors import InputProblem
from sortition.model import Quota, Quotas
from sortition.tabular.files import Sheet, match_key, read_sheet

# (category column, value column), tried in order; the first whose two columns exist wins.
LAYOUTS = (("feature", "value"), ("category", "name"), ("category", "feature"))
EXPECTED = (
    "feature,value,min,max (optionally min_flex,max_flex), category,name,min,max "
    "or category,feature,min,max"
)
# Spreadsheets may write 5 as "5.0".
WHOLE_NUMBER = re.compile(r"\d+(\.0*)?")


Vocabulary = dict[str, list[str]]


def parse_quotas(
    path: str | Path, problems: list[InputProblem]
) -> tuple[Quotas | None, Vocabulary | None]:
    """Read the quota file at ``path`` and append every problem found.

    Returns the quotas in file order (spelling as in the file, spaces trimmed), None when there
    is any problem; and the vocabulary (category -> values) of every row that names both,
    even rows with bad bounds, so the pool can still be checked against it (None when the
    file or its header cannot be read).
    """
    before = len(problems)
    sheet = read_sheet(path, problems)
    columns = _columns(sheet, problems) if sheet is not None else None
    if sheet is None or columns is None:
        return None, None
    vocabulary: Vocabulary = {}
    items: list[Quota] = []
    first_row: dict[tuple[str, str], int] = {}
    spelling: dict[str, str] = {}  # one spelling per category: the first one in the file
    for row, cells in zip(sheet.frame.index, sheet.frame.itertuples(index=False), strict=True):
        record = dict(zip(sheet.frame.columns, cells, strict=True))
        category, value = (" ".join(record[c].split()) for c in columns[:2] if c is not None)
        key = (match_key(category), match_key(value))
        if category and value and key in first_row:
            message = f"{category} {value} appears twice (first on row {first_row[key]})"
            problems.append(sheet.problem(message, row=int(row), column=columns[1]))
            continue
        first_row.setdefault(key, int(row))
        if category and value:
            category = spelling.setdefault(key[0], category)
            vocabulary.setdefault(category, []).append(value)
        quota = _quota(sheet, int(row), record, columns, problems)
        if quota is not None:
            items.append(_with_category(quota, category))
    return (Quotas(tuple(items)) if len(problems) == before else None), vocabulary


def _columns(sheet: Sheet, problems: list[InputProblem]) -> Sequence[str | None] | None:
    """The actual names of (category, value, min, max, min_flex, max_flex); flex may be None."""
    for category, value in LAYOUTS:
        found = sheet.find(category), sheet.find(value)
        if found[0] is not None and found[1] is not None:
            break
    else:
        header = ",".join(sheet.frame.columns)
        problems.append(sheet.problem(f"the header must be {EXPECTED}; it is {header}", row=1))
        return None
    bounds = [sheet.find(b) for b in ("min", "max")]
    for bound, actual in zip(("min", "max"), bounds, strict=True):
        if actual is None:
            problems.append(sheet.problem(f"the column {bound!r} is missing", row=1))
    if None in bounds:
        return None
    return [*found, *bounds, sheet.find("min_flex"), sheet.find("max_flex")]


def _quota(
    sheet: Sheet,
    row: int,
    record: dict[str, str],
    columns: Sequence[str | None],
    problems: list[InputProblem],
) -> Quota | None:
    """One row as a Quota, or None with its problems appended."""
    before = len(problems)
    texts = [record[c].strip() if c is not None else "" for c in columns]
    for column, text, what in zip(columns[:2], texts[:2], ("category", "value"), strict=True):
        if not text:
            problems.append(sheet.problem(f"the {what} is empty", row=row, column=column))
    low, high, low_flex, high_flex = (
        _count(sheet, row, column, text, problems, required=i < 2)
        for i, (column, text) in enumerate(zip(columns[2:], texts[2:], strict=True))
    )
    if low is not None and high is not None and low > high:
        message = f"the minimum {low} is more than the maximum {high}"
        problems.append(sheet.problem(message, row=row, column=columns[2]))
    if low is not None and low_flex is not None and low_flex > low:
        message = f"min_flex {low_flex} is more than the minimum {low}"
        problems.append(sheet.problem(message, row=row, column=columns[4]))
    if high is not None and high_flex is not None and high_flex < high:
        message = f"max_flex {high_flex} is less than the maximum {high}"
        problems.append(sheet.problem(message, row=row, column=columns[5]))
    if len(problems) > before or low is None or high is None:
        return None
    category, value = (" ".join(t.split()) for t in texts[:2])
    return Quota(category, value, low, high, low_flex, high_flex)


def _count(
    sheet: Sheet,
    row: int,
    column: str | None,
    text: str,
    problems: list[InputProblem],
    *,
    required: bool,
) -> int | None:
    """A bound: a whole number >= 0; blank is None when not ``required``."""
    if column is None or (not text and not required):
        return None
    if WHOLE_NUMBER.fullmatch(text) is None:
        shown = repr(text) if text else "empty"
        message = f"must be a whole number, 0 or more; it is {shown}"
        problems.append(sheet.problem(message, row=row, column=column))
        return None
    return int(float(text))


def _with_category(quota: Quota, category: str) -> Quota:
    return Quota(category, quota.value, quota.min, quota.max, quota.min_flex, quota.max_flex)
