"""Can the quotas be met, and if not, what is the smallest change that makes them possible?

Three layers, cheapest first: arithmetic pre-checks (:func:`quick_checks`), one exact integer
program over volunteer *types* (interchangeable volunteers, see
:mod:`sortition.solver.types`), and only when needed or asked the relaxation program
(:func:`minimal_relaxation`) and the search for volunteers who can be on no valid panel
(:mod:`sortition.feasibility.programs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sortition.errors import InfeasibleQuotas, ProblemCode, QuotaProblem, Relaxation
from sortition.feasibility.programs import is_feasible, minimal_relaxation, unselectable_types
from sortition.model import Pool, Quotas
from sortition.solver.highs import MipSolver
from sortition.solver.types import TypeModel, group_types

__all__ = [
    "FeasibilityReport",
    "Unselectable",
    "UnselectableCode",
    "check_feasibility",
    "ensure_feasible",
    "minimal_relaxation",
    "quick_checks",
]


class UnselectableCode(StrEnum):
    """Why a volunteer can be on no valid panel; the ``params`` of each code beside it.
    ``groups`` and ``features`` are lists of ``[category, value]`` pairs."""

    NO_QUOTA = "no_quota"  # categories: their value in these has no quota
    CLOSED = "closed"  # groups: the maximum of these groups is 0
    NO_PANEL = "no_panel"  # k, features: no valid panel includes anyone like them
    NO_PANEL_HOUSEHOLD = "no_panel_household"  # k, features: the same, one per household


@dataclass(frozen=True, slots=True)
class Unselectable:
    """A volunteer who can be on no valid panel: ``reason`` in plain English words, and the
    same as a ``code`` (:class:`UnselectableCode`) with ``params`` for callers that word it
    in another language. Two are equal when id and reason are."""

    person_id: str
    reason: str
    code: UnselectableCode = field(default=UnselectableCode.NO_PANEL, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class FeasibilityReport:
    """The outcome of :func:`check_feasibility`.

    ``feasible`` is True iff some panel of size k meets every quota and the household rule.
    ``relaxations`` is empty when feasible (or when no change within the flex limits helps);
    ``problems`` are the pre-check findings; ``unselectable`` is in pool order.
    """

    feasible: bool
    problems: tuple[QuotaProblem, ...]
    relaxations: tuple[Relaxation, ...]
    unselectable: tuple[Unselectable, ...]


def check_feasibility(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    time_limit: float | None = None,
    find_unselectable: bool = True,
    mip_solver: MipSolver = MipSolver.HIGHS,
) -> FeasibilityReport:
    """Decide whether a panel of ``k`` from ``pool`` can meet ``quotas`` and the household rule.

    When infeasible, ``relaxations`` is a minimal set of bound changes (least total change).
    With ``find_unselectable`` (the default) every volunteer on no valid panel is listed: a
    volunteer is unselectable iff forcing them onto the panel leaves no valid panel.
    ``time_limit`` (seconds) applies to each integer program; a timeout raises SolverError.
    ``mip_solver`` solves the feasibility and relaxation programs (the per-volunteer analysis
    relies on HiGHS's partial solves and stays with HiGHS).
    """
    model = group_types(pool, quotas, k)
    problems = quick_checks(pool, quotas, k)
    feasible = not problems and is_feasible(model, time_limit=time_limit, mip_solver=mip_solver)
    relaxations = (
        () if feasible else minimal_relaxation(model, time_limit=time_limit, mip_solver=mip_solver)
    )
    dead = [t for t in range(len(model)) if not model.selectable(t)]
    if feasible and find_unselectable:
        dead += unselectable_types(model, time_limit=time_limit)
    found = {pid: _reason(model, t) for t in dead for pid in model.members[t]}
    unselectable = tuple(Unselectable(pid, *found[pid]) for pid in pool.ids if pid in found)
    return FeasibilityReport(feasible, tuple(problems), relaxations, unselectable)


def ensure_feasible(
    pool: Pool, quotas: Quotas, k: int, *, mip_solver: MipSolver = MipSolver.HIGHS
) -> FeasibilityReport:
    """Check quickly (no per-volunteer analysis); raise :class:`InfeasibleQuotas`, carrying
    the minimal relaxation and the pre-check problems, when no panel meets the quotas."""
    report = check_feasibility(pool, quotas, k, find_unselectable=False, mip_solver=mip_solver)
    if not report.feasible:
        raise InfeasibleQuotas(report.relaxations, report.problems)
    return report


def quick_checks(pool: Pool, quotas: Quotas, k: int) -> list[QuotaProblem]:
    """Arithmetic reasons the quotas cannot be met, found without a solver (empty: none)."""
    problems: list[QuotaProblem] = []
    if k < 1:
        problems.append(
            QuotaProblem(
                f"the panel size must be at least 1, not {k}", ProblemCode.PANEL_SIZE, {"k": k}
            )
        )
    seats = _seats(pool)
    if seats < k:
        problems.append(
            QuotaProblem(
                f"at most {seats} volunteers can sit together (one per household), "
                f"fewer than the panel of {k}",
                ProblemCode.HOUSEHOLD_SEATS,
                {"seats": seats, "k": k},
            )
        )
    for category in quotas.categories:
        items = [q for q in quotas if q.category == category]
        low, high = sum(q.min for q in items), sum(q.max for q in items)
        if low > k:
            problems.append(
                QuotaProblem(
                    f"{category}: the minimums add up to {low}, more than the panel of {k}",
                    ProblemCode.MINIMUMS_ABOVE_PANEL,
                    {"category": category, "total": low, "k": k},
                )
            )
        if high < k:
            problems.append(
                QuotaProblem(
                    f"{category}: the maximums add up to {high}, less than the panel of {k}",
                    ProblemCode.MAXIMUMS_BELOW_PANEL,
                    {"category": category, "total": high, "k": k},
                )
            )
    for q in quotas:
        available = _seats(Pool(tuple(p for p in pool if p.features.get(q.category) == q.value)))
        if q.min > available:
            problems.append(
                QuotaProblem(
                    f"{q.category} {q.value}: minimum {q.min}, but only {available} such "
                    "volunteers can sit together",
                    ProblemCode.MINIMUM_ABOVE_POOL,
                    {
                        "category": q.category,
                        "value": q.value,
                        "min": q.min,
                        "available": available,
                    },
                )
            )
    return problems


def _seats(pool: Pool) -> int:
    """How many of ``pool`` can sit on one panel: everyone, but one per household."""
    houses = {p.household for p in pool if p.household is not None}
    return len(houses) + sum(1 for p in pool if p.household is None)


def _reason(model: TypeModel, t: int) -> tuple[str, UnselectableCode, dict[str, Any]]:
    """Why type ``t`` sits on no valid panel: in an organiser's words (English, no personal
    data), as a code and as its parameters."""
    pairs = list(zip(model.quotas.categories, model.values[t], strict=True))
    unknown = [c for c, v in pairs if v is None]
    if unknown:
        return (
            "no quota for their value of " + ", ".join(unknown),
            UnselectableCode.NO_QUOTA,
            {"categories": unknown},
        )
    closed = [(c, v) for c, v in pairs if v is not None and model.quotas.get(c, v).max == 0]
    if closed:
        return (
            "the maximum is 0 for " + ", ".join(f"{c} {v}" for c, v in closed),
            UnselectableCode.CLOSED,
            {"groups": [[c, v] for c, v in closed]},
        )
    described = ", ".join(f"{c} {v}" for c, v in pairs)
    params = {"k": model.k, "features": [[c, v] for c, v in pairs]}
    if any(t in group for group in model.households):
        return (
            f"no valid panel of {model.k} includes them (one per household; {described})",
            UnselectableCode.NO_PANEL_HOUSEHOLD,
            params,
        )
    return (
        f"no valid panel of {model.k} includes anyone with {described}",
        UnselectableCode.NO_PANEL,
        params,
    )
