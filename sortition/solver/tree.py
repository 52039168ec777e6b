"""The depth-first search of :mod:`sortition.solver.pricing`, compiled by numba.

The search is the one that module describes (its docstring has the bounds and the branching
rule); here it runs over flat arrays with an explicit stack, compiled once per machine (numba
caches the machine code next to this file, in ``__pycache__``). In pure Python each node cost
about 70 microseconds on the fuzzing shape of issue 12, one to two orders of magnitude more
than compiled (see docs/benchmarks.md): enough that the search could only afford 1,500 nodes
before handing a question to CP-SAT, where most proofs need 10,000 to 30,000.

Every array is indexed by the search's own order of the types (heaviest reduced weight
first); ``rows_ptr``/``rows_idx`` list each type's rows (quotas and households) and
``members_ptr``/``members_idx`` each row's types, in that order (CSR). The quota categories
kept exact in the bound are the ``choices``: ``choice_ptr``/``choice_rows`` their rows,
``row_in[c, j]`` the position of type ``j``'s row among them (-1: none), ``shift[c, j]`` that
row's price and ``choice_constant[c]`` the other rows' part of the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# The quota categories kept exact in the bound: choice_ptr, choice_rows, row_in, shift,
# choice_constant (see the module docstring).
Choices = tuple[Ints, Ints, Ints, Floats, Floats]

# Bounds are compared with the incumbent with this margin (relative): a float sum of k
# weights is off by far less, and the callers' thresholds carry a margin of 1e-9.
ROUND_OFF = 1e-12
# The search keeps the last this many panels it finds (each heavier than the one before).
KEEP = 64

# How a search ended (the first value :func:`run` returns).
COMPLETE = 0
OUT_OF_NODES = 1

F = TypeVar("F", bound=Callable[..., Any])


def _compiled(function: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(function))


@_compiled
def _usable(
    j: int,
    left: int,
    rows_ptr: Ints,
    rows_idx: Ints,
    count: Ints,
    lower: Ints,
    upper: Ints,
    category: Ints,
    deficit: Ints,
) -> bool:
    """Whether type ``j`` may take one of the ``left`` seats: no maximum broken, and every
    category whose unmet minima take every seat left gets one of them."""
    for p in range(rows_ptr[j], rows_ptr[j + 1]):
        q = rows_idx[p]
        if count[q] >= upper[q]:
            return False
        c = category[q]
        if c >= 0 and deficit[c] == left and count[q] >= lower[q]:
            return False
    return True


@_compiled
def _take(
    j: int,
    step: int,
    rows_ptr: Ints,
    rows_idx: Ints,
    count: Ints,
    lower: Ints,
    category: Ints,
    deficit: Ints,
    taken: Ints,
) -> None:
    for p in range(rows_ptr[j], rows_ptr[j + 1]):
        q = rows_idx[p]
        if step < 0:
            count[q] -= 1
        c = category[q]
        if c >= 0 and count[q] < lower[q]:
            deficit[c] -= step
        if step > 0:
            count[q] += 1
    taken[j] += step


@_compiled
def exact_bounds(
    left: int,
    reduced: float,
    spare: Ints,
    count: Ints,
    lower: Ints,
    upper: Ints,
    weights: Floats,
    price: Floats,
    choices: Choices,
    items: Floats,
    length: Ints,
    head: Ints,
    cutoff: float,
) -> float:
    """The lowest bound over the choices, each with its category's rows kept exact (NaN: no
    completion). With the other rows priced, weight(P) <= their constant + the weights
    reduced by their prices only; the chosen category's seats per value are then chosen
    exactly: each value's seats come heaviest first (the types are sorted by the fully
    reduced weight, which differs from this one by a constant per value), its unmet minimum
    first, then the heaviest of the rest within each maximum. The first bound at most
    ``cutoff`` is returned at once (the caller prunes on it). ``items``, ``length`` and
    ``head`` are workspace."""
    choice_ptr, choice_rows, row_in, shift, choice_constant = choices
    best = np.inf
    for ch in range(len(choice_constant)):
        start, end = choice_ptr[ch], choice_ptr[ch + 1]
        values = end - start
        so_far = reduced
        must_total = 0
        # Each value's unmet minimum (``head`` then points past it in the value's bucket).
        for i in range(values):
            q = choice_rows[start + i]
            so_far += price[q] * count[q]
            head[i] = max(0, lower[q] - count[q])
            must_total += head[i]
        if must_total > left:
            return np.nan
        length[: values + 1] = 0
        for j in range(len(spare)):
            seats = spare[j]
            if seats == 0:
                continue
            b = row_in[ch, j]
            if b < 0:
                b = values
                room = left
            else:
                q = choice_rows[start + b]
                room = upper[q] - count[q] - length[b]
            cap = min(seats, left - length[b], room)
            if cap > 0:
                v = weights[j] + shift[ch, j]
                for _ in range(cap):
                    items[b, length[b]] = v
                    length[b] += 1
        # Each value's unmet minimum from its heaviest seats; then the heaviest ``fill`` of
        # the seats left in all buckets (each sorted heaviest first: merged, not sorted).
        total = 0.0
        for b in range(values):
            if length[b] < head[b]:
                return np.nan
            for i in range(head[b]):
                total += items[b, i]
        head[values] = 0
        fill = left - must_total
        for _ in range(fill):
            pick = -1
            for b in range(values + 1):
                if head[b] < length[b] and (
                    pick < 0 or items[b, head[b]] > items[pick, head[pick]]
                ):
                    pick = b
            if pick < 0:
                return np.nan
            total += items[pick, head[pick]]
            head[pick] += 1
        bound = float(choice_constant[ch] + so_far + total)
        if bound <= cutoff:
            return bound
        best = min(best, bound)
    return best


@_compiled
def run(
    k: int,
    weight: Floats,
    reduced: Floats,
    capacity: Ints,
    rows_ptr: Ints,
    rows_idx: Ints,
    members_ptr: Ints,
    members_idx: Ints,
    lower: Ints,
    upper: Ints,
    category: Ints,
    categories: int,
    quota_rows: Ints,
    constant: float,
    threshold: float,
    budget: int,
    after: int,
    price: Floats,
    choices: Choices,
    found: Ints,
) -> tuple[int, int, float, int]:
    """Seat ``k`` members depth first (see :mod:`sortition.solver.pricing`). Returns how the
    search ended (``COMPLETE`` or ``OUT_OF_NODES``), the nodes visited, the incumbent (the
    heaviest panel's weight, or ``threshold``) and the number of panels found; the last
    ``KEEP`` of them are the rows of ``found`` (seats per type, in the search's order),
    panel ``i`` in row ``i % KEEP``. ``after`` < 0: no limit after the first panel."""
    choice_ptr, choice_constant = choices[0], choices[4]
    m = len(reduced)
    rows = len(lower)
    count = np.zeros(rows, np.int64)
    deficit = np.zeros(categories, np.int64)
    for q in range(rows):
        if category[q] >= 0:
            deficit[category[q]] += lower[q]
    forbidden = np.zeros(m, np.bool_)
    taken = np.zeros(m, np.int64)
    spare = np.zeros(m, np.int64)
    widest = 0
    for ch in range(len(choice_constant)):
        widest = max(widest, choice_ptr[ch + 1] - choice_ptr[ch])
    items = np.empty((widest + 1, max(k, 1)), np.float64)
    length = np.zeros(widest + 1, np.int64)
    head = np.zeros(widest + 1, np.int64)
    # The stack: a frame per depth, with the node's candidates and how many were tried.
    candidates = np.empty((k + 1, m), np.int64)
    tried = np.zeros(k + 1, np.int64)
    listed = np.zeros(k + 1, np.int64)
    any_type = np.zeros(k + 1, np.bool_)
    frame_left = np.zeros(k + 1, np.int64)
    frame_value = np.zeros(k + 1, np.float64)
    frame_reduced = np.zeros(k + 1, np.float64)
    frame_margin = np.zeros(k + 1, np.float64)
    incumbent = threshold
    nodes = 0
    kept = 0
    depth = 0
    left, value, so_far = k, 0.0, 0.0
    entering = True
    while True:
        if entering:
            entering = False
            nodes += 1
            if nodes > budget:
                return OUT_OF_NODES, nodes, incumbent, kept
            expands = False
            if left == 0:
                if value > incumbent and not np.any(deficit):
                    incumbent = value
                    found[kept % KEEP, :] = taken
                    kept += 1
                    if after >= 0 and kept == 1:
                        budget = min(budget, nodes + after)
            elif categories == 0 or np.max(deficit) <= left:
                for j in range(m):
                    if forbidden[j] or not _usable(
                        j, left, rows_ptr, rows_idx, count, lower, upper, category, deficit
                    ):
                        spare[j] = 0
                    else:
                        spare[j] = capacity[j] - taken[j]
                bound, need = constant + so_far, left
                for j in range(m):
                    if spare[j]:
                        t = min(need, spare[j])
                        bound += t * reduced[j]
                        need -= t
                        if not need:
                            break
                margin = ROUND_OFF * max(1.0, abs(incumbent))
                expands = not need and bound > incumbent + margin
                if expands and len(choice_constant):
                    exact = exact_bounds(
                        left,
                        so_far,
                        spare,
                        count,
                        lower,
                        upper,
                        reduced,
                        price,
                        choices,
                        items,
                        length,
                        head,
                        incumbent + margin,
                    )
                    expands = not np.isnan(exact) and exact > incumbent + margin
                row, fewest = -1, np.iinfo(np.int64).max
                if expands:
                    for q in quota_rows:
                        short = lower[q] - count[q]
                        if short > 0:
                            extra = -short
                            for p in range(members_ptr[q], members_ptr[q + 1]):
                                extra += spare[members_idx[p]]
                            if extra < 0:
                                expands = False
                                break
                            if extra < fewest:
                                row, fewest = q, extra
                if expands:
                    n = 0
                    if row >= 0:
                        for p in range(members_ptr[row], members_ptr[row + 1]):
                            j = members_idx[p]
                            if spare[j]:
                                candidates[depth, n] = j
                                n += 1
                    else:
                        for j in range(m):
                            if spare[j]:
                                candidates[depth, n] = j
                                n += 1
                    listed[depth], tried[depth], any_type[depth] = n, 0, row < 0
                    frame_left[depth], frame_value[depth] = left, value
                    frame_reduced[depth], frame_margin[depth] = so_far, margin
            if not expands:
                # A leaf or a pruned node: a frame without candidates, done at once below.
                listed[depth], tried[depth] = 0, 0
        d = depth
        i = tried[d]
        if i < listed[d]:
            j = candidates[d, i]
            if not (
                any_type[d]
                and constant + frame_reduced[d] + frame_left[d] * reduced[j]
                <= incumbent + frame_margin[d]
            ):
                _take(j, 1, rows_ptr, rows_idx, count, lower, category, deficit, taken)
                tried[d] = i + 1
                left = frame_left[d] - 1
                value = frame_value[d] + weight[j]
                so_far = frame_reduced[d] + reduced[j]
                depth = d + 1
                entering = True
                continue
        # The frame is done: the candidates it tried are allowed again.
        for i in range(tried[d]):
            forbidden[candidates[d, i]] = False
        if d == 0:
            return COMPLETE, nodes, incumbent, kept
        depth = d - 1
        j = candidates[depth, tried[depth] - 1]
        _take(j, -1, rows_ptr, rows_idx, count, lower, category, deficit, taken)
        forbidden[j] = True


def warm_up() -> None:
    """Compile the search now, or load it from numba's cache (about 6 s to compile, 0.2 s to
    load), rather than inside the first search and its time limit."""
    ints = np.array([0, 1], dtype=np.int64)
    one = np.ones(1)
    choices = (ints, ints[:1], np.zeros((1, 1), dtype=np.int64), np.zeros((1, 1)), np.zeros(1))
    run(
        1,
        one,
        one,
        ints[1:],
        ints,
        ints[:1],
        ints,
        ints[:1],
        ints[1:],
        ints[1:],
        ints[:1],
        1,
        ints[:1],
        0.0,
        -1.0,
        10,
        -1,
        np.zeros(1),
        choices,
        np.zeros((KEEP, 1), dtype=np.int64),
    )
    exact_bounds(
        1,
        0.0,
        ints[1:],
        ints[:1],
        ints[1:],
        ints[1:],
        one,
        np.zeros(1),
        choices,
        np.empty((2, 1)),
        np.zeros(2, dtype=np.int64),
        np.zeros(2, dtype=np.int64),
        -np.inf,
    )
