"""Starting schedules for the search.

:func:`greedy_start` seats the pinned units first, then the others one by one at the table
where they break the fewest rules, shares and earlier meetings. :func:`affine_start` takes the
parallel classes of the affine plane of prime-power order q (:mod:`sortition.tables.design`):
with q tables and up to q*q members, q+1 sittings without a single repeated meeting, the most
any schedule can reach.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sortition.tables.design import parallel_classes
from sortition.tables.fair import IntArray
from sortition.tables.problem import APART_WEIGHT, REPEAT_WEIGHT, Problem
from sortition.tables.rules import Unit


def greedy_start(
    problem: Problem, units: Sequence[Sequence[Unit]], *, rng: np.random.Generator
) -> IntArray:
    p = problem
    index = {pid: i for i, pid in enumerate(p.ids)}
    assign = np.full((p.sittings, p.n), -1, dtype=np.int64)
    met = p.history.copy()
    for s in range(p.sittings):
        row, free = assign[s], p.sizes[s].copy()
        counts = [np.zeros((p.tables, len(c.labels)), dtype=np.int64) for c in p.categories]
        ordered = sorted(units[s], key=lambda u: (u.table is None, -len(u.members)))
        singles = [int(i) for i in rng.permutation(np.flatnonzero(p.present[s] & ~p.pinned[s]))]
        placements = [(tuple(index[m] for m in u.members), u.table) for u in ordered]
        placements += [((i,), None) for i in singles]
        for unit, fixed in placements:
            table = fixed if fixed is not None else _best_table(p, s, unit, row, free, counts, met)
            for i in unit:
                row[i] = table
                for c, cnt in zip(p.categories, counts, strict=True):
                    cnt[table, c.values[i]] += 1
            free[table] -= len(unit)
        for t in range(p.tables):
            seated = np.flatnonzero(row == t)
            met[np.ix_(seated, seated)] += 1.0
    return assign


def _best_table(
    p: Problem,
    s: int,
    members: tuple[int, ...],
    row: IntArray,
    free: IntArray,
    counts: list[IntArray],
    met: np.ndarray,
) -> int:
    unit = np.asarray(members, dtype=np.int64)
    best, best_cost = 0, np.inf
    for t in range(p.tables):
        seated = np.flatnonzero(row == t)
        # a full table only if every table is full (a bug elsewhere; the sizes add up)
        cost = 0.0 if free[t] >= len(unit) else APART_WEIGHT * 100
        cost += APART_WEIGHT * float(p.apart[np.ix_(unit, seated)].sum())
        cost += REPEAT_WEIGHT * float((met[np.ix_(unit, seated)] >= 1).sum())
        for c, cnt in zip(p.categories, counts, strict=True):
            for i in members:
                over = cnt[t, c.values[i]] + 1 - c.high[s, t, c.values[i]]
                cost += c.weight * max(0, int(over))
        if cost < best_cost:
            best, best_cost = t, cost
    return best


def affine_start(problem: Problem, *, rng: np.random.Generator) -> IntArray | None:
    """The affine-plane schedule restricted to those present, with tables then evened out to
    their sizes; None when it does not fit (tables not a prime power q, more than q*q
    members, more than q+1 sittings, or pinned members)."""
    p, order = problem, problem.tables
    if p.n > order * order or p.sittings > order + 1 or p.pinned.any():
        return None
    classes = parallel_classes(order)
    if classes is None:
        return None
    points = rng.permutation(order * order)[: p.n]
    chosen = rng.permutation(order + 1)[: p.sittings]
    assign = np.full((p.sittings, p.n), -1, dtype=np.int64)
    for s, k in enumerate(chosen):
        lines = classes[k][points]
        here = p.present[s]
        assign[s, here] = lines[here]
        _even_out(assign[s], p.sizes[s], rng)
    return assign


def _even_out(row: IntArray, sizes: IntArray, rng: np.random.Generator) -> None:
    """Move random members from tables above their size to tables below it."""
    tables = len(sizes)
    have = np.bincount(row[row >= 0], minlength=tables)
    for t in range(tables):
        while have[t] > sizes[t]:
            target = int(np.flatnonzero(have < sizes)[0])
            member = int(rng.choice(np.flatnonzero(row == t)))
            row[member] = target
            have[t] -= 1
            have[target] += 1
