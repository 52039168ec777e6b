"""Pricing without an integer program: branch and bound over types, for small panels.

On the fuzzing shape of issue 12 (five narrow quota categories, nearly every volunteer a type
of their own, k from 6 to 14) HiGHS spends 0.1 to 0.8 s on each pricing integer program, most
of it in the root's cuts and sub-MIPs, while column generation mostly needs *some* panel above
the threshold, not the best one. This search finds one in a few milliseconds, and often
proves that none exists.

Each node of the tree seats one more member. It branches on the quota row whose unmet
minimum has the fewest spare candidates (every valid panel must seat one of them; the later
children forbid the earlier candidates, so every panel is met once), or, when every minimum
is met, on every type, heaviest first. The weights are Lagrangian: the weight less the prices
of the type's quota and household rows, the prices being the duals of the LP relaxation of the
pricing problem. Any prices give an upper bound (weak duality):

    weight(P) <= sum_rows max(price * upper, price * lower) + sum_t seats_P[t] * reduced[t]

so a node's bound is that constant plus the reduced weight of its seats plus the heaviest
reduced weights that may still sit; at the root it is the LP bound. When that does not cut, a
tighter one does (issue 12, exact quotas): for each quota category in turn, its rows are kept
exact instead of priced, and the seats left are split among its values exactly (each value's
unmet minimum from its heaviest types, then the heaviest of the rest within each maximum,
under weights reduced by the other rows' prices only); the lowest of these bounds counts. It
is never above the first, since the category's prices bound its rows' part at any panel.
A node is also cut when a quota category needs more seats than are left (the sum of its
unmet minima) or a minimum has too few candidates left, and a type is passed over when it
would break a maximum or when a category whose unmet minima take every seat left has no use
for it. The incumbent starts at
the threshold, so only panels above it are ever recorded.

The search is exact when it finishes: its last panel is the heaviest valid panel, or, without
one, no valid panel weighs more than the threshold. It gives up after ``budget`` nodes; the
caller then asks the integer program (:class:`sortition.solver.panels.PanelOracle`).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from sortition.solver.highs import new_model
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel

# Bounds are compared with the incumbent with this margin (relative): a float sum of k
# weights is off by far less, and the callers' thresholds carry a margin of 1e-9.
ROUND_OFF = 1e-12


@dataclass(frozen=True, slots=True)
class Search:
    """What :meth:`PanelSearch.search` found: panels above the threshold, each heavier than
    the one before; whether the tree was searched to its end (then the last panel is the
    heaviest valid panel, or no valid panel exceeds the threshold); an upper bound on the
    weight of every valid panel; and the nodes visited."""

    panels: tuple[Composition, ...]
    complete: bool
    bound: float
    nodes: int


class _OutOfNodes(Exception):
    pass


class PanelSearch:
    """Branch and bound for ``max weights . seats`` over the valid panels of ``model``."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        n = len(model)
        rows_of: list[list[int]] = [[] for _ in range(n)]
        for q, types in enumerate(model.rows):
            for t in types:
                rows_of[t].append(q)
        lower, upper = (list(bounds) for bounds in model.row_bounds)
        categories: dict[str, int] = {}
        category = [
            categories.setdefault(quota.category, len(categories)) for quota in model.quotas
        ] + [-1] * len(model.households)
        self._rows_of = [tuple(rows) for rows in rows_of]
        self._lower, self._upper, self._category = lower, upper, category
        self._categories = len(categories)
        self._capacity = [
            size if all(upper[q] > 0 for q in rows_of[t]) else 0
            for t, size in enumerate(model.seat_limits)
        ]
        self._matrix = model.row_matrix()
        self._lp = _relaxation(model)

    def prices(self, weights: FloatArray) -> FloatArray:
        """Row prices for the bound: the duals of the LP relaxation (zero when it has none;
        any prices give a valid bound, good ones a tight one)."""
        n = len(self.model)
        self._lp.changeColsCost(n, np.arange(n, dtype=np.int32), weights)
        self._lp.run()
        if self._lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return np.zeros(len(self._lower))
        # Row 0 is the panel size, kept exact in the tree; then the quotas and households.
        return np.asarray(self._lp.getSolution().row_dual, dtype=np.float64)[1:]

    def search(
        self, weights: FloatArray, *, threshold: float, budget: int, after: int | None = None
    ) -> Search:
        """Valid panels weighing more than ``threshold`` under ``weights`` (see
        :class:`Search`), within ``budget`` nodes; with ``after``, the search ends that many
        nodes after the first panel (incomplete, unless the tree ends first)."""
        w = np.asarray(weights, dtype=np.float64)
        prices = self.prices(w)
        constant = float(
            sum(
                max(p * hi, p * lo)
                for p, lo, hi in zip(prices, self._lower, self._upper, strict=True)
            )
        )
        reduced = w - self._matrix.T @ prices
        tree = _Tree(self, w, reduced, constant, threshold, budget, after)
        tree.keep_exact(prices)
        try:
            tree.branch(self.model.k, 0.0, 0.0)
        except _OutOfNodes:
            return Search(tuple(tree.found), False, tree.root_bound, tree.nodes)
        best = tree.incumbent
        return Search(tuple(tree.found), True, max(best, threshold), tree.nodes)


