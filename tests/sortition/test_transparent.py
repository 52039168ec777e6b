"""The transparent lottery: rounding the fair lottery to m equally likely panels."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.model import Person, Pool, Quota, Quotas
from sortition.transparent import transparent_lottery
from sortition.transparent.people import deal_panels, panel_problems
from sortition.transparent.rounding import (
    Method,
    TypeLottery,
    best_rounding,
    dependent_rounding,
    largest_remainder,
)
from tests.sortition.instances import is_valid, random_instance


def test_every_panel_is_valid_and_the_losses_are_reported() -> None:
    pool, quotas, k = random_instance(random.Random(3), n=40, k=8, households=4)
    lottery = transparent_lottery(pool, quotas, k, panels=200, seed=5)
    assert lottery.m == 200
    assert all(is_valid(pool, quotas, k, frozenset(panel)) for panel in lottery.panels)
    seats = Counter(pid for panel in lottery.panels for pid in panel)
    assert lottery.after == {pid: seats[pid] / 200 for pid in pool.ids}
    losses = [lottery.before[pid] - lottery.after[pid] for pid in pool.ids]
    assert lottery.report.max_loss == pytest.approx(max(0.0, *losses))
    assert lottery.report.bound == pytest.approx(8 / 200)
    assert lottery.report.max_loss <= lottery.report.bound
    assert lottery.report.max_loss <= lottery.report.naive_loss + 1e-12
    assert sum(lottery.after.values()) == pytest.approx(k)
    assert lottery.panel(1) == lottery.panels[0]
    with pytest.raises(ValueError, match="between 1 and 200"):
        lottery.panel(201)


def test_same_seed_same_panels() -> None:
    pool, quotas, k = random_instance(random.Random(4), n=30, k=6, households=3)
    first = transparent_lottery(pool, quotas, k, panels=50, seed=9)
    again = transparent_lottery(pool, quotas, k, panels=50, seed=9)
    assert first.panels == again.panels


def test_equal_weights_round_exactly() -> None:
    # Two panel shapes with weight 1/2 each over 10 panels: 5 and 5, no one loses anything.
    lottery = TypeLottery.of([[1, 0], [0, 1]], [0.5, 0.5], [1, 1])
    rounding = best_rounding(lottery, 10, rng=random.Random(1), time_limit=5)
    assert rounding.counts == (5, 5)
    assert rounding.max_loss == pytest.approx(0.0)
    assert rounding.method is Method.INTEGER_PROGRAM


def test_the_program_counts_the_floor_of_a_types_seats() -> None:
    # Type 0 has two members and is seated with weight 0.55 in 1 of 2 seats, so each member
    # has 0.275; with 10 panels the type gets 5 or 6 seats: 6 seats means 3 each (a gain),
    # 5 seats means 2 and 3, one member losing 0.075. Type 1 (0.725 each) keeps 7 of 10
    # either way: a loss of 0.025.
    lottery = TypeLottery.of([[1, 1], [0, 2]], [0.55, 0.45], [2, 2])
    rounding = best_rounding(lottery, 10, rng=random.Random(1), time_limit=5)
    assert rounding.counts == (6, 4)
    assert rounding.max_loss == pytest.approx(0.025)
    assert lottery.max_loss([5, 5], 10) == pytest.approx(0.075)


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.floats(0.01, 1.0), min_size=1, max_size=12),
    m=st.integers(1, 60),
    seed=st.integers(0, 1000),
)
def test_dependent_rounding_keeps_the_sum_and_stays_within_one(
    weights: list[float], m: int, seed: int
) -> None:
    w = np.asarray(weights) / sum(weights)
    counts = dependent_rounding(w, m, rng=random.Random(seed))
    assert int(counts.sum()) == m
    assert np.all(counts >= 0)
    assert np.all(np.abs(counts - m * w) < 2)
    naive = largest_remainder(w, m)
    assert int(naive.sum()) == m


def test_dependent_rounding_keeps_each_expectation() -> None:
    w = np.asarray([0.13, 0.29, 0.41, 0.17])
    rng = random.Random(0)
    mean = np.mean([dependent_rounding(w, 7, rng=rng) for _ in range(4000)], axis=0)
    assert mean == pytest.approx(7 * w, abs=0.05)


def test_seats_within_a_type_are_dealt_within_one_of_fair() -> None:
    types = [("a", "b", "c"), ("d",)]
    panels = deal_panels(types, [(2, 0), (1, 1)], [3, 4], rng=random.Random(2))
    assert len(panels) == 7
    seats = Counter(pid for panel in panels for pid in panel)
    # Type 0 holds 3 * 2 + 4 * 1 = 10 seats over 3 members: 3 or 4 each.
    assert sorted(seats[p] for p in "abc") == [3, 3, 4]
    assert seats["d"] == 4
    assert all(len(set(panel)) == len(panel) for panel in panels)


def test_panel_problems_name_every_broken_rule() -> None:
    quotas = Quotas((Quota("gender", "f", 1, 1), Quota("gender", "m", 1, 1)))
    features = {"a": {"gender": "f"}, "b": {"gender": "f"}, "c": {"gender": "m"}}
    homes = {"a": "H1", "b": "H1", "c": None}
    problems = panel_problems(
        ("a", "b", "x"), k=2, quotas=quotas, features=features, households=homes
    )
    assert problems == [
        "3 seats, not 2",
        "not in the pool: x",
        "gender f: 2 seats, the quota is 1 to 1",
        "gender m: 0 seats, the quota is 1 to 1",
        "2 members of household H1",
    ]
    assert panel_problems(("a", "c"), k=2, quotas=quotas, features=features, households=homes) == []


def test_a_household_member_keeps_a_chance() -> None:
    people = [
        Person(f"p{i}", {"g": "f" if i % 2 else "m"}, "h" if i < 2 else None) for i in range(8)
    ]
    quotas = Quotas((Quota("g", "f", 1, 2), Quota("g", "m", 1, 2)))
    lottery = transparent_lottery(Pool(tuple(people)), quotas, 3, panels=100, seed=1)
    assert lottery.report.zero_after == 0
    assert all(lottery.after[pid] > 0 for pid in ("p0", "p1"))


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    n=st.integers(5, 14),
    k=st.integers(2, 5),
    households=st.integers(0, 2),
    m=st.integers(1, 60),
)
def test_every_rounded_panel_is_valid_and_equal_people_stay_within_one(
    seed: int, n: int, k: int, households: int, m: int
) -> None:
    pool, quotas, k = random_instance(
        random.Random(seed), n=n, k=min(k, n - 2 * households), households=households
    )
    lottery = transparent_lottery(pool, quotas, k, panels=m, seed=seed, rounding_time_limit=0.5)
    assert len(lottery.panels) == m
    assert all(is_valid(pool, quotas, k, frozenset(panel)) for panel in lottery.panels)
    assert sum(lottery.after.values()) == pytest.approx(k)
    assert lottery.report.max_loss <= lottery.report.bound + 1e-9
    # Volunteers alike in every quota category and in no shared household sit on the same
    # number of panels, give or take one.
    shared = {pid for ids in pool.households().values() for pid in ids}
    alike: dict[tuple[tuple[str, str], ...], list[float]] = {}
    for person in pool:
        if person.id not in shared:
            key = tuple(sorted(person.features.items()))
            alike.setdefault(key, []).append(lottery.after[person.id])
    for shares in alike.values():
        assert max(shares) - min(shares) <= 1 / m + 1e-12
