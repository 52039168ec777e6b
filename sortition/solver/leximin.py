"""Exact LEXIMIN (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021), over types instead
of people, in three tiers; each runs only when the one before falls short.

1. The LEXIMIN point of the LP relaxation (:mod:`sortition.solver.relaxed`, a few small LPs).
   No lottery beats it. Its expected seats are split greedily into valid panels
   (:mod:`sortition.solver.caratheodory`, one LP, rarely an integer program, per panel). When
   the mix reaches the point, it is LEXIMIN: on every shared instance this tier is the answer.
2. Column generation towards that point (:func:`reach`), seeded with the split's panels, when
   the split stopped on a face without panels; it ends with a lottery that reaches the point,
   or with a dual bound proving that none can, or after ``REACH_PROGRAMS`` pricing integer
   programs (a shortcut that takes longer is no shortcut: the levels are exact anyway).
3. Level by level, as in the paper, with the panels found so far. The types that no panel
   seats (the panels include :func:`covering_panels`) can sit on no valid panel and are
   fixed at 0 first, all at once. We solve the dual of
   "maximise the smallest probability among the types not fixed yet, keeping every fixed type
   at its level":

    minimise   yhat - sum_{t fixed} level[t] * y[t]
    subject to sum_{t not fixed} y[t] = 1                      (row "unfixed_weights")
               sum_t seats_P[t] / size[t] * y[t] <= yhat       (row "panel[i]", one per panel P)
               y >= 0

Each panel is a row, so new panels found by the pricing problem are added as rows and HiGHS's
dual simplex restarts from the previous basis. A level has converged when the pricing problem
finds no panel above ``yhat``; its optimum ``z`` is then the best achievable minimum, and every
type with a positive dual weight is tight at ``z`` in every optimal lottery (complementary
slackness), so it is fixed at ``z``. A level needs no pricing proof when its LP value already
reaches the relaxation's bound on it (every fixed type held at its level;
:class:`sortition.solver.relaxed.RelaxedCeiling`, one small LP a level): that bound's duals are
then the certificate, and they fix the types they weigh. On regression pool 2 of
benchmarks/fuzz_shape.py this ends levels 22 to 41 of 41. So that the relaxation can hold every
fixed level, each level is lowered, where needed, to the probability that the LP's own mix
gives the type (the dual LP meets its rows only to its tolerance, and by level 37 of that pool
the fixed levels were 4e-9 beyond every point of the relaxation). When every type is fixed, the
levels are recomputed over the panels found with tighter tolerances (:func:`polished`: each
level above is only as good as the ones below), and one LP over those panels
(:func:`sortition.solver.lottery.decompose`) gives the weights.

Plain column generation zigzags: each LP optimum is an extreme dual point far from the last.
The pricing problem is therefore asked at a point between the LP's duals and the best dual
point seen so far (Wentges smoothing); that point's exact panel value is an upper bound on the
level, so the gap between it and the LP value shows the progress, and pricing returns to the
LP's own duals once the gap is closed, where the integer program proves the level. Panels that
carry no weight are dropped from the LP now and then (they stay in the pool for the final
decomposition, and come back when they are violated again), which keeps every re-solve small.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import replace

import highspy
import numpy as np

from sortition.errors import SolverError
from sortition.solver.caratheodory import Progress, split_announced
from sortition.solver.highs import (
    INF,
    Deadline,
    MipSolver,
    Outcome,
    add_row,
    new_model,
    require_optimal,
    solve,
)
from sortition.solver.lottery import Lottery, decompose, normalised, type_probabilities
from sortition.solver.panels import PanelOracle, covering_panels
from sortition.solver.relaxed import RelaxedCeiling, RelaxedPoint, relaxed_leximin
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel

# A panel improves the dual only if its weight exceeds yhat by more than this; it bounds how far
# a level's value can sit below the true optimum.
PRICING_TOLERANCE = 1e-9
# Dual weights above this mark a type as tight at the current level.
FIX_TOLERANCE = 1e-9
# The dual LP's primal and dual feasibility tolerances. At HiGHS's default of 1e-7 each level
# was an LP value good to about 1e-7 (on regression pool 2 of benchmarks/fuzz_shape.py up to
# 5e-7 above what its panels give, once the levels below were recomputed tightly), and
# polishing (:func:`polished`) then priced again at most levels: 9 CP-SAT proofs, 9.2 s of
# 47.8, on generated pool 8; 23, 32 s of 109, on generated pool 7. At 1e-10 it priced at none
# of generated 8's levels, and the 24 pools of two seeds took 17% less in all (see
# docs/benchmarks.md, 4 December 2026).
DUAL_TOLERANCE = 1e-10
# Levels are fixed this much below the LP value so that solver round-off does not make a later
# level infeasible; it is far below the 1e-6 accuracy promised for probabilities, and as
# polishing fixes them (POLISH_SLACK). (1e-7 here, tried once, cost the city-scale test 2e-5 at
# the top of the profile: every type fixed lower frees probability for the types above it.)
# When round-off adds up over many levels anyway, see DualLP._reach_levels_again.
LEVEL_SLACK = 1e-10
# A level is proven once the panels found reach the relaxation's bound on it to within this
# (:class:`sortition.solver.relaxed.RelaxedCeiling`), without a pricing integer program.
CEILING_GAP = 1e-8
# ... and fixes the types whose probability it proves to within this (see _proven_by).
CEILING_ACCURACY = 1e-7
# Levels still open after PATIENCE rounds of plain pricing switch to smoothed pricing (HiGHS's
# integer program at a point between the LP's duals and the best dual point so far), for the
# rest of the level unless a smoothed program branches (more than one node of branch and
# bound). Column generation level by level on the city-sized pool of
# tests/sortition/test_city_scale.py needs hundreds of rounds a level, each a few
# milliseconds, and smoothing cuts them: its levels took 129 s with smoothing after 100 rounds
# and more than 900 s without (PATIENCE 1000, from 7f5aa52 to 4 December); its smoothed
# programs are solved at the root (1 node, 5 to 40 ms). On the fuzzing shape of issue 12 they
# branch (1 to 1,600 nodes, 0.2 to 1.1 s) and smoothing cost more than it saved (generated
# pools 7 and 8 of benchmarks/fuzz_shape.py 158 and 102 s with PATIENCE 100 and no rule, 80.6
# and 57.1 s with PATIENCE 1000, on a faster machine). Until 4 December the rule compared the
# seconds of a smoothed round with the plain ones' (ten times their mean): the path, and so
# the lottery's panels, then depended on the machine's speed, and once the pricing search ran
# compiled (plain rounds of a millisecond) it ended smoothing on the city-sized pool too,
# whose levels then ran past their 900 s.
PATIENCE = 100
# Wentges smoothing: pricing happens at SMOOTHING * best dual point + (1 - SMOOTHING) * LP duals,
# until the best point's bound is within SMOOTHING_GAP of the LP value.
SMOOTHING = 0.8
SMOOTHING_GAP = 1e-7
# The relaxation's LEXIMIN counts as reached when every type comes within REACH_TOLERANCE of it;
# the attempt stops once a dual bound proves a shortfall of more than REACH_BOUND.
REACH_TOLERANCE = 1e-8
REACH_BOUND = 1e-7
# An unbounded dual LP lowers every fixed level by LEVEL_SLACK, then by ten times more, and so
# on, at most RELAX_LEVELS times (1.1e-7 in all at most).
RELAX_LEVELS = 4
# The final pass over the panels found (:func:`polished`) solves with these tolerances and fixes
# each level this far below its LP value.
POLISH_TOLERANCE = 1e-10
POLISH_SLACK = 1e-10
# Polishing prices again only at a level that comes out more than this below its floor (the
# level found with pricing). The floors are good to about 1e-9 and the polishing LPs, which fix
# the types in an order of their own, meet them to a few 1e-9: at LEVEL_SLACK (1e-10) here,
# regression pool 2 of benchmarks/fuzz_shape.py priced at 27 of its 41 polishing LPs, for
# shortfalls of 1e-10 to 1.2e-8 (1.4 s of 11), and what it found moved no probability by more
# than 5e-10 on eight pools of that shape.
POLISH_PRICING_GAP = 1e-8
# A polishing LP that round-off makes infeasible is solved again, and the rest, with these.
LOOSER_POLISH_TOLERANCE = 1e-9
# Every PRUNE_EVERY rounds, panel rows without weight leave the LP if there are PRUNE_MIN of them.
PRUNE_EVERY = 10
PRUNE_MIN = 10
# At most this many pooled panels come back per round when they are violated again.
REVIVE = 20
# Column generation towards the relaxed point (tier 2) hands over to the levels after this many
# pricing integer programs. It is a shortcut only, the levels are exact by themselves: where
# the point is reachable one or two programs reach it (the three-category pools of the
# tests), and on the fuzzing shape of issue 12 (five narrow categories, 150 to 200
# volunteers) proving it out of reach took some 140 programs of up to a second each.
REACH_PROGRAMS = 20


class DualLP:
    """The incremental dual LP of one selection (see the module docstring).

    ``panels`` holds every panel ever found (the pool); only some of them are rows of the LP at
    a time (:meth:`prune`, :meth:`revive`).
    """

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        h = new_model(feasibility_tolerance=DUAL_TOLERANCE)
        h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        for _ in range(len(model)):
            h.addCol(0.0, 0.0, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        types = list(range(1, len(model) + 1))
        add_row(
            h, name="unfixed_weights", lower=1.0, upper=1.0, cols=types, coefs=[1.0] * len(model)
        )
        self._h = h
        self.panels: list[Composition] = []
        self.levels = np.zeros(len(model))
        self._matrix = np.zeros((64, len(model)))
        self._last = 0.05
        self.restarts = 0
        self._index: dict[Composition, int] = {}
        self._rows: list[int] = []  # the panel of each LP row after row 0
        self._inactive: set[int] = set()
        self._fixed: set[int] = set()
        self._mix: tuple[FloatArray, list[int]] = (np.zeros(0), [])

    def add_panel(self, composition: Composition) -> bool:
        """Make the panel a row of the LP; False when it is one already."""
        known = self._index.get(composition)
        if known is not None:
            if known not in self._inactive:
                return False
            self._inactive.discard(known)
            self._add_row(known)
            return True
        self._index[composition] = len(self.panels)
        if len(self.panels) == len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[len(self.panels)] = composition
        self.panels.append(composition)
        self._add_row(len(self.panels) - 1)
        return True

    def _add_row(self, i: int) -> None:
        composition = self.panels[i]
        cols = [0] + [t + 1 for t, c in enumerate(composition) if c]
        coefs = [-1.0] + [c / self.model.sizes[t] for t, c in enumerate(composition) if c]
        add_row(self._h, name=f"panel[{i}]", lower=-INF, upper=0.0, cols=cols, coefs=coefs)
        self._rows.append(i)

    @property
    def matrix(self) -> FloatArray:
        """Every panel found so far as a (panels x types) array of seat counts."""
        return self._matrix[: len(self.panels)]

    def prune(self) -> None:
        """Drop the panel rows without weight in the current solution (its optimum stays
        optimal: a constraint whose multiplier is zero can go)."""
        weights = np.asarray(self._h.getSolution().row_dual)[1:]
        drop = np.flatnonzero(np.abs(weights) <= 1e-12)
        if len(drop) < PRUNE_MIN:
            return
        self._h.deleteRows(len(drop), (drop + 1).astype(np.int32))
        self._inactive.update(self._rows[j] for j in drop)
        dropped = set(drop.tolist())
        self._rows = [r for j, r in enumerate(self._rows) if j not in dropped]

    def revive(self, weights: FloatArray, threshold: float) -> list[Composition]:
        """Pooled panels outside the LP whose weight exceeds ``threshold``, heaviest first."""
        if not self._inactive:
            return []
        pooled = np.fromiter(self._inactive, dtype=np.int64)
        values = self.matrix[pooled] @ weights
        order = np.argsort(values)[::-1][:REVIVE]
        return [self.panels[pooled[j]] for j in order if values[j] > threshold]

    def achieved(self) -> FloatArray:
        """Each type's probability under the mix of the last solution (the panel rows' dual
        values, made to sum to 1), as :meth:`solve` kept it: pruning rows afterwards leaves
        HiGHS's solution arrays out of step with the rows."""
        weights, rows = self._mix
        total = float(weights.sum())
        if total <= 0:
            return np.zeros(len(self.model))
        seats: FloatArray = (weights / total) @ self._matrix[rows]
        return seats / np.asarray(self.model.sizes, dtype=np.float64)

    @property
    def fixed(self) -> frozenset[int]:
        """The types fixed at their levels."""
        return frozenset(self._fixed)

    def fix(self, t: int, level: float) -> None:
        self._fixed.add(t)
        self._h.changeColCost(t + 1, -level)
        self._h.changeCoeff(0, t + 1, 0.0)
        self.levels[t] = level

    def target(self, levels: FloatArray) -> None:
        """Turn the LP into "how close can a lottery come to ``levels``": its value becomes
        the largest ``delta`` with every type's probability at least ``levels[t] + delta``."""
        n = len(self.model)
        self._h.changeColsCost(n, np.arange(1, n + 1, dtype=np.int32), -levels)
        self.levels = np.array(levels, dtype=np.float64)

    def solve(self, *, deadline: Deadline) -> tuple[float, float, FloatArray]:
        """The optimum, ``yhat`` and the dual weights ``y``.

        Warm-started dual simplex is fast but can stall on this degenerate LP after many
        modifications; a solve that takes far longer than usual restarts from scratch."""
        what = "LEXIMIN dual LP"
        cap = max(1.0, 20 * self._last)
        started = time.perf_counter()
        result = solve(self._h, what=what, deadline=deadline, cap=cap)
        if result is Outcome.TIME_LIMIT:
            self.restarts += 1
            self._h.clearSolver()
            require_optimal(self._h, what=what, deadline=deadline)
        elif result is Outcome.UNBOUNDED:
            self._reach_levels_again(deadline=deadline)
        elif result is not Outcome.OPTIMAL:
            raise SolverError(f"the {what} has no solution (HiGHS reports it {result.value})")
        self._last = time.perf_counter() - started
        solution = self._h.getSolution()
        self._mix = (np.abs(np.asarray(solution.row_dual)[1:]), list(self._rows))
        values = np.asarray(solution.col_value)
        objective = float(self._h.getInfo().objective_function_value)
        return objective, float(values[0]), values[1:].copy()

    def _reach_levels_again(self, *, deadline: Deadline) -> None:
        """An unbounded dual LP means that no mix of its panels reaches the fixed levels any
        more (found by fuzzing, on pools with five quota categories and 50 to 90 levels):
        each level is an LP value good to the LP's tolerance (``DUAL_TOLERANCE``), and after
        many levels the round-off adds up beyond ``LEVEL_SLACK``, or a row dropped as
        unweighted is needed again. First every pooled panel comes back; then, while still
        unbounded, every fixed level goes down by LEVEL_SLACK, 10 * LEVEL_SLACK, ...
        (``RELAX_LEVELS`` steps; :func:`polished` lifts every type back as far as the panels
        allow)."""
        for i in sorted(self._inactive):
            self._add_row(i)
        self._inactive.clear()
        what = "LEXIMIN dual LP"
        step = LEVEL_SLACK
        for _ in range(RELAX_LEVELS):
            if solve(self._h, what=what, deadline=deadline) is not Outcome.UNBOUNDED:
                break
            for t in self._fixed:
                self.levels[t] = max(0.0, self.levels[t] - step)
                self._h.changeColCost(t + 1, -self.levels[t])
            step *= 10
        require_optimal(self._h, what=what, deadline=deadline)


