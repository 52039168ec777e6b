"""NASH over the relaxation by a primal-dual interior-point method (Newton steps on its KKT).

The relaxation's NASH point maximises ``F(x) = sum_t size[t] * log(x[t])`` over expected seats
``x`` (``x[t] / size[t]`` is type ``t``'s probability) with ``0 <= x <= seat limit`` and every
row of a valid panel: the size row, the quotas and the households, about a hundred rows on a
national assembly's pool against one to three thousand types. Each Newton step of a barrier
method therefore reduces to one dense system over the rows only (``A diag(d) A^T``, rows by
rows), so a step costs a few milliseconds however many types there are, where the cutting
planes of :func:`sortition.solver.relaxed.relaxed_nash` solve LPs with thousands of tangent
rows. Mehrotra's predictor-corrector steps reach the optimum in some 20 to 40 steps.

The result is as exact as the cutting planes': the point is checked against every row (within
``FEASIBLE`` seats), and its bound is the Lagrangian dual at the row prices the method ends
with, an upper bound on ``F`` over the whole relaxation whatever those prices are:

    F(x) <= sum_t max_{0 <= x_t <= u_t} (size[t] log x_t - c_t x_t) + sum_r max(p_r lo_r, p_r hi_r)

with ``c = A^T p`` (each type's seats times the prices of its rows). The maximiser of each term
is ``x_t = size[t] / c_t``, clipped to its bounds: the point itself at the optimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sortition.solver.search import FloatArray
from sortition.solver.types import TypeModel

# The method ends when the dual bound is within this of the point's value, per person.
GAP = 1e-11
# The point must meet every row and bound within this many seats (HiGHS's LPs of the
# relaxation run at 1e-9 to 1e-10).
FEASIBLE = 1e-10
STEPS = 80
# Fraction of the way to the boundary that a step may go.
TO_BOUNDARY = 0.995
# A step may take a type's seats down by at most this fraction: Newton on ``log`` overshoots
# towards 0 from far above, and climbs back only by doubling (on small random pools this
# halved the failures, from 85 to 54 in 200).
SHRINK = 0.5


@dataclass(frozen=True, slots=True)
class NashOptimum:
    """The relaxation's NASH point: ``seats`` (0 for the types left out), the row ``prices``
    of the end (one per row of :class:`_Rows`), the dual ``bound`` on ``sum size * log
    probability`` over the active types, the point's own ``value`` of it, and the ``steps``
    taken."""

    seats: FloatArray
    prices: FloatArray
    bound: float
    value: float
    steps: int


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows of a valid panel (the size row, then the quotas, then the households) as the
    positions ``(row[i], column[i])`` of the ones of a 0/1 matrix over the types, with their
    bounds. Kept sparse and multiplied with ``np.bincount``: the BLAS behind numpy's dense
    products starts threads that, on a busy machine, cost ten times the arithmetic in CPU."""

    row: npt.NDArray[np.int64]
    column: npt.NDArray[np.int64]
    lower: FloatArray
    upper: FloatArray
    types: int

    def times(self, x: FloatArray) -> FloatArray:
        """``A x``: each row's sum of ``x`` over its types."""
        product = np.bincount(self.row, weights=x[self.column], minlength=len(self.lower))
        return product.astype(np.float64, copy=False)

    def transposed_times(self, y: FloatArray) -> FloatArray:
        """``A^T y``: each type's sum of ``y`` over its rows."""
        product = np.bincount(self.column, weights=y[self.row], minlength=self.types)
        return product.astype(np.float64, copy=False)


def panel_rows(model: TypeModel) -> Rows:
    """The size row, the quota rows and the household rows of a valid panel."""
    groups = [list(range(len(model)))]
    groups += [list(types) for types in model.quota_types]
    groups += [list(group) for group in model.households]
    row = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    column = np.asarray([t for g in groups for t in g], dtype=np.int64)
    lower = [float(model.k)] + [float(q.min) for q in model.quotas] + [0.0] * len(model.households)
    upper = [float(model.k)] + [float(q.max) for q in model.quotas] + [1.0] * len(model.households)
    return Rows(row.astype(np.int64), column, np.asarray(lower), np.asarray(upper), len(model))


