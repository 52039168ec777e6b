"""The pricing question in its decision form, "is there a valid panel weighing more than a
threshold?", answered by OR-Tools' CP-SAT solver.

Column generation asks this question far more often than it asks for the heaviest panel: any
panel above the threshold is a new column, and only the last question of a level, the proof
that none exists, must be answered to the end. On pools with many narrow categories the
integer program's relaxation is weak (on the second regression pool of
``benchmarks/fuzz_shape.py`` its root bound is 1.74 where the heaviest panel weighs 1.1), and
HiGHS spends most of its time in branch and bound; CP-SAT's propagation of the quota rows
answers the same questions three to six times faster when a panel exists and about as fast
when none does (see docs/benchmarks.md).

CP-SAT needs integer weights. Each weight ``w[t]`` (scaled so that the largest is 1) is
rounded *up* to ``ceil(w[t] * SCALE)`` and the solver is asked for a panel whose rounded weight
is at least ``floor(threshold * SCALE) + k + 1``. A panel found that way outweighs the
threshold in exact arithmetic (rounding up added less than one per seat); when none exists,
every valid panel weighs at most ``threshold + (k + 1) / SCALE`` (:attr:`Decision.slack`, one
unit more for the round-off of ``w[t] * SCALE``), 1.3e-11 for a jury of 12, far inside the
1e-9 to which LEXIMIN prices.

Every proof is kept. "No valid panel reaches ``needed``" is, in integers, an inequality that
every valid panel meets (rounded weights times seats at most ``needed - 1``), so it is added to
the model of every later question as a cut. LEXIMIN's levels ask related questions (a level's
duals weigh the volunteers fixed at the levels before it), and these cuts give CP-SAT's
relaxation and propagation what the quota rows alone do not: replaying the 243 questions of
the second regression pool of ``benchmarks/fuzz_shape.py``, its 56 proofs took 14.3 s without
them and 5.5 s with them, its other answers 15.0 s and 8.2 s (the whole LEXIMIN 28 -> 15.5 s).
On pools whose quotas have a seat of slack they help less or cost a little (generated pool 7:
proofs 40.2 s without, 45.5 s with; see docs/benchmarks.md).

One worker and a fixed seed make the answers deterministic, which the published draw needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from sortition.errors import SolverError
from sortition.solver.highs import Deadline
from sortition.solver.repair import FaceBounds
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel

# Weights are scaled to integers this fine (the largest weight becomes SCALE); sums stay far
# below CP-SAT's 2**62 limit for any pool (SCALE * seats * types < 1e18 up to 10^5 types).
SCALE = 1e12
# The proofs kept as cuts have their weights this coarse: with the questions' own precision
# they slowed CP-SAT down (on generated pool 7 of benchmarks/fuzz_shape.py its proofs took
# 62.7 s against 40.5 s without cuts; 45.5 s at 1e4), and they cut as well at 1e4 (regression
# pool 2: 5.5 s against 5.3 s).
CUT_SCALE = 1e4
# The face questions' steering costs are scaled to integers this fine (FacePanels).
COST_SCALE = 1e6
# CP-SAT gives up on a question after this much deterministic time (about a second each on
# the machines of docs/benchmarks.md, the same on every machine, so the answers stay
# deterministic); the caller then asks HiGHS's integer program. Most questions take 0.01 to
# 0.5 of it, the slowest seen 4.3; one proof, at a point where the LP relaxation's bound sat
# 5e-10 above the threshold (a generated pool of benchmarks/fuzz_shape.py with the dual LP at
# tolerances of 1e-10), ran for minutes, where HiGHS's program took 0.07 s.
DETERMINISTIC_TIME = 8.0


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: a valid panel above the threshold, or ``None`` when every valid panel
    weighs at most ``threshold + slack`` (in the scaled weights, where the largest is 1)."""

    panel: Composition | None
    slack: float


class PanelDecision:
    """The panel rules of ``model`` as a CP-SAT model, built once and copied for each
    question (only the weight row differs between questions), with the cuts of the proofs so
    far (:attr:`cuts` of them)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self.calls = 0
        self.cuts = 0
        self._base, self._seats = panel_rules(model)

    def above(
        self, weights: FloatArray, *, threshold: float, deadline: Deadline
    ) -> Decision | None:
        """A valid panel whose weight under ``weights`` exceeds ``threshold``, or the proof
        that none does (up to :attr:`Decision.slack`). ``weights`` must be scaled so that the
        largest absolute weight is 1.

        ``None`` when CP-SAT ends without an answer (the caller asks the integer program);
        raises :class:`SolverError` when the deadline passes first."""
        self.calls += 1
        slack = (self.model.k + 1) / SCALE
        # With weights in [-1, 1] every panel of k seats weighs between -k and k: a threshold
        # outside that range is answered without CP-SAT, whose integers it would overflow.
        if threshold >= self.model.k:
            return Decision(None, slack)
        threshold = max(threshold, -self.model.k - 1.0)
        w = np.asarray(weights, dtype=np.float64)
        rounded = [math.ceil(v * SCALE) for v in w]
        needed = math.floor(threshold * SCALE) + self.model.k + 1
        kept = [t for t, v in enumerate(rounded) if v]
        question = self._base.clone()
        seats = [question.get_int_var_from_proto_index(v.index) for v in self._seats]
        question.add(_weighted(seats, kept, rounded) >= needed)
        status, solver = _solve(question, deadline)
        if status == cp_model.INFEASIBLE:
            self._keep(w, (needed - 1) / SCALE)
            return Decision(None, slack)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            panel = tuple(int(solver.value(v)) for v in seats)
            return Decision(panel, slack)
        if deadline.expired():
            raise SolverError("time limit reached while solving the panel decision")
        return None

    def _keep(self, w: FloatArray, most: float) -> None:
        """Add the proof "every valid panel weighs at most ``most`` under ``w``" as a cut, with
        its weights rounded up to multiples of ``1 / CUT_SCALE``: ``ceil(w * CUT_SCALE)`` adds
        less than 1 a seat, so every valid panel meets the cut's bound of
        ``floor(most * CUT_SCALE) + k + 1``."""
        coarse = [math.ceil(v * CUT_SCALE) for v in w]
        kept = [t for t, v in enumerate(coarse) if v]
        bound = math.floor(most * CUT_SCALE) + self.model.k + 1
        self._base.add(_weighted(self._seats, kept, coarse) <= bound)
        self.cuts += 1


def panel_rules(model: TypeModel) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The rules of a valid panel of ``model`` as a CP-SAT model over each type's seats: the
    size, every quota (in the order of ``model.quotas``), then at most one member of each
    household (in the order of ``model.households``)."""
    base = cp_model.CpModel()
    seats = [
        base.new_int_var(0, int(limit), f"seats[{t}]") for t, limit in enumerate(model.seat_limits)
    ]
    base.add(sum(seats) == model.k)
    for quota, types in zip(model.quotas, model.quota_types, strict=True):
        base.add_linear_constraint(sum(seats[t] for t in types), quota.min, quota.max)
    for group in model.households:
        base.add(sum(seats[t] for t in group) <= 1)
    return base, seats


