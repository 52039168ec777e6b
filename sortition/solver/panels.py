"""The panel integer program: which compositions are valid panels, and the pricing problem
"find the valid panel of largest weight" that every column-generation algorithm asks.

One HiGHS model is built per selection and re-solved with new objective weights: only the
costs change between calls, so the model, its presolve and its named rows are reused.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from sortition.errors import InfeasibleQuotas, QuotaProblem
from sortition.solver.decision import PanelDecision
from sortition.solver.highs import (
    Deadline,
    MipSolver,
    add_row,
    new_model,
    solve_mip,
)
from sortition.solver.pricing import PanelSearch
from sortition.solver.search import FloatArray, SwapSearch
from sortition.solver.types import Composition, TypeModel

# Pricing must be solved almost exactly: the LEXIMIN optimality proof rests on "no panel is
# better than the current dual bound", and a loose MIP gap would weaken that proof.
MIP_GAP = 1e-9
# Local search starts from this many of the heaviest known panels.
STARTS = 2
# PanelOracle.above first runs the branch and bound of sortition.solver.pricing for at most
# SEARCH_WORK / types nodes (each node looks at every type), at least SEARCH_NODES, ending
# SEARCH_AFTER nodes after its first panel above the threshold. After SEARCH_MISSES searches in
# a row that end without an answer the oracle stops searching (a shape the search does not
# suit), all but the root bound (see PanelOracle.above). Compiled (sortition/solver/tree.py) a
# node costs about 2 microseconds on the fuzzing shape of issue 12 (150 to 200 types), where a
# CP-SAT find costs 10 to 50 ms and a proof 0.05 to 2 s: with some 200,000 nodes the search
# answers every question of the two regression pools of benchmarks/fuzz_shape.py, finds and
# proofs (at 1,500 nodes, the budget of the search in Python, it answered 242 of 313 and 32 of
# 192, and CP-SAT the rest), and the 24 pools of seeds 1 and 2 took 126.4 s -> 83.0 s at
# 50,000 nodes and 1,000 after, 18.8 s instead of 36 for generated pool 7 at 150,000
# (docs/benchmarks.md, 4 December 2026).
SEARCH_WORK = 30_000_000
SEARCH_NODES = 1500
SEARCH_AFTER = 1000
SEARCH_MISSES = 3
# A question whose root bound (scaled weights, the largest 1) is less than this above the
# threshold goes to the integer program, not to CP-SAT: on a generated pool of
# benchmarks/fuzz_shape.py, with the bound 5e-10 above the threshold, CP-SAT ran into its
# deterministic time limit (8 s) on one proof that HiGHS answered in 0.07 s. On the regression
# pools and generated pool 7 no question fell between 0 and 0.1 of this gap.
NEAR_BOUND = 1e-6


@dataclass(frozen=True, slots=True)
class Priced:
    """The answer of :meth:`PanelOracle.above`: valid panels above the threshold (none only
    when no valid panel exceeds it), and an upper bound on the weight of every valid panel."""

    panels: list[Composition]
    bound: float


def add_panel_rows(h: highspy.Highs, model: TypeModel, *, quotas: bool = True) -> None:
    """The rules of a valid panel as rows over columns ``0 .. len(model) - 1`` (seats per
    type): its size, every quota (unless ``quotas`` is False, for a caller that adds quota
    rows of its own), and at most one member of each household."""
    add_row(
        h,
        name="panel_size",
        lower=model.k,
        upper=model.k,
        cols=range(len(model)),
        coefs=[1.0] * len(model),
    )
    for quota, types in zip(model.quotas, model.quota_types, strict=True) if quotas else ():
        add_row(
            h,
            name=f"quota[{quota.category}={quota.value}]",
            lower=quota.min,
            upper=quota.max,
            cols=types,
            coefs=[1.0] * len(types),
        )
    for i, group in enumerate(model.households):
        add_row(h, name=f"household[{i}]", lower=0, upper=1, cols=group, coefs=[1.0] * len(group))


def panel_program(model: TypeModel, *, mip_gap: float = MIP_GAP) -> highspy.Highs:
    """The integer program of valid panels: one integer column per type (its seats, between 0
    and the type's size, 0 for a type that cannot sit), the rows of :func:`add_panel_rows`,
    maximisation of the costs the caller sets."""
    h = new_model(mip_gap=mip_gap)
    for t, upper in enumerate(model.seat_limits):
        h.addCol(0.0, 0.0, float(upper), 0, np.empty(0, np.int32), np.empty(0, np.float64))
        h.passColName(t, f"seats[{t}]")
    h.changeColsIntegrality(
        len(model),
        np.arange(len(model), dtype=np.int32),
        np.full(len(model), highspy.HighsVarType.kInteger),
    )
    add_panel_rows(h, model)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    # Presolve costs more than it saves on these small, re-solved models.
    h.setOptionValue("presolve", "off")
    return h


class PanelOracle:
    """Finds valid panels (compositions) of maximum weight over the types of ``model``, with
    ``mip_solver`` solving the integer program (see :func:`solve_mip`)."""

    def __init__(self, model: TypeModel, *, mip_solver: MipSolver = MipSolver.HIGHS) -> None:
        self.model = model
        self.mip_solver = mip_solver
        self.calls = 0
        self.searches = 0
        self.branched = False
        self._search = SwapSearch(model)
        h = panel_program(model)
        # The improving solutions met on the way are extra columns for free.
        h.setOptionValue("mip_improving_solution_save", True)
        self._h = h
        # Saved solutions are HiGHS's: after a CBC solve they belong to an earlier solve.
        self._saved_are_current = False
        self._tree = PanelSearch(model)
        self.trees = 0
        self._misses = 0
        self.decision = PanelDecision(model)

    def best(
        self, weights: Sequence[float] | FloatArray, *, deadline: Deadline
    ) -> tuple[Composition, float]:
        """The valid panel maximising ``sum(weights[t] * seats[t])`` and its weight.

        Raises :class:`InfeasibleQuotas` when no valid panel exists at all.
        """
        h = self._h
        n = len(self.model)
        w = np.asarray(weights, dtype=np.float64)
        # HiGHS judges optimality with absolute tolerances (about 1e-7), while dual weights
        # divided by type sizes can be far smaller: unscaled, it would stop at a panel up to
        # 1e-7 short of the best and the LEXIMIN proof would rest on a wrong maximum.
        scale = float(np.max(np.abs(w))) if len(w) else 0.0
        h.changeColsCost(n, np.arange(n, dtype=np.int32), w / scale if scale > 0 else w)
        self.calls += 1
        result = solve_mip(
            h, what="panel integer program", deadline=deadline, solver=self.mip_solver
        )
        self._saved_are_current = result.solver is MipSolver.HIGHS
        # Whether the program needed branch and bound beyond its root (HiGHS's node count,
        # the same on every machine; False when CBC solved it).
        self.branched = result.solver is MipSolver.HIGHS and int(h.getInfo().mip_node_count) > 1
        if result.values is None:
            raise InfeasibleQuotas(problems=[QuotaProblem("no panel meets every quota")])
        composition = tuple(round(v) for v in result.values)
        return composition, float(np.dot(composition, w))

    def above(self, weights: FloatArray, *, threshold: float, deadline: Deadline) -> Priced:
        """Valid panels weighing more than ``threshold`` under ``weights``, and an upper bound
        on every valid panel's weight (see :class:`Priced`).

        The branch and bound of :mod:`sortition.solver.pricing` runs first (after
        ``SEARCH_MISSES`` misses in a row only its root bound); when it ends without an
        answer, CP-SAT decides whether a panel above the threshold exists
        (:mod:`sortition.solver.decision`; a panel it finds bounds nothing, so the bound is
        infinite then); the integer program only when CP-SAT gives no answer, or with CBC as
        the solver."""
        w = np.asarray(weights, dtype=np.float64)
        scale = float(np.max(np.abs(w))) if len(w) else 0.0
        # CBC alone means no HiGHS (the search's LP is HiGHS's) and no CP-SAT.
        if scale <= 0 or MipSolver(self.mip_solver) is MipSolver.CBC:
            return self._program(w, threshold=threshold, deadline=deadline)
        # Once the search has stopped (SEARCH_MISSES), its root bound alone still runs: it
        # answers the proofs whose Lagrangian bound is already below the threshold (25 of
        # the 58 of regression pool 2 of benchmarks/fuzz_shape.py, which took CP-SAT 0.74 s)
        # in about 2 ms.
        searching = self._misses < SEARCH_MISSES
        self.trees += searching
        found = self._tree.search(
            w / scale,
            threshold=threshold / scale,
            budget=max(SEARCH_NODES, SEARCH_WORK // len(self.model)) if searching else 1,
            after=SEARCH_AFTER,
        )
        if found.panels or found.complete:
            if searching:
                self._misses = 0
            panels = [c for c in reversed(found.panels) if float(np.dot(c, w)) > threshold]
            if panels or found.complete:
                return Priced(panels, max(found.bound * scale, threshold))
        self._misses += searching
        if found.bound - threshold / scale < NEAR_BOUND:
            # The LP relaxation's bound is just above the threshold: HiGHS's integer program
            # proves it near its root, where CP-SAT may search for long.
            return self._program(w, threshold=threshold, deadline=deadline)
        decided = self.decision.above(w / scale, threshold=threshold / scale, deadline=deadline)
        if decided is not None:
            if decided.panel is None:
                return Priced([], threshold + decided.slack * scale)
            if float(np.dot(decided.panel, w)) > threshold:
                # CP-SAT stops at its first panel, often barely above the threshold; the
                # best swaps from it give a heavier column too (the 24 pools of seeds 1 and 2
                # of benchmarks/fuzz_shape.py: CP-SAT questions 93 -> 71 on regression 1,
                # 149.2 -> 145.6 s in all).
                climbed = self._search.climb(decided.panel, w)
                if climbed != decided.panel:
                    return Priced([climbed, decided.panel], np.inf)
                return Priced([decided.panel], np.inf)
        # CP-SAT gave no answer, or a panel above only within round-off.
        return self._program(w, threshold=threshold, deadline=deadline)

    def _program(self, w: FloatArray, *, threshold: float, deadline: Deadline) -> Priced:
        """The question of :meth:`above` answered by the integer program, to the end."""
        composition, best = self.best(w, deadline=deadline)
        panels = [composition] if best > threshold else []
        panels += [c for c in self.runners_up(w, threshold) if c != composition]
        return Priced(panels, best)

    def climbs(
        self, weights: FloatArray, *, threshold: float, known: FloatArray, judge: FloatArray
    ) -> list[Composition]:
        """Local search under ``weights`` from the heaviest known panels; keeps the new panels
        whose weight under ``judge`` exceeds ``threshold`` (``judge`` differs from ``weights``
        when the caller prices with smoothed duals)."""
        found: dict[Composition, None] = {}
        if len(known) and STARTS:
            for i in np.argsort(known @ weights)[::-1][:STARTS]:
                start = tuple(int(v) for v in known[i])
                candidate = self._search.climb(start, weights)
                if float(np.dot(candidate, judge)) > threshold and candidate != start:
                    found[candidate] = None
        self.searches += bool(found)
        return list(found)

    def runners_up(self, weights: FloatArray, threshold: float) -> list[Composition]:
        """The improving solutions of the last solve whose weight exceeds ``threshold`` (none
        when CBC ran it)."""
        found = []
        for saved in self._h.getSavedMipSolutions() if self._saved_are_current else ():
            composition = tuple(round(v) for v in saved.col_value)
            if float(np.dot(composition, weights)) > threshold:
                found.append(composition)
        return found

    def improving(
        self,
        weights: Sequence[float],
        *,
        threshold: float,
        known: FloatArray,
        deadline: Deadline,
    ) -> list[Composition]:
        """Valid panels of weight above ``threshold`` that are not rows of ``known``; empty
        only when the exact integer program proves that no panel exceeds ``threshold``.

        Local search from the heaviest known panels runs first (it may return several panels,
        which saves LP rounds); the integer program only when it finds nothing.
        """
        w = np.asarray(weights, dtype=np.float64)
        found = self.climbs(w, threshold=threshold, known=known, judge=w)
        if found:
            return found
        composition, value = self.best(weights, deadline=deadline)
        if value <= threshold:
            return []
        return list(dict.fromkeys([composition, *self.runners_up(w, threshold)]))


def covering_panels(
    oracle: PanelOracle,
    *,
    rng: random.Random,
    deadline: Deadline,
    known: Sequence[Composition] = (),
) -> list[Composition]:
    """A few diverse panels that, with the valid panels ``known``, seat every type that can
    sit at all.

    Each round gives weight 1 to the types not seated yet and a jitter below ``1/k`` to the
    others (for diversity) and asks for panels above 1/2, that is seating a new type
    (:meth:`PanelOracle.above`, stopping at the first such panel), so a round without one
    proves the rest cannot sit. Without ``known``, at least one panel is returned.
    """
    model = oracle.model
    covered = np.any(np.asarray(known, dtype=np.int64).reshape(-1, len(model)) > 0, axis=0)
    panels: list[Composition] = []
    while not all(covered):
        weights = np.array(
            [
                (0.0 if covered[t] else 1.0) + 1e-3 * rng.random() / model.k
                for t in range(len(model))
            ]
        )
        found = oracle.above(weights, threshold=0.5, deadline=deadline).panels
        for composition in found:
            panels.append(composition)
            covered |= np.asarray(composition) > 0
        if not found:
            break
    if not panels and not len(known):
        panels.append(oracle.best([1.0] * len(model), deadline=deadline)[0])
    return panels