class Unreachable(Exception):
    """The proven bound fell below what the caller asked for (see :func:`converge_level`)."""


class OutOfRounds(Exception):
    """The level did not converge within the integer programs the caller allowed (see
    :func:`converge_level`)."""


def converge_level(
    lp: DualLP,
    oracle: PanelOracle,
    *,
    deadline: Deadline,
    give_up_below: float | None = None,
    max_programs: int | None = None,
    ceiling: tuple[float, FloatArray] | None = None,
) -> tuple[float, list[float]]:
    """Add panels until none improves the dual; returns the level's value and dual weights.

    The first ``PATIENCE`` rounds price at the LP's duals, local search first (short levels
    end there). Longer levels switch to smoothed pricing (see the module docstring), for the
    rest of the level unless a smoothed program branches (see ``PATIENCE``):
    ``center`` is the dual point with the lowest proven bound so far, ``bound`` that bound.
    Raises :class:`Unreachable` as soon as that bound is below ``give_up_below``, and
    :class:`OutOfRounds` when ``max_programs`` pricing integer programs did not settle it.

    ``ceiling`` is an upper bound on the level with its dual weights (the relaxation's, see
    :class:`sortition.solver.relaxed.RelaxedCeiling`): once the LP value comes within
    ``CEILING_GAP`` of it, the level is proven and those weights are returned."""
    sizes = np.asarray(lp.model.sizes, dtype=np.float64)
    center: FloatArray | None = None
    bound = np.inf
    rounds = 0
    programs = 0
    stuck = False
    pruned_at = -np.inf
    smoothing = True
    while True:
        rounds += 1
        value, yhat, y = lp.solve(deadline=deadline)
        certificate = _proven_by(ceiling, value, lp)
        if certificate is not None:
            return value, certificate
        # Pruning only after the value has risen, so that rows cannot leave and come back
        # in a cycle at one value.
        if rounds % PRUNE_EVERY == 0 and value > pruned_at + PRICING_TOLERANCE:
            lp.prune()
            pruned_at = value
        judge = y / sizes
        threshold = yhat + PRICING_TOLERANCE
        smooth = (
            smoothing
            and rounds > PATIENCE
            and not stuck
            and center is not None
            and bound - value > SMOOTHING_GAP
        )
        if rounds <= PATIENCE or not smoothing:
            climbed = oracle.climbs(judge, threshold=threshold, known=lp.matrix, judge=judge)
            if sum(lp.add_panel(c) for c in climbed):
                continue
        point = y if not smooth or center is None else SMOOTHING * center + (1 - SMOOTHING) * y
        if max_programs is not None and programs >= max_programs:
            raise OutOfRounds
        programs += 1
        if smooth:
            composition, best = oracle.best(point / sizes, deadline=deadline)
            candidates = [composition, *oracle.runners_up(judge, threshold)]
            # A smoothed program that branches costs hundreds of plain rounds (see PATIENCE).
            smoothing = not oracle.branched
        else:
            # At the LP's duals any panel above the threshold will do; best is then only an
            # upper bound on the heaviest panel's weight, which is all the bound needs.
            priced = oracle.above(judge, threshold=threshold, deadline=deadline)
            candidates, best = list(priced.panels), priced.bound
            if not candidates:
                return value, [float(v) for v in y]
        proven = best - float(lp.levels @ point)
        if proven < bound:
            center, bound = point, proven
            if give_up_below is not None and bound < give_up_below:
                raise Unreachable
        candidates += lp.revive(judge, threshold)
        added = sum(lp.add_panel(c) for c in candidates if float(np.dot(c, judge)) > threshold)
        if not smooth and not added:
            raise SolverError("LEXIMIN stalled: the best panel is already in the LP")
        # A smoothed round that found nothing new: price at the duals next time.
        stuck = smooth and not added


