"""Rounding a lottery over type compositions to m equally likely panels.

The input is a LEXIMIN (or other) lottery: compositions ``c[i]`` (seats per type) with
weights ``w[i]``. The output gives every composition an integer count ``x[i]`` with
``sum(x) = m``: composition i fills ``x[i]`` of the m panels. Type t then holds
``S[t] = sum_i x[i] * c[i][t]`` seats over the m panels, and :mod:`sortition.transparent.people`
spreads them over the type's ``size[t]`` members so that each sits on ``floor(S[t] / size[t])``
or one more of them. A member's probability after rounding is that count divided by m, so the
worst-off member of type t loses ``before[t] - floor(S[t] / size[t]) / m``.

:func:`best_rounding` solves the integer program that makes the largest such loss as small as
it can (every member's floor counted exactly), started from the best of several dependent
roundings and the largest-remainder rounding, improved by a local search; that start is the
answer when the program finds nothing better in its time. All figures are computed from the
counts, never taken from the solver.

Same inputs and seed, same counts, except when the program stops at its time limit: then
what it found by then depends on the machine's speed. That costs no verifiability: the m
panels are committed before the draw, and ``verify`` checks the panels, not how they were
found.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np
import numpy.typing as npt

from sortition.errors import SolverError
from sortition.solver.highs import INF, Deadline, Outcome, add_row, new_model, solve

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# Dependent roundings tried (different seeds) before the integer program; the best one starts
# the program and is the fallback when the program finds nothing better in its time.
DEPENDENT_TRIALS = 24
# How far a count may move from m * weight in the integer program, beyond floor and ceiling:
# enough room to trade panels between compositions, small enough for a quick program.
COUNT_SLACK = 2
# The local search's most moves (a count, not a time, so that its answer never depends on the
# machine's speed), and how many compositions it tries to add a panel to per step.
LOCAL_SEARCH_MOVES = 500
MOVES_PER_STEP = 40


class Method(StrEnum):
    """How the counts were found (``report.json``'s ``method``)."""

    INTEGER_PROGRAM = "integer program"
    INTEGER_PROGRAM_TIME_LIMIT = "integer program (time limit, best found)"
    DEPENDENT_ROUNDING = "dependent rounding and local search"


@dataclass(frozen=True, slots=True)
class Rounding:
    """Integer counts per composition (summing to m), how they were found, their largest
    loss of any volunteer's probability, and the program's proof that no rounding of these
    compositions loses less than ``lower_bound`` (0 when the program did not run)."""

    counts: tuple[int, ...]
    method: Method
    max_loss: float
    lower_bound: float = 0.0


@dataclass(frozen=True, slots=True)
class TypeLottery:
    """The lottery as arrays: ``compositions`` (N x T seats), ``weights`` (N), ``sizes`` (T)
    and ``before`` (T, each type's probability under the weights)."""

    compositions: Ints
    weights: Floats
    sizes: Ints
    before: Floats

    @classmethod
    def of(
        cls,
        compositions: Sequence[Sequence[int]],
        weights: Sequence[float],
        sizes: Sequence[int],
    ) -> TypeLottery:
        c = np.asarray(compositions, dtype=np.int64).reshape(len(compositions), len(sizes))
        w = np.asarray(weights, dtype=np.float64)
        s = np.asarray(sizes, dtype=np.int64)
        return cls(c, w, s, (w @ c) / s)

    def max_loss(self, counts: Sequence[int] | Ints, m: int) -> float:
        """The largest loss of any member's probability with these counts (see the module
        docstring)."""
        seats = np.asarray(counts, dtype=np.int64) @ self.compositions
        return float(np.max(self.before - (seats // self.sizes) / m))


def best_rounding(
    lottery: TypeLottery, m: int, *, rng: random.Random, time_limit: float | None
) -> Rounding:
    """Counts for ``m`` panels with the smallest largest loss found within ``time_limit``
    seconds (None: until proven optimal)."""
    if m < 1:
        raise ValueError(f"the number of panels must be at least 1, not {m}")
    candidates = [largest_remainder(lottery.weights, m)] + [
        dependent_rounding(lottery.weights, m, rng=rng) for _ in range(DEPENDENT_TRIALS)
    ]
    best = min(candidates, key=lambda counts: lottery.max_loss(counts, m))
    start = improve(lottery, best, m, rng=rng, moves=LOCAL_SEARCH_MOVES)
    fallback = Rounding(
        tuple(int(x) for x in start), Method.DEPENDENT_ROUNDING, lottery.max_loss(start, m)
    )
    try:
        found = _integer_program(lottery, m, start, time_limit=time_limit)
    except SolverError:
        return fallback
    if found is None:
        return fallback
    if found.method is Method.INTEGER_PROGRAM or found.max_loss < fallback.max_loss - 1e-12:
        return found
    return Rounding(fallback.counts, fallback.method, fallback.max_loss, found.lower_bound)


def dependent_rounding(weights: Floats, m: int, *, rng: random.Random) -> Ints:
    """Srinivasan's dependent rounding of ``m * weights`` to integers with the same sum: two
    fractional entries at a time, one rounded, the sum kept, each entry's expectation kept."""
    scaled = m * weights / weights.sum()
    counts: Ints = np.floor(scaled).astype(np.int64)
    fractions = scaled - counts
    order = [i for i in rng.sample(range(len(fractions)), len(fractions)) if fractions[i] > 1e-12]
    pending: int | None = None
    for j in order:
        if pending is None:
            pending = j
            continue
        i = pending
        up = min(1.0 - fractions[i], fractions[j])  # i rounds towards 1, j towards 0
        down = min(fractions[i], 1.0 - fractions[j])  # or the other way round
        step = up if rng.random() * (up + down) < down else -down
        fractions[i] += step
        fractions[j] -= step
        for index in (i, j):
            if fractions[index] > 1 - 1e-9:
                counts[index] += 1
                fractions[index] = 0.0
            elif fractions[index] < 1e-9:
                fractions[index] = 0.0
        pending = next((x for x in (i, j) if fractions[x] > 0), None)
    if pending is not None:  # round-off leaves at most one entry nearly whole
        counts[pending] += round(fractions[pending])
    counts[int(np.argmax(weights))] += m - int(counts.sum())
    return counts


def improve(lottery: TypeLottery, counts: Ints, m: int, *, rng: random.Random, moves: int) -> Ints:
    """Local search from ``counts``: move one panel from one composition to another while
    that lowers (largest loss, number of types at it), at most ``moves`` times."""
    c, sizes, before = lottery.compositions, lottery.sizes, lottery.before
    counts = counts.copy()
    seats = counts @ c

    def key(losses: Floats) -> tuple[float, int]:
        top = float(np.max(losses))
        return top, int(np.sum(losses >= top - 1e-12))

    current = key(before - (seats // sizes) / m)
    for _ in range(moves):
        losses = before - (seats // sizes) / m
        worst = int(np.argmax(losses))
        donors = np.nonzero(counts > 0)[0]
        takers = np.nonzero(c[:, worst] > 0)[0]
        if len(takers) > MOVES_PER_STEP:
            takers = np.asarray(rng.sample(takers.tolist(), MOVES_PER_STEP))
        found: tuple[tuple[float, int], int, int] | None = None
        for taker in takers.tolist():
            useful = donors[c[donors, worst] < c[taker, worst]]
            if not len(useful):
                continue
            trial = seats + c[taker] - c[useful]
            trial_losses = before - (trial // sizes) / m
            tops = trial_losses.max(axis=1)
            j = int(np.argmin(tops))
            candidate = key(trial_losses[j])
            if candidate < current and (found is None or candidate < found[0]):
                found = (candidate, taker, int(useful[j]))
        if found is None:
            break
        current, add, drop = found
        counts[add] += 1
        counts[drop] -= 1
        seats += c[add] - c[drop]
    return counts


def largest_remainder(weights: Floats, m: int) -> Ints:
    """The naive rounding (for comparison): floors, then one more for the largest
    remainders until the counts sum to m."""
    scaled = m * weights / weights.sum()
    counts: Ints = np.floor(scaled).astype(np.int64)
    extra = m - int(counts.sum())
    for i in np.argsort(-(scaled - counts), kind="stable")[:extra]:
        counts[i] += 1
    return counts


def _integer_program(
    lottery: TypeLottery, m: int, start: Ints, *, time_limit: float | None
) -> Rounding | None:
    """Minimise L subject to sum x = m, size[t] * f[t] <= S[t], m * L + f[t] >= m * before[t]
    (f[t] integer: the floor of the type's seats per member). None when it finds nothing."""
    n, types = lottery.compositions.shape
    scaled = m * lottery.weights
    low = np.maximum(np.floor(scaled) - COUNT_SLACK, 0)
    high = np.ceil(scaled) + COUNT_SLACK
    h = new_model()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.1 / m)
    for i in range(n):
        h.addCol(0.0, float(low[i]), float(high[i]), 0, np.empty(0, np.int32), np.empty(0))
    active = [t for t in range(types) if lottery.before[t] > 0]
    for _ in active:
        h.addCol(0.0, 0.0, float(m), 0, np.empty(0, np.int32), np.empty(0))
    loss = n + len(active)
    h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0))
    integer = np.arange(loss, dtype=np.int32)
    h.changeColsIntegrality(loss, integer, np.full(loss, highspy.HighsVarType.kInteger))
    add_row(h, name="panels", lower=m, upper=m, cols=list(range(n)), coefs=[1.0] * n)
    for j, t in enumerate(active):
        rows = np.nonzero(lottery.compositions[:, t])[0]
        add_row(
            h,
            name=f"floor[{t}]",
            lower=-INF,
            upper=0.0,
            cols=[n + j, *rows.tolist()],
            coefs=[float(lottery.sizes[t]), *(-lottery.compositions[rows, t]).astype(float)],
        )
        add_row(
            h,
            name=f"loss[{t}]",
            lower=m * float(lottery.before[t]),
            upper=INF,
            cols=[n + j, loss],
            coefs=[1.0, float(m)],
        )
    _start_from(h, lottery, m, start, active)
    result = solve(h, what="rounding program", deadline=Deadline(None), cap=time_limit)
    if result not in (Outcome.OPTIMAL, Outcome.TIME_LIMIT) or not _has_solution(h):
        return None
    counts = np.rint(np.asarray(h.getSolution().col_value[:n])).astype(np.int64)
    if int(counts.sum()) != m or np.any(counts < 0):
        return None
    method = (
        Method.INTEGER_PROGRAM if result is Outcome.OPTIMAL else (Method.INTEGER_PROGRAM_TIME_LIMIT)
    )
    bound = max(0.0, float(h.getInfo().mip_dual_bound))
    return Rounding(tuple(int(x) for x in counts), method, lottery.max_loss(counts, m), bound)


def _start_from(
    h: highspy.Highs, lottery: TypeLottery, m: int, start: Ints, active: list[int]
) -> None:
    """Give HiGHS the dependent rounding as its first solution, when it lies in the
    program's bounds."""
    scaled = m * lottery.weights
    if np.any(np.abs(start - scaled) > COUNT_SLACK + 1):
        return
    floors = (start @ lottery.compositions) // lottery.sizes
    f = floors[active].astype(np.float64)
    loss = float(np.max(lottery.before[active] - f / m)) if active else 0.0
    solution = highspy.HighsSolution()
    solution.col_value = [*start.astype(np.float64).tolist(), *f.tolist(), loss]
    solution.value_valid = True
    h.setSolution(solution)


def _has_solution(h: highspy.Highs) -> bool:
    """True when HiGHS holds a feasible point (also after a time limit)."""
    return bool(h.getInfo().primal_solution_status == 2) and not math.isnan(
        h.getInfo().objective_function_value
    )
