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
from sortition.solver.highs import (
    Deadline,
    MipSolver,
    Outcome,
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
# SEARCH_NODES nodes, ending SEARCH_AFTER nodes after its first panel above the threshold (on
# the fuzzing shape of issue 12 most answers come within a thousand nodes of 10 to 50
# microseconds, where the integer program takes 0.05 to 0.8 s; 5,000 nodes cost the second
# regression pool more in missed searches than they saved). After SEARCH_MISSES searches in a
# row that end without an answer the oracle stops searching (a shape the search does not suit).
SEARCH_NODES = 1500
SEARCH_AFTER = 200
SEARCH_MISSES = 10
# With ``first=True`` the integer program of PanelOracle.above stops at its first solution
# above the threshold by this much (relative, of the scaled weights), so that its weight is
# above the threshold in our own arithmetic too. LEXIMIN's levels do not ask for that: the
# first panel is a weaker column than the best and the saved improving solutions, and on the
# first fuzzing pool the levels took 34.8 s of CPU with it against 24.7 s without.
STOP_MARGIN = 1e-12
# Without ``first`` it stops at a panel above the threshold whose weight closes NEAR_BEST of
# the gap between the threshold and HiGHS's bound at that moment: the heaviest panel is the
# better column, but HiGHS spends a third or more of such a program proving that a panel it
# found early is the heaviest. Measured on the two regression pools of
# benchmarks/fuzz_shape.py (CPU s, base / 0.9 / 0.7 / 0.5 / 0.3): pool 1 33.7 / 27.7 / 27.3
# / 29.4 / 29.3, pool 2 74.3 / 70.2 / 69.5 / 80.6 / 72.9.
NEAR_BEST = 0.7


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
        self._search = SwapSearch(model)
        h = panel_program(model)
        # The improving solutions met on the way are extra columns for free.
        h.setOptionValue("mip_improving_solution_save", True)
        self._h = h
        # Saved solutions are HiGHS's: after a CBC solve they belong to an earlier solve.
        self._saved_are_current = False
        self._last = Outcome.OTHER
        self._tree = PanelSearch(model)
        self.trees = 0
        self._misses = 0
        # While set, the integer program stops at its first solution weighing more (scaled)
        # when _first, else at one near its bound (NEAR_BEST).
        self._stop_above: float | None = None
        self._first = False
        self._stop = False
        h.cbMipImprovingSolution.subscribe(self._on_solution)
        h.cbMipInterrupt.subscribe(self._on_interrupt)

    def _on_solution(self, event: highspy.HighsCallbackEvent) -> None:
        limit, value = self._stop_above, event.data_out.objective_function_value
        if limit is None or value <= limit:
            return
        gap = event.data_out.mip_dual_bound - limit
        if self._first or value - limit >= NEAR_BEST * gap:
            self._stop = True

    def _on_interrupt(self, event: highspy.HighsCallbackEvent) -> None:
        # The flag persists in HiGHS between solves: it is set on every call, either way.
        if event.data_in is not None:
            event.data_in.user_interrupt = self._stop

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
        self._last = result.outcome
        if result.values is None:
            raise InfeasibleQuotas(problems=[QuotaProblem("no panel meets every quota")])
        composition = tuple(round(v) for v in result.values)
        return composition, float(np.dot(composition, w))

    def above(
        self, weights: FloatArray, *, threshold: float, deadline: Deadline, first: bool = False
    ) -> Priced:
        """Valid panels weighing more than ``threshold`` under ``weights``, and an upper bound
        on every valid panel's weight (see :class:`Priced`).

        The branch and bound of :mod:`sortition.solver.pricing` runs first; when it ends
        without an answer, the integer program, which stops at its first solution above the
        threshold when ``first`` (only a proof that no panel exceeds it then needs the search
        to the end), else at a panel close to the heaviest (``NEAR_BEST``)."""
        w = np.asarray(weights, dtype=np.float64)
        scale = float(np.max(np.abs(w))) if len(w) else 0.0
        if scale <= 0:
            composition, best = self.best(w, deadline=deadline)
            return Priced([composition] if best > threshold else [], best)
        # CBC alone means no HiGHS integer program; the search's LP is HiGHS's all the same,
        # so it stays out of that mode too (the answers are the same either way).
        if self._misses < SEARCH_MISSES and MipSolver(self.mip_solver) is MipSolver.HIGHS:
            self.trees += 1
            found = self._tree.search(
                w / scale, threshold=threshold / scale, budget=SEARCH_NODES, after=SEARCH_AFTER
            )
            if found.panels or found.complete:
                self._misses = 0
                panels = [c for c in reversed(found.panels) if float(np.dot(c, w)) > threshold]
                if panels or found.complete:
                    return Priced(panels, max(found.bound * scale, threshold))
            self._misses += 1
        return self._program(w, threshold=threshold, scale=scale, first=first, deadline=deadline)

    def _program(
        self, w: FloatArray, *, threshold: float, scale: float, first: bool, deadline: Deadline
    ) -> Priced:
        """The integer program of :meth:`above`, stopped at its first panel above the
        threshold when ``first``, else at a panel above it near HiGHS's bound (``NEAR_BEST``);
        the HiGHS bound then bounds the weights. Solved to the end when that panel is not
        above the threshold in our arithmetic."""
        limit = threshold / scale
        self._stop_above = limit + STOP_MARGIN * max(1.0, abs(limit))
        self._first = first
        self._stop = False
        try:
            composition, best = self.best(w, deadline=deadline)
        finally:
            self._stop_above = None
            self._stop = False
        stopped = self._last is Outcome.FEASIBLE
        if stopped and best <= threshold:
            composition, best = self.best(w, deadline=deadline)
            stopped = False
        bound = float(self._h.getInfo().mip_dual_bound) * scale if stopped else best
        panels = [composition] if best > threshold else []
        panels += [c for c in self.runners_up(w, threshold) if c != composition]
        return Priced(panels, max(bound, best))

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
        found = oracle.above(weights, threshold=0.5, deadline=deadline, first=True).panels
        for composition in found:
            panels.append(composition)
            covered |= np.asarray(composition) > 0
        if not found:
            break
    if not panels and not len(known):
        panels.append(oracle.best([1.0] * len(model), deadline=deadline)[0])
    return panels