def _proven_by(
    ceiling: tuple[float, FloatArray] | None, value: float, lp: DualLP
) -> list[float] | None:
    """The dual weights that fix the level's types when ``value`` reaches the ``ceiling``,
    else None. Where the value is short of the bound by ``gap``, a type of dual weight ``w``
    can still gain up to ``gap / w`` in some lottery that keeps the others at the level (weak
    duality), so only types that can gain at most ``CEILING_ACCURACY`` keep their weight;
    None when no type not fixed yet does."""
    if ceiling is None or value < ceiling[0] - CEILING_GAP:
        return None
    bound, weights = ceiling
    least = max(FIX_TOLERANCE, (bound - value) / CEILING_ACCURACY)
    kept = np.where(weights > least, weights, 0.0)
    if not any(kept[t] > 0 for t in range(len(kept)) if t not in lp.fixed):
        return None
    return [float(v) for v in kept]


def start(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    mip_solver: MipSolver = MipSolver.HIGHS,
    found: Sequence[Composition] = (),
) -> tuple[DualLP, PanelOracle]:
    """The dual LP seeded with panels that seat every type that can sit and with ``found``
    (panels met earlier, such as a split's), and the oracle (solving with ``mip_solver``)."""
    oracle = PanelOracle(model, mip_solver=mip_solver)
    lp = DualLP(model)
    covering = covering_panels(oracle, rng=rng, deadline=deadline, known=found)
    for composition in [*covering, *found]:
        lp.add_panel(composition)
    return lp, oracle


