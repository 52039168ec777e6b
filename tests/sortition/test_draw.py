"""The draw of one panel from a lottery, the alternates' order and replacement()
(sortition/solver/draw.py), checked against the lottery itself: frequencies over thousands
of seeds, and hand-built pools whose right answer is known."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sortition.model import Person, Pool, Quota, Quotas
from sortition.solver.draw import ROUNDS, draw_panel, rank_alternates, replacement
from sortition.solver.lottery import Lottery
from sortition.solver.types import group_types

DRAWS = 6000


def person(pid: str, gender: str, age: str, home: str | None = None) -> Person:
    return Person(pid, {"gender": gender, "age": age}, home)


QUOTAS = Quotas(
    (
        Quota("gender", "f", 1, 2),
        Quota("gender", "m", 1, 2),
        Quota("age", "young", 0, 2),
        Quota("age", "old", 0, 2),
    )
)
# Types in order of first appearance: (f, young) a b c; (m, young) d e; (f, old) f; (m, old) g.
POOL = Pool(
    (
        person("a", "f", "young"),
        person("b", "f", "young"),
        person("c", "f", "young"),
        person("d", "m", "young"),
        person("e", "m", "young"),
        person("f", "f", "old"),
        person("g", "m", "old"),
    )
)
COMPOSITIONS = ((1, 1, 0, 0), (0, 0, 1, 1), (1, 0, 0, 1))
WEIGHTS = (0.5, 0.3, 0.2)


def shape(panel: tuple[str, ...]) -> int:
    """Which composition a drawn panel has."""
    kinds = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 2, "g": 3}
    seats = [0, 0, 0, 0]
    for pid in panel:
        seats[kinds[pid]] += 1
    return COMPOSITIONS.index(tuple(seats))


def test_the_drawn_panels_follow_the_lottery() -> None:
    model = group_types(POOL, QUOTAS, 2)
    assert model.members == (("a", "b", "c"), ("d", "e"), ("f",), ("g",))
    lottery = Lottery(COMPOSITIONS, WEIGHTS, bound=0.0)
    panels = [draw_panel(model, lottery, rng=random.Random(seed)) for seed in range(DRAWS)]
    shapes = Counter(shape(panel) for panel in panels)
    for index, weight in enumerate(WEIGHTS):
        sigma = (DRAWS * weight * (1 - weight)) ** 0.5
        assert abs(shapes[index] - DRAWS * weight) < 4 * sigma, (index, shapes)
    seats = Counter(pid for panel in panels for pid in panel)
    # Every member of a type is equally likely: a, b, c each sit in a third of the panels
    # with an (f, young) seat (0.7 of all), d and e in half of the 0.5.
    expected = {"a": 0.7 / 3, "b": 0.7 / 3, "c": 0.7 / 3, "d": 0.25, "e": 0.25, "f": 0.3, "g": 0.5}
    for pid, share in expected.items():
        sigma = (DRAWS * share * (1 - share)) ** 0.5
        assert abs(seats[pid] - DRAWS * share) < 4 * sigma, (pid, seats)
    assert all(panel == tuple(sorted(panel)) for panel in panels)


def test_the_same_seed_draws_the_same_panel_and_seeds_differ() -> None:
    model = group_types(POOL, QUOTAS, 2)
    lottery = Lottery(COMPOSITIONS, WEIGHTS, bound=0.0)
    first = [draw_panel(model, lottery, rng=random.Random(seed)) for seed in range(50)]
    again = [draw_panel(model, lottery, rng=random.Random(seed)) for seed in range(50)]
    assert first == again
    assert len(set(first)) > 3


def test_a_one_panel_lottery_always_draws_that_panel() -> None:
    model = group_types(POOL, QUOTAS, 2)
    lottery = Lottery(((0, 0, 1, 1),), (1.0,), bound=0.0)
    assert {draw_panel(model, lottery, rng=random.Random(s)) for s in range(20)} == {("f", "g")}


ALTERNATES_POOL = Pool(
    (
        person("p1", "f", "young"),
        person("p2", "m", "old", "home 1"),
        person("x1", "f", "young"),
        person("x2", "f", "young"),
        person("y1", "m", "old"),
        person("y2", "m", "old"),
        person("h", "f", "old", "home 1"),
        person("z", "m", "young"),
    )
)
PANEL = ("p1", "p2")


def test_the_alternates_shadow_each_member_for_two_rounds_then_the_rest() -> None:
    for seed in range(200):
        ranked = rank_alternates(ALTERNATES_POOL, QUOTAS, PANEL, rng=random.Random(seed))
        # Housemates of members (h shares p2's home) and members are left out.
        assert sorted(ranked) == ["x1", "x2", "y1", "y2", "z"]
        head = ranked[: ROUNDS * len(PANEL)]
        # Each round gives every member a shadow with the member's own features.
        for round_start in range(0, len(head), len(PANEL)):
            kinds = {
                ALTERNATES_POOL[a].features["gender"] for a in head[round_start : round_start + 2]
            }
            assert kinds == {"f", "m"}, (seed, ranked)
        assert ranked[-1] == "z"


def test_the_order_of_the_alternates_is_random_but_seeded() -> None:
    orders = {
        rank_alternates(ALTERNATES_POOL, QUOTAS, PANEL, rng=random.Random(seed))
        for seed in range(200)
    }
    # The members' order in each of the two rounds (2 x 2) times which x and which y come
    # first (2 x 2).
    assert len(orders) == 16
    first = Counter(order[0] for order in orders)
    assert set(first) == {"x1", "x2", "y1", "y2"}
    again = rank_alternates(ALTERNATES_POOL, QUOTAS, PANEL, rng=random.Random(5))
    assert again == rank_alternates(ALTERNATES_POOL, QUOTAS, PANEL, rng=random.Random(5))


def test_a_member_with_no_exact_shadow_gets_the_closest() -> None:
    pool = Pool(
        (
            person("p1", "f", "young"),
            person("q", "m", "young"),
            person("r", "m", "old"),
            person("s", "f", "old"),
        )
    )
    for seed in range(30):
        ranked = rank_alternates(pool, QUOTAS, ("p1",), rng=random.Random(seed))
        # No (f, young) is left: one sharing a feature comes first, r (sharing none) last.
        assert ranked[0] in {"q", "s"} and ranked[-1] == "r"


def test_replacement_prefers_the_same_features_then_the_quotas_then_the_closest() -> None:
    pool = ALTERNATES_POOL
    # The first alternate with the dropout's features, not the first alternate.
    assert (
        replacement(pool, QUOTAS, panel=PANEL, dropout="p1", alternates=["y1", "z", "x2", "x1"])
        == "x2"
    )
    # No one like p1 left: with quotas that any swap keeps, the first alternate (y1) ...
    quotas = Quotas(
        (
            Quota("gender", "f", 0, 2),
            Quota("gender", "m", 0, 2),
            Quota("age", "young", 0, 2),
            Quota("age", "old", 0, 2),
        )
    )
    assert replacement(pool, quotas, panel=PANEL, dropout="p1", alternates=["y1", "z"]) == "y1"
    # ... but with at least one woman required neither swap keeps the quotas, and the one
    # sharing most features with p1 (z, young) is called.
    assert replacement(pool, QUOTAS, panel=PANEL, dropout="p1", alternates=["y1", "z"]) == "z"
    # A housemate of a member who stays is never called, and None when nobody is left.
    assert replacement(pool, QUOTAS, panel=PANEL, dropout="p1", alternates=["h"]) is None
    # The dropout's own housemate may take the seat: p2 leaves, so h is free.
    assert replacement(pool, QUOTAS, panel=PANEL, dropout="p2", alternates=["h", "y1"]) == "y1"
    assert replacement(pool, QUOTAS, panel=PANEL, dropout="p2", alternates=["h"]) == "h"


def test_replacement_prefers_the_same_features_to_an_earlier_alternate_that_fits() -> None:
    pool = Pool((*ALTERNATES_POOL.people, person("s", "f", "old")))
    # s (f, old) would keep every quota in p1's place, but x2 is like p1.
    assert replacement(pool, QUOTAS, panel=PANEL, dropout="p1", alternates=["s", "x2"]) == "x2"


def test_replacement_checks_the_maximums_too() -> None:
    quotas = Quotas(
        (
            Quota("gender", "f", 0, 1),
            Quota("gender", "m", 0, 2),
            Quota("age", "young", 0, 2),
            Quota("age", "old", 0, 2),
        )
    )
    # x1 in p2's place makes two women, above the maximum of 1; z keeps the quotas.
    chosen = replacement(ALTERNATES_POOL, quotas, panel=PANEL, dropout="p2", alternates=["x1", "z"])
    assert chosen == "z"


def test_replacement_skips_an_alternate_already_on_the_panel() -> None:
    panel = ("p1", "x1")
    chosen = replacement(
        ALTERNATES_POOL, QUOTAS, panel=panel, dropout="p1", alternates=["x1", "x2"]
    )
    assert chosen == "x2"


@pytest.mark.parametrize("dropout", PANEL)
def test_replacement_keeps_the_quotas_when_an_alternate_can(dropout: str) -> None:
    ranked = rank_alternates(ALTERNATES_POOL, QUOTAS, PANEL, rng=random.Random(1))
    chosen = replacement(ALTERNATES_POOL, QUOTAS, panel=PANEL, dropout=dropout, alternates=ranked)
    assert chosen is not None
    features = ALTERNATES_POOL[chosen].features
    assert features == ALTERNATES_POOL[dropout].features
