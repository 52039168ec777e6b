"""sortition.transparent.people: panels dealt round-robin within each type, and the words for
every rule a panel breaks."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sortition.model import Quota, Quotas
from sortition.transparent.people import deal_panels, frequencies, panel_problems


def test_deal_panels_follows_the_seeded_cycle_from_its_start() -> None:
    types = [["a", "b", "c"], ["x", "y"]]
    compositions = [[1, 1], [2, 0]]
    panels = deal_panels(types, compositions, [2, 1], rng=random.Random(3))
    rng = random.Random(3)
    cycles = [rng.sample(t, len(t)) for t in types]
    first, second = cycles
    expected = [
        tuple(sorted([first[0], second[0]])),
        tuple(sorted([first[1], second[1]])),
        tuple(sorted([first[2], first[0]])),
    ]
    assert list(panels) == expected


def test_every_member_sits_on_floor_or_ceiling_of_the_seats() -> None:
    types = [[f"t{i}" for i in range(7)], ["u0", "u1", "u2"]]
    panels = deal_panels(types, [[3, 1], [2, 2], [1, 0]], [5, 4, 3], rng=random.Random(1))
    assert len(panels) == 12
    seats = Counter(pid for panel in panels for pid in panel)
    # type t: 3*5 + 2*4 + 1*3 = 26 seats over 7 members: 3 or 4 each
    assert sorted({seats[m] for m in types[0]}) == [3, 4]
    # type u: 5 + 8 = 13 seats over 3: 4 or 5 each
    assert sorted({seats[m] for m in types[1]}) == [4, 5]
    assert all(len(set(panel)) == len(panel) for panel in panels)
    assert frequencies(panels, ["t0", "zz"]) == {"t0": seats["t0"] / 12, "zz": 0.0}


QUOTAS = Quotas((Quota("g", "w", 1, 2), Quota("g", "m", 1, 2)))
FEATURES = {"a": {"g": "w"}, "b": {"g": "w"}, "c": {"g": "m"}, "d": {"g": "m"}, "e": {"g": "w"}}
HOMES: dict[str, str | None] = {"a": "h1", "b": "h1", "c": None, "d": None, "e": "h2"}


def test_a_good_panel_has_no_problem() -> None:
    assert panel_problems(("a", "c"), k=2, quotas=QUOTAS, features=FEATURES, households=HOMES) == []


def test_every_broken_rule_in_words() -> None:
    problems = panel_problems(
        ("a", "b", "e", "b", "zz", "zz"),
        k=4,
        quotas=QUOTAS,
        features=FEATURES,
        households=HOMES,
    )
    assert problems == [
        "6 seats, not 4",
        "seated twice: b, zz",
        "not in the pool: zz",
        "g w: 3 seats, the quota is 1 to 2",
        "g m: 0 seats, the quota is 1 to 2",
        "2 members of household h1",
    ]


def test_a_person_three_times_is_seated_twice_too() -> None:
    problems = panel_problems(
        ("c", "c", "c", "a"), k=4, quotas=QUOTAS, features=FEATURES, households=HOMES
    )
    assert problems == ["seated twice: c"]


def test_counts_for_another_number_of_compositions_are_refused() -> None:
    with pytest.raises(ValueError):
        deal_panels([["a", "b"]], [[1], [2]], [3], rng=random.Random(1))


def test_every_stranger_is_named() -> None:
    problems = panel_problems(
        ("a", "c", "zz", "yy"), k=4, quotas=QUOTAS, features=FEATURES, households=HOMES
    )
    assert problems == ["not in the pool: yy, zz"]