def leximin(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver = MipSolver.HIGHS,
) -> Lottery:
    """The LEXIMIN lottery over compositions (see the module docstring), its integer programs
    solved with ``mip_solver``.

    ``Lottery.bound`` is the relaxation's minimum (tiers 1 and 2) or the first level's LP value
    (tier 3): no lottery has a higher minimum.
    Raises :class:`SolverError` when the deadline passes first; it never returns a partial
    lottery, since a lottery that claims to be LEXIMIN must be.
    """
    relaxed = relaxed_leximin(model, deadline=deadline)
    lottery, found = split_relaxed(
        "LEXIMIN",
        model,
        relaxed,
        rng=rng,
        deadline=deadline,
        progress=progress,
        mip_solver=mip_solver,
    )
    if lottery is not None:
        return lottery
    lp, oracle = start(model, rng=rng, deadline=deadline, mip_solver=mip_solver, found=found)
    restricted = without_unseatable(model, relaxed, lp.matrix)
    if restricted is not None:
        # Types that no valid panel seats had a positive level in the relaxation: the
        # relaxation without them is still an outer bound of every lottery, and much closer.
        relaxed = relaxed_leximin(restricted, deadline=deadline)
        lottery, found = split_relaxed(
            "LEXIMIN without the volunteers who cannot sit",
            restricted,
            relaxed,
            rng=rng,
            deadline=deadline,
            progress=progress,
            mip_solver=mip_solver,
        )
        if lottery is not None:
            # Someone cannot sit, so the minimum (and its bound) is 0.
            return replace(lottery, bound=0.0)
        for composition in found:
            lp.add_panel(composition)
    if relaxed is not None:
        lottery = reach(model, lp, oracle, relaxed, deadline=deadline, progress=progress)
        if lottery is not None:
            return lottery
        pool = lp.panels
        lp = DualLP(model)
        for composition in pool:
            lp.add_panel(composition)
    levels: dict[int, float] = {}
    bound: float | None = None
    count = 0
    # Types that no panel seats sit on no valid panel (the pool holds covering_panels): their
    # level is 0, which level by level would find one type per level, at a pricing program
    # each (74 levels on the first fuzzing pool of issue 12).
    unseated = np.flatnonzero(~np.any(lp.matrix > 0, axis=0))
    for t in unseated.tolist():
        levels[t] = 0.0
        lp.fix(t, 0.0)
    if len(unseated):
        bound, count = 0.0, 1
        progress(
            f"LEXIMIN level 1: probability 0, {len(unseated)}/{len(model)} types who cannot sit",
            len(levels) / len(model),
        )
    relaxation = RelaxedCeiling(model, unseatable=unseated.tolist())
    for t, level in levels.items():
        relaxation.fix(t, level)
    while len(levels) < len(model):
        try:
            ceiling = relaxation.bound(deadline=deadline)
            value, y = converge_level(lp, oracle, deadline=deadline, ceiling=ceiling)
        except SolverError as error:
            raise SolverError(
                f"LEXIMIN stopped at level {count + 1} with {len(levels)} of {len(model)} "
                f"volunteer types fixed (minimum so far {bound}): {error}"
            ) from error
        bound = value if bound is None else bound
        count += 1
        tight = {t for t, weight in enumerate(y) if t not in levels and weight > FIX_TOLERANCE}
        for t in tight:
            levels[t] = max(0.0, value - LEVEL_SLACK)
        # Every level at most what the LP's own mix gives its type (see the module docstring).
        achieved = lp.achieved()
        for t, level in levels.items():
            if t in tight or achieved[t] < level:
                levels[t] = min(level, float(achieved[t]))
                lp.fix(t, levels[t])
                relaxation.fix(t, levels[t])
        progress(
            f"LEXIMIN level {count}: probability {value:.6f}, "
            f"{len(levels)}/{len(model)} types fixed, {len(lp.panels)} panels",
            len(levels) / len(model),
        )
    floors = [levels[t] for t in range(len(model))]
    panels = list(lp.panels)
    lifted = polished(model, panels, deadline=deadline, floors=floors, oracle=oracle)
    if lifted is None:
        progress(
            "LEXIMIN: recomputing the levels over the panels found with tight tolerances ended "
            "without an optimum; the levels found with pricing stand (good to 1e-6)",
            1.0,
        )
    compositions, weights = decompose(model, panels, lifted or floors, deadline=deadline)
    return Lottery(compositions, weights, bound if bound is not None else 0.0, count)


