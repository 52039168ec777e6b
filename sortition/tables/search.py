"""Tabu search over swaps of two members between tables of one sitting.

Every swap of every sitting is evaluated at once with a few matrix products on the pair-count
matrix (see :meth:`TabuSearch.deltas`), so each step takes the best swap of the whole schedule
that is not tabu. A member moved away from a table may not return to it for a few steps;
when the best schedule has not improved for a while the search restarts from it with a few
random swaps. Table sizes never change (a swap keeps them), pinned members never move.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sortition.tables.fair import FloatArray, IntArray, deviation
from sortition.tables.problem import (
    APART_WEIGHT,
    REPEAT_WEIGHT,
    SPREAD_WEIGHT,
    BoolArray,
    Category,
    Problem,
    meeting_counts,
    one_hot,
)

Progress = Callable[[str, float | None], None]
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    assign: IntArray
    iterations: int
    stopped_by_time: bool


class TabuSearch:
    """The state of one search: the assignment (sittings, members) of table indices (-1:
    absent), its one-hot form, the pair counts and the value counts per table."""

    def __init__(self, problem: Problem, assign: IntArray, *, rng: np.random.Generator) -> None:
        self.problem = problem
        self.rng = rng
        self.movable: BoolArray = problem.present & ~problem.pinned
        self._differs = [
            c.weight * (c.values[:, None] != c.values[None, :]) for c in problem.categories
        ]
        self._at_y: IntArray = np.zeros((0, 0, 0), dtype=np.int64)
        # Sittings evaluated per step: all of them when the schedule is small, so that each
        # step takes the best swap anywhere; fewer (in turn) when it is large.
        self._chunk = max(1, min(problem.sittings, 40_000 // max(1, problem.n * problem.n)))
        self.tabu = np.zeros((problem.sittings, problem.n, problem.tables), dtype=np.float64)
        self.reset(assign)

    def reset(self, assign: IntArray) -> None:
        p = self.problem
        self.assign = assign.copy()
        self.z = np.stack([one_hot(assign[s], p.tables) for s in range(p.sittings)])
        self.pairs = meeting_counts(p, assign)
        self.counts = [c.counts(assign, p.tables) for c in p.categories]
        self.cost = self.total_cost()
        self.tabu[:] = 0.0

    def total_cost(self) -> float:
        p, pairs = self.problem, self.pairs
        repeats = np.maximum(pairs - 1.0, 0.0).sum() / 2.0
        spread = (pairs * (pairs - 1.0)).sum() / 4.0
        together = np.einsum("snt,smt->nm", self.z, self.z)
        apart = (together * p.apart).sum() / 2.0
        mixing = sum(
            c.weight * float(deviation(cnt, c.low, c.high).sum())
            for c, cnt in zip(p.categories, self.counts, strict=True)
        )
        return float(APART_WEIGHT * apart + REPEAT_WEIGHT * repeats + SPREAD_WEIGHT * spread) + (
            mixing
        )

    def deltas(self, part: slice) -> tuple[FloatArray, BoolArray]:
        """``d[s, x, y]``: the change of cost if x and y swap tables at sitting s (of the
        sittings in ``part``), and where that swap is allowed (both movable, present, at
        different tables)."""
        p, pairs, z, assign = self.problem, self.pairs, self.z[part], self.assign[part]
        # Cost of one more meeting of a pair, and of one meeting less (for pairs at one table).
        more = REPEAT_WEIGHT * (pairs >= 1.0) + SPREAD_WEIGHT * pairs + APART_WEIGHT * p.apart
        less = -(REPEAT_WEIGHT * (pairs >= 2.0) + SPREAD_WEIGHT * (pairs - 1.0))
        less -= APART_WEIGHT * p.apart
        np.fill_diagonal(less, 0.0)
        sittings, n, tables = z.shape
        own = np.maximum(assign, 0)
        # flat index of [s, x, table of y] in an (S, N, T) array, and of [s, x, own table]
        rows = (np.arange(sittings)[:, None] * n + np.arange(n)[None, :]) * tables
        at_y = rows[:, :, None] + own[:, None, :]
        leave = (less @ z).ravel()[rows + own]  # (S, N): x leaves its table
        # half[s, x, y]: x's part of the swap (x joins y's table, leaves its own); the
        # swap's change is half + half transposed, less the pair's own meeting
        half = (more @ z).ravel()[at_y] + leave[:, :, None]
        for category, cnt, differs in zip(p.categories, self.counts, self._differs, strict=True):
            half += _mixing_half(category, cnt, own, differs, part)
        d = half + half.transpose(0, 2, 1)
        d -= 2.0 * more  # x and y do not meet: neither joins the other
        self._at_y = at_y
        movable = self.movable[part]
        ok: BoolArray = movable[:, :, None] & movable[:, None, :]
        ok &= assign[:, :, None] != assign[:, None, :]
        return d, ok

    def swap(self, s: int, x: int, y: int, delta: float, *, tenure: int, step: int) -> None:
        a, b = int(self.assign[s, x]), int(self.assign[s, y])
        row = self.assign[s]
        at_a = np.flatnonzero(row == a)
        at_b = np.flatnonzero(row == b)
        at_a = at_a[at_a != x]
        at_b = at_b[at_b != y]
        for member, old, new in ((x, at_a, at_b), (y, at_b, at_a)):
            self.pairs[member, old] -= 1.0
            self.pairs[old, member] -= 1.0
            self.pairs[member, new] += 1.0
            self.pairs[new, member] += 1.0
        row[x], row[y] = b, a
        self.z[s, x, a] = self.z[s, y, b] = 0.0
        self.z[s, x, b] = self.z[s, y, a] = 1.0
        for category, cnt in zip(self.problem.categories, self.counts, strict=True):
            vx, vy = category.values[x], category.values[y]
            cnt[s, a, vx] -= 1
            cnt[s, b, vx] += 1
            cnt[s, b, vy] -= 1
            cnt[s, a, vy] += 1
        self.cost += delta
        self.tabu[s, x, a] = step + tenure
        self.tabu[s, y, b] = step + tenure

    def run(
        self,
        *,
        iterations: int,
        deadline: float | None,
        good_enough: Callable[[TabuSearch], bool],
        progress: Progress | None = None,
    ) -> SearchOutcome:
        """Search for ``iterations`` steps (fewer when ``good_enough`` holds for a new best or
        the monotonic clock passes ``deadline``); returns the best assignment seen."""
        best_cost, best = self.cost, self.assign.copy()
        last_better, stall = 0, max(200, 12 * self.problem.n)
        # Stop when several restarts from the best schedule found nothing better.
        patience, last_best = 3 * stall, 0
        step, stopped_by_time = 0, False
        if good_enough(self):
            return SearchOutcome(best, 0, False)
        for step in range(1, iterations + 1):
            if deadline is not None and step % 16 == 0 and time.monotonic() >= deadline:
                stopped_by_time = True
                break
            if not self._step(step, best_cost):
                self.tabu[:] = 0.0
                continue
            if self.cost < best_cost - _TOLERANCE:
                self.cost = self.total_cost()  # no drift from summed deltas
                best_cost, best, last_better = self.cost, self.assign.copy(), step
                last_best = step
                if good_enough(self):
                    break
            elif step - last_best > patience:
                break
            elif step - last_better > stall:
                self.reset(best)
                self._kick(max(2, self.problem.n // 8))
                last_better = step
            if progress is not None and step % 500 == 0:
                progress(f"Tables: step {step}, cost {best_cost:.2f}", step / iterations)
        return SearchOutcome(best, step, stopped_by_time)

    def _step(self, step: int, best_cost: float) -> bool:
        sittings = self.problem.sittings
        first = (step * self._chunk) % sittings
        part = slice(first, min(sittings, first + self._chunk))
        d, ok = self.deltas(part)
        free = self.tabu[part].ravel()[self._at_y] <= step  # x may go to y's table
        allowed = ok & ((free & free.transpose(0, 2, 1)) | (self.cost + d < best_cost - 1e-6))
        scores = np.where(allowed, d, np.inf)
        low = float(scores.min())
        if not np.isfinite(low):
            return False
        choices = np.flatnonzero(scores <= low + _TOLERANCE)
        s, x, y = np.unravel_index(int(choices[self.rng.integers(len(choices))]), scores.shape)
        tenure = 5 + int(self.rng.integers(self.problem.tables + 5))
        self.swap(first + int(s), int(x), int(y), low, tenure=tenure, step=step)
        return True

    def _kick(self, swaps: int) -> None:
        """A few random allowed swaps, to leave a local optimum."""
        for _ in range(swaps):
            s = int(self.rng.integers(self.problem.sittings))
            d, ok = self.deltas(slice(s, s + 1))
            allowed = np.flatnonzero(ok & (d < APART_WEIGHT / 2))
            if len(allowed) == 0:
                continue
            _, x, y = np.unravel_index(int(allowed[self.rng.integers(len(allowed))]), d.shape)
            self.swap(s, int(x), int(y), float(d[0, x, y]), tenure=0, step=0)
        self.cost = self.total_cost()


def _mixing_half(
    category: Category, counts: IntArray, own: IntArray, differs: FloatArray, part: slice
) -> FloatArray:
    """x's part of the change of one category's weighted deviation from its shares if x and
    y swap: x leaves its table and joins y's (0 when they share the value: the counts do
    not change). ``differs`` is the weight where x and y differ, 0 elsewhere."""
    low, high, values = category.low[part], category.high[part], category.values
    counts = counts[part]
    sittings, tables, n_values = counts.shape
    base = deviation(counts, low, high)  # (S, T, V)
    join = (deviation(counts + 1, low, high) - base).ravel()
    leave = (deviation(counts - 1, low, high) - base).ravel()
    # flat index of (s, table of y, value of x) in the (S, T, V) arrays
    cell = (np.arange(sittings)[:, None] * tables + own) * n_values
    gone = leave[cell + values[None, :]]  # (S, N): x leaves its table
    arrive = join[cell[:, None, :] + values[None, :, None]]  # (S, N, N): x joins y's table
    out: FloatArray = (arrive + gone[:, :, None]) * differs
    return out
