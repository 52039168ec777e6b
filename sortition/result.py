"""What a selection returns: the lottery over panels, the probabilities, the drawn panel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Algorithm(StrEnum):
    LEXIMIN = "leximin"
    MAXIMIN = "maximin"
    NASH = "nash"
    LEGACY = "legacy"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A lottery over panels: ``panels[i]`` (a frozenset of person ids) with weight
    ``weights[i]``; the weights are positive and sum to 1."""

    panels: tuple[frozenset[str], ...]
    weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SelectionReport:
    """Figures about one run; the keys of ``report.json`` (see :meth:`as_dict`)."""

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