def polished(
    model: TypeModel,
    panels: list[Composition],
    *,
    deadline: Deadline,
    floors: Sequence[float] | None = None,
    oracle: PanelOracle | None = None,
) -> list[float] | None:
    """The LEXIMIN levels over ``panels`` alone, recomputed bottom-up with tolerances of
    ``POLISH_TOLERANCE``. When round-off makes a level's LP infeasible, it and the levels after
    it are solved with ``LOOSER_POLISH_TOLERANCE`` (on regression pool 2 of
    benchmarks/fuzz_shape.py one run in four met that at its last level; the fallback to the
    levels found with pricing then moved types by 1.3e-7); None when an LP still ends without
    an optimum (the caller then keeps the levels found with pricing and says so).

    The levels found with pricing are each good only to the dual LP's tolerance (1e-7 until
    4 December, ``DUAL_TOLERANCE`` now), and each is fixed on top of the ones below, so
    round-off adds up: with 1e-7, on regression pool 2 of
    benchmarks/fuzz_shape.py (41 levels, 4 calls of DualLP._reach_levels_again) single types
    could still be raised by up to 2.3e-6 with every lower level kept, beyond the 1e-6 the
    probabilities promise, and two runs finding different panels differed by 1.6e-6. With
    the panels fixed, one small primal LP per level (no pricing) takes that back.

    The panels found with pricing can also fall short: a level's dual LP, good to 1e-7 then,
    accepts panels that support the level only to a few 1e-9, so that pricing at its duals
    finds nothing more (on regression pool 2, one run in four left the first level 4.8e-9 below
    1/48 and moved higher types by 1.3e-7). With ``oracle`` and ``floors`` (the levels found
    with pricing), a level that comes out more than ``POLISH_PRICING_GAP`` below its floor
    prices at the polishing LP's exact duals and takes the panels found (``panels`` grows)
    until none improves; the other levels need no pricing. (With the dual LP at 1e-10 now, the
    shortfalls met on that shape are the polishing LPs' own round-off, below 1.3e-8.)

    The types that none of ``panels`` seats are fixed at 0 before the first LP (unless pricing
    may seat them: a floor above 0), not one or a few per LP as the LP's duals weigh them
    (on regression pool 1 of benchmarks/fuzz_shape.py 74 LPs of 13 ms, about 1 s)."""
    n = len(model)
    h = new_model(feasibility_tolerance=POLISH_TOLERANCE)
    # Column 0 is the level; row 0 makes the panels' weights sum to 1, row t + 1 holds type t
    # at the level (then, once fixed, at its own).
    z = 0
    h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
    add_row(h, name="weights_sum_to_1", lower=1.0, upper=1.0, cols=[], coefs=[])
    for t in range(n):
        add_row(h, name=f"type[{t}]", lower=0.0, upper=INF, cols=[z], coefs=[-1.0])
    for composition in panels:
        _add_panel_column(h, model, composition)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    seated = np.any(np.asarray(panels, dtype=np.int64).reshape(-1, n) > 0, axis=0)
    levels: dict[int, float] = {
        t: 0.0
        for t in range(n)
        if not seated[t] and (oracle is None or floors is None or floors[t] <= LEVEL_SLACK)
    }
    for t in levels:
        h.changeCoeff(t + 1, z, 0.0)
    sizes = np.asarray(model.sizes, dtype=np.float64)
    loosened = False
    lowered = 0
    while len(levels) < n:
        outcome = _polishing_outcome(h, deadline=deadline)
        if outcome is Outcome.INFEASIBLE and levels and not loosened:
            # Round-off of the levels below, seen at the last level: 1e-9 clears it.
            loosened = True
            h.setOptionValue("primal_feasibility_tolerance", LOOSER_POLISH_TOLERANCE)
            h.setOptionValue("dual_feasibility_tolerance", LOOSER_POLISH_TOLERANCE)
            continue
        if outcome is Outcome.INFEASIBLE and levels and lowered < RELAX_LEVELS:
            # Not always: every fixed level goes down by 1e-10, then 1e-9, ... (as in
            # DualLP._reach_levels_again; 1.1e-6 in all at most).
            step = POLISH_SLACK * 10**lowered
            lowered += 1
            for t, level in levels.items():
                levels[t] = max(0.0, level - step)
                h.changeRowBounds(t + 1, levels[t], INF)
            continue
        if outcome is not Outcome.OPTIMAL:
            return None
        value = float(h.getInfo().objective_function_value)
        duals = np.abs(np.asarray(h.getSolution().row_dual)[1:])
        if (
            oracle is not None
            and floors is not None
            and value < _lowest(floors, levels) - POLISH_PRICING_GAP
        ):
            judge = duals / sizes
            # Every panel of the LP weighs at most the convexity row's dual, the ones in use
            # exactly that: a panel that weighs more raises the level.
            threshold = float(np.max(np.asarray(panels) @ judge)) + PRICING_TOLERANCE
            found = oracle.above(judge, threshold=threshold, deadline=deadline).panels
            known = set(panels)
            new = [c for c in dict.fromkeys(found) if c not in known]
            if new:
                for composition in new:
                    _add_panel_column(h, model, composition)
                    panels.append(composition)
                continue
        duals[list(levels)] = 0.0
        tight = np.flatnonzero(duals > FIX_TOLERANCE).tolist() or [int(np.argmax(duals))]
        for t in tight:
            # An LP solved at 1e-9 may overstate its value by that much: fix below it.
            levels[t] = max(0.0, value - (LOOSER_POLISH_TOLERANCE if loosened else POLISH_SLACK))
            h.changeCoeff(t + 1, z, 0.0)
            h.changeRowBounds(t + 1, levels[t], INF)
    return [levels[t] for t in range(n)]


