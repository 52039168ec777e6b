"""LEGACY: the greedy sequential draw the field used before LEXIMIN, for comparison only.

Re-implemented from its description (Flanigan et al., Nature 2021, Methods): seat people one
at a time; while some quota minimum is unmet, pick the quota whose unmet minimum is largest
relative to the volunteers still available for it (ties at random) and seat a uniformly random
available member of it; otherwise seat a uniformly random available volunteer. After each seat,
volunteers whose features would break a full quota, and the new member's housemates, leave the
pool. A draw that gets stuck restarts. Its selection probabilities are unknown in closed form:
they are estimated by running the draw ``runs`` times; the lottery is the empirical one.
"""

from __future__ import annotations

import random
from collections import Counter

from sortition.errors import SolverError
from sortition.model import Quota
from sortition.solver.caratheodory import Progress
from sortition.solver.highs import Deadline, MipSolver
from sortition.solver.lottery import Lottery
from sortition.solver.types import Composition, TypeModel

RUNS = 1000
ATTEMPTS = 100


def legacy(
    model: TypeModel,
    *,
    rng: random.Random,
    deadline: Deadline,
    progress: Progress,
    runs: int = RUNS,
    mip_solver: MipSolver = MipSolver.HIGHS,
) -> Lottery:
    """``runs`` greedy draws as an empirical lottery. ``model`` must have singleton types
    (``group_types(..., split=True)``) so that compositions name people. ``mip_solver`` is
    accepted like the other algorithms' and ignored: the draw solves no integer program."""
    counts: Counter[Composition] = Counter()
    for run in range(runs):
        if deadline.expired():
            raise SolverError(f"LEGACY reached the time limit after {run} of {runs} draws")
        counts[_draw_with_retries(model, rng)] += 1
        if (run + 1) % 100 == 0:
            progress(f"LEGACY: {run + 1}/{runs} draws", (run + 1) / runs)
    compositions = tuple(counts)
    return Lottery(compositions, tuple(counts[c] / runs for c in compositions), 0.0, runs)


def _draw_with_retries(model: TypeModel, rng: random.Random) -> Composition:
    for _ in range(ATTEMPTS):
        panel = _draw_once(model, rng)
        if panel is not None:
            return panel
    raise SolverError(f"LEGACY got stuck {ATTEMPTS} times in a row on these quotas")


def _draw_once(model: TypeModel, rng: random.Random) -> Composition | None:
    quotas = model.quotas.items
    row_of: list[list[int]] = [[] for _ in range(len(model))]
    for r, types in enumerate(model.quota_types):
        for t in types:
            row_of[t].append(r)
    housemates = {t: group for group in model.households for t in group}
    remaining = {t for t in range(len(model)) if model.selectable(t)}
    available = [set(types) & remaining for types in model.quota_types]
    seated = [0] * len(quotas)
    chosen = [0] * len(model)
    for _ in range(model.k):
        if any(q.min - s > len(a) for q, s, a in zip(quotas, seated, available, strict=True)):
            return None
        candidates = _candidates(quotas, seated, available, remaining, rng)
        if not candidates:
            return None
        t = rng.choice(tuple(candidates))
        chosen[t] = 1
        leaving = {t, *housemates.get(t, ())}
        for r in row_of[t]:
            seated[r] += 1
            if seated[r] >= quotas[r].max:
                leaving |= available[r]
        for gone in leaving:
            remaining.discard(gone)
            for r in row_of[gone]:
                available[r].discard(gone)
    composition = tuple(chosen)
    return composition if not model.violations(composition) else None


def _candidates(
    quotas: tuple[Quota, ...],
    seated: list[int],
    available: list[set[int]],
    remaining: set[int],
    rng: random.Random,
) -> set[int]:
    """The members of the most urgent unmet quota, or everyone left when all minima are met."""
    urgent = [
        ((q.min - s) / len(a), rng.random(), r)
        for r, (q, s, a) in enumerate(zip(quotas, seated, available, strict=True))
        if s < q.min and a
    ]
    return available[max(urgent)[2]] if urgent else remaining
