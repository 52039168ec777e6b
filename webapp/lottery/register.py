"""Stage 1 through the library: reading a municipal register, the allocation preview and the
seeded invitation draw."""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pandas as pd

from sortition.errors import InputErrors, InputProblem
from sortition.invitations.allocation import allocate
from sortition.invitations.draw import InvitationDraw, draw_invitations, seed_from_text
from sortition.register import Register, read_register
from webapp.lottery.categories import CategoryMapping, age_band

YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True, slots=True)
class RegisterColumns:
    """The organiser's choice of register columns (only ``stratum`` is required)."""

    stratum: str
    household: tuple[str, ...] = ()
    id: str | None = None
    addressee: str | None = None
    # One entry per address line; "postcode+city" joins two columns on one line.
    address: tuple[str, ...] = ()
    gender: str | None = None
    birth_year: str | None = None

    def all(self) -> list[str]:
        address = [c for line in self.address for c in line.split("+")]
        named = [self.stratum, *self.household, self.id, self.addressee, *address]
        named += [self.gender, self.birth_year]
        return [c for c in dict.fromkeys(named) if c]


def read_columns(path: Path, *, name: str) -> list[str]:
    """The column names of a register file, from its header only (a register can have a
    million rows). Raises :class:`InputErrors` if the header cannot be read."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, nrows=0, dtype="string")
        else:
            with path.open("rb") as handle:
                header = handle.readline()
            if not header.strip():
                raise InputErrors([InputProblem(name, None, None, "the file is empty")])
            # The same separator rule as the library's reader: the more frequent of ; and ,
            sep = ";" if header.count(b";") > header.count(b",") else ","
            frame = pd.read_csv(io.BytesIO(header), sep=sep, encoding="utf-8-sig", nrows=0)
    except (ValueError, UnicodeDecodeError, OSError, zipfile.BadZipFile) as exc:
        raise InputErrors([InputProblem(name, None, None, f"cannot read: {exc}")]) from exc
    return [str(c).strip() for c in frame.columns]


SAMPLE_ROWS = 5000


def sample_values(path: Path, *, name: str, rows: int = SAMPLE_ROWS) -> dict[str, set[str]]:
    """The distinct values of each column in the first ``rows`` rows (for guessing which
    column holds what). Raises :class:`InputErrors` if the file cannot be read."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, nrows=rows, dtype="string")
        else:
            with path.open("rb") as handle:
                header = handle.readline()
            sep = ";" if header.count(b";") > header.count(b",") else ","
            frame = pd.read_csv(
                path,
                sep=sep,
                encoding="utf-8-sig",
                nrows=rows,
                dtype="string",
                keep_default_na=False,
            )
    except (ValueError, UnicodeDecodeError, OSError, zipfile.BadZipFile) as exc:
        raise InputErrors([InputProblem(name, None, None, f"cannot read: {exc}")]) from exc
    return {
        str(column).strip(): {str(v).strip() for v in frame[column].dropna().unique()}
        for column in frame.columns
    }


def read_register_file(path: Path, columns: RegisterColumns, *, name: str) -> Register:
    """Read the register with the chosen columns. Raises :class:`InputErrors` (file, row,
    column) for every problem; ``name`` is the file name the organiser uploaded."""
    try:
        register = read_register(
            path,
            strata_column=columns.stratum,
            household_columns=columns.household,
            id_column=columns.id,
        )
    except InputErrors as exc:
        raise InputErrors(_renamed(p, path.name, name) for p in exc.problems) from None
    missing = [c for c in columns.all() if c not in register.frame.columns]
    if missing:
        have = ", ".join(map(repr, register.frame.columns))
        raise InputErrors(
            InputProblem(name, 1, c, f"no column {c!r}; the columns are {have}") for c in missing
        )
    return register


def _renamed(problem: InputProblem, stored: str, name: str) -> InputProblem:
    file = name if problem.file == stored else problem.file
    return InputProblem(file, problem.row, problem.column, problem.message)


def allocation_preview(
    register: Register, n: int, *, weights: Mapping[str, Fraction] | None
) -> list[tuple[str, int, int]]:
    """(district, households, letters) per district. Raises :class:`InputErrors`."""
    households = register.households_per_stratum()
    letters = allocate(households, n, weights=weights, source=register.source)
    return [(s, households[s], letters[s]) for s in sorted(households)]


def new_seed() -> int:
    """A random 64-bit seed, for a draw without a public seed text."""
    return secrets.randbits(64)


def draw(
    register: Register, n: int, *, seed_text: str | None, weights: Mapping[str, Fraction] | None
) -> InvitationDraw:
    """The draw, seeded from public text when given (else a random seed, stored with it)."""
    text = seed_text.strip() if seed_text and seed_text.strip() else None
    seed = seed_from_text(text) if text is not None else new_seed()
    return draw_invitations(register, n, seed=seed, weights=weights, seed_text=text)


def category_counts(
    frame: pd.DataFrame,
    columns: RegisterColumns,
    *,
    mapping: CategoryMapping,
    year: int,
) -> dict[str, dict[str, int]]:
    """Rows per district, and per gender group and age band where the register has them.

    Counts the distinct raw values first and maps only those: a register of a million rows
    has a few dozen distinct districts, genders and birth years.
    """
    counts = {"district": _grouped(frame[columns.stratum], str.strip)}
    if columns.gender:

        def gender(raw: str) -> str:
            value = raw.strip().lower()
            return mapping.gender.get(value, value)

        counts["gender"] = _grouped(frame[columns.gender], gender)
    if columns.birth_year:

        def band(raw: str) -> str:
            digits = raw.strip()[:4]
            # ASCII digits only: '²³⁴⁵'.isdigit() is true, but int() refuses it.
            born = int(digits) if YEAR.fullmatch(digits) else None
            return age_band(born, bands=mapping.age_bands, year=year) or ""

        counts["age"] = _grouped(frame[columns.birth_year], band)
    return counts


def _grouped(values: pd.Series, key: Callable[[str], str]) -> dict[str, int]:
    """Counts per ``key(value)``, without empty keys, in sorted order."""
    totals: Counter[str] = Counter()
    for raw, count in values.value_counts().items():
        totals[key(str(raw))] += int(count)
    totals.pop("", None)
    return dict(sorted(totals.items()))