def _polishing_outcome(h: highspy.Highs, *, deadline: Deadline) -> Outcome:
    """Solve a polishing LP; one that ends without a status (HiGHS's "unknown", seen once on
    generated pool 7 of benchmarks/fuzz_shape.py) is solved again from scratch, and then
    counts as infeasible (the caller loosens its tolerances)."""
    for fresh in (False, True):
        if fresh:
            h.clearSolver()
        try:
            return solve(h, what="LEXIMIN polishing LP", deadline=deadline)
        except SolverError:
            if deadline.expired():
                raise
    return Outcome.INFEASIBLE


def _lowest(floors: Sequence[float], levels: dict[int, float]) -> float:
    """The lowest of ``floors`` among the types not fixed in ``levels``."""
    return min(f for t, f in enumerate(floors) if t not in levels)


def _add_panel_column(h: highspy.Highs, model: TypeModel, composition: Composition) -> None:
    """A panel as a new column of the polishing LP of :func:`polished`: its weight, in the
    row that sums the weights to 1 and in the rows of the types it seats."""
    seated = [t for t, c in enumerate(composition) if c]
    h.addCol(
        0.0,
        0.0,
        INF,
        len(seated) + 1,
        np.array([0, *(t + 1 for t in seated)], dtype=np.int32),
        np.array([1.0, *(composition[t] / model.sizes[t] for t in seated)]),
    )


