"""Cheap pricing: steepest-ascent local search over single-seat swaps.

Most panels that column generation needs differ from a known panel by a few swaps, so trying
swaps first spares most integer programs; the exact integer program is still what proves that
no better panel exists.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sortition.solver.types import Composition, TypeModel

FloatArray = npt.NDArray[np.float64]


class SwapSearch:
    """Local search for heavy panels. ``rows`` are the quota and household constraints as a
    0/1 matrix over types, with their lower and upper bounds; a swap moves one seat from one
    type to another and so never changes the panel size."""

    def __init__(self, model: TypeModel) -> None:
        self.rows = model.row_matrix()
        lower, upper = model.row_bounds
        self.lower = np.array(lower)
        self.upper = np.array(upper)
        self.capacity = np.array(
            [size if model.selectable(t) else 0 for t, size in enumerate(model.sizes)]
        )

    def climb(self, start: Composition, weights: FloatArray, *, steps: int = 25) -> Composition:
        """Apply the best improving swap until none improves (at most ``steps`` swaps)."""
        c = np.array(start, dtype=np.float64)
        for _ in range(steps):
            swap = self._best_swap(c, weights)
            if swap is None:
                break
            c[swap[0]] -= 1
            c[swap[1]] += 1
        return tuple(int(v) for v in c)

    def _best_swap(self, c: FloatArray, weights: FloatArray) -> tuple[int, int] | None:
        seated = np.flatnonzero(c > 0)
        free = np.flatnonzero(c < self.capacity)
        if not len(seated) or not len(free):
            return None
        gain = weights[free][None, :] - weights[seated][:, None]
        counts = self.rows @ c
        # Only rows at a bound can be broken by one swap: leaving a row at its minimum needs
        # the newcomer to be in it too, and entering a row at its maximum needs the same.
        # (Float matrices, so that the products below run in BLAS.)
        at_min = self.rows[(counts <= self.lower) & (self.lower > 0)]
        at_max = self.rows[counts >= self.upper]
        bad = (at_min[:, seated].T @ (1 - at_min[:, free])) > 0
        bad |= ((1 - at_max[:, seated]).T @ at_max[:, free]) > 0
        gain[bad] = 0.0
        gain[seated[:, None] == free[None, :]] = 0.0
        best = int(np.argmax(gain))
        i, j = divmod(best, len(free))
        if gain[i, j] <= 1e-12:
            return None
        return int(seated[i]), int(free[j])
