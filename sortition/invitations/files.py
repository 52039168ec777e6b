"""The draw's files (``invitations.csv``, ``allocation.csv``, ``report.json``) and their check.

``invitations.csv`` holds the reply codes, which are secret: it goes to the printing house and
the reply database, never to the public. ``report.json`` and ``allocation.csv`` are public.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from sortition.codes import generate_codes
from sortition.errors import InputErrors, InputProblem
from sortition.invitations.draw import REGISTER_ROW, STRATUM, InvitationDraw, draw_invitations
from sortition.invitations.exclusions import Exclusions, read_exclusions
from sortition.register import Register, read_register
from sortition.tabular.cells import neutralise_frame, restore_frame

__all__ = [
    "CODE",
    "Verification",
    "verify_invitation_files",
    "verify_invitations",
    "write_invitation_files",
]

CODE = "code"
INVITATIONS = "invitations.csv"
ALLOCATION = "allocation.csv"
REPORT = "report.json"


def write_invitation_files(
    draw: InvitationDraw, out_dir: str | Path, *, codes: Sequence[str] | None = None
) -> dict[str, Path]:
    """Write the three files into ``out_dir`` (created if needed) and return their paths.

    ``codes`` (one per invited household, fresh from :func:`generate_codes` by default) fill
    the ``code`` column. Raises :class:`InputErrors` if the register already has a column named
    ``register_row``, ``stratum`` or ``code``.
    """
    register = draw.register
    clashes = [c for c in (REGISTER_ROW, STRATUM, CODE) if c in register.frame.columns]
    if clashes:
        raise InputErrors(
            InputProblem(register.source, 1, c, f"rename this column: the output adds {c!r}")
            for c in clashes
        )
    codes = list(codes) if codes is not None else generate_codes(len(draw.rows))
    if len(codes) != len(draw.rows):
        raise ValueError(f"{len(codes)} codes for {len(draw.rows)} invitations")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = draw.table()
    table[CODE] = codes
    paths = {
        "invitations": out / INVITATIONS,
        "allocation": out / ALLOCATION,
        "report": out / REPORT,
    }
    # Register text goes into spreadsheets: formula-like cells are neutralised (and restored
    # when verify_files reads the list back).
    neutralise_frame(table).to_csv(paths["invitations"], index=False)
    neutralise_frame(draw.allocation_table()).to_csv(paths["allocation"], index=False)
    paths["report"].write_text(
        json.dumps(draw.report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return paths


@dataclass(frozen=True, slots=True)
class Verification:
    """What a recomputation of the draw found. Row numbers are register rows (header is 1)."""

    register_matches: bool
    exclusions_match: bool
    allocation_matches: bool
    missing: tuple[int, ...]
    unexpected: tuple[int, ...]
    changed: tuple[int, ...]
    invited: int

    @property
    def matches(self) -> bool:
        return (
            self.register_matches
            and self.exclusions_match
            and self.allocation_matches
            and not (self.missing or self.unexpected or self.changed)
        )

    def lines(self) -> list[str]:
        """The findings in plain words, one per line, ending with the verdict."""
        found = []
        if not self.register_matches:
            found.append("the register's SHA-256 differs from the one in the report")
        if not self.exclusions_match:
            found.append("the exclusion file's SHA-256 differs from the one in the report")
        if not self.allocation_matches:
            found.append("the letters per stratum differ from the report's allocation")
        found += [f"register row {r} was drawn but is not in the invitations" for r in self.missing]
        found += [
            f"register row {r} is in the invitations but was not drawn" for r in self.unexpected
        ]
        found += [f"register row {r} differs from the register" for r in self.changed]
        verdict = "MATCH" if self.matches else "MISMATCH"
        return [*found, f"{verdict}: {self.invited} invitations recomputed"]


def _changed_rows(
    register: Register, expected: pd.DataFrame, listed: pd.DataFrame
) -> tuple[int, ...]:
    """Register rows present in both tables whose register columns differ."""
    merged = expected.merge(listed, on=REGISTER_ROW, suffixes=("", "__listed"))
    differs = pd.Series(False, index=merged.index)
    for column in register.frame.columns:
        theirs = f"{column}__listed"
        if theirs not in merged:
            differs |= True
            continue
        differs |= merged[column].astype(str) != merged[theirs].fillna("").astype(str)
    return tuple(sorted(int(r) for r in merged.loc[differs, REGISTER_ROW]))


def verify_invitations(
    register: Register,
    report: Mapping[str, Any],
    invitations: pd.DataFrame,
    *,
    exclude: Exclusions | None = None,
) -> Verification:
    """Recompute the draw that ``report`` describes and compare it, row by row, with
    ``invitations`` (as read from ``invitations.csv``, every cell a string).

    ``register`` must be read with the report's strata, household and id columns;
    ``exclude`` is required when the report lists an exclusion file.
    """
    weights = {s: Fraction(w) for s, w in report["allocation"]["weights"].items()}
    seed = report["seed"]
    draw = draw_invitations(
        register,
        int(report["n"]),
        seed=int(seed["value"]),
        weights=weights,
        exclude=exclude,
        seed_text=seed.get("text"),
    )
    expected = draw.table()
    listed = invitations.copy()
    listed[REGISTER_ROW] = pd.to_numeric(listed[REGISTER_ROW], errors="coerce")
    drawn_rows = set(expected[REGISTER_ROW])
    listed_rows = set(listed[REGISTER_ROW].dropna().astype(int))
    changed = _changed_rows(register, expected, listed)
    listed_exclusions = report.get("exclusions")
    return Verification(
        register_matches=register.sha256 == report["register"]["sha256"],
        exclusions_match=(listed_exclusions is None and exclude is None)
        or (
            exclude is not None
            and listed_exclusions is not None
            and exclude.sha256 == listed_exclusions["sha256"]
        ),
        allocation_matches=draw.report["allocation"]["strata"] == report["allocation"]["strata"],
        missing=tuple(sorted(drawn_rows - listed_rows)),
        unexpected=tuple(sorted(listed_rows - drawn_rows)),
        changed=changed,
        invited=len(draw.rows),
    )


def verify_invitation_files(
    register_path: str | Path,
    report_path: str | Path,
    *,
    exclude_path: str | Path | None = None,
    invitations_path: str | Path | None = None,
) -> Verification:
    """:func:`verify_invitations` from files: the register, ``report.json``, the
    ``invitations.csv`` beside it (unless given) and the exclusion file if the report names one.

    Raises :class:`InputErrors` if the report names an exclusion file and none is given.
    """
    report_path = Path(report_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    about = report["register"]
    register = read_register(
        register_path,
        strata_column=about["strata_column"],
        household_columns=tuple(about["household_columns"]),
        id_column=about["id_column"],
    )
    exclude = None
    if report.get("exclusions") is not None:
        if exclude_path is None:
            name = report["exclusions"]["file"]
            raise InputErrors(
                [InputProblem(report_path.name, None, None, f"the draw excluded {name!r}: give it")]
            )
        exclude = read_exclusions(exclude_path, register=register)
    listed = restore_frame(
        pd.read_csv(
            invitations_path or report_path.with_name(INVITATIONS),
            dtype="string",
            keep_default_na=False,
        )
    )
    return verify_invitations(register, report, listed, exclude=exclude)
