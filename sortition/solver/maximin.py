"""MAXIMIN: the lottery that maximises the smallest selection probability, nothing more.

It is the first level of :mod:`sortition.solver.leximin`, with the same tiers: the first LP of
the relaxation gives the optimum of the relaxation and a point reaching it, which is split into
panels (:func:`sortition.solver.leximin.split_relaxed`); when that split is slow or falls
short, the relaxation's LEXIMIN point (a MAXIMIN point too) is split instead; when that falls
short, column generation until no panel improves the dual, then one decomposition LP that keeps
every type at or above the optimum. Among the many maximin lotteries it returns the one these
steps find; unlike LEXIMIN it makes no promise about anyone above the minimum.
"""

from __future__ import annotations

import random

from sortition.errors import SolverError
from sortition.solver.caratheodory import Progress
from sortition.solver.highs import Deadline, MipSolver
from sortition.solver.leximin import LEVEL_SLACK, converge_level, split_relaxed, start
from sortition.solver.lottery import Lottery, decompose
from sortition.solver.relaxed import relaxed_leximin
from sortition.solver.types import Composition, TypeModel

# The first LP's optimum is a vertex of the relaxation; on many quota categories its faces
# seldom round to panels (on the generated assembly pool 4.7 face LPs a step, against 1.3 for
# the LEXIMIN point). Once the split's face LPs outnumber twice its steps by PATIENCE, MAXIMIN
# splits the relaxation's LEXIMIN point instead, which is a MAXIMIN point too.
PATIENCE = 60


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
    for first_level_only in (True, False):
        relaxed = relaxed_leximin(model, deadline=deadline, first_level_only=first_level_only)
        lottery, more = split_relaxed(
            "MAXIMIN",
            model,
            relaxed,
            rng=rng,
            deadline=deadline,
            progress=progress,
            mip_solver=mip_solver,
            patience=PATIENCE if first_level_only else None,
        )
        found += more
        if lottery is not None:
            return lottery
    lp, oracle = start(model, rng=rng, deadline=deadline, mip_solver=mip_solver, found=found)
    try:
        value, _ = converge_level(lp, oracle, deadline=deadline)
    except SolverError as error:
        raise SolverError(f"MAXIMIN stopped after {len(lp.panels)} panels: {error}") from error
    progress(f"MAXIMIN: probability {value:.6f}, {len(lp.panels)} panels", 1.0)
    floors = [max(0.0, value - LEVEL_SLACK)] * len(model)
    compositions, weights = decompose(model, lp.panels, floors, deadline=deadline)
    return Lottery(compositions, weights, value, 1)
