"""A cheap panel for the pricing problem of the LEXIMIN levels, built from the dual weights
alone: the heaviest types up to k seats, repaired into a valid panel by single-seat swaps
(:mod:`sortition.solver.repair`) and climbed by local search (:mod:`sortition.solver.search`).

Local search from the known panels only reaches panels a few swaps from them; on the fuzzing
shape of issue 12 (five narrow quota categories, nearly every volunteer a type of their own)
the integer program then ran in most rounds, at up to a second each. This start proves
nothing either: the integer program still proves every level.
"""

from __future__ import annotations

import numpy as np

from sortition.solver.repair import FaceBounds, Swaps
from sortition.solver.search import FloatArray, SwapSearch
from sortition.solver.types import Composition, TypeModel


class GreedyPanels:
    """Valid panels heavy under given weights, without an integer program."""

    def __init__(self, model: TypeModel) -> None:
        self._k = model.k
        groups = [*model.quota_types, *model.households]
        matrix = np.zeros((len(groups), len(model)))
        categories = {c: g for g, c in enumerate(model.quotas.categories)}
        slots = np.full((len(model), len(categories) + 1), -1, dtype=np.int64)
        for i, types in enumerate(groups):
            matrix[i, list(types)] = 1.0
            quota = model.quotas.items[i] if i < len(model.quotas.items) else None
            slots[list(types), len(categories) if quota is None else categories[quota.category]] = i
        self._swaps = Swaps(matrix, slots)
        self._limits = np.asarray(model.seat_limits, dtype=np.float64)
        self._bounds = FaceBounds(
            row_low=np.array(
                [q.min for q in model.quotas] + [0] * len(model.households), dtype=np.float64
            ),
            row_high=np.array(
                [q.max for q in model.quotas] + [1] * len(model.households), dtype=np.float64
            ),
            seat_low=np.zeros(len(model)),
            seat_high=self._limits,
        )
        self._search = SwapSearch(model)

    def panel(self, weights: FloatArray) -> Composition | None:
        """The heaviest types filled up to k seats, repaired and climbed; None when the swaps
        cannot repair it."""
        start = np.zeros(len(self._limits))
        left = float(self._k)
        for t in np.argsort(-weights, kind="stable"):
            if left <= 0:
                break
            take = min(self._limits[t], left)
            start[t] = take
            left -= take
        if left > 0:
            return None
        repaired = self._swaps.on_face(self._bounds, start, weights)
        if repaired is None:
            return None
        return self._search.climb(tuple(int(v) for v in repaired), weights)
