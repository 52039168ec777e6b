"""MAXIMIN: the lottery that maximises the smallest selection probability, nothing more.

It is the first level of :mod:`sortition.solver.leximin`, with the same tiers: the first LP of
the relaxation gives the optimum of the relaxation and a point reaching it, which is split into
panels (:func:`sortition.solver.caratheodory.split`); when that split goes badly (its faces
stop rounding to panels), a point of the relaxation's first ``LEVELS`` LEXIMIN levels (a
MAXIMIN point too) is split instead; when that falls short, column generation until no panel
improves the dual, then one decomposition LP that keeps every type at or above the optimum.
Among the many maximin lotteries it returns the one these steps find; unlike LEXIMIN it makes
no promise about anyone above the minimum. Its minimum is optimal: from a split, within
``SHORT`` of the relaxation's optimum (``Lottery.bound``), which no lottery exceeds; from
column generation, within ``LEVEL_SLACK`` of the LP optimum over all panels that the pricing
proves.

MAXIMIN needs less than the whole point: only the minimum has to be reached, so a split ends
as soon as the best mix of the panels found so far (one LP, :func:`_Enough.check`) comes
within ``SHORT`` of the optimum, long before the mass left to split is round-off.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from sortition.errors import SolverError
from sortition.solver.caratheodory import Progress, split_announced
from sortition.solver.highs import Deadline, MipSolver
from sortition.solver.leximin import LEVEL_SLACK, converge_level, start
from sortition.solver.lottery import Lottery, decompose, type_probabilities
from sortition.solver.relaxed import relaxed_leximin
from sortition.solver.types import Composition, TypeModel

# The first LP's optimum is a vertex of the relaxation. On madrid_like_49 and
# national_like_150 it splits in fewer steps than any other MAXIMIN point (97 against 247 on
# Madrid) at one face LP a step; on the generated assembly pools (eight categories) its faces
# soon stop rounding to panels and its face LPs per step climb from 1.2 to 5 or 19 (one split
# of seed 5 took 15 s of CPU against 3 s for the LEXIMIN levels' point). So its split gives up
# once its face LPs exceed its steps by PATIENCE plus PATIENCE_SHARE a step: on Madrid and
# national_like_150 the excess never passed 5 (three random seeds each), on assembly seeds
# 1 to 5 it passes near step 30 to 60 (of 200 to 350).
PATIENCE = 10
PATIENCE_SHARE = 0.05
# The point split next: the relaxation's LEXIMIN point after this many levels (the types not
# fixed by then at the last level, a MAXIMIN point). Its faces keep rounding (1.1 face LPs a
# step) like the full LEXIMIN point's, for 2 LPs instead of 25 to 57 (0.2 s of CPU against
# 0.45 s on the assembly pools), and its split reaches the minimum as soon (seed 3: 217 and
# 237 steps against 301 and 304; seed 5: 255 against 234).
LEVELS = 2
# A mix of the panels found counts as MAXIMIN when its minimum is this close to the
# relaxation's optimum (every lottery's minimum is at most that optimum); LEXIMIN's own
# tolerance is 1e-8 (sortition.solver.leximin.REACH_TOLERANCE).
SHORT = 5e-9
# The panels are checked (one LP over them) once the mass left to split falls below
# FIRST_CHECK, then each time it falls by CHECK_FACTOR more. On the generated assembly pool
# the best mix of the vertex's panels is about 0.02 times the mass left below the optimum,
# so the first check passes near a mass of 2.5e-7, some 200 of its 437 steps.
FIRST_CHECK = 3e-7
CHECK_FACTOR = 0.1


class _Enough:
    """Whether the panels of a split already mix to the relaxation's max-min ``value``, asked
    by the split after each step (see :data:`sortition.solver.caratheodory.Enough`); the
    lottery found, if any, in ``lottery``."""

    def __init__(self, model: TypeModel, value: float, *, deadline: Deadline) -> None:
        self.model, self.value, self.deadline = model, value, deadline
        self.next = FIRST_CHECK
        self.checked = -1
        self.lottery: Lottery | None = None
        self.checks = 0
        # Types that cannot sit (probability 0 in every lottery) do not bind the minimum.
        self.floors = [0.0 if model.selectable(t) else -1.0 for t in range(len(model))]
        self.selectable = np.asarray([model.selectable(t) for t in range(len(model))])

    def __call__(
        self, compositions: Sequence[Composition], weights: Sequence[float], mass: float
    ) -> bool:
        if mass > self.next:
            return False
        self.next = mass * CHECK_FACTOR
        return self.check(compositions)

    def check(self, compositions: Sequence[Composition]) -> bool:
        """One LP: the mix of ``compositions`` with the largest minimum; True (and
        ``lottery`` set) when that minimum is within ``SHORT`` of ``value``."""
        if len(compositions) == self.checked or not compositions:
            return self.lottery is not None
        self.checked = len(compositions)
        self.checks += 1
        merged, weights = decompose(self.model, compositions, self.floors, deadline=self.deadline)
        probabilities = np.asarray(type_probabilities(self.model, merged, weights))
        if float(probabilities[self.selectable].min()) >= self.value - SHORT:
            self.lottery = Lottery(merged, weights, self.value, 1)
        return self.lottery is not None


def maximin(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    mip_solver: MipSolver = MipSolver.HIGHS,
) -> Lottery:
    """The MAXIMIN lottery, its integer programs solved with ``mip_solver``;
    ``Lottery.bound`` is the LP optimum of the minimum probability.
    Raises :class:`SolverError` when the deadline passes before the optimum is proved."""
    found: tuple[Composition, ...] = ()
    for levels, patience in ((1, PATIENCE), (LEVELS, None)):
        relaxed = relaxed_leximin(model, deadline=deadline, max_levels=levels)
        if relaxed is None or not any(model.selectable(t) for t in range(len(model))):
            continue
        value = min(float(relaxed.levels[t]) for t in range(len(model)) if model.selectable(t))
        enough = _Enough(model, value, deadline=deadline)
        parts = split_announced(
            "MAXIMIN",
            model,
            relaxed.seats,
            rng=rng,
            deadline=deadline,
            progress=progress,
            mip_solver=mip_solver,
            patience=patience,
            patience_share=PATIENCE_SHARE,
            enough=enough,
        )
        found += parts.compositions
        if enough.check(parts.compositions) and enough.lottery is not None:
            progress(
                f"MAXIMIN: the relaxation's optimum reached by {len(parts.compositions)} panels",
                1.0,
            )
            return enough.lottery
        progress("MAXIMIN: the split fell short", None)
    lp, oracle = start(model, rng=rng, deadline=deadline, mip_solver=mip_solver, found=found)
    try:
        value, _ = converge_level(lp, oracle, deadline=deadline)
    except SolverError as error:
        raise SolverError(f"MAXIMIN stopped after {len(lp.panels)} panels: {error}") from error
    progress(f"MAXIMIN: probability {value:.6f}, {len(lp.panels)} panels", 1.0)
    floors = [max(0.0, value - LEVEL_SLACK)] * len(model)
    compositions, weights = decompose(model, lp.panels, floors, deadline=deadline)
    return Lottery(compositions, weights, value, 1)
