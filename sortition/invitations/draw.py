"""The invitation draw: a pure function of the register's bytes, the parameters and the seed.

Anyone holding the register and ``report.json`` can recompute it: the report names the
generator (Python's ``random.Random``), the order in which strata are drawn and how a public
seed text becomes the seed.
"""

from __future__ import annotations

import hashlib
import platform
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sortition.invitations.allocation import ALLOCATION_METHOD, allocate, checked_weights
from sortition.invitations.exclusions import Exclusions, excluded_households
from sortition.register import Register, sheet_row

__all__ = [
    "DRAW_METHOD",
    "GENERATOR",
    "SEED_DERIVATION",
    "InvitationDraw",
    "draw_invitations",
    "seed_from_text",
    "weight_text",
]

SEED_DERIVATION = (
    "int.from_bytes(hashlib.sha256(unicodedata.normalize('NFC', text.strip())"
    ".encode('utf-8')).digest()[:8], 'big')"
)
GENERATOR = "random.Random(seed), Python's Mersenne Twister; one generator for all strata"
DRAW_METHOD = (
    "strata in sorted order (by code point); in each, the households not excluded are numbered "
    "0..H-1 in the register order of their first row, and rng.sample(range(H), k) picks the "
    "k invited ones; a household's first row stands for it"
)
# Extra columns written next to the register's own; a register may not use these names.
REGISTER_ROW = "register_row"
STRATUM = "stratum"


def seed_from_text(text: str) -> int:
    """A 64-bit seed from public text (dice rolls, a lottery result): see ``SEED_DERIVATION``."""
    normal = unicodedata.normalize("NFC", text.strip())
    return int.from_bytes(hashlib.sha256(normal.encode("utf-8")).digest()[:8], "big")


def weight_text(weight: Fraction) -> str:
    """A weight as an organiser wrote it: ``"1.5"`` rather than ``"3/2"`` when exact."""
    scaled = weight * 10**6
    if scaled.denominator == 1:
        return f"{weight.numerator / weight.denominator:.6f}".rstrip("0").rstrip(".")
    return str(weight)


@dataclass(frozen=True, slots=True, eq=False)
class InvitationDraw:
    """The outcome of :func:`draw_invitations`.

    ``rows`` are the 0-based register rows standing for the invited households, in register
    order; ``households`` counts the households per stratum that could be invited (after
    exclusions); ``report`` is the JSON-ready audit record.
    """

    register: Register
    n: int
    seed: int
    weights: Mapping[str, Fraction]
    households: Mapping[str, int]
    allocation: Mapping[str, int]
    rows: tuple[int, ...]
    report: Mapping[str, Any]

    def table(self) -> pd.DataFrame:
        """The invited households: the register's columns, ``register_row`` and ``stratum``."""
        frame = self.register.frame.iloc[list(self.rows)].copy()
        frame[REGISTER_ROW] = [sheet_row(r) for r in self.rows]
        frame[STRATUM] = frame[self.register.strata_column].str.strip()
        return frame.reset_index(drop=True)

    def allocation_table(self) -> pd.DataFrame:
        """One row per stratum: stratum, households, weight, invited."""
        return pd.DataFrame(self.report["allocation"]["strata"])


def draw_invitations(
    register: Register,
    n: int,
    *,
    seed: int,
    weights: Mapping[str, Fraction | float | int] | None = None,
    exclude: Exclusions | None = None,
    seed_text: str | None = None,
) -> InvitationDraw:
    """Draw ``n`` households, stratified, uniformly without replacement within each stratum.

    ``seed`` drives the only generator used; pass ``seed_text`` too when the seed came from
    :func:`seed_from_text`, so that the report shows it. Raises :class:`InputErrors` when ``n``
    exceeds the households that can be invited or the weights name an unknown stratum.
    """
    excluded = (
        excluded_households(register, exclude)
        if exclude
        else np.zeros(register.households, dtype=bool)
    )
    codes, strata = register.stratum_of_household, register.strata
    eligible = np.flatnonzero(~excluded)
    counts = np.bincount(codes[eligible], minlength=len(strata))
    households = {str(s): int(c) for s, c in zip(strata, counts, strict=True)}
    exact_weights = checked_weights(
        households, weights, source=register.source, column=register.strata_column
    )
    allocation = allocate(households, n, weights=exact_weights, source=register.source)
    rows = _pick(register, codes, strata, eligible, allocation, seed=seed)
    report = _report(
        register,
        n=n,
        seed=seed,
        seed_text=seed_text,
        weights=exact_weights,
        households=households,
        allocation=allocation,
        exclude=exclude,
        excluded=int(excluded.sum()),
    )
    return InvitationDraw(
        register=register,
        n=n,
        seed=seed,
        weights=exact_weights,
        households=households,
        allocation=allocation,
        rows=rows,
        report=report,
    )


def _pick(
    register: Register,
    codes: npt.NDArray[np.intp],
    strata: Sequence[str],
    eligible: npt.NDArray[np.intp],
    allocation: Mapping[str, int],
    *,
    seed: int,
) -> tuple[int, ...]:
    """The draw proper (see ``DRAW_METHOD``): the rows standing for the invited households."""
    rng = random.Random(seed)
    eligible_codes = codes[eligible]
    chosen: list[npt.NDArray[np.intp]] = []
    # register.strata is sorted: the strata are drawn in that order.
    for index, stratum in enumerate(strata):
        members = eligible[eligible_codes == index]
        picks = rng.sample(range(len(members)), allocation[stratum])
        chosen.append(members[np.asarray(picks, dtype=np.intp)])
    invited = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.intp)
    return tuple(int(r) for r in np.sort(register.first_row[invited]))


def _report(
    register: Register,
    *,
    n: int,
    seed: int,
    seed_text: str | None,
    weights: Mapping[str, Fraction],
    households: Mapping[str, int],
    allocation: Mapping[str, int],
    exclude: Exclusions | None,
    excluded: int,
) -> dict[str, Any]:
    from sortition import __version__

    return {
        "format": "kleroterion-invitations/1",
        "software": {
            "name": "kleroterion",
            "version": __version__,
            "python": platform.python_version(),
        },
        "register": {
            "file": register.source,
            "sha256": register.sha256,
            "rows": len(register.frame),
            "households": register.households,
            "strata_column": register.strata_column,
            "household_columns": list(register.household_columns),
            "id_column": register.id_column,
        },
        "exclusions": None
        if exclude is None
        else {
            "file": exclude.source,
            "sha256": exclude.sha256,
            "ids": len(exclude.ids),
            "addresses": len(exclude.addresses),
            "households_excluded": excluded,
        },
        "n": n,
        "seed": {
            "text": seed_text,
            "value": seed,
            "derivation": SEED_DERIVATION if seed_text is not None else "given as a number",
        },
        "allocation": {
            "method": ALLOCATION_METHOD,
            "weights": {s: weight_text(w) for s, w in weights.items() if w != 1},
            "strata": [
                {
                    "stratum": s,
                    "households": households[s],
                    "weight": weight_text(weights[s]),
                    "invited": allocation[s],
                }
                for s in sorted(allocation)
            ],
        },
        "draw": {"generator": GENERATOR, "method": DRAW_METHOD},
        "invited": sum(allocation.values()),
    }
