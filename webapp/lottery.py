"""The one bridge between the web app and :mod:`sortition`: registers, the invitation draw,
reply codes and the category mapping (reply answers -> quota values).

Views never import the library; services call these functions with plain values and get plain
values (or the library's frozen types) back.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

from sortition.codes import generate_codes, normalise_code
from sortition.errors import InputErrors, InputProblem
from sortition.invitations.allocation import allocate, parse_weights
from sortition.invitations.draw import InvitationDraw, draw_invitations, seed_from_text
from sortition.letters import LANGUAGES as LETTER_LANGUAGES
from sortition.letters import mail_merge_csv, render_letters
from sortition.register import Register, read_register
from webapp.codes import code_hash

__all__ = [
    "CategoryMapping",
    "InputErrors",
    "InputProblem",
    "RegisterColumns",
    "age_band",
    "allocation_preview",
    "band_labels",
    "category_counts",
    "category_mapping",
    "draw",
    "invitation_rows",
    "new_code",
    "new_seed",
    "parse_weights",
    "read_columns",
    "read_register_file",
    "write_letters_pdf",
    "write_printer_csv",
]

DEFAULT_AGE_BANDS = (16, 30, 45, 65)
DEFAULT_GENDER = {"female": "female", "male": "male", "non_binary": "other", "undisclosed": "other"}


@dataclass(frozen=True, slots=True)
class CategoryMapping:
    """How answers become quota values: gender answer -> group, birth year -> age band.

    ``age_bands`` are the first ages of the bands: (16, 30, 45, 65) gives 16-29, 30-44,
    45-64 and 65+.
    """

    gender: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GENDER))
    age_bands: tuple[int, ...] = DEFAULT_AGE_BANDS


def category_mapping(raw: Mapping[str, Any]) -> CategoryMapping:
    """The mapping a jury stores as JSON, with defaults for whatever is missing."""
    gender = {**DEFAULT_GENDER, **{str(k): str(v) for k, v in raw.get("gender", {}).items()}}
    bands = tuple(int(b) for b in raw.get("age_bands", DEFAULT_AGE_BANDS)) or DEFAULT_AGE_BANDS
    return CategoryMapping(gender=gender, age_bands=bands)


def band_labels(bands: Sequence[int]) -> list[str]:
    """("16-29", "30-44", ..., "65+") for bands (16, 30, 45, 65)."""
    labels = [f"{lo}-{hi - 1}" for lo, hi in pairwise(bands)]
    return [*labels, f"{bands[-1]}+"]


def age_band(birth_year: int | None, *, bands: Sequence[int], year: int) -> str | None:
    """The band of someone born in ``birth_year``, aged ``year - birth_year`` (their age at
    their birthday in ``year``); None if unknown or younger than the first band."""
    if birth_year is None:
        return None
    age = year - birth_year
    labels = band_labels(bands)
    found = None
    for lo, label in zip(bands, labels, strict=True):
        if age >= lo:
            found = label
    return found


@dataclass(frozen=True, slots=True)
class RegisterColumns:
    """The organiser's choice of register columns (only ``stratum`` is required)."""

    stratum: str
    household: tuple[str, ...] = ()
    id: str | None = None
    addressee: str | None = None
    address: tuple[str, ...] = ()
    gender: str | None = None
    birth_year: str | None = None

    def all(self) -> list[str]:
        named = [self.stratum, *self.household, self.id, self.addressee, *self.address]
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


def new_code() -> tuple[str, str]:
    """A fresh reply code as printed, and its HMAC as stored."""
    printed = generate_codes(1)[0]
    return printed, code_hash(normalise_code(printed))


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


def invitation_rows(
    result: InvitationDraw, columns: RegisterColumns, *, batch_id: int, jury_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Rows for a bulk insert into ``invitations`` (codes as HMACs only), and the letter rows
    (``addressee``, ``line_1`` ... ``line_N``, ``district`` and the clear ``code``) that exist
    only while the letters are made."""
    table = result.table()
    # Printed form from the library; the HMAC is over the canonical form, as typed codes are.
    codes = [normalise_code(c) for c in generate_codes(len(table))]
    addressee = _column(table, columns.addressee)
    lines = [_column(table, c) for c in columns.address]
    ids = _column(table, columns.id)
    strata = table["stratum"].tolist()
    rows: list[dict[str, Any]] = []
    letters: list[dict[str, str]] = []
    for i, code in enumerate(codes):
        address = {"addressee": addressee[i], "lines": [line[i] for line in lines]}
        rows.append(
            {
                "batch_id": batch_id,
                "jury_id": jury_id,
                "code_hash": code_hash(code),
                "stratum": strata[i],
                "address": address,
                "register_id": ids[i] or None,
                "status": "sent",
            }
        )
        letter = {"addressee": addressee[i], "district": strata[i], "code": code}
        letter.update({f"line_{n}": line[i] for n, line in enumerate(lines, start=1)})
        letters.append(letter)
    return rows, letters


def _address_columns(rows: Sequence[Mapping[str, str]]) -> list[str]:
    lines = sorted((k for k in (rows[0] if rows else {}) if k.startswith("line_")), key=_line_no)
    return ["addressee", *lines]


def write_printer_csv(rows: Sequence[Mapping[str, str]], *, out: Path, reply_url: str) -> int:
    """The printing house's mail-merge CSV for rows from :func:`invitation_rows` (or as read
    back from that CSV). Returns the number of rows."""
    return mail_merge_csv(
        rows, reply_url=reply_url, out=out, address_columns=_address_columns(rows)
    )


def write_letters_pdf(
    rows: Sequence[Mapping[str, str]],
    *,
    out: Path,
    lang: str,
    reply_url: str,
    variables: Mapping[str, str],
) -> int:
    """The letters PDF, one page per row. Needs no app context (it may run in a thread).
    Returns the number of letters."""
    return render_letters(
        rows,
        lang=lang if lang in LETTER_LANGUAGES else "en",
        reply_url=reply_url,
        out=out,
        variables=variables,
        address_columns=_address_columns(rows),
    )


def _line_no(key: str) -> int:
    return int(key.removeprefix("line_"))


def _column(table: pd.DataFrame, name: str | None) -> list[str]:
    if not name:
        return [""] * len(table)
    return [str(v).strip() for v in table[name].tolist()]


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
            born = int(digits) if digits.isdigit() else None
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
