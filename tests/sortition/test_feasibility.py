"""Feasibility: pre-checks, exact relaxations on instances solved by hand, unselectable
volunteers, and a brute-force comparison on small random instances."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.errors import InfeasibleQuotas, ProblemCode, QuotaProblem, Relaxation
from sortition.feasibility import (
    Unselectable,
    UnselectableCode,
    check_feasibility,
    ensure_feasible,
    quick_checks,
)
from sortition.model import Person, Pool, Quota, Quotas
from sortition.solver.highs import MipSolver


def pool_of(*specs: tuple[str, str, str] | tuple[str, str, str, str]) -> Pool:
    """(id, gender, age[, household]) per person."""
    people = [
        Person(s[0], {"gender": s[1], "age": s[2]}, s[3] if len(s) == 4 else None) for s in specs
    ]
    return Pool(tuple(people))


def many(prefix: str, count: int, gender: str, age: str) -> list[tuple[str, str, str]]:
    return [(f"{prefix}{i}", gender, age) for i in range(count)]


def quotas_of(*items: Quota) -> Quotas:
    return Quotas(tuple(items))


def open_age(k: int) -> list[Quota]:
    return [Quota("age", "young", 0, k), Quota("age", "old", 0, k)]


def test_a_feasible_instance() -> None:
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 3, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 2, 3), Quota("gender", "m", 2, 3), *open_age(5))
    report = check_feasibility(pool, quotas, 5)
    assert report.feasible
    assert report.problems == ()
    assert report.relaxations == ()
    assert report.unselectable == ()
    assert ensure_feasible(pool, quotas, 5).feasible


def test_a_minimum_beyond_the_volunteers() -> None:
    # 3 women only: "at least 4 women" can become at most 3, and nothing else needs to change.
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 5, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 4, 6), Quota("gender", "m", 2, 6), *open_age(6))
    report = check_feasibility(pool, quotas, 6)
    assert not report.feasible
    assert report.relaxations == (Relaxation("gender", "f", "min", 4, 3),)
    assert str(report.relaxations[0]) == "gender f: minimum 4 cannot be met, 3 can"
    assert report.problems == (
        QuotaProblem("gender f: minimum 4, but only 3 such volunteers can sit together"),
    )


def test_max_flex_decides_which_maximum_rises() -> None:
    # The maximums allow 9 of 10 seats; the men's maximum may not rise (max_flex 5).
    pool = pool_of(*many("f", 10, "f", "young"), *many("m", 10, "m", "old"))
    quotas = quotas_of(
        Quota("gender", "f", 0, 4), Quota("gender", "m", 0, 5, max_flex=5), *open_age(10)
    )
    report = check_feasibility(pool, quotas, 10)
    assert report.relaxations == (Relaxation("gender", "f", "max", 4, 5),)
    assert report.problems == (
        QuotaProblem("gender: the maximums add up to 9, less than the panel of 10"),
    )


def test_a_shortfall_is_spread_over_the_quotas() -> None:
    # Two seats missing: one more per gender beats two more for one gender (same total).
    pool = pool_of(*many("f", 10, "f", "young"), *many("m", 10, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 0, 4), Quota("gender", "m", 0, 4), *open_age(10))
    report = check_feasibility(pool, quotas, 10)
    assert report.relaxations == (
        Relaxation("gender", "f", "max", 4, 5),
        Relaxation("gender", "m", "max", 4, 5),
    )


def test_quotas_that_only_clash_together(cbc_calls: list[str]) -> None:
    # Every pre-check passes: one woman and one man means one young and one old person, so
    # "2 young, 0 old" must become "1 young, 1 old" (gender is pinned by its flex limits).
    pool = pool_of(("a", "f", "young"), ("b", "f", "young"), ("c", "m", "old"), ("d", "m", "old"))
    quotas = quotas_of(
        Quota("gender", "f", 1, 1, 1, 1),
        Quota("gender", "m", 1, 1, 1, 1),
        Quota("age", "young", 2, 2),
        Quota("age", "old", 0, 0),
    )
    report = check_feasibility(pool, quotas, 2)
    assert report.problems == ()
    assert report.relaxations == (
        Relaxation("age", "young", "min", 2, 1),
        Relaxation("age", "old", "max", 0, 1),
    )
    assert str(report.relaxations[1]) == "age old: maximum 0 is too low, 1 works"
    # CBC, asked for instead of HiGHS, finds the same smallest change.
    by_cbc = check_feasibility(pool, quotas, 2, mip_solver=MipSolver.CBC)
    assert (by_cbc.feasible, by_cbc.relaxations) == (False, report.relaxations)
    assert cbc_calls == ["feasibility check", "relaxation program"]


def test_no_relaxation_within_the_flex_limits() -> None:
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 5, "m", "old"))
    quotas = quotas_of(
        Quota("gender", "f", 4, 6, min_flex=4), Quota("gender", "m", 2, 6), *open_age(6)
    )
    with pytest.raises(InfeasibleQuotas) as error:
        ensure_feasible(pool, quotas, 6)
    assert error.value.relaxations == ()
    assert "gender f: minimum 4, but only 3" in str(error.value)


def test_one_per_household_limits_the_seats() -> None:
    pool = pool_of(("a", "f", "young", "h"), ("b", "m", "old", "h"), ("c", "f", "old", "h"))
    quotas = quotas_of(Quota("gender", "f", 0, 2), Quota("gender", "m", 0, 2), *open_age(2))
    with pytest.raises(InfeasibleQuotas) as error:
        ensure_feasible(pool, quotas, 2)
    assert error.value.relaxations == ()
    assert error.value.problems == (
        QuotaProblem(
            "at most 1 volunteers can sit together (one per household), fewer than the panel of 2"
        ),
    )


def test_ensure_feasible_names_the_quota() -> None:
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 5, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 4, 6), Quota("gender", "m", 2, 6), *open_age(6))
    with pytest.raises(InfeasibleQuotas, match="gender f: minimum 4 cannot be met, 3 can"):
        ensure_feasible(pool, quotas, 6)


# --- unselectable volunteers ---------------------------------------------------------------

EXACT = [
    Quota("gender", "f", 1, 1),
    Quota("gender", "m", 1, 1),
    Quota("age", "young", 1, 1),
    Quota("age", "old", 1, 1),
]


def test_a_combination_no_panel_can_hold() -> None:
    # Panels need one woman, one man, one young, one old; the only man is old, so an old
    # woman can never sit (and the three of them are one type).
    pool = pool_of(("y", "f", "young"), ("m", "m", "old"), *many("o", 3, "f", "old"))
    report = check_feasibility(pool, quotas_of(*EXACT), 2)
    assert report.feasible
    reason = "no valid panel of 2 includes anyone with gender f, age old"
    assert report.unselectable == tuple(Unselectable(f"o{i}", reason) for i in range(3))


def test_a_closed_value() -> None:
    pool = pool_of(*many("a", 2, "f", "young"), *many("b", 2, "m", "old"), ("kid", "m", "child"))
    quotas = quotas_of(*EXACT, Quota("age", "child", 0, 0))
    report = check_feasibility(pool, quotas, 2)
    assert report.unselectable == (Unselectable("kid", "the maximum is 0 for age child"),)


def test_a_housemate_of_the_only_partner() -> None:
    # "y2" could only sit beside "m", who lives with them.
    pool = pool_of(("y1", "f", "young"), ("m", "m", "old", "h"), ("y2", "f", "young", "h"))
    report = check_feasibility(pool, quotas_of(*EXACT), 2)
    reason = "no valid panel of 2 includes them (one per household; gender f, age young)"
    assert report.unselectable == (Unselectable("y2", reason),)


def test_a_value_without_quota() -> None:
    pool = pool_of(*many("a", 2, "f", "young"), *many("b", 2, "m", "old"), ("x", "m", "other"))
    report = check_feasibility(pool, quotas_of(*EXACT), 2, find_unselectable=False)
    assert report.unselectable == (Unselectable("x", "no quota for their value of age"),)


def test_skipping_the_analysis() -> None:
    pool = pool_of(("y", "f", "young"), ("m", "m", "old"), *many("o", 3, "f", "old"))
    assert check_feasibility(pool, quotas_of(*EXACT), 2, find_unselectable=False).unselectable == ()


# --- brute force on small random instances -------------------------------------------------

VALUES = {"gender": ("f", "m"), "age": ("young", "mid", "old")}


@st.composite
def instances(draw: st.DrawFn) -> tuple[Pool, Quotas, int]:
    n = draw(st.integers(1, 7))
    people = []
    for i in range(n):
        features = {c: draw(st.sampled_from(v)) for c, v in VALUES.items()}
        house = draw(st.sampled_from([None, None, "h1", "h2"]))
        people.append(Person(str(i), features, house))
    k = draw(st.integers(1, 4))
    items = []
    for category, values in VALUES.items():
        for value in values:
            low = draw(st.integers(0, 3))
            high = draw(st.integers(low, 4))
            low_flex = draw(st.one_of(st.none(), st.integers(0, low)))
            high_flex = draw(st.one_of(st.none(), st.integers(high, 5)))
            items.append(Quota(category, value, low, high, low_flex, high_flex))
    return Pool(tuple(people)), Quotas(tuple(items)), k


def panels(pool: Pool, k: int) -> list[tuple[Person, ...]]:
    """Every k-subset with at most one member per household."""
    found = []
    for panel in itertools.combinations(pool.people, k):
        houses = [p.household for p in panel if p.household is not None]
        if len(houses) == len(set(houses)):
            found.append(panel)
    return found


def change_needed(panel: Sequence[Person], quotas: Quotas, k: int) -> int | None:
    """Total bound change that makes ``panel`` valid, None if beyond the flex limits."""
    total = 0
    for q in quotas:
        count = sum(p.features[q.category] == q.value for p in panel)
        lowest = min(q.min, 0 if q.min_flex is None else q.min_flex)
        highest = max(q.max, k if q.max_flex is None else q.max_flex)
        if not lowest <= count <= highest:
            return None
        total += max(0, q.min - count) + max(0, count - q.max)
    return total


@settings(max_examples=100, deadline=None)
@given(instances())
def test_agrees_with_brute_force(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    changes = [change_needed(panel, quotas, k) for panel in panels(pool, k)]
    valid = [panel for panel, c in zip(panels(pool, k), changes, strict=True) if c == 0]
    report = check_feasibility(pool, quotas, k)
    assert report.feasible == bool(valid)
    if valid:
        seated = {p.id for panel in valid for p in panel}
        assert {u.person_id for u in report.unselectable} == set(pool.ids) - seated
        return
    possible = [c for c in changes if c is not None]
    if not possible:
        assert report.relaxations == ()
        return
    assert sum(abs(r.suggested - r.current) for r in report.relaxations) == min(possible)
    relaxed = dict(((q.category, q.value), q) for q in quotas)
    for r in report.relaxations:
        q = relaxed[r.category, r.value]
        low, high = (r.suggested, q.max) if r.bound == "min" else (q.min, r.suggested)
        relaxed[r.category, r.value] = Quota(q.category, q.value, low, high)
    assert check_feasibility(pool, Quotas(tuple(relaxed.values())), k).feasible


@pytest.mark.parametrize("k", [0, -1])
def test_a_panel_size_below_one_is_a_named_problem(k: int) -> None:
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 3, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 0, 3), Quota("gender", "m", 0, 3), *open_age(3))
    report = check_feasibility(pool, quotas, k)
    assert not report.feasible
    assert QuotaProblem(f"the panel size must be at least 1, not {k}") in report.problems
    with pytest.raises(InfeasibleQuotas, match=f"the panel size must be at least 1, not {k}"):
        ensure_feasible(pool, quotas, k)


def test_problems_carry_a_code_and_parameters() -> None:
    # The same findings as the English sentences, for callers that word them themselves.
    pool = pool_of(*many("f", 3, "f", "young"), *many("m", 5, "m", "old"))
    quotas = quotas_of(Quota("gender", "f", 4, 6), Quota("gender", "m", 2, 6), *open_age(6))
    [problem] = check_feasibility(pool, quotas, 6).problems
    assert problem.code == ProblemCode.MINIMUM_ABOVE_POOL
    assert problem.params == {"category": "gender", "value": "f", "min": 4, "available": 3}
    assert problem.as_dict()["message"] == str(problem)
    sums = check_feasibility(
        pool_of(*many("f", 10, "f", "young"), *many("m", 10, "m", "old")),
        quotas_of(Quota("gender", "f", 0, 4), Quota("gender", "m", 0, 5), *open_age(10)),
        10,
    ).problems
    assert [(p.code, dict(p.params)) for p in sums] == [
        (ProblemCode.MAXIMUMS_BELOW_PANEL, {"category": "gender", "total": 9, "k": 10})
    ]
    houses = quick_checks(pool_of(("a", "f", "young", "h"), ("b", "m", "old", "h")), quotas, 2)
    assert (houses[0].code, houses[0].params) == (
        ProblemCode.HOUSEHOLD_SEATS,
        {"seats": 1, "k": 2},
    )
    assert quick_checks(pool, quotas, 0)[0].code == ProblemCode.PANEL_SIZE


def test_unselectable_volunteers_carry_a_code_and_parameters() -> None:
    pool = pool_of(("y", "f", "young"), ("m", "m", "old"), *many("o", 1, "f", "old"))
    [dead] = check_feasibility(pool, quotas_of(*EXACT), 2).unselectable
    assert dead.code == UnselectableCode.NO_PANEL
    assert dead.params == {"k": 2, "features": [["gender", "f"], ["age", "old"]]}
    pool = pool_of(*many("a", 2, "f", "young"), *many("b", 2, "m", "old"), ("kid", "m", "child"))
    report = check_feasibility(pool, quotas_of(*EXACT, Quota("age", "child", 0, 0)), 2)
    assert [(u.code, u.params) for u in report.unselectable] == [
        (UnselectableCode.CLOSED, {"groups": [["age", "child"]]})
    ]
    pool = pool_of(("y1", "f", "young"), ("m", "m", "old", "h"), ("y2", "f", "young", "h"))
    [housemate] = check_feasibility(pool, quotas_of(*EXACT), 2).unselectable
    assert housemate.code == UnselectableCode.NO_PANEL_HOUSEHOLD
    pool = pool_of(*many("a", 2, "f", "young"), *many("b", 2, "m", "old"), ("x", "m", "other"))
    [other] = check_feasibility(pool, quotas_of(*EXACT), 2, find_unselectable=False).unselectable
    assert (other.code, other.params) == (UnselectableCode.NO_QUOTA, {"categories": ["age"]})
