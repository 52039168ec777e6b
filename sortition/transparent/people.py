"""From counts per composition to m explicit panels of people, and the rules every panel
must meet.

Within a type the seats are dealt round-robin: the type's members in a seeded random order,
each panel taking the next ``c`` members of the cycle. A panel never takes a member twice
(``c`` is at most the type's size), and every member sits on ``floor(S / size)`` or
``ceil(S / size)`` of the m panels, ``S`` being the type's seats over all panels.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

from sortition.model import Quotas

Panel = tuple[str, ...]


def deal_panels(
    types: Sequence[Sequence[str]],
    compositions: Sequence[Sequence[int]],
    counts: Sequence[int],
    *,
    rng: random.Random,
) -> tuple[Panel, ...]:
    """The panels (sorted ids each): composition i repeated ``counts[i]`` times, its seats
    dealt round-robin within each type (see the module docstring)."""
    cycles = [rng.sample(list(members), len(members)) for members in types]
    next_seat = [0] * len(types)
    panels: list[Panel] = []
    for composition, count in zip(compositions, counts, strict=True):
        for _ in range(count):
            members: list[str] = []
            for t, seats in enumerate(composition):
                cycle = cycles[t]
                members.extend(cycle[(next_seat[t] + s) % len(cycle)] for s in range(seats))
                next_seat[t] += seats
            panels.append(tuple(sorted(members)))
    return tuple(panels)


def frequencies(panels: Sequence[Panel], ids: Sequence[str]) -> dict[str, float]:
    """Each id's share of the panels it sits on (its probability under the uniform lottery)."""
    seats = Counter(pid for panel in panels for pid in panel)
    return {pid: seats[pid] / len(panels) for pid in ids}


def panel_problems(
    panel: Sequence[str],
    *,
    k: int,
    quotas: Quotas,
    features: Mapping[str, Mapping[str, str]],
    households: Mapping[str, str | None],
) -> list[str]:
    """Every rule ``panel`` breaks (empty: none), in words: its size, a person twice or not in
    the pool, each quota, and at most one person per household.

    ``features[id]`` are a person's values, ``households[id]`` their household key (None: not
    shared). The audit's ``verify`` uses the same function on the published files.
    """
    problems: list[str] = []
    if len(panel) != k:
        problems.append(f"{len(panel)} seats, not {k}")
    repeated = sorted(pid for pid, n in Counter(panel).items() if n > 1)
    if repeated:
        problems.append("seated twice: " + ", ".join(repeated))
    unknown = sorted(pid for pid in set(panel) if pid not in features)
    if unknown:
        problems.append("not in the pool: " + ", ".join(unknown))
    known = [pid for pid in dict.fromkeys(panel) if pid in features]
    categories = quotas.categories
    seats = Counter((c, features[pid].get(c)) for pid in known for c in categories)
    for quota in quotas:
        count = seats[(quota.category, quota.value)]
        if not quota.min <= count <= quota.max:
            problems.append(
                f"{quota.category} {quota.value}: {count} seats, "
                f"the quota is {quota.min} to {quota.max}"
            )
    homes = Counter(home for pid in known if (home := households.get(pid)) is not None)
    for home, n in sorted(homes.items()):
        if n > 1:
            problems.append(f"{n} members of household {home}")
    return problems
