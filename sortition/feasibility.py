"""Can the quotas be met, and if not, what is the smallest change that makes them possible?

Three layers, cheapest first: quick arithmetic pre-checks, one exact integer program over
volunteer *types* (volunteers with the same features and no housemate in the pool are
interchangeable, so the program has one integer variable per type rather than one binary per
person), and, only when needed, a relaxation program (minimise the total change of bounds,
within ``min_flex``/``max_flex``) and the analysis of volunteers who can be on no valid panel.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt
import pulp

from sortition.errors import InfeasibleQuotas, QuotaProblem, Relaxation, SolverError
from sortition.model import Pool, Quota, Quotas


@dataclass(frozen=True, slots=True)
class Unselectable:
    """A volunteer who can be on no valid panel, with the reason in plain words."""

    person_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeasibilityReport:
    """The outcome of :func:`check_feasibility`.

    ``feasible`` is True iff some panel of size k meets every quota and the household rule.
    ``relaxations`` is empty when feasible (or when no change within the flex limits helps).
    """

    feasible: bool
    problems: tuple[QuotaProblem, ...]
    relaxations: tuple[Relaxation, ...]
    unselectable: tuple[Unselectable, ...]


@dataclass(frozen=True, slots=True)
class _Unit:
    """Interchangeable volunteers: same quota values, none with a housemate in the pool."""

    ids: tuple[str, ...]
    values: tuple[tuple[str, str], ...]  # (category, value) pairs, one per category
    household: str | None  # set only for volunteers who share an address with another


_OK, _INFEASIBLE = "optimal", "infeasible"


def solve_status(
    problem: pulp.LpProblem, *, time_limit: float | None, gap: float | None = None
) -> str:
    """Solve ``problem`` with HiGHS and return ``"optimal"`` or ``"infeasible"``.

    The one place that reads the solver's status; anything else (time limit, numerical
    trouble, unbounded) raises :class:`SolverError`.
    """
    _silence_banner()
    solver = pulp.HiGHS(msg=False, timeLimit=time_limit, threads=1, gapRel=gap)
    problem.solve(solver)
    status = pulp.LpStatus[problem.status]
    if status == "Optimal" and problem.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        return _OK
    if status == "Infeasible":
        return _INFEASIBLE
    raise SolverError(f"the feasibility check stopped without an answer (solver status {status})")


@functools.cache
def _silence_banner() -> None:
    # HiGHS prints its banner on stdout when the process builds its first solver, whatever the
    # options; that would corrupt the CLI's output, so build the first one with stdout closed.
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def check_feasibility(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    time_limit: float | None = None,
    find_unselectable: bool = True,
) -> FeasibilityReport:
    """Decide whether a panel of ``k`` from ``pool`` can meet ``quotas`` and the household rule.

    When infeasible, ``relaxations`` is a minimal set of bound changes (least total change).
    With ``find_unselectable`` (the default), list every volunteer who is on no valid panel.
    ``time_limit`` applies to each integer program solved; a timeout raises SolverError.
    """
    units, misfits = _units(pool, quotas)
    problems = quick_checks(pool, quotas, k)
    feasible = not problems and _feasible(units, quotas, k, time_limit=time_limit)
    relaxations: tuple[Relaxation, ...] = ()
    if not feasible:
        relaxations = minimal_relaxation(pool, quotas, k, time_limit=time_limit)
    unselectable: list[Unselectable] = list(misfits)
    if feasible and find_unselectable:
        unselectable += _unselectable(units, quotas, k, time_limit=time_limit)
    order = {pid: i for i, pid in enumerate(pool.ids)}
    unselectable.sort(key=lambda u: order[u.person_id])
    return FeasibilityReport(feasible, tuple(problems), relaxations, tuple(unselectable))


def ensure_feasible(pool: Pool, quotas: Quotas, k: int) -> FeasibilityReport:
    """Check quickly (no per-volunteer analysis); raise :class:`InfeasibleQuotas` if no panel
    meets the quotas, carrying the minimal relaxation and the pre-check problems."""
    report = check_feasibility(pool, quotas, k, find_unselectable=False)
    if not report.feasible:
        raise InfeasibleQuotas(report.relaxations, report.problems)
    return report


def quick_checks(pool: Pool, quotas: Quotas, k: int) -> list[QuotaProblem]:
    """Arithmetic reasons the quotas cannot be met, without a solver (empty: none found)."""
    problems: list[QuotaProblem] = []
    seats = _max_seats(pool)
    if k < 1:
        problems.append(QuotaProblem(f"the panel size must be at least 1, not {k}"))
    if seats < k:
        problems.append(
            QuotaProblem(
                f"the pool allows at most {seats} panel members (one per household), not {k}"
            )
        )
    for category in quotas.categories:
        items = [q for q in quotas if q.category == category]
        low, high = sum(q.min for q in items), sum(q.max for q in items)
        if low > k:
            problems.append(
                QuotaProblem(
                    f"{category}: the minimums add up to {low}, more than the panel size {k}"
                )
            )
        if high < k:
            problems.append(
                QuotaProblem(
                    f"{category}: the maximums add up to {high}, less than the panel size {k}"
                )
            )
    for q in quotas:
        available = _max_seats(
            Pool(tuple(p for p in pool if p.features.get(q.category) == q.value))
        )
        if q.min > available:
            problems.append(
                QuotaProblem(
                    f"{q.category} {q.value}: minimum {q.min} but only {available} "
                    "volunteers can sit together"
                )
            )
    return problems


def minimal_relaxation(
    pool: Pool, quotas: Quotas, k: int, *, time_limit: float | None = None
) -> tuple[Relaxation, ...]:
    """The bound changes of least total size that make a panel possible, one per changed
    bound, within the flex limits; empty when no change within the limits helps."""
    units, _ = _units(pool, quotas)
    problem, take = _model(units, k, "relax")
    slack: dict[tuple[Quota, str], pulp.LpVariable] = {}
    for i, q in enumerate(quotas):
        lowest = min(q.min, q.min_flex if q.min_flex is not None else 0)
        highest = max(q.max, q.max_flex if q.max_flex is not None else k)
        down = pulp.LpVariable(f"lower_min_{i}", 0, q.min - lowest, cat=pulp.LpInteger)
        up = pulp.LpVariable(f"raise_max_{i}", 0, max(0, highest - q.max), cat=pulp.LpInteger)
        slack[q, "min"], slack[q, "max"] = down, up
        count = _count(units, take, q)
        problem += count >= q.min - down, f"min_{i}"
        problem += count <= q.max + up, f"max_{i}"
    problem += pulp.lpSum(slack.values())
    if solve_status(problem, time_limit=time_limit) == _INFEASIBLE:
        return ()
    changes = []
    for (q, bound), var in slack.items():
        delta = round(var.value() or 0)
        if delta:
            suggested = q.min - delta if bound == "min" else q.max + delta
            changes.append(Relaxation(q.category, q.value, bound, getattr(q, bound), suggested))
    return tuple(changes)


def _units(pool: Pool, quotas: Quotas) -> tuple[list[_Unit], list[Unselectable]]:
    """Group interchangeable volunteers; volunteers whose values have no quota are misfits."""
    shared = {pid for ids in pool.households().values() for pid in ids}
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    units: list[_Unit] = []
    misfits: list[Unselectable] = []
    known = {(q.category, q.value) for q in quotas}
    for person in pool:
        values = tuple((c, person.features.get(c, "")) for c in quotas.categories)
        missing = [f"{c} {v!r}" for c, v in values if (c, v) not in known]
        if missing:
            reason = "no quota for " + ", ".join(missing)
            misfits.append(Unselectable(person.id, reason))
        elif person.id in shared:
            units.append(_Unit((person.id,), values, person.household))
        else:
            groups.setdefault(values, []).append(person.id)
    units += [_Unit(tuple(ids), values, None) for values, ids in groups.items()]
    return units, misfits


def _max_seats(pool: Pool) -> int:
    """How many of ``pool`` can sit on one panel: one per household."""
    houses = {p.household for p in pool if p.household is not None}
    return len(houses) + sum(1 for p in pool if p.household is None)


def _model(
    units: Sequence[_Unit], k: int, name: str
) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """Panel-size and household constraints; ``take[i]`` is how many of unit i sit."""
    problem = pulp.LpProblem(name, pulp.LpMinimize)
    take = [
        pulp.LpVariable(f"take_{i}", 0, len(u.ids), cat=pulp.LpInteger) for i, u in enumerate(units)
    ]
    problem += pulp.lpSum(take) == k, "panel_size"
    houses: dict[str, list[pulp.LpVariable]] = {}
    for unit, var in zip(units, take, strict=True):
        if unit.household is not None:
            houses.setdefault(unit.household, []).append(var)
    for h, members in enumerate(houses.values()):
        problem += pulp.lpSum(members) <= 1, f"household_{h}"
    return problem, take


def _count(
    units: Sequence[_Unit], take: Sequence[pulp.LpVariable], q: Quota
) -> pulp.LpAffineExpression:
    pair = (q.category, q.value)
    return pulp.lpSum(var for unit, var in zip(units, take, strict=True) if pair in unit.values)


def _add_quotas(
    problem: pulp.LpProblem, units: Sequence[_Unit], take: Sequence[pulp.LpVariable], quotas: Quotas
) -> None:
    for i, q in enumerate(quotas):
        count = _count(units, take, q)
        problem += count >= q.min, f"min_{i}"
        problem += count <= q.max, f"max_{i}"


def _feasible(units: Sequence[_Unit], quotas: Quotas, k: int, *, time_limit: float | None) -> bool:
    problem, take = _model(units, k, "feasibility")
    _add_quotas(problem, units, take, quotas)
    problem += pulp.lpSum([])
    return solve_status(problem, time_limit=time_limit) == _OK


def _unselectable(
    units: Sequence[_Unit], quotas: Quotas, k: int, *, time_limit: float | None
) -> list[Unselectable]:
    """Volunteers on no valid panel. Repeatedly find a valid panel with at least one unit not
    seen on a panel yet, and mark every unit one swap away from it; when no such panel exists,
    the units never seen are unselectable (the last, infeasible program is the proof)."""
    problem, take = _model(units, k, "coverage")
    _add_quotas(problem, units, take, quotas)
    problem.sense = pulp.LpMaximize
    swaps = _Swaps(units, quotas)
    covered = np.zeros(len(units), dtype=bool)
    while not covered.all():
        # Units not seen yet weigh 1/size each when taken whole: a panel scores 0 iff it has none.
        problem.setObjective(
            pulp.lpSum(take[i] * (1 / len(units[i].ids)) for i in np.flatnonzero(~covered).tolist())
        )
        solve_status(problem, time_limit=time_limit)
        panel = np.array([round(var.value() or 0) for var in take])
        reached = swaps.reachable(panel)
        if not (reached & ~covered).any():
            break
        covered |= reached
    return [
        Unselectable(pid, _reason(units[i], quotas, k))
        for i in np.flatnonzero(~covered).tolist()
        for pid in units[i].ids
    ]


class _Swaps:
    """Which units sit on ``panel`` or on a panel one swap away (one member out, one in)."""

    def __init__(self, units: Sequence[_Unit], quotas: Quotas) -> None:
        pairs = [(q.category, q.value) for q in quotas]
        self.incidence = np.array([[p in u.values for p in pairs] for u in units], dtype=np.int64)
        self.low = np.array([q.min for q in quotas], dtype=np.int64)
        self.high = np.array([q.max for q in quotas], dtype=np.int64)
        self.size = np.array([len(u.ids) for u in units], dtype=np.int64)
        keys = {
            h: i for i, h in enumerate(dict.fromkeys(u.household for u in units if u.household))
        }
        self.house = np.array([keys.get(u.household, -1) if u.household else -1 for u in units])

    def reachable(self, panel: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        inside = np.flatnonzero(panel > 0)
        counts = panel @ self.incidence
        # rows: member leaving (a unit on the panel); columns: unit joining
        after = (
            counts[None, None, :] - self.incidence[inside][:, None, :] + self.incidence[None, :, :]
        )
        fits = ((after >= self.low) & (after <= self.high)).all(axis=2)
        fits &= (panel < self.size)[None, :]
        occupant = np.full(len(panel), -1)
        houses = self.house[inside]
        for member, house in zip(inside, houses, strict=True):
            if house >= 0:
                occupant[self.house == house] = member
        occupant[inside] = -1  # a unit's own seat does not block it
        fits &= (occupant[None, :] == -1) | (occupant[None, :] == inside[:, None])
        return (panel > 0) | fits.any(axis=0)


def _reason(unit: _Unit, quotas: Quotas, k: int) -> str:
    closed = [f"{c} {v}" for c, v in unit.values if quotas.get(c, v).max == 0]
    if closed:
        return "the maximum is 0 for " + ", ".join(closed)
    if unit.household is not None:
        return f"no panel of {k} that meets every quota includes them (one per household)"
    described = ", ".join(f"{c} {v}" for c, v in unit.values)
    return f"no panel of {k} that meets every quota includes someone with {described}"
