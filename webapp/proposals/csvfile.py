"""Proposals from a CSV file: columns title, summary, supports and link (id optional).

Every problem is named by the file's row (the header is row 1) and column; a file with any
problem imports nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Hashable, Mapping
from typing import IO, Any

import pandas as pd
from flask_babel import LazyString

from webapp.i18n import lazy_gettext as _l
from webapp.proposals.graphql import Imported, ImportFailed

REQUIRED = ("title", "supports")
KNOWN = ("id", "title", "summary", "supports", "link")
MAX_ROWS = 10_000


class CsvProblems(ImportFailed):
    """The file's problems, one message per row and column."""

    def __init__(self, problems: list[str | LazyString]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def read_proposals_csv(stream: IO[bytes], *, filename: str) -> list[Imported]:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblems([_l("%(file)s is not a UTF-8 text file.", file=filename)]) from None
    if not text.strip():
        raise CsvProblems([_l("%(file)s is empty.", file=filename)])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        table = pd.read_csv(io.StringIO(text), dtype="string", sep=delimiter, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise CsvProblems(
            [_l("%(file)s cannot be read as CSV: %(why)s", file=filename, why=str(exc))]
        ) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise CsvProblems(
            [
                _l(
                    "%(file)s has no column %(column)s. The columns are title, summary, "
                    "supports and link.",
                    file=filename,
                    column=name,
                )
                for name in missing
            ]
        )
    if len(table) > MAX_ROWS:
        raise CsvProblems([_l("%(file)s has more than 10,000 rows.", file=filename)])
    problems: list[str | LazyString] = []
    proposals: list[Imported] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(table.to_dict("records")):
        line = index + 2
        item = _row(row, line=line, filename=filename, problems=problems)
        if item is None:
            continue
        if item.external_id in seen:
            problems.append(
                _l(
                    "%(file)s row %(row)s: the same proposal as row %(other)s.",
                    file=filename,
                    row=line,
                    other=seen[item.external_id],
                )
            )
            continue
        seen[item.external_id] = line
        proposals.append(item)
    if problems:
        raise CsvProblems(problems)
    if not proposals:
        raise CsvProblems([_l("%(file)s has no proposals.", file=filename)])
    return proposals


def _row(
    row: Mapping[Hashable, Any], *, line: int, filename: str, problems: list[str | LazyString]
) -> Imported | None:
    def cell(name: str) -> str:
        value = row.get(name)
        return "" if value is None or value is pd.NA else str(value).strip()

    title, supports_text, link = cell("title"), cell("supports"), cell("link")
    count = len(problems)
    if not title:
        problems.append(_l("%(file)s row %(row)s, column title: empty.", file=filename, row=line))
    elif len(title) > 500:
        problems.append(
            _l(
                "%(file)s row %(row)s, column title: longer than 500 characters.",
                file=filename,
                row=line,
            )
        )
    supports: int | None = None
    cleaned = supports_text.replace(".", "").replace(",", "").replace(" ", "")
    # isdecimal(), not isdigit(): "²³" are digits that int() refuses. Nine digits at most:
    # the column is a 32-bit integer.
    if not cleaned.isdecimal() or len(cleaned) > 9:
        problems.append(
            _l(
                "%(file)s row %(row)s, column supports: %(value)s is not a whole number.",
                file=filename,
                row=line,
                value=repr(supports_text) if supports_text else _l("empty"),
            )
        )
    else:
        supports = int(cleaned)
    if link and not link.startswith(("http://", "https://")):
        problems.append(
            _l(
                "%(file)s row %(row)s, column link: a link starts with https:// or http://.",
                file=filename,
                row=line,
            )
        )
    if len(problems) > count:
        return None
    ident = cell("id") or link or "title:" + hashlib.sha256(title.lower().encode()).hexdigest()[:32]
    return Imported(
        external_id=ident[:200],
        title=title,
        summary=cell("summary"),
        supports=supports,
        link=link or None,
    )
