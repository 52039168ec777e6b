"""Panels on a face of the relaxation without an integer program: swaps that repair a
composition breaking a few of the face's rules (the face LP's fractional optimum, rounded).

A swap moves one seat from one type to another, so the panel size never changes. The face is
given by bounds on every quota and household row and on every type's seats (a row or type
that is tight at the point being split has equal bounds). The repair takes the swap that
lowers the total violation most, the heaviest newcomer among equals, until nothing is broken.
On eight quota categories with nearly every volunteer a type of their own this turns almost
every rounded face LP into a panel in two or three swaps (a few milliseconds), where the face
integer program takes about a second. It proves nothing: when it fails, the caller solves
the integer program. (Tried and dropped: climbing on to heavier panels after the repair
made the split's steps no longer, and repairing the previous step's panel instead of the
rounded LP seldom succeeds: the type that left must give its seat to one alike in every
tight quota.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sortition.solver.search import FloatArray

# At most this many swaps repair a composition.
REPAIR_SWAPS = 40


@dataclass(frozen=True, slots=True)
class FaceBounds:
    """Lower and upper bounds of the rows and of every type's seats."""

    row_low: FloatArray
    row_high: FloatArray
    seat_low: FloatArray
    seat_high: FloatArray


class Swaps:
    """The rows as a 0/1 ``matrix`` (rows x types) and, for the swaps, ``slots[t, g]``: the
    row of type ``t`` in group ``g`` of rows that share no type (one group per quota
    category, one for the households), or -1."""

    def __init__(self, matrix: FloatArray, slots: npt.NDArray[np.int64]) -> None:
        self.matrix = matrix
        self.slots = slots

    def violation(self, bounds: FaceBounds, c: FloatArray) -> float:
        """How far the composition ``c`` is from the face: seats and row counts outside
        their bounds, summed."""
        counts = self.matrix @ c
        rows = np.maximum(bounds.row_low - counts, 0) + np.maximum(counts - bounds.row_high, 0)
        seats = np.maximum(bounds.seat_low - c, 0) + np.maximum(c - bounds.seat_high, 0)
        return float(rows.sum() + seats.sum())

    def on_face(
        self, bounds: FaceBounds, start: FloatArray, weights: FloatArray
    ) -> FloatArray | None:
        """A composition on the face near ``start`` (same size), preferring heavy types under
        ``weights``; None when the swaps cannot repair it."""
        c = np.array(start, dtype=np.float64)
        for _ in range(REPAIR_SWAPS):
            if self.violation(bounds, c) <= 0.5:
                return c
            if not self._swap(bounds, c, weights):
                return None
        return c if self.violation(bounds, c) <= 0.5 else None

    def _swap(self, bounds: FaceBounds, c: FloatArray, weights: FloatArray) -> bool:
        """Apply the swap that lowers the violation most, the heaviest newcomer among equals;
        False when no swap lowers it."""
        out = np.flatnonzero(c > bounds.seat_low)
        into = np.flatnonzero(c < bounds.seat_high)
        if not len(out) or not len(into):
            return False
        counts = self.matrix @ c
        # How each row's violation changes with one seat more (up) or one fewer (down); the
        # last entry stands for "no row" (slot -1). Whole seats: small integers.
        up = np.where(counts >= bounds.row_high, 1, np.where(counts < bounds.row_low, -1, 0))
        down = np.where(counts <= bounds.row_low, 1, np.where(counts > bounds.row_high, -1, 0))
        up, down = np.append(up, 0).astype(np.int8), np.append(down, 0).astype(np.int8)
        leave = down[self.slots[out]].sum(axis=1) - (c[out] > bounds.seat_high[out])
        enter = up[self.slots[into]].sum(axis=1) - (c[into] < bounds.seat_low[into])
        # change[j, i]: the change in violation when type into[j] takes a seat of out[i].
        change = (enter[:, None] + leave[None, :]).astype(np.int8)
        # A row holding both types keeps its count: take back what entering and leaving it
        # added. One gather of rows per group of rows, on small integers: this is the loop
        # that has to be fast.
        both = np.zeros((len(up), len(out)), dtype=np.int8)
        rows_out = self.slots[out]
        np.put_along_axis(both.T, rows_out, (up + down)[rows_out], axis=1)
        both[-1] = 0
        for g in range(self.slots.shape[1]):
            change -= both[self.slots[into, g]]
        _, at_into, at_out = np.intersect1d(into, out, return_indices=True)
        change[at_into, at_out] = 0  # a type swapped with itself changes nothing
        best = int(change.min())
        if best >= 0:
            return False
        # Violations are whole seats: among the swaps that lower it most, the heaviest
        # newcomer for the lightest leaver.
        js, is_ = np.nonzero(change == best)
        k = int(np.argmax(weights[into[js]] - weights[out[is_]]))
        i, j = int(is_[k]), int(js[k])
        c[out[i]] -= 1
        c[into[j]] += 1
        return True
