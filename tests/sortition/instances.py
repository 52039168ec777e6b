"""Small random selection instances for the solver tests (no files needed).

Quotas are built around a random valid panel, so every generated instance is feasible.
"""

from __future__ import annotations

import itertools
import random

from sortition.model import Person, Pool, Quota, Quotas

CATEGORIES = {"gender": ("f", "m"), "age": ("young", "mid", "old")}


def random_instance(
    rng: random.Random,
    *,
    n: int,
    k: int,
    households: int = 0,
    slack: int = 1,
    categories: dict[str, tuple[str, ...]] = CATEGORIES,
) -> tuple[Pool, Quotas, int]:
    """A pool of ``n`` with ``households`` two-person households, quotas within ``slack`` of
    a random valid panel of ``k``."""
    people = []
    for i in range(n):
        features = {c: rng.choice(values) for c, values in categories.items()}
        household = f"h{i // 2}" if i < 2 * households else None
        people.append(Person(f"p{i}", features, household))
    panel = _valid_panel(people, k, rng)
    items = []
    for category, values in categories.items():
        for value in values:
            count = sum(p.features[category] == value for p in panel)
            low = max(0, count - rng.randint(0, slack))
            items.append(Quota(category, value, low, count + rng.randint(0, slack)))
    return Pool(tuple(people)), Quotas(tuple(items)), k


def _valid_panel(people: list[Person], k: int, rng: random.Random) -> list[Person]:
    order = rng.sample(people, len(people))
    panel: list[Person] = []
    homes: set[str] = set()
    for person in order:
        if person.household is None or person.household not in homes:
            panel.append(person)
            if person.household is not None:
                homes.add(person.household)
        if len(panel) == k:
            return panel
    raise AssertionError("k too large for the households")


def all_panels(pool: Pool, quotas: Quotas, k: int) -> list[frozenset[str]]:
    """Every valid panel, by brute force (for tiny pools only)."""
    return [
        frozenset(p.id for p in combo)
        for combo in itertools.combinations(pool.people, k)
        if is_valid(pool, quotas, k, frozenset(p.id for p in combo))
    ]


def is_valid(pool: Pool, quotas: Quotas, k: int, panel: frozenset[str]) -> bool:
    """The rules checked independently of the solver: size, quotas, one per household."""
    if len(panel) != k:
        return False
    for q in quotas:
        count = sum(pool[pid].features.get(q.category) == q.value for pid in panel)
        if not q.min <= count <= q.max:
            return False
    homes = [pool[pid].household for pid in panel if pool[pid].household is not None]
    return len(homes) == len(set(homes))
