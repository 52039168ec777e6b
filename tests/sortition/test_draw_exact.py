"""The alternates and replacement() (sortition/solver/draw.py), the details a mutation run
showed untested: housemates of volunteers who are not on the panel stay alternates, a member's
value that no alternate has never counts as shared, and the closest alternate is the one
sharing the most features, not the last in some order."""

from __future__ import annotations

import random

from sortition.model import Person, Pool, Quota, Quotas
from sortition.solver.draw import rank_alternates, replacement

QUOTAS = Quotas(
    (
        Quota("gender", "f", 1, 2),
        Quota("gender", "m", 1, 2),
        Quota("age", "young", 0, 2),
        Quota("age", "old", 0, 2),
    )
)


def person(pid: str, gender: str, age: str, home: str | None = None) -> Person:
    return Person(pid, {"gender": gender, "age": age}, home)


def test_housemates_of_people_not_on_the_panel_stay_alternates() -> None:
    pool = Pool(
        (
            person("p", "f", "young", "home 1"),
            person("h", "f", "old", "home 1"),  # p's housemate: left out
            person("a", "m", "old", "home 2"),  # a and b share a home, neither is on the panel
            person("b", "m", "young", "home 2"),
            person("c", "f", "young"),
        )
    )
    for seed in range(20):
        ranked = rank_alternates(pool, QUOTAS, ("p",), rng=random.Random(seed))
        assert sorted(ranked) == ["a", "b", "c"]


def test_a_value_no_alternate_has_is_shared_with_nobody() -> None:
    # The member is (f, middle); no alternate is "middle". Only the (f, ...) alternates share
    # a feature with her: they shadow her, in either order of the groups.
    pool = Pool(
        (
            person("p", "f", "middle"),
            person("m1", "m", "young"),
            person("m2", "m", "young"),
            person("f1", "f", "old"),
        )
    )
    firsts = set()
    for seed in range(40):
        ranked = rank_alternates(pool, QUOTAS, ("p",), rng=random.Random(seed))
        firsts.add(ranked[0])
    assert firsts == {"f1"}


def test_the_closest_alternate_shares_the_most_features() -> None:
    pool = Pool(
        (
            person("p1", "f", "young"),
            person("p2", "m", "old"),
            person("zz", "m", "old"),  # shares nothing with p1 (its id sorts last)
            person("k", "m", "young"),  # shares the age with p1
        )
    )
    # At least one woman is required, and no alternate is a woman: no swap keeps the quotas.
    for alternates in (["zz", "k"], ["k", "zz"]):
        chosen = replacement(pool, QUOTAS, panel=("p1", "p2"), dropout="p1", alternates=alternates)
        assert chosen == "k"
    pool = Pool((*pool.people, person("j", "m", "young")))
    chosen = replacement(
        pool, QUOTAS, panel=("p1", "p2"), dropout="p1", alternates=["zz", "k", "j"]
    )
    assert chosen == "k"  # of two equally close, the first in the list
