"""Exact LEXIMIN by column generation (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021),
over types instead of people.

Level by level we solve the dual of "maximise the smallest probability among the types not
fixed yet, keeping every fixed type at its level":

    minimise   yhat - sum_{t fixed} level[t] * y[t]
    subject to sum_{t not fixed} y[t] = 1                      (row "unfixed_weights")
               sum_t seats_P[t] / size[t] * y[t] <= yhat       (row "panel[i]", one per panel P)
               y >= 0

Each panel is a row, so new panels found by the pricing problem are added as rows and HiGHS's
dual simplex restarts from the previous basis. A level has converged when the pricing problem
finds no panel above ``yhat``; its optimum ``z`` is then the best achievable minimum, and every
type with a positive dual weight is tight at ``z`` in every optimal lottery (complementary
slackness), so it is fixed at ``z``. When every type is fixed, one LP over all panels found
(:func:`sortition.solver.lottery.decompose`) gives the weights.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np

from sortition.errors import SolverError
from sortition.solver.highs import (
    INF,
    Deadline,
    Outcome,
    add_row,
    new_model,
    outcome,
    require_optimal,
    solve,
)
from sortition.solver.lottery import Lottery, decompose
from sortition.solver.panels import PanelOracle, covering_panels
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel

Progress = Callable[[str, float | None], None]

# A panel improves the dual only if its weight exceeds yhat by more than this; it bounds how far
# a level's value can sit below the true optimum.
PRICING_TOLERANCE = 1e-9
# Dual weights above this mark a type as tight at the current level.
FIX_TOLERANCE = 1e-9
# Levels are fixed this much below the LP value so that solver round-off can never make a
# later level infeasible; it is far below the 1e-6 accuracy promised for probabilities.
LEVEL_SLACK = 1e-9


class DualLP:
    """The incremental dual LP of one selection (see the module docstring)."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        h = new_model()
        h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        for _ in range(len(model)):
            h.addCol(0.0, 0.0, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        types = list(range(1, len(model) + 1))
        add_row(
            h, name="unfixed_weights", lower=1.0, upper=1.0, cols=types, coefs=[1.0] * len(model)
        )
        self._h = h
        self.panels: list[Composition] = []
        self._matrix = np.zeros((64, len(model)))
        self._last = 0.05
        self.restarts = 0
        self._seen: set[Composition] = set()

    def add_panel(self, composition: Composition) -> bool:
        """Add the panel's row; False when it was there already."""
        if composition in self._seen:
            return False
        self._seen.add(composition)
        cols = [0] + [t + 1 for t, c in enumerate(composition) if c]
        coefs = [-1.0] + [c / self.model.sizes[t] for t, c in enumerate(composition) if c]
        add_row(
            self._h,
            name=f"panel[{len(self.panels)}]",
            lower=-INF,
            upper=0.0,
            cols=cols,
            coefs=coefs,
        )
        if len(self.panels) == len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[len(self.panels)] = composition
        self.panels.append(composition)
        return True

    @property
    def matrix(self) -> FloatArray:
        """The panels so far as a (panels x types) array of seat counts."""
        return self._matrix[: len(self.panels)]

    def fix(self, t: int, level: float) -> None:
        self._h.changeColCost(t + 1, -level)
        self._h.changeCoeff(0, t + 1, 0.0)

    def solve(self, *, deadline: Deadline) -> tuple[float, float, list[float]]:
        """The optimum, ``yhat`` and the dual weights ``y``.

        Warm-started dual simplex is fast but can stall on this degenerate LP after many
        modifications; a solve that takes far longer than usual restarts from scratch."""
        what = "LEXIMIN dual LP"
        cap = max(1.0, 20 * self._last)
        started = time.perf_counter()
        if solve(self._h, what=what, deadline=deadline, cap=cap) is Outcome.TIME_LIMIT:
            self.restarts += 1
            self._h.clearSolver()
            require_optimal(self._h, what=what, deadline=deadline)
        elif outcome(self._h) is not Outcome.OPTIMAL:
            raise SolverError(f"the {what} has no solution (HiGHS reports it infeasible)")
        self._last = time.perf_counter() - started
        values = self._h.getSolution().col_value
        objective = float(self._h.getInfo().objective_function_value)
        return objective, float(values[0]), [float(v) for v in values[1:]]


def converge_level(
    lp: DualLP, oracle: PanelOracle, *, deadline: Deadline
) -> tuple[float, list[float]]:
    """Add panels until none improves the dual; returns the level's value and dual weights."""
    sizes = np.asarray(lp.model.sizes, dtype=np.float64)
    while True:
        value, yhat, y = lp.solve(deadline=deadline)
        weights = list(np.asarray(y) / sizes)
        threshold = yhat + PRICING_TOLERANCE
        compositions = oracle.improving(
            weights, threshold=threshold, known=lp.matrix, deadline=deadline
        )
        if compositions and not sum(lp.add_panel(c) for c in compositions):
            # Every panel found is known already (round-off at the threshold): ask the exact
            # integer program instead of the local search.
            composition, best = oracle.best(weights, deadline=deadline)
            compositions = [composition] if best > threshold else []
            if compositions and not lp.add_panel(composition):
                raise SolverError("LEXIMIN stalled: the best panel is already in the LP")
        if not compositions:
            return value, y


def start(
    model: TypeModel, *, rng: random.Random, deadline: Deadline
) -> tuple[DualLP, PanelOracle]:
    """The dual LP seeded with panels that seat every type that can sit."""
    oracle = PanelOracle(model)
    lp = DualLP(model)
    for composition in covering_panels(oracle, rng=rng, deadline=deadline):
        lp.add_panel(composition)
    return lp, oracle


def leximin(
    model: TypeModel, *, rng: random.Random, deadline: Deadline, progress: Progress
) -> Lottery:
    """The LEXIMIN lottery over compositions (see the module docstring).

    ``Lottery.bound`` is the first level's LP value: no lottery has a higher minimum.
    Raises :class:`SolverError` when the deadline passes first; it never returns a partial
    lottery, since a lottery that claims to be LEXIMIN must be.
    """
    lp, oracle = start(model, rng=rng, deadline=deadline)
    levels: dict[int, float] = {}
    bound: float | None = None
    count = 0
    while len(levels) < len(model):
        try:
            value, y = converge_level(lp, oracle, deadline=deadline)
        except SolverError as error:
            raise SolverError(
                f"LEXIMIN stopped at level {count + 1} with {len(levels)} of {len(model)} "
                f"volunteer types fixed (minimum so far {bound}): {error}"
            ) from error
        bound = value if bound is None else bound
        count += 1
        for t, weight in enumerate(y):
            if t not in levels and weight > FIX_TOLERANCE:
                levels[t] = max(0.0, value - LEVEL_SLACK)
                lp.fix(t, levels[t])
        progress(
            f"LEXIMIN level {count}: probability {value:.6f}, "
            f"{len(levels)}/{len(model)} types fixed, {len(lp.panels)} panels",
            len(levels) / len(model),
        )
    floors = [levels[t] for t in range(len(model))]
    compositions, weights = decompose(model, lp.panels, floors, deadline=deadline)
    return Lottery(compositions, weights, bound if bound is not None else 0.0, count)
