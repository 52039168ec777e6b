"""Reading a municipal register (CSV or XLSX) into households grouped by stratum.

A register has one row per person or one row per address. With ``household_columns`` the rows
that share those columns (compared as :func:`sortition.households.normalise_part` compares
address fields: without case, accents, punctuation or extra blanks) form one household, which
receives one letter; without them every row is a household. A household's first row stands
for it in the output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from sortition.errors import InputErrors, InputProblem
from sortition.households import normalise_part

__all__ = [
    "Register",
    "household_numbers",
    "normalised_key",
    "read_register",
    "read_table",
    "sheet_row",
]

# Past this many problems of one kind, one summary line says how many more there are.
MAX_PROBLEMS_PER_KIND = 20


@dataclass(frozen=True, slots=True, eq=False)
class Register:
    """A register as read: every row (all columns as strings) and its households.

    ``household_of_row[i]`` is the household number of row ``i`` (0-based, in order of first
    appearance); ``first_row[h]`` is the 0-based row that stands for household ``h``;
    ``strata`` are the distinct strata in sorted order and ``stratum_of_household[h]`` is the
    index of household ``h``'s stratum in it.
    """

    source: str
    sha256: str
    frame: pd.DataFrame
    strata_column: str
    household_columns: tuple[str, ...]
    id_column: str | None
    household_of_row: npt.NDArray[np.intp]
    first_row: npt.NDArray[np.intp]
    strata: tuple[str, ...]
    stratum_of_household: npt.NDArray[np.intp]

    @property
    def households(self) -> int:
        return len(self.first_row)

    @property
    def household_stratum(self) -> npt.NDArray[np.object_]:
        """The stratum of each household, by name."""
        return np.array(self.strata, dtype=object)[self.stratum_of_household]

    def households_per_stratum(self) -> dict[str, int]:
        """Number of households in each stratum, strata in sorted order."""
        counts = np.bincount(self.stratum_of_household, minlength=len(self.strata))
        return {s: int(c) for s, c in zip(self.strata, counts, strict=True)}


def sheet_row(position: int) -> int:
    """The row number a spreadsheet shows for 0-based data row ``position`` (header is row 1)."""
    return position + 2


def read_table(path: str | Path) -> tuple[str, pd.DataFrame]:
    """The SHA-256 of a CSV or XLSX file's bytes and its rows, every cell a string ("" if empty).

    CSV files are UTF-8 (a byte-order mark is allowed), separated by commas or semicolons.
    Raises :class:`InputErrors` when the file is missing, empty or unreadable.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputErrors([InputProblem(path.name, None, None, f"cannot read: {exc}")]) from exc
    if not data or data.isspace():
        raise InputErrors([InputProblem(path.name, None, None, "the file is empty")])
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    try:
        frame = _parse(data, xlsx=xlsx)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, csv.Error) as exc:
        raise InputErrors([InputProblem(path.name, None, None, f"cannot read: {exc}")]) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        # A damaged workbook (or another file named .xlsx): openpyxl's own errors.
        raise InputErrors(
            [InputProblem(path.name, None, None, f"cannot read as a spreadsheet: {exc}")]
        ) from exc
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes the extra cells of a first row longer than the header as an index.
        raise InputErrors([_long_row(path.name, data, len(frame.columns))])
    return hashlib.sha256(data).hexdigest(), frame


def _long_row(source: str, data: bytes, width: int) -> InputProblem:
    """The first CSV row with more cells than the header names columns."""
    text = data.decode("utf-8-sig", errors="replace")
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), 1):
        if number > 1 and len(cells) > width:
            message = f"this row has {len(cells)} cells but the header names only {width} columns"
            return InputProblem(source, number, None, message)
    return InputProblem(source, None, None, "a row has more cells than the header names columns")


def _parse(data: bytes, *, xlsx: bool) -> pd.DataFrame:
    if xlsx:
        frame = pd.read_excel(io.BytesIO(data), dtype="string", keep_default_na=False)
        frame = frame.fillna("")  # empty cells of a spreadsheet come back missing
    else:
        header = data[: data.find(b"\n")]  # no copy of the whole file
        sep = ";" if header.count(b";") > header.count(b",") else ","
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype="string",
            keep_default_na=False,
            sep=sep,
            encoding="utf-8-sig",
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _canonical_codes(values: pd.Series) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Codes of each value once normalised (:func:`normalise_part`), and the canonical
    values. Each distinct value is normalised once: a register repeats street names."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    canonical = np.array([normalise_part(str(u)) for u in uniques], dtype=object)
    canonical_codes, canonical_uniques = pd.factorize(canonical)
    return canonical_codes[codes].astype(np.intp), np.asarray(canonical_uniques, dtype=object)