def dual_bound(
    model: TypeModel, active: Sequence[int], prices: FloatArray, *, rows: Rows | None = None
) -> float:
    """The Lagrangian upper bound on ``sum_{t in active} size[t] * log(x[t] / size[t])`` over
    the relaxation, at any row ``prices`` (one per row of :func:`panel_rows`, which ``rows``
    may hold already; see the module docstring); types not active count with weight 0 and may
    take any seats up to their limit."""
    rows = panel_rows(model) if rows is None else rows
    sizes = np.asarray(model.sizes, dtype=np.float64)
    limits = np.asarray(model.seat_limits, dtype=np.float64)
    costs = rows.transposed_times(prices)
    chosen = np.zeros(len(model), dtype=bool)
    chosen[list(active)] = True
    # Weight-0 types: the better of 0 and all their seats.
    total = float(np.sum(np.maximum(0.0, -costs[~chosen] * limits[~chosen])))
    s, c, u = sizes[chosen], costs[chosen], limits[chosen]
    if np.any(u <= 0):
        return float("inf")
    inside = c * u > s  # the unconstrained maximiser s / c lies below the limit
    best = np.where(
        inside,
        s * np.log(s / np.where(inside, c, 1.0)) - s,
        s * np.log(np.where(inside, 1.0, u)) - c * u,
    )
    total += float(np.sum(best)) - float(np.sum(s * np.log(s)))
    total += float(np.sum(np.maximum(prices * rows.lower, prices * rows.upper)))
    return total


def nash_optimum(model: TypeModel, active: Sequence[int]) -> NashOptimum | None:
    """The relaxation's NASH point over the ``active`` types (every other type at 0 seats; the
    caller knows they cannot sit in the relaxation), or None when the method does not reach
    ``GAP`` within ``STEPS`` steps or its point misses a row by more than ``FEASIBLE`` (the
    caller then uses the cutting planes)."""
    active = sorted(set(active))
    limits = np.asarray(model.seat_limits, dtype=np.float64)
    if not active or np.any(limits[active] <= 0):
        return None
    rows = panel_rows(model)
    barrier = _Barrier(model, active, rows, limits)
    # A step that round-off takes onto a bound divides by 0; run() then gives up.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        found = barrier.run()
    if found is None:
        return None
    x, prices, steps = found
    seats = np.zeros(len(model))
    seats[active] = x
    activity = rows.times(seats)
    if np.any(activity < rows.lower - FEASIBLE) or np.any(activity > rows.upper + FEASIBLE):
        return None
    return NashOptimum(seats, prices, barrier.bound(prices), barrier.value(x), steps)


class _Barrier:
    """Mehrotra's predictor-corrector on

        minimise -sum s log x   subject to   A_E x = b_E,  A_R x - w = 0,
                                             x <= u,  lo <= w <= hi

    over the active types' seats ``x`` (``log`` keeps them positive) and one slack ``w`` per
    row with a range (E: the rows with equal bounds, first; R: the others)."""

    def __init__(self, model: TypeModel, active: list[int], rows: Rows, limits: FloatArray):
        self.model, self.active, self.rows = model, active, rows
        self.s = np.asarray(model.sizes, dtype=np.float64)[active]
        self.u = limits[active]
        equal = rows.lower == rows.upper
        kept = _independent(rows, np.flatnonzero(equal), active)
        order = np.concatenate([kept, np.flatnonzero(~equal)])
        self.order, self.n_equal = order, len(kept)
        self.b = rows.lower[order[: self.n_equal]]
        self.lo, self.hi = rows.lower[order[self.n_equal :]], rows.upper[order[self.n_equal :]]
        local = np.full(rows.types, -1, dtype=np.int64)
        local[active] = np.arange(len(active))
        position = np.full(len(rows.lower), -1, dtype=np.int64)
        position[order] = np.arange(len(order))
        keep = (local[rows.column] >= 0) & (position[rows.row] >= 0)
        self.local = Rows(
            position[rows.row[keep]],
            local[rows.column[keep]],
            rows.lower[order],
            rows.upper[order],
            len(active),
        )
        self.pairs, self.pair_columns = _pairs(self.local)

    def bound(self, prices: FloatArray) -> float:
        return dual_bound(self.model, self.active, prices, rows=self.rows)

    def value(self, x: FloatArray) -> float:
        return float(np.sum(self.s * np.log(x / self.s)))

    def run(self) -> tuple[FloatArray, FloatArray, int] | None:
        """The seats, the row prices and the steps taken; None when the steps run out or
        break down."""
        e = self.n_equal
        x = self.u * min(0.9, float(np.sum(self.b[:1])) / float(self.u.sum()) if e else 0.5)
        span = self.hi - self.lo
        w = np.clip(self.local.times(x)[e:], self.lo + 0.1 * span, self.hi - 0.1 * span)
        # The size row's price makes every type's marginal welfare s / x its price at the
        # start (x is proportional to s there), so the dual residual starts small.
        y = np.zeros(len(self.local.lower))
        y[0] = -float(np.mean(self.s / x)) if e else 0.0
        point = _Point(x, w, y, 1 / (self.u - x))
        point.zl, point.zh = 1 / (w - self.lo), 1 / (self.hi - w)
        people = float(self.s.sum())
        for step in range(1, STEPS + 1):
            newton = _Newton(self, point)
            if not newton.sound() or newton.mu < 1e-30:  # round-off has taken over
                return None
            if newton.mu * newton.pairs < GAP * people and newton.primal_error < FEASIBLE / 10:
                prices = self._prices(point.y)
                if self.bound(prices) - self.value(point.x) <= GAP * people:
                    return point.x, prices, step
            newton.factor = self._factor(newton.sigma_x, newton.sigma_w)
            point = newton.advance()
        return None

    def _factor(self, sigma_x: FloatArray, sigma_w: FloatArray) -> _Cholesky:
        """``A diag(1/sigma_x) A^T + diag(0_E, 1/sigma_w)``, factored."""
        m = len(self.local.lower)
        weights = (1.0 / sigma_x)[self.pair_columns]
        matrix = np.bincount(self.pairs, weights=weights, minlength=m * m).astype(np.float64)
        matrix = matrix.reshape(m, m)
        diagonal = np.arange(self.n_equal, m)
        matrix[diagonal, diagonal] += 1.0 / sigma_w
        return _Cholesky(matrix)

    def _prices(self, y: FloatArray) -> FloatArray:
        """The row prices ``p`` of the maximisation (``-y``), in the order of the model's
        :func:`panel_rows`."""
        prices = np.zeros(len(self.rows.lower))
        prices[self.order] = -y
        return prices