def without_unseatable(
    model: TypeModel, relaxed: RelaxedPoint | None, panels: FloatArray
) -> TypeModel | None:
    """The model with the types that none of ``panels`` seats excluded, when ``panels``
    include :func:`covering_panels` (so those types sit on no valid panel at all) and the
    relaxation gave one of them a positive level; else None (nothing to gain)."""
    if relaxed is None or not len(panels):
        return None
    seated = np.any(np.asarray(panels) > 0, axis=0)
    unseatable = [t for t in range(len(model)) if model.selectable(t) and not seated[t]]
    if not any(relaxed.levels[t] > REACH_TOLERANCE for t in unseatable):
        return None
    return replace(model, excluded=model.excluded | frozenset(unseatable))


def split_relaxed(
    name: str,
    model: TypeModel,
    relaxed: RelaxedPoint | None,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver = MipSolver.HIGHS,
    patience: int | None = None,
) -> tuple[Lottery | None, tuple[Composition, ...]]:
    """Tier 1: the lottery that splits the relaxed point into panels when the split reaches
    it, else None; with the panels the split found either way (none without a relaxed
    point). ``mip_solver`` solves the split's integer programs; ``patience`` see
    :func:`.caratheodory.split`."""
    if relaxed is None:
        return None, ()
    parts = split_announced(
        name,
        model,
        relaxed.seats,
        rng=rng,
        deadline=deadline,
        progress=progress,
        mip_solver=mip_solver,
        patience=patience,
    )
    mix = np.asarray(parts.weights, dtype=np.float64)
    mix /= max(float(mix.sum()), 1e-300)
    if len(mix) and reaches(model, parts.compositions, mix, relaxed):
        progress(f"{name}: the relaxation's optimum split into {len(mix)} panels", 1.0)
        lottery = _balanced(model, parts.compositions, list(mix), relaxed, deadline=deadline)
        return lottery, parts.compositions
    progress(f"{name}: the split fell short, column generation takes over", None)
    return None, parts.compositions


