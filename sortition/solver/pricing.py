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
caller then asks CP-SAT or the integer program (:class:`sortition.solver.panels.PanelOracle`).

This module prepares the search (the prices, the order of the types, the rows as flat arrays);
the tree itself runs compiled, in :mod:`sortition.solver.tree` (in pure Python, until 4
December 2026, a node cost about 70 microseconds; the same searches, node for node, now run
about 25 times faster).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from sortition.solver import tree
from sortition.solver.highs import new_model
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel


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
        lower, upper = (np.asarray(bounds, dtype=np.int64) for bounds in model.row_bounds)
        categories: dict[str, int] = {}
        category = [
            categories.setdefault(quota.category, len(categories)) for quota in model.quotas
        ] + [-1] * len(model.households)
        self._lower, self._upper = lower, upper
        self._category = np.asarray(category, dtype=np.int64)
        self._categories = len(categories)
        self._quota_rows = np.flatnonzero(self._category >= 0).astype(np.int64)
        self._matrix = model.row_matrix()
        incidence = self._matrix > 0
        open_rows = upper > 0
        self._capacity = np.array(
            [
                size if all(open_rows[incidence[:, t]]) else 0
                for t, size in enumerate(model.seat_limits)
            ],
            dtype=np.int64,
        )
        self._incidence = incidence
        # The categories kept exact in the bound: only those whose quotas are exact (min ==
        # max), where it pays (measured on the fuzzing shape: with slack in the quotas it cut
        # nothing that mattered, 30 HiGHS programs against 31, and cost 15% more CPU), and
        # whose values do not overlap (each type in at most one of its rows).
        self._exact: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []
        for c in range(self._categories):
            rows = np.flatnonzero(self._category == c).astype(np.int64)
            if np.any(incidence[rows].sum(axis=0) > 1) or np.any(lower[rows] != upper[rows]):
                continue
            position = np.full(n, -1, dtype=np.int64)
            for i, q in enumerate(rows):
                position[incidence[q]] = i
            self._exact.append((rows, position))
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
        k = self.model.k
        prices = self.prices(w)
        lower, upper = self._lower, self._upper
        constant = float(np.sum(np.maximum(prices * upper, prices * lower)))
        reduced = w - self._matrix.T @ prices
        order = np.argsort(-reduced, kind="stable")
        order = order[self._capacity[order] > 0]
        incidence = self._incidence[:, order]
        type_rows, row_of_type = np.nonzero(incidence.T)
        rows_ptr = np.searchsorted(type_rows, np.arange(len(order) + 1)).astype(np.int64)
        row_types, member = np.nonzero(incidence)
        members_ptr = np.searchsorted(row_types, np.arange(len(lower) + 1)).astype(np.int64)
        choices = self._choices(prices, order, constant)
        ordered = reduced[order]
        capacity = self._capacity[order]
        root_bound = self._root_bound(ordered, capacity, prices, choices, constant)
        found = np.zeros((tree.KEEP, len(order)), dtype=np.int64)
        ended, nodes, incumbent, kept = tree.run(
            k,
            w[order],
            ordered,
            capacity,
            rows_ptr,
            row_of_type.astype(np.int64),
            members_ptr,
            member.astype(np.int64),
            lower,
            upper,
            self._category,
            self._categories,
            self._quota_rows,
            constant,
            float(threshold),
            int(budget),
            -1 if after is None else int(after),
            prices,
            choices,
            found,
        )
        panels = []
        for i in range(max(0, kept - tree.KEEP), kept):
            seats = np.zeros(len(self.model), dtype=np.int64)
            seats[order] = found[i % tree.KEEP]
            panels.append(tuple(int(v) for v in seats))
        if ended == tree.OUT_OF_NODES:
            return Search(tuple(panels), False, root_bound, int(nodes))
        return Search(tuple(panels), True, max(float(incumbent), threshold), int(nodes))

    def _choices(
        self, prices: FloatArray, order: npt.NDArray[np.int64], constant: float
    ) -> tree.Choices:
        """The categories kept exact in the bound, as :data:`tree.Choices` over the search's
        order of the types."""
        lower, upper = self._lower, self._upper
        rows = [rows for rows, _ in self._exact]
        choice_rows = np.concatenate(rows or [np.empty(0, dtype=np.int64)])
        choice_ptr = np.cumsum([0, *(len(r) for r in rows)]).astype(np.int64)
        row_in = np.array([position[order] for _, position in self._exact], dtype=np.int64)
        row_in = row_in.reshape(len(rows), len(order))
        shift = np.array(
            [np.where(row_in[c] >= 0, prices[r][row_in[c]], 0.0) for c, r in enumerate(rows)],
            dtype=np.float64,
        ).reshape(row_in.shape)
        constants = np.array(
            [
                constant - float(np.sum(np.maximum(prices[r] * upper[r], prices[r] * lower[r])))
                for r in rows
            ],
            dtype=np.float64,
        )
        return choice_ptr, choice_rows, row_in, shift, constants

    def _root_bound(
        self,
        ordered: FloatArray,
        capacity: npt.NDArray[np.int64],
        prices: FloatArray,
        choices: tree.Choices,
        constant: float,
    ) -> float:
        """The bound at the root: the heaviest k seats, and the exact categories' bounds."""
        k = self.model.k
        bound = constant + float(np.sum(np.repeat(ordered, np.minimum(capacity, k))[:k]))
        if not len(self._exact):
            return bound
        widest = int(np.max(np.diff(choices[0]))) + 1
        exact = tree.exact_bounds(
            k,
            0.0,
            capacity,
            np.zeros(len(self._lower), dtype=np.int64),
            self._lower,
            self._upper,
            ordered,
            prices,
            choices,
            np.empty((widest, max(k, 1))),
            np.zeros(widest, dtype=np.int64),
            np.zeros(widest, dtype=np.int64),
            -np.inf,
        )
        return bound if np.isnan(exact) else min(bound, float(exact))


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
