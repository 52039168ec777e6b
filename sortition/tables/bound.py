"""A lower bound on the repeated meetings of any schedule whose tables keep every strict
category within its fair share: the profile LP.

Group the pairs by their *profile*, the set of strict categories in which the two share a
value. The table sizes fix the number of meetings M; the fair shares bound, per category, how
many meetings go to pairs sharing a value in it. A profile with N pairs that have not met yet
holds at most N first meetings; every meeting beyond those, and every meeting of a pair that
met before, is a repeat. The LP distributes the M meetings over the profiles so as to repeat
as little as possible; its optimum, rounded up, bounds every such schedule.
"""

from __future__ import annotations

import math

import numpy as np

from sortition.feasibility.programs import silence_banner
from sortition.solver.highs import INF, Deadline, Outcome, add_row, new_model, solve
from sortition.tables.problem import Category, Problem


def repeat_lower_bound(problem: Problem) -> int:
    """The profile LP's bound on repeated meetings (0 when the shares cannot all be met, as
    the bound then says nothing)."""
    strict = [c for c in problem.categories if c.strict]
    ranges = [_same_value_range(problem, c) for c in strict]
    if any(r is None for r in ranges):
        return 0
    meetings = sum(int(z * (z - 1) // 2) for z in problem.sizes.ravel())
    fresh, used = _pairs_by_profile(problem, strict)
    silence_banner()
    h = new_model()
    profiles = len(fresh)
    # columns: first meetings m_p, meetings of pairs that met before u_p, repeats r_p
    for p in range(profiles):
        possible = fresh[p] + used[p] > 0
        h.addCol(0.0, 0.0, INF if possible else 0.0, 0, np.empty(0, np.int32), np.empty(0))
        h.addCol(1.0, 0.0, INF if used[p] else 0.0, 0, np.empty(0, np.int32), np.empty(0))
        h.addCol(1.0, 0.0, INF, 0, np.empty(0, np.int32), np.empty(0))
        add_row(
            h,
            name=f"repeats_profile_{p}",
            lower=-float(fresh[p]),
            upper=INF,
            cols=[3 * p + 2, 3 * p],
            coefs=[1.0, -1.0],
        )
    both = [c for p in range(profiles) for c in (3 * p, 3 * p + 1)]
    add_row(h, name="meetings", lower=meetings, upper=meetings, cols=both, coefs=[1.0] * len(both))
    for k, (category, bounds) in enumerate(zip(strict, ranges, strict=True)):
        assert bounds is not None
        cols = [c for p in range(profiles) if p >> k & 1 for c in (3 * p, 3 * p + 1)]
        add_row(
            h,
            name=f"same_{category.name}",
            lower=bounds[0],
            upper=bounds[1],
            cols=cols,
            coefs=[1.0] * len(cols),
        )
    if solve(h, what="lower bound on repeats", deadline=Deadline(None)) is not Outcome.OPTIMAL:
        return 0
    value = float(h.getInfo().objective_function_value)
    return max(0, math.ceil(value - 1e-6))


def _pairs_by_profile(problem: Problem, strict: list[Category]) -> tuple[list[int], list[int]]:
    """Per profile (bit k set: the pair shares its value in strict category k) the pairs that
    can meet (both present at some sitting) and have not met yet, and those that have."""
    presence = problem.present.astype(np.float64)
    can_meet = (presence.T @ presence) > 0
    upper = np.triu(np.ones_like(can_meet), k=1) & can_meet
    profile = np.zeros(can_meet.shape, dtype=np.int64)
    for k, category in enumerate(strict):
        v = category.values
        profile |= (v[:, None] == v[None, :]).astype(np.int64) << k
    met = problem.history > 0
    size = 1 << len(strict)
    fresh = np.bincount(profile[upper & ~met], minlength=size)
    used = np.bincount(profile[upper & met], minlength=size)
    return [int(x) for x in fresh], [int(x) for x in used]


def _same_value_range(problem: Problem, category: Category) -> tuple[int, int] | None:
    """The fewest and most meetings of pairs sharing a value of ``category`` over all
    sittings, when every table holds each value within its fair share (None: the shares
    cannot add up)."""
    low_total = high_total = 0
    for s in range(problem.sittings):
        counts = np.bincount(category.values[problem.present[s]], minlength=len(category.labels))
        for v, have in enumerate(counts.tolist()):
            lo = category.low[s, :, v].tolist()
            room = [x for x, hi in zip(lo, category.high[s, :, v].tolist(), strict=True) if hi > x]
            extra = have - sum(lo)
            if extra < 0 or extra > len(room):
                return None
            base = sum(x * (x - 1) // 2 for x in lo)
            # one more at a table holding x adds x same-value meetings
            room.sort()
            low_total += base + sum(room[:extra])
            high_total += base + sum(room[len(room) - extra :])
    return low_total, high_total