def reaches(
    model: TypeModel,
    compositions: Sequence[Composition],
    weights: FloatArray,
    relaxed: RelaxedPoint,
) -> bool:
    """Whether the mix gives every type at least its relaxed level, up to REACH_TOLERANCE."""
    probabilities = np.asarray(type_probabilities(model, compositions, list(weights)))
    return bool(np.all(probabilities >= relaxed.levels - REACH_TOLERANCE))


def _balanced(
    model: TypeModel,
    compositions: Sequence[Composition],
    weights: Sequence[float],
    relaxed: RelaxedPoint,
    *,
    deadline: Deadline,
) -> Lottery:
    """The lottery of a mix that reaches the relaxed point, re-weighted by one LP so that every
    type sits as far above its level as those panels allow: the split follows one LP optimum,
    which may favour a type over an equal one by solver round-off. The split's own weights
    stand if the LP does worse."""
    floors = [max(0.0, float(v) - REACH_TOLERANCE) for v in relaxed.levels]
    even, even_weights = decompose(model, compositions, floors, deadline=deadline)
    if reaches(model, even, np.asarray(even_weights), relaxed):
        return _lottery(model, even, even_weights, relaxed)
    return _lottery(model, compositions, weights, relaxed)


def _lottery(
    model: TypeModel,
    compositions: Sequence[Composition],
    weights: Sequence[float],
    relaxed: RelaxedPoint,
) -> Lottery:
    """The lottery of a mix that reaches the relaxed point: LEXIMIN, with the relaxation's
    minimum as its bound and its distinct levels as its level count."""
    merged, kept = normalised(compositions, weights)
    selectable = [float(relaxed.levels[t]) for t in range(len(model)) if model.selectable(t)]
    bound = min(selectable) if selectable else 0.0
    return Lottery(merged, kept, bound, len(set(np.round(selectable, 9))))


def reach(
    model: TypeModel,
    lp: DualLP,
    oracle: PanelOracle,
    relaxed: RelaxedPoint,
    *,
    deadline: Deadline,
    progress: Progress,
) -> Lottery | None:
    """The LEXIMIN lottery when a lottery reaches the relaxation's LEXIMIN point (see
    :mod:`sortition.solver.relaxed`), else None. Column generation on "how close can a
    lottery come to the relaxed levels" gives up as soon as a dual bound proves it cannot come
    within ``REACH_TOLERANCE``."""
    targets = np.maximum(relaxed.levels - LEVEL_SLACK, 0.0)
    lp.target(targets)
    try:
        value, _ = converge_level(
            lp,
            oracle,
            deadline=deadline,
            give_up_below=-REACH_BOUND,
            max_programs=REACH_PROGRAMS,
        )
    except Unreachable:
        value = -np.inf
    except OutOfRounds:
        progress(
            f"LEXIMIN: the relaxation's optimum not reached with {REACH_PROGRAMS} integer "
            "programs, going level by level",
            None,
        )
        return None
    except SolverError as error:
        raise SolverError(
            f"LEXIMIN stopped while reaching the LP relaxation's optimum "
            f"({len(lp.panels)} panels found): {error}"
        ) from error
    if value < -REACH_TOLERANCE:
        progress("LEXIMIN: the relaxation's optimum is out of reach, going level by level", None)
        return None
    progress(f"LEXIMIN: the relaxation's optimum reached, {len(lp.panels)} panels", 1.0)
    floors = [max(0.0, float(v) - REACH_TOLERANCE) for v in targets]
    compositions, weights = decompose(model, lp.panels, floors, deadline=deadline)
    return _lottery(model, compositions, weights, relaxed)
