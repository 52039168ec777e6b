"""sortition.transparent.replacement on its own: the open seats' quotas against the whole
panel's (hypothesis), who stays in the pool, every argument reaching the lottery of the open
seats, and the errors in the terms of the original quotas."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sortition.errors import InfeasibleQuotas, ProblemCode, Relaxation, SolverError
from sortition.model import Person, Pool, Quota, Quotas
from sortition.result import Algorithm
from sortition.solver.highs import MipSolver
from sortition.transparent import (
    ReplacementBasis,
    open_quotas,
    remaining_pool,
    replacement_lottery,
    transparent_lottery,
)
from tests.sortition.instances import is_valid, random_instance

VALUES = ("f", "m", "x")


@st.composite
def quotas_and_members(draw: st.DrawFn) -> tuple[Quotas, list[dict[str, str]], int]:
    """Quotas on g (values f and m; x has none) and members' features; every member holds
    at most the maximum of each quota (the lottery refuses more before it reduces them)."""
    items = []
    for value in ("f", "m"):
        low = draw(st.integers(0, 4))
        high = draw(st.integers(low, 6))
        min_flex = draw(st.none() | st.integers(0, low))
        max_flex = draw(st.none() | st.integers(high, 8))
        items.append(Quota("g", value, low, high, min_flex, max_flex))
    members = [{"g": v} for v in draw(st.lists(st.sampled_from(VALUES), max_size=6))]
    seats = draw(st.integers(1, 4))
    return Quotas(tuple(items)), members, seats


@settings(max_examples=200, deadline=None)
@given(quotas_and_members())
def test_the_open_quotas_accept_exactly_the_seats_that_complete_the_panel(
    instance: tuple[Quotas, list[dict[str, str]], int],
) -> None:
    quotas, members, seats = instance
    held = {q.value: sum(f["g"] == q.value for f in members) for q in quotas}
    assume(all(held[q.value] <= q.max for q in quotas))
    reduced = open_quotas(quotas, members, seats)
    assert [(q.category, q.value) for q in reduced] == [(q.category, q.value) for q in quotas]
    for q, r in zip(quotas, reduced, strict=True):
        assert 0 <= r.min <= q.min and 0 <= r.max <= seats
        assert r.min_flex == (None if q.min_flex is None else max(0, q.min_flex - held[q.value]))
        assert r.max_flex == (None if q.max_flex is None else q.max_flex - held[q.value])
    for filled in itertools.combinations_with_replacement(VALUES, seats):
        whole = all(q.min <= held[q.value] + filled.count(q.value) <= q.max for q in quotas)
        opened = all(r.min <= filled.count(r.value) <= r.max for r in reduced)
        assert opened == whole, filled


def test_open_quotas_by_hand() -> None:
    quotas = Quotas((Quota("g", "f", 2, 3, 1, 4), Quota("g", "m", 1, 2, 0, 2)))
    # one woman and two men keep their seats, three seats open
    reduced = open_quotas(quotas, [{"g": "f"}, {"g": "m"}, {"g": "m"}], 3)
    assert reduced.items == (Quota("g", "f", 1, 2, 0, 3), Quota("g", "m", 0, 0, 0, 0))
    # nobody keeps a seat, one seat open: the maximums cut to 1, the rest as they were
    assert open_quotas(quotas, [], 1).items == (
        Quota("g", "f", 2, 1, 1, 4),
        Quota("g", "m", 1, 1, 0, 2),
    )
    # a member without the category counts for no value
    assert open_quotas(quotas, [{"h": "f"}], 3) == open_quotas(quotas, [], 3)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([None, "h1", "h2", "h3"]), min_size=1, max_size=10),
    st.data(),
)
def test_the_remaining_pool_leaves_out_members_housemates_and_the_excluded(
    homes: list[str | None], data: st.DataObject
) -> None:
    pool = Pool(tuple(Person(f"p{i}", {"g": "f"}, home) for i, home in enumerate(homes)))
    members = data.draw(st.lists(st.sampled_from(pool.ids), unique=True))
    exclude = data.draw(st.lists(st.sampled_from(pool.ids), unique=True))
    left = remaining_pool(pool, members, exclude)
    taken = {pool[pid].household for pid in members}
    expected = [
        p.id
        for p in pool
        if p.id not in members
        and p.id not in exclude
        and (p.household is None or p.household not in taken)
    ]
    assert left.ids == tuple(expected)
    assert remaining_pool(pool, members).ids == tuple(
        p.id
        for p in pool
        if p.id not in members and (p.household is None or p.household not in taken)
    )


def town() -> tuple[Pool, Quotas]:
    people = [
        Person("a", {"g": "f"}, "house 1"),
        Person("b", {"g": "f"}, "house 1"),
        Person("c", {"g": "f"}),
        Person("d", {"g": "m"}),
        Person("e", {"g": "m"}),
        Person("f", {"g": "m"}),
    ]
    return Pool(tuple(people)), Quotas((Quota("g", "f", 2, 2), Quota("g", "m", 2, 2)))


def test_the_replacement_is_the_lottery_of_the_open_seats() -> None:
    pool, quotas, k = random_instance(random.Random(8), n=24, k=6, households=3)
    first = transparent_lottery(pool, quotas, k, panels=20, seed=4)
    members = list(first.panels[0][:4])
    gone = [first.panels[0][4]]
    said: list[tuple[str, float | None]] = []
    lottery = replacement_lottery(
        pool,
        quotas,
        k,
        members=[*members, members[0]],  # a member named twice counts once
        exclude=gone,
        panels=30,
        algorithm=Algorithm.NASH,
        seed=17,
        time_limit=60,
        rounding_time_limit=30,
        progress=lambda text, done: said.append((text, done)),
        mip_solver=MipSolver.CBC,
    )
    seated = tuple(pool[pid] for pid in members)
    remaining = remaining_pool(pool, members, gone)
    reduced = open_quotas(quotas, [p.features for p in seated], 2)
    assert (lottery.pool, lottery.quotas, lottery.k) == (remaining, reduced, 2)
    assert lottery.replacement == ReplacementBasis(quotas, k, seated)
    assert lottery.m == lottery.report.panels == 30
    selection = lottery.report.selection
    assert (selection.algorithm, selection.seed, selection.mip_solver) == ("nash", 17, "cbc")
    assert ("Rounding to 30 panels", None) in said
    assert lottery.report.method == "integer program"
    same = transparent_lottery(
        remaining, reduced, 2, panels=30, algorithm="nash", seed=17, mip_solver="cbc"
    )
    assert lottery.panels == same.panels
    assert lottery.before == same.before and lottery.after == same.after
    report, again = lottery.report.as_dict(), same.report.as_dict()
    for timed in (report, again, report["selection"], again["selection"]):
        assert isinstance(timed, dict)
        del timed["seconds"]
    assert report == again
    for panel in lottery.panels:
        assert is_valid(pool, quotas, k, frozenset([*members, *panel]))


def test_the_time_limits_reach_the_lottery() -> None:
    pool, quotas, k = random_instance(random.Random(8), n=24, k=6, households=3)
    members = list(transparent_lottery(pool, quotas, k, panels=20, seed=4).panels[0][:3])
    stopped = replacement_lottery(
        pool, quotas, k, members=members, panels=40, seed=1, rounding_time_limit=0
    )
    assert stopped.report.method == "dependent rounding and local search"
    with pytest.raises(SolverError, match="time limit"):
        replacement_lottery(pool, quotas, k, members=members, panels=40, time_limit=1e-9)


def test_members_at_a_maximum_are_no_problem_above_it_every_quota_named() -> None:
    pool, quotas = town()
    # two men keep their seats: the maximum 2 is reached, not passed
    lottery = replacement_lottery(pool, quotas, 4, members=["d", "e"], panels=3, seed=1)
    assert lottery.quotas == Quotas((Quota("g", "f", 2, 2), Quota("g", "m", 0, 0)))
    assert {frozenset(panel) for panel in lottery.panels} <= {frozenset("ac"), frozenset("bc")}
    tight = Quotas((Quota("g", "f", 0, 1), Quota("g", "m", 0, 1)))
    with pytest.raises(InfeasibleQuotas) as raised:
        replacement_lottery(pool, tight, 5, members=["a", "c", "d", "e"], panels=3)
    assert raised.value.relaxations == ()
    assert [(p.code, p.params) for p in raised.value.problems] == [
        (ProblemCode.MEMBERS_ABOVE_MAXIMUM, {"category": "g", "value": v, "held": 2, "max": 1})
        for v in ("f", "m")
    ]
    assert [p.message for p in raised.value.problems] == [
        f"g {v}: the members keeping their seats already hold 2, above the maximum 1"
        for v in ("f", "m")
    ]


def test_a_maximum_too_low_for_the_open_seats_is_named_in_the_original_terms() -> None:
    pool, _ = town()
    quotas = Quotas((Quota("g", "f", 0, 1), Quota("g", "m", 0, 2)))
    # c and d stay: the open seats may hold no woman and one man, but two seats are open
    with pytest.raises(InfeasibleQuotas) as raised:
        replacement_lottery(pool, quotas, 4, members=["c", "d"], panels=3)
    # the original maximum 1 for women, with c counted: 2 works
    assert raised.value.relaxations == (Relaxation("g", "f", "max", 1, 2),)
    assert [p.code for p in raised.value.problems] == [ProblemCode.MAXIMUMS_BELOW_PANEL]
    assert isinstance(raised.value.__cause__, InfeasibleQuotas)
    assert raised.value.__cause__.relaxations == (Relaxation("g", "f", "max", 0, 1),)


def test_an_unknown_member_and_a_full_panel_are_refused() -> None:
    pool, quotas = town()
    strangers = [f"z{i}" for i in range(7)]
    with pytest.raises(ValueError, match=r"^members not in the pool: z0, z1, z2, z3, z4$"):
        replacement_lottery(pool, quotas, 4, members=["a", *reversed(strangers)], panels=3)
    with pytest.raises(ValueError, match=r"^no seat is open: 4 members for a panel of 4$"):
        replacement_lottery(pool, quotas, 4, members=["a", "c", "d", "e", "d"], panels=3)
    lottery = replacement_lottery(pool, quotas, 4, members=["a", "c", "d"], panels=3)
    assert lottery.k == 1 and all(panel in (("e",), ("f",)) for panel in lottery.panels)


def test_both_bounds_are_named_with_the_members_counted() -> None:
    pool, _ = town()
    pool = Pool((*pool.people, Person("g", {"g": "m"}), Person("h", {"g": "m"})))
    quotas = Quotas((Quota("g", "f", 2, 3), Quota("g", "m", 1, 3)))
    # a, d and e stay (one woman, two men), c declined and b is a's housemate: the two open
    # seats can only go to men. In the open seats' terms: women 1 -> 0, men at most 1 -> 2.
    with pytest.raises(InfeasibleQuotas) as raised:
        replacement_lottery(pool, quotas, 5, members=["a", "d", "e"], exclude=["c"], panels=3)
    assert raised.value.relaxations == (
        Relaxation("g", "f", "min", 2, 1),
        Relaxation("g", "m", "max", 3, 4),
    )
    assert "g f: minimum 2 cannot be met, 1 can" in str(raised.value)
    assert "g m: maximum 3 is too low, 4 works" in str(raised.value)
