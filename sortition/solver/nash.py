"""NASH: the lottery maximising the sum over volunteers of log(selection probability).

First, as for LEXIMIN, the optimum over the LP relaxation (an interior-point method,
:mod:`sortition.solver.interior`, or cutting planes on ``log``, LPs only,
:func:`sortition.solver.relaxed.relaxed_nash`) is split into panels; no lottery beats the
relaxation's bound, so a mix that comes within ``GAP`` of it is NASH, with the difference as
its proven gap. The split ends as soon as the mix of its panels so far, rescaled to sum 1, is
within ``SPLIT_GAP`` (1e-10 per person) of the bound: the welfare is flat at its optimum, so
the gap falls with the square of the mass left to split, and that happens some 40% of the
steps before the mass left is round-off.

When the split falls short: HiGHS has no logarithm, so this is column generation on a linear
outer approximation. The restricted master LP maximises ``sum_t size[t] * u[t]`` subject to
``u[t]`` lying under tangent lines of ``log`` at points where it has been evaluated (rows
``tangent[t,i]``), over lotteries of the panels found so far. Each round adds tangents where
the LP overestimates the log, and prices a new panel with the gradient of the Nash welfare
(weight ``1/probability[t]`` per seat of type ``t``), Frank-Wolfe style. By concavity the
welfare can exceed the current one by at most ``(best panel's gradient weight) - (number of
people who can sit)``: this Frank-Wolfe gap, divided by the number of people, is
``Lottery.bound``. The loop stops when it falls below ``GAP``, or after ``ROUNDS`` rounds (the
gap then says how far from optimal the lottery is).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from sortition.solver.caratheodory import Progress, split_announced
from sortition.solver.highs import INF, Deadline, MipSolver, add_row, new_model, require_optimal
from sortition.solver.interior import NashOptimum, nash_optimum
from sortition.solver.lottery import Lottery, normalised, type_probabilities
from sortition.solver.panels import PanelOracle, covering_panels
from sortition.solver.relaxed import RelaxedNash, RelaxedPoint, relaxed_leximin, relaxed_nash
from sortition.solver.types import Composition, TypeModel

GAP = 1e-4
# Types whose relaxed LEXIMIN level is above this can sit (the relaxation's NASH counts them).
ACTIVE = 1e-9
ROUNDS = 100
# Tangents are not added below this probability, which keeps the LP well scaled.
SMALLEST = 1e-6
# Whether the relaxation's NASH cutting planes start with tangents at the relaxed LEXIMIN
# levels rather than at k / n. Off: on the generated assembly pool it saves a quarter of the
# relaxation (7.5 s of CPU against 10.0 s), but on madrid_like_49 the point it ends at splits
# into more panels and NASH takes twice as long (2.76 s of CPU against 1.39 s).
START_AT_LEXIMIN = False
# Whether the relaxation's NASH point comes from the interior-point method
# (sortition.solver.interior; the cutting planes remain behind it). On the generated assembly
# pool it takes 0.1 s of CPU against 7.5 to 10 s for the cutting planes, and its gap is about
# 1e-12 per person against their 1e-9.
INTERIOR = True
# The split's panels prefer the types with the most probability left by probability ** this
# (LEXIMIN's split: 1). NASH's point gives nearly every type a probability of its own, and a
# flatter preference makes longer steps there: on the generated assembly pool 425 panels at
# 0.25 against 449 at 0.5, 486 at 1 and 567 at 2.
SPLIT_FLATNESS = 0.25
# The split of the relaxation's NASH point ends once its panels so far mix (rescaled to sum
# 1) to within this of the relaxation's bound, per person: on the generated assembly pool at
# about step 250 of 430 (mass left 2e-5), on national_like_150 at step 162 of 287.
SPLIT_GAP = 1e-10


@dataclass(frozen=True, slots=True)
class _Relaxed:
    """The relaxation's NASH point and bound, and the types counted in it."""

    nash: RelaxedNash
    active: list[int]