@dataclass(slots=True)
class _Point:
    """An iterate: seats ``x``, row slacks ``w``, multipliers ``y`` of the rows, ``zu`` of
    ``x <= u``, ``zl`` and ``zh`` of ``lo <= w <= hi``."""

    x: FloatArray
    w: FloatArray
    y: FloatArray
    zu: FloatArray
    zl: FloatArray = field(default_factory=lambda: np.zeros(0))
    zh: FloatArray = field(default_factory=lambda: np.zeros(0))


class _Newton:
    """One predictor-corrector step from ``point``: the residuals of the KKT conditions, the
    slacks, and the reduced Newton system over the rows."""

    def __init__(self, barrier: _Barrier, point: _Point) -> None:
        self.barrier, self.p = barrier, point
        b, e, a = barrier, barrier.n_equal, barrier.local
        ax = a.times(point.x)
        self.rx = -b.s / point.x - a.transposed_times(point.y) + point.zu
        self.rw = point.y[e:] - point.zl + point.zh
        self.rp = np.concatenate([ax[:e] - b.b, ax[e:] - point.w])
        self.su, self.sl, self.sh = b.u - point.x, point.w - b.lo, b.hi - point.w
        self.pairs = len(point.x) + 2 * len(point.w)
        self.mu = float(self.su @ point.zu + self.sl @ point.zl + self.sh @ point.zh) / self.pairs
        self.primal_error = float(np.max(np.abs(self.rp), initial=0.0))
        self.sigma_x = b.s / point.x**2 + point.zu / self.su
        self.sigma_w = point.zl / self.sl + point.zh / self.sh
        self.factor: _Cholesky | None = None

    def sound(self) -> bool:
        """False once round-off has pushed an iterate onto a bound."""
        smallest = min(np.min(self.su), np.min(self.sl, initial=1), np.min(self.sh, initial=1))
        return bool(np.isfinite(self.mu)) and smallest > 0

    def direction(self, tu: FloatArray, tl: FloatArray, th: FloatArray) -> _Point:
        """The Newton direction whose complementarity products move by ``tu``, ``tl``, ``th``."""
        a, e, p = self.barrier.local, self.barrier.n_equal, self.p
        assert self.factor is not None
        rho_x = -self.rx - tu / self.su
        rho_w = -self.rw + tl / self.sl - th / self.sh
        rhs = -self.rp - a.times(rho_x / self.sigma_x)
        rhs[e:] += rho_w / self.sigma_w
        dy = self.factor.solve(rhs)
        dx = (rho_x + a.transposed_times(dy)) / self.sigma_x
        dw = (rho_w - dy[e:]) / self.sigma_w
        dzu = (tu + p.zu * dx) / self.su
        return _Point(dx, dw, dy, dzu, (tl - p.zl * dw) / self.sl, (th + p.zh * dw) / self.sh)

    def lengths(self, d: _Point, fraction: float) -> tuple[float, float]:
        """The primal and the dual step along ``d``."""
        p = self.p
        primal = min(
            _step((self.su, -d.x), (self.sl, d.w), (self.sh, -d.w), fraction=fraction),
            _step((p.x, d.x), fraction=SHRINK),
        )
        dual = _step((p.zu, d.zu), (p.zl, d.zl), (p.zh, d.zh), fraction=fraction)
        return primal, dual

    def advance(self) -> _Point:
        """Mehrotra's step: the affine direction, then the centred and corrected one."""
        p, su, sl, sh = self.p, self.su, self.sl, self.sh
        d = self.direction(-su * p.zu, -sl * p.zl, -sh * p.zh)
        ap, ad = self.lengths(d, 1.0)
        mu_affine = (
            (su - ap * d.x) @ (p.zu + ad * d.zu)
            + (sl + ap * d.w) @ (p.zl + ad * d.zl)
            + (sh - ap * d.w) @ (p.zh + ad * d.zh)
        ) / self.pairs
        target = self.mu * min(1.0, (mu_affine / self.mu) ** 3)
        d = self.direction(
            target - su * p.zu + d.x * d.zu,
            target - sl * p.zl - d.w * d.zl,
            target - sh * p.zh + d.w * d.zh,
        )
        # One step for primal and dual: the objective is not linear, so the dual residual
        # depends on the seats too (fewer failures on small pools than separate steps).
        step = min(self.lengths(d, TO_BOUNDARY))
        return _Point(
            p.x + step * d.x,
            p.w + step * d.w,
            p.y + step * d.y,
            p.zu + step * d.zu,
            p.zl + step * d.zl,
            p.zh + step * d.zh,
        )