class FacePanels:
    """Valid panels on a face of the relaxation (:mod:`sortition.solver.caratheodory`), found
    by CP-SAT: the face narrows the bounds of some quota and household rows (in the order of
    :func:`panel_rules`) and of some types' seats, and any valid panel inside will do; CP-SAT
    stops at its first, steered towards heavy types by an objective.

    On the fuzzing shape of issue 12 (five narrow quota categories) most faces of the split
    need this question: HiGHS's integer program took about 0.1 s to its first panel, CP-SAT
    takes 17 ms (regression pool 2 of benchmarks/fuzz_shape.py: its two splits 2.5 and 2.8 s
    of CPU -> 0.8 and 0.7 s, the whole LEXIMIN 22.6 -> 17.3 s; regression pool 1 15.2 ->
    13.2 s). Without the objective the split's panels made worse seeds for the levels after
    it (regression pool 1 16.5 s)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        self._rules: tuple[cp_model.CpModel, list[cp_model.IntVar]] | None = None
        self._rows = model.rows
        self._lower, self._upper = model.row_bounds

    def panel(
        self, bounds: FaceBounds, costs: FloatArray, *, deadline: Deadline
    ) -> FloatArray | None:
        """A valid panel within the face's ``bounds``; None when there is none.

        Raises :class:`SolverError` when the deadline passes first, and :class:`Unanswered`
        when CP-SAT ends without an answer before it."""
        if self._rules is None:  # built at the first face that needs it
            self._rules = panel_rules(self.model)
        question = self._rules[0].clone()
        seats = [question.get_int_var_from_proto_index(v.index) for v in self._rules[1]]
        for t, limit in enumerate(self.model.seat_limits):
            low, high = round(bounds.seat_low[t]), round(bounds.seat_high[t])
            if low > 0 or high < limit:
                question.add_linear_constraint(seats[t], low, high)
        for i, types in enumerate(self._rows):
            low, high = round(bounds.row_low[i]), round(bounds.row_high[i])
            if low > self._lower[i] or high < self._upper[i]:
                question.add_linear_constraint(sum(seats[t] for t in types), low, high)
        # The costs only steer the search, as they steer HiGHS to its first panel.
        top = float(np.max(np.abs(costs))) if len(costs) else 0.0
        steer = [round(v / top * COST_SCALE) if top > 0 else 0 for v in costs]
        question.maximize(_weighted(seats, [t for t, v in enumerate(steer) if v], steer))
        status, solver = _solve(question, deadline, first=True)
        if status == cp_model.INFEASIBLE:
            return None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return np.array([solver.value(v) for v in seats], dtype=np.float64)
        if deadline.expired():
            raise SolverError("time limit reached while looking for a panel on a face")
        raise Unanswered


class Unanswered(Exception):
    """CP-SAT ended without an answer (the caller asks the integer program)."""


def _solve(
    question: cp_model.CpModel, deadline: Deadline, *, first: bool = False
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """CP-SAT on ``question``, deterministic: one worker, seed 0, and a limit of
    ``DETERMINISTIC_TIME`` (besides the deadline)."""
    solver = cp_model.CpSolver()
    solver.parameters.stop_after_first_solution = first
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = DETERMINISTIC_TIME
    # No presolve, no probing and no cut rounds at the root: these questions are small and
    # asked hundreds of times, and each of these steps cost more than it saved. Replaying the
    # 162 questions of regression pool 2 of benchmarks/fuzz_shape.py, finds took 3.3 s
    # instead of 6.1 and proofs 4.5 s instead of 6.3; regression pool 1's 118, 2.2 s instead
    # of 4.1 and 0.3 instead of 0.7 (docs/benchmarks.md, 4 December 2026).
    solver.parameters.cp_model_presolve = False
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_cut_rounds_at_level_zero = 0
    remaining = deadline.remaining()
    if remaining is not None:
        solver.parameters.max_time_in_seconds = remaining
    return solver.solve(question), solver


def _weighted(
    seats: list[cp_model.IntVar], kept: list[int], rounded: list[int]
) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.weighted_sum([seats[t] for t in kept], [rounded[t] for t in kept])