class _Master:
    """The outer-approximation LP: columns prob[t], u[t], then one weight per panel."""

    def __init__(self, model: TypeModel, active: list[int]) -> None:
        self.model, self.active = model, active
        self.panels: list[Composition] = []
        self.h = h = new_model()
        empty_i, empty_f = np.empty(0, np.int32), np.empty(0, np.float64)
        for _ in range(len(model)):
            h.addCol(0.0, 0.0, 1.0, 0, empty_i, empty_f)
        chosen = set(active)
        for t, size in enumerate(model.sizes):
            # log(prob) <= 0; types that can never sit are left out of the welfare
            h.addCol(float(size) if t in chosen else 0.0, -INF, 0.0, 0, empty_i, empty_f)
        for t in range(len(model)):
            add_row(h, name=f"probability[{t}]", lower=0.0, upper=0.0, cols=[t], coefs=[1.0])
        add_row(h, name="weights_sum_to_1", lower=1.0, upper=1.0, cols=[], coefs=[])
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        uniform = model.k / model.n
        for t in active:
            for point in (uniform / 4, uniform, min(1.0, 4 * uniform)):
                self.tangent(t, point)

    def tangent(self, t: int, point: float) -> None:
        """u[t] <= log(point) + (prob[t] - point) / point."""
        n = len(self.model)
        add_row(
            self.h,
            name=f"tangent[{t},{point:.3g}]",
            lower=-INF,
            upper=math.log(point) - 1.0,
            cols=[n + t, t],
            coefs=[1.0, -1.0 / point],
        )

    def add_panel(self, composition: Composition) -> None:
        sizes = self.model.sizes
        rows = [t for t, c in enumerate(composition) if c] + [len(self.model)]
        coefs = [-c / sizes[t] for t, c in enumerate(composition) if c] + [1.0]
        self.h.addCol(
            0.0, 0.0, INF, len(rows), np.asarray(rows, np.int32), np.asarray(coefs, np.float64)
        )
        self.panels.append(composition)

    def solve(self, deadline: Deadline) -> tuple[list[float], list[float], list[float]]:
        """The type probabilities, their log estimates u, and the panel weights."""
        require_optimal(self.h, what="NASH outer-approximation LP", deadline=deadline)
        values = list(self.h.getSolution().col_value)
        n = len(self.model)
        return values[:n], values[n : 2 * n], values[2 * n :]


def nash(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver = MipSolver.HIGHS,
) -> Lottery:
    """The NASH lottery (see the module docstring), its integer programs solved with
    ``mip_solver``; ``Lottery.bound`` is a proven gap per person on the mean log probability
    (the relaxation's bound minus the lottery's value, or the Frank-Wolfe gap)."""
    lottery = _split_relaxed_nash(
        model, rng=rng, deadline=deadline, progress=progress, mip_solver=mip_solver
    )
    if lottery is not None:
        return lottery
    oracle = PanelOracle(model, mip_solver=mip_solver)
    panels = covering_panels(oracle, rng=rng, deadline=deadline)
    active = sorted({t for p in panels for t, c in enumerate(p) if c})
    master = _Master(model, active)
    for composition in panels:
        master.add_panel(composition)
    people = sum(model.sizes[t] for t in active)
    gap: float | None = None
    for round_ in range(1, ROUNDS + 1):
        probs, logs, weights = master.solve(deadline)
        for t in active:
            point = max(probs[t], SMALLEST)
            if logs[t] > math.log(point) + 1e-9:
                master.tangent(t, point)
        gradient = [
            1.0 / max(probs[t], SMALLEST) if t in set(active) else 0.0 for t in range(len(model))
        ]
        found = oracle.improving(
            gradient,
            threshold=people * (1 + GAP),
            known=np.asarray(master.panels, dtype=np.float64),
            deadline=deadline,
        )
        progress(f"NASH round {round_}: {len(master.panels)} panels", round_ / ROUNDS)
        if not found:
            gap = GAP
            break
        for composition in found:
            master.add_panel(composition)
    if gap is None:
        probs, _, weights = master.solve(deadline)
        gradient = [
            1.0 / max(probs[t], SMALLEST) if t in set(active) else 0.0 for t in range(len(model))
        ]
        _, best = oracle.best(gradient, deadline=deadline)
        gap = max(0.0, best - people) / people
    compositions, kept = normalised(master.panels, [max(0.0, w) for w in weights])
    return Lottery(compositions, kept, gap, round_)