def _independent(
    rows: Rows, equal: npt.NDArray[np.int64], active: list[int]
) -> npt.NDArray[np.int64]:
    """The equality rows (``equal``) that are linearly independent over the ``active``
    columns, by Gram-Schmidt: a category whose quotas are all exact sums to the size row,
    which would make the Newton system singular."""
    dense = np.zeros((len(rows.lower), rows.types))
    dense[rows.row, rows.column] = 1.0
    dense = dense[:, active]
    basis: list[FloatArray] = []
    kept = []
    for r in equal:
        v = dense[r].copy()
        for q in basis:
            v -= float(np.sum(v * q)) * q
        norm = float(np.sqrt(np.sum(v * v)))
        if norm > 1e-9 * max(1.0, float(np.sqrt(np.sum(dense[r] ** 2)))):
            basis.append(v / norm)
            kept.append(int(r))
    return np.asarray(kept, dtype=np.int64)


def _pairs(rows: Rows) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For ``A diag(d) A^T`` by ``np.bincount``: for every two ones of a column (itself
    included), the flat position ``row_i * m + row_j`` and the column."""
    m = len(rows.lower)
    by_column = np.argsort(rows.column, kind="stable")
    row, column = rows.row[by_column], rows.column[by_column]
    counts = np.bincount(column, minlength=rows.types)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    repeat = counts[column]  # each entry pairs with every entry of its column
    first = np.repeat(np.arange(len(row)), repeat)
    offsets = np.arange(len(first)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    second = starts[column[first]] + offsets
    return row[first] * m + row[second], column[first]


class _Cholesky:
    """``L L^T`` of a small positive semidefinite matrix, by numpy loops rather than LAPACK
    (whose threads cost more than the arithmetic at this size). A pivot that vanishes (an
    equality row that repeats others: a category whose quotas are all exact sums to the size
    row) drops its row: the solution's entry for it is 0."""

    def __init__(self, matrix: FloatArray) -> None:
        rest = matrix.copy()
        m = len(rest)
        lower = np.zeros((m, m))
        tiny = 1e-30 * max(1.0, float(np.max(np.abs(np.diag(matrix)), initial=0.0)))
        for j in range(m):
            pivot = rest[j, j]
            if pivot <= tiny:  # round-off in a row without seats left to move
                continue
            column = rest[j:, j] / np.sqrt(pivot)
            lower[j:, j] = column
            rest[j + 1 :, j + 1 :] -= np.outer(column[1:], column[1:])
        self.lower = lower
        self.kept = np.diag(lower) > 0

    def solve(self, rhs: FloatArray) -> FloatArray:
        lower, kept, m = self.lower, self.kept, len(rhs)
        v = np.zeros(m)
        for i in range(m):
            if kept[i]:
                v[i] = (rhs[i] - np.sum(lower[i, :i] * v[:i])) / lower[i, i]
        out = np.zeros(m)
        for i in range(m - 1, -1, -1):
            if kept[i]:
                out[i] = (v[i] - np.sum(lower[i + 1 :, i] * out[i + 1 :])) / lower[i, i]
        return out


def _step(*pairs: tuple[FloatArray, FloatArray], fraction: float) -> float:
    """The largest step in [0, 1] that keeps every ``value + step * change`` positive, times
    ``fraction``."""
    step = 1.0
    for value, change in pairs:
        falling = change < 0
        if np.any(falling):
            step = min(step, float(np.min(-value[falling] / change[falling])) * fraction)
    return min(step, 1.0)
