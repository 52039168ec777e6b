"""The transparent lottery: the fair lottery rounded to m equally likely panels of people."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

from sortition.errors import InvalidPanel
from sortition.model import Person, Pool, Quotas
from sortition.result import Algorithm, Distribution, SelectionReport
from sortition.selection import Progress, select_panel
from sortition.solver.highs import MipSolver
from sortition.transparent.people import Panel, deal_panels, frequencies, panel_problems
from sortition.transparent.rounding import TypeLottery, best_rounding, largest_remainder

DEFAULT_PANELS = 1000
# Seconds the rounding program may take before the dependent rounding's answer is used.
DEFAULT_ROUNDING_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class LotteryReport:
    """Figures of one transparent lottery (the keys of ``report.json``, see :meth:`as_dict`).

    ``max_loss`` is the largest drop of any volunteer's probability from ``before`` (the fair
    lottery) to ``after`` (the m panels); ``bound`` is k/m, the scale of the guarantee of
    Flanigan, Kehne and Procaccia (NeurIPS 2021) for rounding to m panels, shown next to it;
    ``naive_loss`` is what rounding the weights by largest remainder would have lost;
    ``lower_bound`` is the rounding program's proof that no rounding of the same compositions
    loses less (0 when it did not run to a bound).
    ``seconds`` covers the rounding and the check of every panel; ``selection`` is the fair
    lottery's own report.
    """

    panels: int
    k: int
    n: int
    max_loss: float
    bound: float
    naive_loss: float
    lower_bound: float
    min_before: float
    min_after: float
    zero_after: int
    seconds: float
    method: str
    seed: int
    selection: SelectionReport

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {name: getattr(self, name) for name in self.__slots__}
        data["selection"] = self.selection.as_dict()
        return data


@dataclass(frozen=True, slots=True)
class ReplacementBasis:
    """What a replacement lottery starts from: the original ``quotas`` and panel size ``k``
    and the ``members`` who keep their seats."""

    quotas: Quotas
    k: int
    members: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class TransparentLottery:
    """m equally likely panels and what rounding to them did to everyone's chance.

    ``panels[i]`` is panel number ``i + 1`` (sorted ids); every one of them meets the quotas,
    the size ``k`` and the household rule (checked before this is returned). ``before`` and
    ``after`` map every id of ``pool`` to its probability under the fair lottery and under the
    uniform lottery over ``panels``. ``replacement`` is set for the lottery of the open
    seats of a replacement (:func:`sortition.transparent.replacement_lottery`): then ``pool``,
    ``quotas`` and ``k`` are those of the open seats.
    """

    pool: Pool
    quotas: Quotas
    k: int
    panels: tuple[Panel, ...]
    before: Mapping[str, float]
    after: Mapping[str, float]
    report: LotteryReport
    replacement: ReplacementBasis | None = None

    @property
    def m(self) -> int:
        return len(self.panels)

    def panel(self, number: int) -> Panel:
        """Panel ``number`` (1 to m)."""
        if not 1 <= number <= self.m:
            raise ValueError(f"panel number {number} is not between 1 and {self.m}")
        return self.panels[number - 1]


def transparent_lottery(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    panels: int = DEFAULT_PANELS,
    algorithm: Algorithm | str = Algorithm.LEXIMIN,
    seed: int | None = None,
    time_limit: float | None = None,
    rounding_time_limit: float | None = DEFAULT_ROUNDING_SECONDS,
    progress: Progress | None = None,
    mip_solver: MipSolver | str = MipSolver.HIGHS,
) -> TransparentLottery:
    """The fair lottery of :func:`sortition.select_panel` (same arguments) rounded to
    ``panels`` equally likely panels of people.

    Raises what ``select_panel`` raises (:class:`InfeasibleQuotas`, :class:`SolverError`);
    ``rounding_time_limit`` (seconds, None: none) bounds the rounding program, after which
    the best rounding found is used (``report.method`` says which).
    """
    if panels < 1:
        raise ValueError(f"the number of panels must be at least 1, not {panels}")
    result = select_panel(
        pool,
        quotas,
        k,
        algorithm=algorithm,
        seed=seed,
        time_limit=time_limit,
        progress=progress,
        mip_solver=mip_solver,
    )
    if progress is not None:
        progress(f"Rounding to {panels} panels", None)
    return round_to_panels(
        pool,
        quotas,
        k,
        result.distribution,
        result.probabilities,
        panels=panels,
        selection=result.report,
        rounding_time_limit=rounding_time_limit,
    )


def round_to_panels(
    pool: Pool,
    quotas: Quotas,
    k: int,
    distribution: Distribution,
    before: Mapping[str, float],
    *,
    panels: int,
    selection: SelectionReport,
    rounding_time_limit: float | None,
) -> TransparentLottery:
    """Round ``distribution`` (a lottery over compositions of ``pool``'s types) to ``panels``
    panels of people, check every one of them, and report the losses."""
    started = time.perf_counter()
    rng = random.Random(f"{selection.seed}:transparent")
    lottery = TypeLottery.of(
        distribution.compositions, distribution.weights, [len(t) for t in distribution.types]
    )
    rounding = best_rounding(lottery, panels, rng=rng, time_limit=rounding_time_limit)
    dealt = deal_panels(distribution.types, distribution.compositions, rounding.counts, rng=rng)
    _check(pool, quotas, k, dealt)
    after = frequencies(dealt, pool.ids)
    seconds = time.perf_counter() - started
    losses = [before[pid] - after[pid] for pid in pool.ids]
    report = LotteryReport(
        panels=panels,
        k=k,
        n=len(pool),
        max_loss=max(0.0, *losses),
        bound=k / panels,
        naive_loss=lottery.max_loss(largest_remainder(lottery.weights, panels), panels),
        lower_bound=rounding.lower_bound,
        min_before=min(before.values()),
        min_after=min(after.values()),
        zero_after=sum(1 for pid in pool.ids if after[pid] == 0 and before[pid] > 0),
        seconds=seconds,
        method=rounding.method.value,
        seed=selection.seed,
        selection=selection,
    )
    return TransparentLottery(pool, quotas, k, dealt, dict(before), after, report)


def household_labels(pool: Pool) -> dict[str, str | None]:
    """Each id's household as a label ``H1``, ``H2``, ... (in pool order) when shared with
    someone else in the pool, else None: no address leaves the library this way."""
    labels: dict[str, str] = {}
    for number, (_, ids) in enumerate(pool.households().items(), start=1):
        labels.update(dict.fromkeys(ids, f"H{number}"))
    return {pid: labels.get(pid) for pid in pool.ids}


def _check(pool: Pool, quotas: Quotas, k: int, panels: tuple[Panel, ...]) -> None:
    features = {p.id: p.features for p in pool}
    homes = household_labels(pool)
    for number, panel in enumerate(panels, start=1):
        problems = panel_problems(panel, k=k, quotas=quotas, features=features, households=homes)
        if problems:
            raise InvalidPanel(f"panel {number} of the transparent lottery: " + "; ".join(problems))