def _relaxation(model: TypeModel) -> highspy.Highs:
    """The LP relaxation of the panel integer program, rows in the order of
    :func:`sortition.solver.panels.add_panel_rows`."""
    # Imported here: panels imports this module.
    from sortition.solver.panels import add_panel_rows

    h = new_model()
    for upper in model.seat_limits:
        h.addCol(0.0, 0.0, float(upper), 0, np.empty(0, np.int32), np.empty(0, np.float64))
    add_panel_rows(h, model)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


@dataclass(frozen=True, slots=True)
class _Exact:
    """One quota category kept exact in the bound (:meth:`_Tree._exact_bound`): its rows,
    each type's position among them (-1: none) and price, and the constant of the other rows'
    prices."""

    rows: list[int]
    row_in: list[int]
    shift: list[float]
    constant: float


class _Tree:
    """One depth-first search; its state is plain lists (the hot loop is pure Python)."""

    def __init__(
        self,
        search: PanelSearch,
        weights: FloatArray,
        reduced: FloatArray,
        constant: float,
        threshold: float,
        budget: int,
        after: int | None,
    ) -> None:
        capacity = search._capacity
        order = [t for t in np.argsort(-reduced, kind="stable").tolist() if capacity[t] > 0]
        self.order = order
        self.weight = [float(weights[t]) for t in order]
        self.reduced = [float(reduced[t]) for t in order]
        self.rows = [search._rows_of[t] for t in order]
        self.capacity = [capacity[t] for t in order]
        self.lower, self.upper, self.category = search._lower, search._upper, search._category
        self.count = [0] * len(self.lower)
        self.deficit = [0] * search._categories
        for q, lo in enumerate(self.lower):
            if self.category[q] >= 0:
                self.deficit[self.category[q]] += lo
        self.quota_rows = [q for q, c in enumerate(self.category) if c >= 0]
        self.members: list[list[int]] = [[] for _ in self.lower]
        for j, rows in enumerate(self.rows):
            for q in rows:
                self.members[q].append(j)
        self.forbidden = [False] * len(order)
        self.taken = [0] * len(order)
        self.n = len(weights)
        self.constant = constant
        self.incumbent = threshold
        self.found: list[Composition] = []
        self.nodes = 0
        self.budget = budget
        self.after = after
        self.root_bound = constant + sum(_heaviest(self.reduced, self.capacity, search.model.k))
        self.k = search.model.k
        self.price: list[float] = []
        self.choices: list[_Exact] = []

    def keep_exact(self, prices: FloatArray) -> None:
        """Bound the nodes with each quota category in turn kept exact instead of priced
        (see :meth:`_exact_bound`), the lowest of these bounds counting; only the categories
        whose quotas are exact (min == max), where it pays."""
        self.price = [float(p) for p in prices]
        self.choices = []
        for c in sorted({c for c in self.category if c >= 0}):
            if any(sum(self.category[q] == c for q in rows) > 1 for rows in self.rows):
                continue  # values that overlap: the per-value choice below would not hold
            if any(
                self.lower[q] != self.upper[q] for q, cat in enumerate(self.category) if cat == c
            ):
                # Measured on the fuzzing shape: with slack in the quotas the bound cut
                # nothing that mattered (30 HiGHS programs against 31) and cost 15% more CPU.
                continue
            self.choices.append(self._choose(c))
        bound = self._exact_bounds(self.k, 0.0, list(self.capacity))
        if bound is not None:
            self.root_bound = min(self.root_bound, bound)

    def _exact_bounds(self, left: int, reduced: float, spare: list[int]) -> float | None:
        """The lowest :meth:`_exact_bound` over the categories (None: no completion)."""
        best = None
        for choice in self.choices:
            bound = self._exact_bound(choice, left, reduced, spare)
            if bound is None:
                return None
            best = bound if best is None else min(best, bound)
        return best

    def _choose(self, c: int) -> _Exact:
        rows = [q for q, cat in enumerate(self.category) if cat == c]
        position = {q: i for i, q in enumerate(rows)}
        row_in: list[int] = []
        shift: list[float] = []
        for type_rows in self.rows:
            mine = [q for q in type_rows if q in position]
            row_in.append(position[mine[0]] if mine else -1)
            shift.append(self.price[mine[0]] if mine else 0.0)
        constant = self.constant - sum(
            max(self.price[q] * self.upper[q], self.price[q] * self.lower[q]) for q in rows
        )
        return _Exact(rows, row_in, shift, constant)

    def _exact_bound(
        self, choice: _Exact, left: int, reduced: float, spare: list[int]
    ) -> float | None:
        """An upper bound with the chosen category's rows kept exact (None: no completion).
        With the other rows priced, weight(P) <= their constant + the weights reduced by
        their prices only; the chosen category's seats per value are then chosen exactly:
        each value's seats come heaviest first (the types are sorted by the fully reduced
        weight, which differs from this one by a constant per value), its unmet minimum
        first, then the heaviest of the rest within each maximum."""
        rows, count, lower, upper = choice.rows, self.count, self.lower, self.upper
        so_far = reduced + sum(self.price[q] * count[q] for q in rows)
        room = [upper[q] - count[q] for q in rows]
        must = [max(0, lower[q] - count[q]) for q in rows]
        if sum(must) > left:
            return None
        buckets: list[list[float]] = [[] for _ in range(len(rows) + 1)]
        free = left
        weights, row_in, shift = self.reduced, choice.row_in, choice.shift
        for j, seats in enumerate(spare):
            if not seats:
                continue
            b = row_in[j]
            bucket = buckets[b]
            cap = min(seats, left - len(bucket), room[b] - len(bucket) if b >= 0 else free)
            if cap > 0:
                bucket += [weights[j] + shift[j]] * cap
        total = 0.0
        rest: list[float] = []
        for b, need in enumerate(must):
            bucket = buckets[b]
            if len(bucket) < need:
                return None
            total += sum(bucket[:need])
            rest += bucket[need:]
        rest += buckets[-1]
        fill = left - sum(must)
        if len(rest) < fill:
            return None
        rest.sort(reverse=True)
        return choice.constant + so_far + total + sum(rest[:fill])

    def usable(self, j: int, left: int) -> bool:
        """Whether type j may take one of the ``left`` seats: no maximum broken, and every
        category whose unmet minima take every seat left gets one of them."""
        count, lower, upper, category, deficit = (
            self.count,
            self.lower,
            self.upper,
            self.category,
            self.deficit,
        )
        for q in self.rows[j]:
            if count[q] >= upper[q]:
                return False
            c = category[q]
            if c >= 0 and deficit[c] == left and count[q] >= lower[q]:
                return False
        return True

    def branch(self, left: int, value: float, reduced: float) -> None:
        """Seat ``left`` more members, the seats so far weighing ``value`` (``reduced`` in
        reduced weights). Branches on the quota row with the fewest spare candidates for its
        unmet minimum (each child seats one of them, the later children forbid the earlier
        ones, so that every panel is met once); without unmet minima, on every usable type,
        heaviest first."""
        self.nodes += 1
        if self.nodes > self.budget:
            raise _OutOfNodes
        if left == 0:
            if value > self.incumbent and not any(self.deficit):
                self.incumbent = value
                self.found.append(self._composition())
                if self.after is not None and len(self.found) == 1:
                    self.budget = min(self.budget, self.nodes + self.after)
            return
        if self.deficit and max(self.deficit) > left:
            return
        weights, capacity, taken, forbidden = (
            self.reduced,
            self.capacity,
            self.taken,
            self.forbidden,
        )
        spare = [
            0 if forbidden[j] or not self.usable(j, left) else capacity[j] - taken[j]
            for j in range(len(weights))
        ]
        bound, need = self.constant + reduced, left
        for j, seats in enumerate(spare):
            if seats:
                bound += min(need, seats) * weights[j]
                need -= min(need, seats)
                if not need:
                    break
        margin = ROUND_OFF * max(1.0, abs(self.incumbent))
        if need or bound <= self.incumbent + margin:
            return
        if self.choices:
            exact = self._exact_bounds(left, reduced, spare)
            if exact is None or exact <= self.incumbent + margin:
                return
        count, lower = self.count, self.lower
        row, fewest = -1, len(weights) * self.n + 1
        for q in self.quota_rows:
            short = lower[q] - count[q]
            if short > 0:
                extra = sum(spare[j] for j in self.members[q]) - short
                if extra < 0:
                    return
                if extra < fewest:
                    row, fewest = q, extra
        candidates = [j for j in (self.members[row] if row >= 0 else range(len(spare))) if spare[j]]
        closed = []
        for j in candidates:
            if row < 0 and self.constant + reduced + left * weights[j] <= self.incumbent + margin:
                break
            self._take(j, 1)
            self.branch(left - 1, value + self.weight[j], reduced + weights[j])
            self._take(j, -1)
            forbidden[j] = True
            closed.append(j)
        for j in closed:
            forbidden[j] = False

    def _take(self, j: int, step: int) -> None:
        count, lower, category, deficit = self.count, self.lower, self.category, self.deficit
        for q in self.rows[j]:
            if step < 0:
                count[q] -= 1
            if category[q] >= 0 and count[q] < lower[q]:
                deficit[category[q]] -= step
            if step > 0:
                count[q] += 1
        self.taken[j] += step

    def _composition(self) -> Composition:
        seats = [0] * self.n
        for j, taken in enumerate(self.taken):
            if taken:
                seats[self.order[j]] = taken
        return tuple(seats)


def _heaviest(weights: list[float], capacity: list[int], k: int) -> list[float]:
    """The ``k`` heaviest seats of weights sorted heaviest first."""
    chosen: list[float] = []
    for weight, seats in zip(weights, capacity, strict=True):
        chosen += [weight] * min(seats, k - len(chosen))
        if len(chosen) == k:
            break
    return chosen
