"""Reading one input table (CSV or XLSX) into strings, keeping spreadsheet row numbers.

CSV goes through :mod:`csv` rather than :func:`pandas.read_csv`: pandas shifts a row with too
many fields into the index (or drops fields with a warning) and forgets line numbers, and
every problem must name its row. The cells then become a ``dtype="string"`` DataFrame.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sortition.errors import InputProblem

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
# Excel writes ";" where "," is the decimal separator (Dutch and Spanish settings).
DELIMITERS = (",", ";", "\t")
# Excel on Windows saves "CSV" in the ANSI code page; try it when UTF-8 fails.
ENCODINGS = ("utf-8-sig", "cp1252")


def match_key(text: str) -> str:
    """How names and values are compared: case- and white-space-insensitively."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True, eq=False)
class Sheet:
    """A table as read: every cell a string (blank cells ""), header names stripped, index =
    spreadsheet row numbers (the header is row 1); wholly blank rows are left out."""

    file: str
    frame: pd.DataFrame

    def find(self, name: str) -> str | None:
        """The header spelled like ``name`` up to case and spaces, or None."""
        wanted = match_key(name)
        return next((c for c in self.frame.columns if match_key(c) == wanted), None)

    def problem(
        self, message: str, *, row: int | None = None, column: str | None = None
    ) -> InputProblem:
        return InputProblem(self.file, row, column, message)


def read_sheet(path: str | Path, problems: list[InputProblem]) -> Sheet | None:
    """Read ``path``; on failure append the reasons to ``problems`` and return None."""
    name = str(path)
    path = Path(path)
    rows = _read_rows(path, name, problems)
    if rows is None:
        return None
    while rows and not any(cell.strip() for cell in rows[0][1]):
        rows = rows[1:]  # blank lines above the header
    if not rows:
        problems.append(InputProblem(name, None, None, "the file is empty (no header row)"))
        return None
    (_, header), body = rows[0], [(n, c) for n, c in rows[1:] if any(x.strip() for x in c)]
    columns = _named_columns(name, [h.strip() for h in header], body, problems)
    if columns is None:
        return None
    width = len(columns)
    for number, cells in body:
        if any(c.strip() for c in cells[width:]):
            message = f"this row has {len(cells)} cells but the header names only {width} columns"
            problems.append(InputProblem(name, number, None, message))
    frame = pd.DataFrame(
        [(cells + [""] * width)[:width] for _, cells in body],
        columns=columns,
        index=pd.Index([n for n, _ in body], dtype="int64"),
        dtype="string",
    )
    if frame.empty:
        problems.append(InputProblem(name, None, None, "the file has a header but no rows"))
    return Sheet(name, frame)


def _named_columns(
    name: str, header: list[str], body: list[tuple[int, list[str]]], problems: list[InputProblem]
) -> list[str] | None:
    """The header without trailing unnamed empty columns (spreadsheets add them), or None
    when a column holding data has no name or two columns share one."""
    while (
        header
        and not header[-1]
        and not any(
            len(cells) >= len(header) and cells[len(header) - 1].strip() for _, cells in body
        )
    ):
        header.pop()
    before = len(problems)
    seen: dict[str, str] = {}
    for position, column in enumerate(header, start=1):
        if not column:
            problems.append(InputProblem(name, 1, None, f"column {position} has no name"))
        elif match_key(column) in seen:
            message = f"the column name appears twice (also as {seen[match_key(column)]!r})"
            problems.append(InputProblem(name, 1, column, message))
        else:
            seen[match_key(column)] = column
    return header if len(problems) == before else None


def _read_rows(
    path: Path, name: str, problems: list[InputProblem]
) -> list[tuple[int, list[str]]] | None:
    """Rows as (spreadsheet row number, cells), or None with a problem appended."""
    if not path.exists():
        problems.append(InputProblem(name, None, None, "no such file"))
        return None
    if path.is_dir():
        problems.append(InputProblem(name, None, None, "this is a folder, not a file"))
        return None
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            return _excel_rows(path)
        return _csv_rows(path.read_bytes())
    except (OSError, ValueError, KeyError, csv.Error, zipfile.BadZipFile) as error:
        kind = (
            "an Excel workbook (.xlsx)"
            if path.suffix.lower() in EXCEL_SUFFIXES
            else "a CSV text file"
        )
        problems.append(
            InputProblem(name, None, None, f"cannot be read as {kind}: {_short(error)}")
        )
        return None


def _excel_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The first worksheet; pandas' row index is the spreadsheet row number minus one."""
    frame = pd.read_excel(path, sheet_name=0, header=None, dtype="string", engine="openpyxl")
    frame = frame.fillna("")
    return [
        (int(i) + 1, [str(c) for c in row])
        for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:65536]:
        raise ValueError("it contains binary data (is it a spreadsheet saved in another format?)")
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(reader, start=1):
        rows.append((number, cells))
    return rows


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("its text encoding is neither UTF-8 nor Windows-1252")


def _short(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "..."