def _split_relaxed_nash(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver,
) -> Lottery | None:
    """The first tier: NASH over the relaxation (:func:`sortition.solver.relaxed.relaxed_nash`,
    an upper bound for every lottery) split into panels (:mod:`sortition.solver.caratheodory`).
    The mix is NASH when its own value comes within ``GAP`` per person of that bound; None
    when it does not (the split fell short), and column generation takes over."""
    relaxed = _relaxed_nash(model, deadline=deadline)
    if relaxed is None:
        return None
    parts = split_announced(
        "NASH",
        model,
        relaxed.nash.point.seats,
        rng=rng,
        deadline=deadline,
        progress=progress,
        mip_solver=mip_solver,
        enough=_Near(model, relaxed),
        flatness=SPLIT_FLATNESS,
    )
    if not parts.weights:
        return None
    compositions, weights = normalised(parts.compositions, parts.weights)
    probabilities = np.asarray(type_probabilities(model, compositions, weights))
    sizes = np.asarray(model.sizes, dtype=np.float64)
    active = relaxed.active
    if np.min(probabilities[active]) <= 0.0:
        return None
    people = float(sizes[active].sum())
    welfare = float(np.sum(sizes[active] * np.log(probabilities[active])))
    gap = max(0.0, relaxed.nash.bound - welfare) / people
    if gap > GAP:
        progress("NASH: the split fell short, column generation takes over", None)
        return None
    progress(f"NASH: the relaxation's optimum split into {len(weights)} panels", 1.0)
    return Lottery(compositions, weights, gap, 1)


class _Near:
    """Whether the panels of a split already mix, rescaled to sum 1, to within ``SPLIT_GAP``
    per person of the relaxation's bound, asked by the split after each step (see
    :data:`sortition.solver.caratheodory.Enough`). Keeps the mix's seats as the panels come,
    so each question costs one pass over the types."""

    def __init__(self, model: TypeModel, relaxed: _Relaxed) -> None:
        self.sizes = np.asarray(model.sizes, dtype=np.float64)
        self.active = np.asarray(relaxed.active, dtype=np.int64)
        self.bound = relaxed.nash.bound
        self.people = float(self.sizes[self.active].sum())
        self.seats = np.zeros(len(model))
        self.total = 0.0
        self.counted = 0

    def __call__(
        self, compositions: Sequence[Composition], weights: Sequence[float], mass: float
    ) -> bool:
        for composition, weight in zip(
            compositions[self.counted :], weights[self.counted :], strict=True
        ):
            self.seats += weight * np.asarray(composition, dtype=np.float64)
            self.total += weight
        self.counted = len(compositions)
        return self.gap() <= SPLIT_GAP

    def gap(self) -> float:
        """The bound minus the rescaled mix's welfare, per person (inf while some active type
        has no seat)."""
        seats = self.seats[self.active]
        if self.total <= 0.0 or float(seats.min(initial=1.0)) <= 0.0:
            return math.inf
        probabilities = seats / (self.sizes[self.active] * self.total)
        welfare = float(np.sum(self.sizes[self.active] * np.log(probabilities)))
        return (self.bound - welfare) / self.people


def _relaxed_nash(model: TypeModel, *, deadline: Deadline) -> _Relaxed | None:
    """NASH over the relaxation, for the types that can sit in it: by the interior-point
    method (:func:`sortition.solver.interior.nash_optimum`), or by the cutting planes of
    :func:`sortition.solver.relaxed.relaxed_nash` when that fails. The method is tried on
    every type that can sit at all first (when it ends at an optimum, each of them has a
    positive probability in the relaxation); when it fails, the types that can sit are those
    with a positive level in the relaxation's LEXIMIN."""
    selectable = [t for t in range(len(model)) if model.selectable(t)]
    optimum = nash_optimum(model, selectable) if INTERIOR else None
    if optimum is not None:
        return _interior(model, optimum, selectable)
    levels = relaxed_leximin(model, deadline=deadline)
    if levels is None:
        return None
    active = [t for t in range(len(model)) if levels.levels[t] > ACTIVE]
    optimum = nash_optimum(model, active) if INTERIOR and active != selectable else None
    if optimum is not None:
        return _interior(model, optimum, active)
    near = levels.levels if START_AT_LEXIMIN else None
    relaxed = relaxed_nash(model, active, deadline=deadline, near=near)
    return None if relaxed is None else _Relaxed(relaxed, active)


def _interior(model: TypeModel, optimum: NashOptimum, active: list[int]) -> _Relaxed:
    sizes = np.asarray(model.sizes, dtype=np.float64)
    point = RelaxedPoint(optimum.seats / sizes, optimum.seats)
    return _Relaxed(RelaxedNash(point, optimum.bound), active)
