"""LEXIMIN and NASH over the LP relaxation of the panel polytope: a guess that is often exact.

Every lottery's expected seat vector lies in the convex hull of the valid panels, which lies
inside the relaxation (seats may be fractional, every quota and household row holds). So the
LEXIMIN profile over the relaxation is at least as good as any lottery's, and when a lottery
reaches it, that lottery is LEXIMIN. The relaxation's LEXIMIN takes a few small LPs (no integer
program), and :func:`sortition.solver.leximin.leximin` then only has to find panels whose mix
reaches it (:mod:`sortition.solver.caratheodory`, or column generation when that falls short).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from sortition.errors import SolverError
from sortition.solver.highs import INF, Deadline, Outcome, add_row, new_model, solve
from sortition.solver.panels import add_panel_rows
from sortition.solver.search import FloatArray
from sortition.solver.types import TypeModel

# A type is tight at a level when its row's dual weight exceeds this.
FIX_TOLERANCE = 1e-9
# Fixed rows sit this much below the level, so that round-off never makes the next LP
# infeasible.
SLACK = 1e-9
# The point is split into panels to within 1e-8 (see sortition.solver.leximin), so its rows
# must hold far more tightly than HiGHS's default 1e-7.
FEASIBILITY_TOLERANCE = 1e-10


@dataclass(frozen=True, slots=True)
class RelaxedPoint:
    """The relaxation's LEXIMIN: ``levels[t]`` is type ``t``'s probability (0 for a type that
    cannot sit), ``seats`` a point of the relaxation with ``seats[t] / size[t]`` at least
    ``levels[t] - SLACK``: expected seats that a lottery reaching the levels would have."""

    levels: FloatArray
    seats: FloatArray


def relaxed_leximin(
    model: TypeModel,
    *,
    deadline: Deadline,
    max_levels: int | None = None,
) -> RelaxedPoint | None:
    """The LEXIMIN point of the relaxation, or None when the LPs end without a type to fix
    (round-off; the caller then goes level by level). With ``max_levels`` at most that many
    LPs: the types not fixed by then get the last level, a floor under their probabilities.
    That is a MAXIMIN point; with ``max_levels=1`` the first LP's optimum, every type that can
    sit at the first level or above."""
    n = len(model)
    open_types = [t for t in range(n) if model.selectable(t)]
    lp = RelaxedCeiling(model, types=open_types)
    levels = np.zeros(n)
    seats = np.zeros(n)
    lps = 0
    while open_types:
        answer = lp.bound(deadline=deadline)
        if answer is None:
            return None
        value, weights = answer
        seats = lp.seats()
        lps += 1
        if max_levels is not None and lps >= max_levels:
            levels[open_types] = max(0.0, value)
            break
        tight = {t for t in open_types if weights[t] > FIX_TOLERANCE}
        if not tight:
            return None
        for t in tight:
            levels[t] = max(0.0, value)
            lp.fix(t, levels[t] - SLACK)
        open_types = [t for t in open_types if t not in tight]
    return RelaxedPoint(
        levels, np.clip(seats, 0.0, np.asarray(model.seat_limits, dtype=np.float64))
    )


class RelaxedCeiling:
    """The relaxation's LEXIMIN LP, stepped by the caller: maximise the smallest probability
    among the types not fixed yet, every fixed type held at its level. :func:`relaxed_leximin`
    steps it to the relaxation's LEXIMIN point; LEXIMIN's levels use it as their ceiling: no
    lottery gives the types not fixed yet a higher minimum than the relaxation does (every
    lottery's expected seats lie in the relaxation). When the panels found reach that bound,
    the level is proven without a pricing integer program, and the bound LP's duals are its
    certificate: they weigh every valid panel at most as much as they weigh the relaxation's
    best point, so they are a dual solution of the level over all valid panels, of value at
    most the bound.

    The fixed levels must be met by some lottery (LEXIMIN fixes each at most at what its own
    mix gives): else the LP may be infeasible, and there is no bound. ``types`` are the types
    with a level row (all by default; a type without one counts for nothing and weighs 0);
    ``unseatable`` are types that sit on no valid panel (their seats are held at 0, which
    tightens the relaxation)."""

    def __init__(
        self,
        model: TypeModel,
        *,
        types: Sequence[int] | None = None,
        unseatable: Sequence[int] = (),
    ) -> None:
        n = len(model)
        h = _relaxation(model, feasibility_tolerance=FEASIBILITY_TOLERANCE)
        for t in unseatable:
            h.changeColBounds(t, 0.0, 0.0)
        self._z = n
        h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        sizes = model.sizes
        self._rows = {
            t: add_row(
                h, name=f"level[{t}]", lower=0.0, upper=INF, cols=[t, n], coefs=[1 / sizes[t], -1]
            )
            for t in (range(n) if types is None else types)
        }
        self._h = h

    def fix(self, t: int, level: float) -> None:
        """Hold type ``t`` at ``level`` from now on."""
        self._h.changeCoeff(self._rows[t], self._z, 0.0)
        self._h.changeRowBounds(self._rows[t], level, INF)

    def bound(self, *, deadline: Deadline) -> tuple[float, FloatArray] | None:
        """The relaxation's highest minimum over the types not fixed, and each type's dual
        weight (summing to 1 over those types); None when the LP ends without an optimum
        (round-off: there is then no shortcut)."""
        if not _solved(self._h, what="relaxed LEXIMIN LP", deadline=deadline):
            return None
        solution = self._h.getSolution()
        duals = np.asarray(solution.row_dual, dtype=np.float64)
        weights = np.zeros(self._z)
        weights[list(self._rows)] = np.abs(duals[list(self._rows.values())])
        return float(solution.col_value[self._z]), weights

    def seats(self) -> FloatArray:
        """The expected seats of the last optimum."""
        return np.asarray(self._h.getSolution().col_value[: self._z], dtype=np.float64)


# The NASH cutting planes stop when the upper bound on the mean log probability is within this
# of the point's own value.
NASH_GAP = 1e-9
NASH_ROUNDS = 200
# HiGHS's default 1e-7 stalls the NASH cutting planes near a gap of 5e-8 on national_like_150;
# 1e-10 (as for LEXIMIN) makes its LP end without a status there.
NASH_TOLERANCE = 1e-9
# Tangents are not placed below this probability, which keeps the LP well scaled.
NASH_SMALLEST = 1e-6


@dataclass(frozen=True, slots=True)
class RelaxedNash:
    """The relaxation's NASH point (``point.levels`` are its probabilities) and ``bound``, an
    upper bound on ``sum_t size[t] * log(probability[t])`` over the relaxation, hence over
    every lottery, summed over the types that can sit."""

    point: RelaxedPoint
    bound: float


def relaxed_nash(
    model: TypeModel,
    active: Sequence[int],
    *,
    deadline: Deadline,
    near: FloatArray | None = None,
) -> RelaxedNash | None:
    """NASH over the relaxation, for the ``active`` types (those that can sit in it: the ones
    with a positive level in :func:`relaxed_leximin`), by cutting planes: maximise
    ``sum_t size[t] * u[t]`` over the relaxation's seats, with ``u[t]`` under tangents of
    ``log`` at the probabilities met so far (rows ``tangent[t,i]``), adding tangents where the
    LP overestimates the log, until the LP bound and the point's own value agree within
    ``NASH_GAP`` per person. None when the rounds run out.

    The first tangents sit at ``near[t]`` (a probability per type, such as the relaxation's
    LEXIMIN levels), at a quarter of it and at four times it; without ``near``, at ``k / n``.
    A round adds a type's tangent only where its own overestimate is above its share of the
    gap allowed (the gap is the sum of the overestimates). On the generated assembly pool
    that took the relaxation from 32 rounds and 10.4 s of CPU to 26 rounds and 7.5 s."""
    sizes = np.asarray(model.sizes, dtype=np.float64)
    n = len(model)
    active = list(active)
    if not active:
        return None
    chosen = set(active)
    h = _relaxation(model, feasibility_tolerance=NASH_TOLERANCE)
    for t in range(n):  # u[t], the log probability estimate, weighted by the type's size
        cost = sizes[t] if t in chosen else 0.0
        h.addCol(cost, -INF, 0.0, 0, np.empty(0, np.int32), np.empty(0, np.float64))

    def tangent(t: int, point: float) -> None:
        """u[t] <= log(point) + (seats[t] / size[t] - point) / point."""
        add_row(
            h,
            name=f"tangent[{t},{point:.6g}]",
            lower=-INF,
            upper=math.log(point) - 1.0,
            cols=[n + t, t],
            coefs=[1.0, -1.0 / (point * sizes[t])],
        )

    uniform = model.k / model.n
    for t in active:
        guess = uniform if near is None else min(max(float(near[t]), NASH_SMALLEST), 1.0)
        for point in (guess / 4, guess, min(1.0, 4 * guess)):
            tangent(t, point)
    people = float(sizes[active].sum())
    chosen_sizes = sizes[active]
    # A type's tangent is worth a row only when its own overestimate is a fair share of the
    # gap still allowed: the gap is the sum of the overestimates, so when none is above its
    # share the gap is within NASH_GAP.
    share = NASH_GAP * people / len(active) / 4
    for _ in range(NASH_ROUNDS):
        if not _solved(h, what="relaxed NASH LP", deadline=deadline):
            return None
        values = np.asarray(h.getSolution().col_value, dtype=np.float64)
        seats, logs = values[:n], values[n:]
        probabilities = seats / sizes
        bound = float(h.getInfo().objective_function_value)
        welfare = float(np.sum(chosen_sizes * np.log(np.maximum(probabilities[active], 1e-300))))
        if bound - welfare <= NASH_GAP * people:
            upper = np.asarray(model.seat_limits, dtype=np.float64)
            return RelaxedNash(RelaxedPoint(probabilities, np.clip(seats, 0.0, upper)), bound)
        points = np.maximum(probabilities[active], NASH_SMALLEST)
        over = chosen_sizes * (logs[active] - np.log(points))
        for i in np.flatnonzero(over > share):
            tangent(active[i], float(points[i]))
    return None


def _relaxation(model: TypeModel, *, feasibility_tolerance: float) -> highspy.Highs:
    """The relaxation as a maximising LP: columns ``0 .. len(model) - 1`` are the seats of
    each type (fractional, up to its seat limit), the rows those of a valid panel; the caller
    adds its own columns after them."""
    h = new_model(feasibility_tolerance=feasibility_tolerance)
    for upper in model.seat_limits:
        h.addCol(0.0, 0.0, float(upper), 0, np.empty(0, np.int32), np.empty(0, np.float64))
    add_panel_rows(h, model)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _solved(h: highspy.Highs, *, what: str, deadline: Deadline) -> bool:
    """Solve; False when HiGHS ends without an optimum for another reason than the deadline
    (at these tight tolerances it may report its status unknown): the relaxation is only a
    shortcut, and the callers then go the long way."""
    try:
        return solve(h, what=what, deadline=deadline) is Outcome.OPTIMAL
    except SolverError:
        if deadline.expired():
            raise
        return False