def normalised_key(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One string per row joining ``columns``, without case or extra blanks, so that
    "Calle Mayor, 1" and "calle mayor 1" name the same address."""
    key: npt.NDArray[np.object_] | None = None
    for column in columns:
        codes, canonical = _canonical_codes(frame[column])
        part = canonical[codes] if len(canonical) else np.full(len(frame), "", dtype=object)
        key = part if key is None else key + "\x1f" + part
    return pd.Series(key, index=frame.index, dtype=object)


def household_numbers(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.intp]:
    """The household number of each row, numbered in order of first appearance: rows with the
    same ``columns`` (compared as :func:`normalised_key` compares them) share one."""
    numbers = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, canonical = _canonical_codes(frame[column])
        # Stays below rows * distinct values, far inside int64.
        combined = numbers * max(len(canonical), 1) + codes
        numbers = pd.factorize(combined)[0].astype(np.int64)
    return numbers.astype(np.intp)


def _strata_codes(values: pd.Series) -> tuple[npt.NDArray[np.intp], tuple[str, ...]]:
    """Each row's stratum as an index into the sorted distinct strata (blanks stripped).
    Each distinct value is handled once: there are few strata and many rows."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    clean = [str(u).strip() for u in uniques]
    names = tuple(sorted(set(clean)))
    position = {name: i for i, name in enumerate(names)}
    remap = np.array([position[c] for c in clean] or [0], dtype=np.intp)
    return remap[codes], names


def read_register(
    path: str | Path,
    *,
    strata_column: str,
    household_columns: Sequence[str] = (),
    id_column: str | None = None,
) -> Register:
    """Read a register and group its rows into households.

    Raises :class:`InputErrors` listing every problem at once: a missing column, no rows, an
    empty stratum, an empty or duplicate id, a household whose rows name different strata.
    """
    source = Path(path).name
    sha256, frame = read_table(path)
    wanted = [strata_column, *household_columns, *([id_column] if id_column else [])]
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        have = ", ".join(map(repr, frame.columns))
        raise InputErrors(
            InputProblem(source, 1, c, f"no column {c!r}; the columns are {have}") for c in missing
        )
    if frame.empty:
        raise InputErrors([InputProblem(source, None, None, "the register has no rows")])
    stratum_of_row, strata = _strata_codes(frame[strata_column])
    blank = stratum_of_row == strata.index("") if "" in strata else np.zeros(len(frame), bool)
    problems = _empty_cells(source, blank, strata_column, "no stratum")
    if id_column:
        # Ids are compared as written: stripping 1.3 million of them costs a second.
        problems += _id_problems(source, frame[id_column], id_column)
    household_of_row, first_row = _households(frame, household_columns)
    if household_columns:
        problems += _split_households(
            source, (stratum_of_row, strata), household_of_row, first_row, strata_column
        )
    if problems:
        raise InputErrors(problems)
    return Register(
        source=source,
        sha256=sha256,
        frame=frame,
        strata_column=strata_column,
        household_columns=tuple(household_columns),
        id_column=id_column,
        household_of_row=household_of_row,
        first_row=first_row,
        strata=strata,
        stratum_of_household=stratum_of_row[first_row],
    )


def _households(
    frame: pd.DataFrame, columns: Sequence[str]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The household number of each row and the first row of each household."""
    if not columns:
        rows = np.arange(len(frame), dtype=np.intp)
        return rows, rows
    household_of_row = household_numbers(frame, columns)
    # Households are numbered in order of first appearance, so the first indices come sorted.
    first_row = np.unique(household_of_row, return_index=True)[1].astype(np.intp)
    return household_of_row, first_row


def _capped(
    source: str, column: str, problems: Iterable[InputProblem], total: int
) -> list[InputProblem]:
    kept = [p for _, p in zip(range(MAX_PROBLEMS_PER_KIND), problems, strict=False)]
    if total > len(kept):
        more = total - len(kept)
        kept.append(InputProblem(source, None, column, f"... and {more} more rows like these"))
    return kept


def _empty_cells(
    source: str, blank: npt.NDArray[np.bool_], column: str, what: str
) -> list[InputProblem]:
    rows = np.flatnonzero(blank)
    found = (InputProblem(source, sheet_row(int(r)), column, what) for r in rows)
    return _capped(source, column, found, len(rows))


def _id_problems(source: str, ids: pd.Series, column: str) -> list[InputProblem]:
    problems = _empty_cells(source, (ids == "").to_numpy(dtype=bool), column, "no id")
    filled = ids[ids != ""]
    shared = filled[filled.duplicated(keep=False).to_numpy(dtype=bool)]
    first_seen: dict[str, int] = {}
    dupes: list[tuple[int, str]] = []
    for pos, value in zip(shared.index.to_numpy(), shared.to_numpy(dtype=object), strict=True):
        if value in first_seen:
            dupes.append((int(pos), str(value)))
        else:
            first_seen[value] = int(pos)
    found = (
        InputProblem(
            source, sheet_row(p), column, f"id {v!r} is already on row {sheet_row(first_seen[v])}"
        )
        for p, v in dupes
    )
    return problems + _capped(source, column, found, len(dupes))


def _split_households(
    source: str,
    strata: tuple[npt.NDArray[np.intp], tuple[str, ...]],
    household_of_row: npt.NDArray[np.intp],
    first_row: npt.NDArray[np.intp],
    column: str,
) -> list[InputProblem]:
    codes, names = strata
    expected = codes[first_row][household_of_row]
    rows = np.flatnonzero(codes != expected)
    found = (
        InputProblem(
            source,
            sheet_row(int(r)),
            column,
            f"same household as row {sheet_row(int(first_row[household_of_row[r]]))} "
            f"but stratum {names[codes[r]]!r} instead of {names[expected[r]]!r}",
        )
        for r in rows
    )
    return _capped(source, column, found, len(rows))
