"""Drawing one panel from a lottery over compositions, and ranking the alternates.

Drawing: a composition is chosen with its weight, then each type's seats go to a uniformly
random subset of the type's members, so everyone's chance of sitting is exactly the type's
probability. All randomness comes from the ``random.Random`` passed in (seeded by the caller).

Alternates (the documented replacement rule): the list is built in rounds. In each round the
panel members are visited in a random order, and each one gets a *shadow*: a random remaining
volunteer with exactly the member's quota features, or, when none is left, one sharing the most
features with the member. Two rounds are ranked that way; everyone else follows in random
order. Housemates of panel members are left out. To replace a dropout, call
:func:`replacement`: the first alternate with the dropout's features whose housemates are not
on the panel, else the first alternate whose swap keeps every quota, else the first alternate
sharing the most features. Calling alternates in this order keeps the quotas wherever the
pool still allows it.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

import numpy as np

from sortition.model import Pool, Quotas
from sortition.solver.lottery import Lottery
from sortition.solver.types import TypeModel

ROUNDS = 2


def draw_panel(model: TypeModel, lottery: Lottery, *, rng: random.Random) -> tuple[str, ...]:
    """One panel (sorted ids) drawn from ``lottery`` with ``rng``."""
    cumulative = list(itertools.accumulate(lottery.weights))
    index = min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)
    panel: list[str] = []
    for t, seats in enumerate(lottery.compositions[index]):
        if seats:
            panel.extend(rng.sample(model.members[t], seats))
    return tuple(sorted(panel))


def _key(pool: Pool, quotas: Quotas, pid: str) -> tuple[str | None, ...]:
    return tuple(pool[pid].features.get(c) for c in quotas.categories)


def rank_alternates(
    pool: Pool, quotas: Quotas, panel: Sequence[str], *, rng: random.Random
) -> tuple[str, ...]:
    """Everyone not on the panel and not a housemate of a panel member, in calling order
    (see the module docstring)."""
    seated = set(panel)
    blocked = {h for p in panel if (h := pool[p].household) is not None}
    shared = pool.households()
    candidates = [
        p.id
        for p in pool
        if p.id not in seated and not (p.household in blocked and p.household in shared)
    ]
    rng.shuffle(candidates)
    groups: dict[tuple[str | None, ...], list[str]] = {}
    for pid in candidates:
        groups.setdefault(_key(pool, quotas, pid), []).append(pid)
    # The group most like each member: the same values, else the most values in common;
    # the first such group in order. One array of value codes keeps a large pool fast.
    keys = list(groups)
    codes: dict[str | None, int] = {}
    table = np.array(
        [[codes.setdefault(v, len(codes)) for v in key] for key in keys], dtype=np.int64
    ).reshape(len(keys), len(quotas.categories))
    left = np.array([bool(groups[g]) for g in keys], dtype=bool)
    ranked: list[str] = []
    for _ in range(ROUNDS):
        for member in rng.sample(list(panel), len(panel)):
            if not left.any():
                continue
            key = np.array([codes.get(v, -1) for v in _key(pool, quotas, member)])
            alike = (table == key).sum(axis=1)
            score = np.where(left, alike + (alike == table.shape[1]) * (table.shape[1] + 1), -1)
            best = int(np.argmax(score))
            ranked.append(groups[keys[best]].pop())
            left[best] = bool(groups[keys[best]])
    taken = set(ranked)
    return tuple(ranked + [pid for pid in candidates if pid not in taken])


def replacement(
    pool: Pool,
    quotas: Quotas,
    *,
    panel: Sequence[str],
    dropout: str,
    alternates: Sequence[str],
) -> str | None:
    """The alternate to call for ``dropout`` (see the module docstring); None when no
    alternate is left who can sit next to the rest of the panel."""
    rest = [p for p in panel if p != dropout]
    homes = {pool[p].household for p in rest} - {None}
    usable = [a for a in alternates if a not in rest and pool[a].household not in homes]
    key = _key(pool, quotas, dropout)
    for alternate in usable:
        if _key(pool, quotas, alternate) == key:
            return alternate
    for alternate in usable:
        if _meets_quotas(pool, quotas, [*rest, alternate]):
            return alternate
    return max(
        usable,
        key=lambda a: sum(x == y for x, y in zip(_key(pool, quotas, a), key, strict=True)),
        default=None,
    )


def _meets_quotas(pool: Pool, quotas: Quotas, panel: Sequence[str]) -> bool:
    for quota in quotas:
        count = sum(pool[p].features.get(quota.category) == quota.value for p in panel)
        if not quota.min <= count <= quota.max:
            return False
    return True
