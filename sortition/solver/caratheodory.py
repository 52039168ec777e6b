"""Splitting a point of the relaxation into a mix of valid panels, greedily (Carathéodory).

The relaxation Q of the panel polytope has the rows of a valid panel (size, quotas, households)
and the bounds ``0 <= seats[t] <= size[t]``, with fractional seats allowed. Given expected seats
``x`` in Q, each step takes a valid panel ``P`` on the smallest face of Q that holds ``x``
(every row and bound tight at ``x`` is tight at ``P``) and moves away from it as far as Q
allows:

    x = eps * P + (1 - eps) * x',    eps the largest step that keeps x' in Q.

The panel comes from the face's LP, rounded and repaired by swaps when its optimum is
fractional (:mod:`sortition.solver.repair`), and from CP-SAT when that fails
(:class:`sortition.solver.decision.FacePanels`; the face's integer program only when CP-SAT
gives no answer, or with CBC as the solver).

At ``x'`` one more row or bound is tight, so the faces shrink until ``x'`` is a panel itself;
the panels and their weights ``eps * (mass still to split)`` then mix to ``x``.

Q is not always the convex hull of the valid panels (three quota categories or more, or
households, allow fractional vertices), so a face met on the way can hold no panel at all. The
steps then stop and the mass left unsplit is reported: the caller completes the mix otherwise.
In practice the steps stop only once the mass left is down to solver round-off.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from sortition.errors import SolverError
from sortition.solver.decision import FacePanels, Unanswered
from sortition.solver.highs import Deadline, MipSolver, solve_mip
from sortition.solver.panels import panel_program
from sortition.solver.repair import FaceBounds, Swaps
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel

BoolArray = npt.NDArray[np.bool_]
# What the algorithms tell the caller as they go: a message and the fraction done (or None).
Progress = Callable[[str, float | None], None]
# Asked after each step with the panels and weights so far and the mass left: True ends the
# split there (the caller needs less than the whole point, see sortition.solver.maximin).
Enough = Callable[[Sequence[Composition], Sequence[float], float], bool]

# A row or bound is tight when the point is within this many seats of it.
TIGHT = 1e-9
# The steps stop when the mass left to split is below this: the rest is round-off.
MASS_FLOOR = 1e-10
# Any panel on the face will do, so each integer program stops at its first solution: that
# halves the time per step on national_like_150, for somewhat shorter steps.
FIRST_SOLUTION = 1
# An LP optimum whose seats are all this close to integers is a panel.
INTEGRAL = 1e-9
# A fractional LP optimum is rounded and repaired by swaps (sortition.solver.repair) into a
# panel on the face: on eight quota categories (benchmarks/assembly.py) the LP optimum is
# integral on one face in a hundred and the face integer program takes a second, the rounding
# and repair a few milliseconds (split 340 s -> 10-15 s on the generated 1,700-volunteer pool).
ROUNDING = True
# When that fails too, up to LP_TRIES more LPs with costs perturbed by up to NOISE * attempt
# (relative) look for another vertex before the integer program runs: an LP re-solve costs a
# millisecond or two, the integer program 50 ms on national_like_150, and the LP's panels
# seat more of the preferred types (fewer, longer steps). On national_like_150 this took
# LEXIMIN from 25 s to 4.5 s.
LP_TRIES = 20
NOISE = 0.1


@dataclass(frozen=True, slots=True)
class Split:
    """Panels and weights (summing to ``1 - left``) whose mix is the point, but for the mass
    ``left`` that no panel could take (0 up to round-off when the split succeeded)."""

    compositions: tuple[Composition, ...]
    weights: tuple[float, ...]
    left: float


class _Rows:
    """The quota and household rows of Q as a dense matrix with their bounds (the size row
    holds for every panel and every point of Q, so it never limits a step)."""

    def __init__(self, model: TypeModel) -> None:
        groups = model.rows
        self.matrix = model.row_matrix()
        lower, upper = model.row_bounds
        self.lower = np.array(lower, dtype=np.float64)
        self.upper = np.array(upper, dtype=np.float64)
        # Each type's row per quota category and its household row, for the swaps.
        categories = {c: g for g, c in enumerate(model.quotas.categories)}
        slots = np.full((len(model), len(categories) + 1), -1, dtype=np.int64)
        for i, types in enumerate(groups):
            quota = model.quotas.items[i] if i < len(model.quotas.items) else None
            slots[list(types), len(categories) if quota is None else categories[quota.category]] = i
        self.swaps = Swaps(self.matrix, slots)


def _step(
    x: FloatArray, panel: FloatArray, rows: _Rows, upper: FloatArray, free: BoolArray
) -> float:
    """The largest ``eps <= 1`` with ``(x - eps * panel) / (1 - eps)`` in Q, for a panel on
    the smallest face of ``x`` (``free`` marks the types strictly inside their bounds).

    A row ``a.x <= b`` not tight at ``x`` holds at the new point while
    ``eps * (b - a.panel) <= b - a.x``; lower bounds alike."""
    limits = [1.0]
    for values, at_x, lower, upper_ in (
        (rows.matrix @ panel, rows.matrix @ x, rows.lower, rows.upper),
        (panel[free], x[free], np.zeros(int(free.sum())), upper[free]),
    ):
        below = values < upper_ - 0.5
        above = values > lower + 0.5
        if below.any():
            limits.append(float(np.min((upper_ - at_x)[below] / (upper_ - values)[below])))
        if above.any():
            limits.append(float(np.min((at_x - lower)[above] / (values - lower)[above])))
    return max(0.0, min(limits))


def _rounded(values: FloatArray, upper: FloatArray) -> FloatArray:
    """The LP's seats rounded to a composition of the same size: floors, then one more seat
    for the largest fractional parts."""
    values = np.clip(values, 0.0, upper)
    floors = np.floor(values + INTEGRAL)
    missing = round(float(values.sum() - floors.sum()))
    if missing > 0:
        order = np.argsort(-(values - floors))
        floors[order[:missing]] += 1
    return floors


def _integral(values: FloatArray) -> bool:
    return bool(np.max(np.abs(values - np.rint(values)), initial=0.0) <= INTEGRAL)


class _Face:
    """The face LP and the face integer program of Q, narrowed step by step to the smallest
    face of the current point."""

    def __init__(
        self, model: TypeModel, rows: _Rows, upper: FloatArray, *, mip_solver: MipSolver
    ) -> None:
        self.rows, self.upper, self.mip_solver = rows, upper, mip_solver
        self.types = np.arange(len(model), dtype=np.int32)
        self.mip = panel_program(model)
        self.mip.setOptionValue("mip_max_improving_sols", FIRST_SOLUTION)
        # The LP of the face often has an integral optimum (most steps on madrid_like_49,
        # fewer on national_like_150): a warm-started LP re-solve finds that panel for a
        # fraction of the integer program's cost.
        self.lp = panel_program(model)
        self.lp.changeColsIntegrality(
            len(self.types), self.types, np.full(len(self.types), highspy.HighsVarType.kContinuous)
        )
        self.row_bounds = (rows.lower, rows.upper)  # as panel_program set them
        self.cp = FacePanels(model)
        self.lps = 0

    def narrow(self, x: FloatArray) -> BoolArray:
        """Restrict both programs to the smallest face of ``x``: its tight rows become
        equalities, its tight bounds fix the seats. Returns the types strictly inside their
        bounds."""
        at_x = self.rows.matrix @ x
        low = np.where(at_x >= self.rows.upper - TIGHT, self.rows.upper, self.rows.lower)
        high = np.where(at_x <= self.rows.lower + TIGHT, self.rows.lower, self.rows.upper)
        # Faces only shrink, so only the rows that became tight in the last step change.
        changed = np.flatnonzero((low != self.row_bounds[0]) | (high != self.row_bounds[1]))
        self.row_bounds = (low, high)
        empty, full = x <= TIGHT, x >= self.upper - TIGHT
        self.bounds = FaceBounds(
            low, high, np.where(full, self.upper, 0.0), np.where(empty, 0.0, self.upper)
        )
        for h in (self.lp, self.mip):
            h.changeColsBounds(
                len(self.types),
                self.types,
                np.where(full, self.upper, 0.0),
                np.where(empty, 0.0, self.upper),
            )
            for i in changed:
                h.changeRowBounds(int(i) + 1, float(low[i]), float(high[i]))  # row 0: the size
        return ~(empty | full)

    def panel(
        self, costs: FloatArray, *, noise: np.random.Generator, deadline: Deadline
    ) -> FloatArray | None:
        """A valid panel on the face, preferring high ``costs``; None when the face holds
        none. The LP first; a fractional optimum rounded and repaired by swaps; then LPs with
        perturbed costs (each rounded and repaired too), then CP-SAT, then (when CP-SAT gives
        no answer, or with CBC) the integer program."""
        for attempt in range(LP_TRIES + 1):
            # Attempts after the first look for another vertex, near the preferred one.
            factor = 1.0 + NOISE * attempt * noise.random(len(costs)) if attempt else 1.0
            self.lp.changeColsCost(len(costs), self.types, costs * factor)
            self.lps += 1
            values = solve_mip(self.lp, what="panel LP on a face", deadline=deadline).values
            if values is None:
                return None
            if _integral(values):
                return np.rint(values)
            if ROUNDING:
                found = self.rows.swaps.on_face(self.bounds, _rounded(values, self.upper), costs)
                if found is not None:
                    return found
        if MipSolver(self.mip_solver) is MipSolver.HIGHS:
            try:
                return self.cp.panel(self.bounds, costs, deadline=deadline)
            except Unanswered:
                pass
        self.mip.changeColsCost(len(costs), self.types, costs)
        result = solve_mip(
            self.mip,
            what="panel integer program on a face",
            deadline=deadline,
            solver=self.mip_solver,
        )
        return None if result.values is None else np.rint(result.values)


def split(
    model: TypeModel,
    seats: FloatArray,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Callable[[float], None] | None = None,
    mip_solver: MipSolver = MipSolver.HIGHS,
    patience: int | None = None,
    patience_share: float = 1.0,
    enough: Enough | None = None,
    flatness: float = 1.0,
) -> Split:
    """Split the point ``seats`` of Q into valid panels (see the module docstring).

    ``rng`` perturbs the LP costs (see ``LP_TRIES``); ``progress(fraction)`` follows the
    mass split on a log scale; ``mip_solver`` solves the face integer programs (see
    :func:`sortition.solver.highs.solve_mip`). The face LPs, a thousand or more on a large
    pool, stay with HiGHS (CBC takes one only when HiGHS ends without an answer): CBC would
    start a process for each. With ``patience`` the split gives up (and reports the mass
    left) once its face LPs outnumber its steps, plus ``patience_share`` times its steps, by
    more than ``patience``: the point splits badly, and the caller has another. With
    ``enough`` the split also ends (and reports the mass left) as soon as ``enough`` says the
    panels found so far will do. Each step's panel prefers the types with the most
    probability left, by
    ``probability ** flatness``."""
    sizes = np.asarray(model.sizes, dtype=np.float64)
    upper = np.asarray(model.seat_limits, dtype=np.float64)
    rows = _Rows(model)
    face = _Face(model, rows, upper, mip_solver=mip_solver)
    noise = np.random.default_rng(rng.getrandbits(64))
    x = np.clip(np.asarray(seats, dtype=np.float64), 0.0, upper)
    mass = 1.0
    compositions: list[Composition] = []
    weights: list[float] = []
    while mass > MASS_FLOOR:
        free = face.narrow(x)
        # Panels that seat the types with the most probability left go furthest.
        preference = (x / sizes) ** flatness
        try:
            panel = face.panel(
                preference / max(float(preference.max()), 1e-12), noise=noise, deadline=deadline
            )
        except SolverError as error:
            raise SolverError(
                f"splitting the relaxation's optimum stopped after {len(compositions)} panels "
                f"with {mass:.2g} of it left: {error}"
            ) from error
        steps = len(compositions)
        if patience is not None and face.lps > (1.0 + patience_share) * steps + patience:
            break
        eps = 0.0 if panel is None else _step(x, panel, rows, upper, free)
        if panel is None or eps <= 0.0:
            break
        # One conversion in C: a generator over the numpy array cost 0.3 s on a large pool.
        compositions.append(tuple(panel.astype(np.int64).tolist()))
        weights.append(mass * eps)
        mass *= 1.0 - eps
        if eps >= 1.0:
            break
        x = np.clip((x - eps * panel) / (1.0 - eps), 0.0, upper)
        if progress is not None:
            progress(min(1.0, math.log(mass) / math.log(MASS_FLOOR)))
        if enough is not None and enough(compositions, weights, mass):
            break
    return Split(tuple(compositions), tuple(weights), max(0.0, mass))


def split_announced(
    name: str,
    model: TypeModel,
    seats: FloatArray,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver,
    patience: int | None = None,
    patience_share: float = 1.0,
    enough: Enough | None = None,
    flatness: float = 1.0,
) -> Split:
    """The split of the relaxation's optimum ``seats`` (:func:`split`), its
    start and its advance told to ``progress`` under the algorithm's ``name``."""
    progress(f"{name}: the relaxation's optimum found, splitting it into panels", 0.0)
    return split(
        model,
        seats,
        rng=rng,
        deadline=deadline,
        progress=lambda fraction: progress(f"{name}: splitting into panels", fraction),
        mip_solver=mip_solver,
        patience=patience,
        patience_share=patience_share,
        enough=enough,
        flatness=flatness,
    )
