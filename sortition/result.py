"""What a selection returns: the lottery over panels, the probabilities, the drawn panel."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Algorithm(StrEnum):
    LEXIMIN = "leximin"
    MAXIMIN = "maximin"
    NASH = "nash"
    LEGACY = "legacy"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A lottery over panels, stated over *types* of interchangeable volunteers.

    ``types[t]`` lists the ids of type ``t`` (people with identical quota features and no
    shared household); ``compositions[i][t]`` is how many seats type ``t`` gets in the i-th
    panel shape, drawn with probability ``weights[i]`` (positive, summing to 1). Within a type
    the seats go to a uniformly random subset of its members, so everyone in type ``t`` is
    selected with probability ``sum_i weights[i] * compositions[i][t] / len(types[t])``.

    :meth:`person_panels` spells the same lottery out over explicit panels of ids.
    """

    types: tuple[tuple[str, ...], ...]
    compositions: tuple[tuple[int, ...], ...]
    weights: tuple[float, ...]

    def person_panels(self) -> tuple[tuple[frozenset[str], float], ...]:
        """The lottery over explicit panels (frozensets of ids) with their weights.

        Exact: each composition is split by one shared uniform variable u in [0, 1); type t
        with c of its n members seated takes members ``j .. j+c-1`` (cyclically) where
        ``j = floor(u * n)``, so every member is seated with probability c/n. The number of
        panels can be large (up to one per breakpoint j/n of every type per composition).
        """
        panels: list[tuple[frozenset[str], float]] = []
        for composition, weight in zip(self.compositions, self.weights, strict=True):
            panels.extend(_split(self.types, composition, weight))
        return tuple(panels)


def _split(
    types: tuple[tuple[str, ...], ...], composition: tuple[int, ...], weight: float
) -> list[tuple[frozenset[str], float]]:
    fixed = [pid for t, c in enumerate(composition) if c == len(types[t]) for pid in types[t]]
    partial = [(t, c) for t, c in enumerate(composition) if 0 < c < len(types[t])]
    cuts = sorted({Fraction(j, len(types[t])) for t, _ in partial for j in range(len(types[t]))})
    cuts = cuts or [Fraction(0)]
    result = []
    for start, end in zip(cuts, [*cuts[1:], Fraction(1)], strict=True):
        members = list(fixed)
        for t, c in partial:
            n = len(types[t])
            j = math.floor(start * n)
            members.extend(types[t][(j + s) % n] for s in range(c))
        result.append((frozenset(members), weight * float(end - start)))
    return result


@dataclass(frozen=True, slots=True)
class SelectionReport:
    """Figures about one run; the keys of ``report.json`` (see :meth:`as_dict`).

    ``algorithm``, ``seed`` and ``mip_solver`` are the settings the run used."""

    algorithm: str
    n: int
    k: int
    min_probability: float
    max_probability: float
    gini: float
    geometric_mean: float
    support_size: int
    lp_gap: float
    seconds: float
    seed: int
    mip_solver: str
    infeasible: bool = False

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class SelectionResult:
    """The outcome of :func:`sortition.select_panel`.

    ``probabilities`` maps every person id of the pool to its selection probability under
    ``distribution``; ``panel`` is the panel drawn with ``report.seed``; ``alternates`` ranks the
    people not on it (housemates of panel members left out) in the order to call them.
    """

    distribution: Distribution
    probabilities: Mapping[str, float]
    panel: tuple[str, ...]
    alternates: tuple[str, ...]
    report: SelectionReport
