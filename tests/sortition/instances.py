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


def city_instance(
    rng: random.Random, *, n: int, k: int, districts: int
) -> tuple[Pool, Quotas, int]:
    """A pool shaped like a city's volunteers: gender, five age bands and ``districts``
    districts of unequal size, about 12% of the volunteers sharing an address with another.
    As in practice the volunteers are not like the population (the young and some districts
    reply less), and the quotas are within one seat of the population's shares of ``k``, so
    some volunteers must sit far more often than others."""
    ages = ("16-29", "30-44", "45-59", "60-74", "75+")
    population = {"16-29": 0.22, "30-44": 0.26, "45-59": 0.25, "60-74": 0.18, "75+": 0.09}
    names = tuple(f"d{i:02d}" for i in range(districts))
    sizes = [1.0 + 3.0 * rng.random() for _ in names]
    replies = [size * (0.4 + rng.random()) for size in sizes]
    people = []
    for i in range(n):
        features = {
            "gender": rng.choices(("f", "m"), weights=(0.56, 0.44))[0],
            "age": rng.choices(ages, weights=(0.10, 0.20, 0.28, 0.28, 0.14))[0],
            "district": rng.choices(names, weights=replies)[0],
        }
        household = f"h{i // 2}" if i < 0.12 * n else None
        people.append(Person(f"p{i}", features, household))
    shares = {
        "gender": {"f": 0.51, "m": 0.49},
        "age": population,
        "district": {name: size / sum(sizes) for name, size in zip(names, sizes, strict=True)},
    }
    items = [
        Quota(category, value, max(0, round(k * share) - 1), round(k * share) + 1)
        for category, values in shares.items()
        for value, share in values.items()
    ]
    return Pool(tuple(people)), Quotas(tuple(items)), k
