"""The feasibility programs against brute force on small pools: who can sit on no valid panel
(`unselectable_types`), which types sit one swap away from a panel (`_Swaps.reachable`), and
the minimal relaxation's total change."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.errors import SolverError
from sortition.feasibility import check_feasibility, programs
from sortition.feasibility.programs import (
    Ints,
    _Swaps,
    is_feasible,
    minimal_relaxation,
    unselectable_types,
)
from sortition.model import Person, Pool, Quota, Quotas
from sortition.solver.types import group_types

CATEGORIES = {"g": ("f", "m", "x"), "a": ("young", "old")}


@st.composite
def instances(draw: st.DrawFn) -> tuple[Pool, Quotas, int]:
    n = draw(st.integers(2, 8))
    people = []
    for i in range(n):
        features = {c: draw(st.sampled_from(values)) for c, values in CATEGORIES.items()}
        household = draw(st.sampled_from([None, None, "h1", "h2"]))
        people.append(Person(f"p{i}", features, household))
    k = draw(st.integers(1, min(4, n)))
    quotas = []
    for category, values in CATEGORIES.items():
        for value in values:
            if value == "x" and draw(st.booleans()):
                continue  # a value without a quota: nobody with it can sit
            low = draw(st.integers(0, 2))
            quotas.append(Quota(category, value, low, low + draw(st.integers(0, 3))))
    return Pool(tuple(people)), Quotas(tuple(quotas)), k


def _seatable(panel: tuple[Person, ...], quotas: Quotas) -> bool:
    """One per household, and every value of every member has a quota."""
    households = [p.household for p in panel if p.household is not None]
    if len(households) != len(set(households)):
        return False
    bounds = {(q.category, q.value) for q in quotas}
    return all((c, v) in bounds for p in panel for c, v in p.features.items())


def _valid(panel: tuple[Person, ...], quotas: Quotas) -> bool:
    return _seatable(panel, quotas) and all(
        q.min <= sum(p.features[q.category] == q.value for p in panel) <= q.max for q in quotas
    )


def _panels(pool: Pool, quotas: Quotas, k: int) -> list[tuple[Person, ...]]:
    return [c for c in combinations(pool.people, k) if _valid(c, quotas)]


@settings(max_examples=120, deadline=None)
@given(instances())
def test_the_unselectable_are_those_on_no_valid_panel(case: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = case
    panels = _panels(pool, quotas, k)
    report = check_feasibility(pool, quotas, k)
    assert report.feasible == bool(panels)
    if not panels:
        return
    seated = {p.id for panel in panels for p in panel}
    assert [u.person_id for u in report.unselectable] == [
        pid for pid in pool.ids if pid not in seated
    ]
    # The program alone (types that look selectable), in type numbers.
    model = group_types(pool, quotas, k)
    assert is_feasible(model, time_limit=None)
    dead = unselectable_types(model, time_limit=None)
    expected = [
        t for t in range(len(model)) if model.selectable(t) and not set(model.members[t]) & seated
    ]
    assert dead == expected


@settings(max_examples=60, deadline=None)
@given(instances())
def test_with_no_time_for_a_quick_look_the_complete_solves_give_the_same_answer(
    case: tuple[Pool, Quotas, int],
) -> None:
    """A quick look that finds no panel in its time hands the forced type to a complete solve
    without the objective (on these small pools the quick look always has an answer in time,
    so the complete solve is reached only with no time for it)."""
    pool, quotas, k = case
    panels = _panels(pool, quotas, k)
    if not panels:
        return
    seated = {p.id for panel in panels for p in panel}
    model = group_types(pool, quotas, k)
    expected = [
        t for t in range(len(model)) if model.selectable(t) and not set(model.members[t]) & seated
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(programs, "QUICK_LOOK_SECONDS", 0.0)
        assert unselectable_types(model, time_limit=None) == expected
        assert unselectable_types(model, time_limit=60.0) == expected


def test_the_complete_solve_keeps_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    model = group_types(*_three_types())
    monkeypatch.setattr(programs, "QUICK_LOOK_SECONDS", 0.0)
    with pytest.raises(SolverError) as caught:
        unselectable_types(model, time_limit=0.0)
    assert str(caught.value) == (
        "the selectability check stopped without an answer (Time limit reached)"
    )


@settings(max_examples=120, deadline=None)
@given(instances(), st.data())
def test_one_swap_reaches_exactly_the_types_brute_force_finds(
    case: tuple[Pool, Quotas, int], data: st.DataObject
) -> None:
    pool, quotas, k = case
    panels = _panels(pool, quotas, k)
    if not panels:
        return
    panel = data.draw(st.sampled_from(panels))
    model = group_types(pool, quotas, k)
    type_of = {pid: t for t, members in enumerate(model.members) for pid in members}
    seats = np.zeros(len(model), dtype=np.int64)
    for person in panel:
        seats[type_of[person.id]] += 1
    found = _Swaps(model).reachable(seats)
    assert set(np.flatnonzero(found)) == _one_swap_away(pool, quotas, panel, type_of)


def _one_swap_away(
    pool: Pool, quotas: Quotas, panel: tuple[Person, ...], type_of: dict[str, int]
) -> set[int]:
    """Brute force: the panel's types, and every type of a person who can replace one member."""
    expected = {type_of[p.id] for p in panel}
    for leaving in panel:
        rest = tuple(p for p in panel if p is not leaving)
        for joining in pool.people:
            if joining not in panel and _valid((*rest, joining), quotas):
                expected.add(type_of[joining.id])
    return expected


def _seeded_instance(seed: int) -> tuple[Pool, Quotas, int]:
    """What `instances` draws, from a seeded generator (the same pools on every run)."""
    rng = random.Random(seed)
    people = []
    for i in range(rng.randint(2, 8)):
        features = {c: rng.choice(values) for c, values in CATEGORIES.items()}
        people.append(Person(f"p{i}", features, rng.choice([None, None, "h1", "h2"])))
    k = rng.randint(1, min(4, len(people)))
    quotas = []
    for category, values in CATEGORIES.items():
        for value in values:
            if value == "x" and rng.random() < 0.5:
                continue
            low = rng.randint(0, 2)
            quotas.append(Quota(category, value, low, low + rng.randint(0, 3)))
    return Pool(tuple(people)), Quotas(tuple(quotas)), k


def test_one_swap_from_every_valid_panel_of_1500_seeded_pools() -> None:
    """The swaps on every valid panel of the same 1,500 pools each run (the hypothesis test
    above draws one panel of fewer pools, which let a lost first member or households
    mistaken for one slip through now and then)."""
    checked = 0
    for seed in range(1500):
        pool, quotas, k = _seeded_instance(seed)
        model = group_types(pool, quotas, k)
        type_of = {pid: t for t, members in enumerate(model.members) for pid in members}
        swaps = _Swaps(model)
        for panel in _panels(pool, quotas, k):
            seats = np.zeros(len(model), dtype=np.int64)
            for person in panel:
                seats[type_of[person.id]] += 1
            found = set(np.flatnonzero(swaps.reachable(seats)))
            assert found == _one_swap_away(pool, quotas, panel, type_of), (seed, panel)
            checked += 1
    assert checked > 400


@st.composite
def strained(draw: st.DrawFn) -> tuple[Pool, Quotas, int]:
    """Pools whose quotas are often infeasible, with limits on how far a bound may move."""
    pool, quotas, k = draw(instances())
    tight = []
    for q in quotas:
        low = draw(st.integers(0, 3))
        high = low + draw(st.integers(0, 1))
        min_flex = draw(st.one_of(st.none(), st.integers(0, low)))
        max_flex = draw(st.one_of(st.none(), st.integers(high, high + 2)))
        tight.append(Quota(q.category, q.value, low, high, min_flex, max_flex))
    return pool, Quotas(tuple(tight)), k


def _least_change(pool: Pool, quotas: Quotas, k: int) -> tuple[int, int] | None:
    """(total change, largest change) of the best panel, lexicographically; None if no panel
    can be reached within the quotas' limits."""
    best = None
    for panel in combinations(pool.people, k):
        if not _seatable(panel, quotas):
            continue
        changes = []
        for q in quotas:
            count = sum(p.features[q.category] == q.value for p in panel)
            lowest = min(q.min, 0 if q.min_flex is None else q.min_flex)
            highest = max(q.max, k if q.max_flex is None else q.max_flex)
            if not lowest <= count <= highest:
                break
            changes.append(max(0, q.min - count) + max(0, count - q.max))
        else:
            found = (sum(changes), max(changes, default=0))
            best = found if best is None or found < best else best
    return best


@settings(max_examples=150, deadline=None)
@given(strained())
def test_the_relaxation_is_the_least_change_lexicographically(
    case: tuple[Pool, Quotas, int],
) -> None:
    pool, quotas, k = case
    report = check_feasibility(pool, quotas, k, find_unselectable=False)
    best = _least_change(pool, quotas, k)
    if report.feasible:
        assert best == (0, 0)
        return
    changes = [abs(r.current - r.suggested) for r in report.relaxations]
    if best is None or best == (0, 0):
        assert changes == []  # nothing within the limits helps (or only the pool is short)
    else:
        assert (sum(changes), max(changes)) == best


def _seeded_strained(seed: int) -> tuple[Pool, Quotas, int]:
    """What `strained` draws, from a seeded generator."""
    pool, quotas, k = _seeded_instance(seed)
    rng = random.Random(-seed)
    tight = []
    for q in quotas:
        low = rng.randint(0, 3)
        high = low + rng.randint(0, 1)
        min_flex = rng.choice([None, rng.randint(0, low)])
        max_flex = rng.choice([None, rng.randint(high, high + 2)])
        tight.append(Quota(q.category, q.value, low, high, min_flex, max_flex))
    return pool, Quotas(tuple(tight)), k


def test_the_relaxation_of_400_seeded_pools_is_the_least_change() -> None:
    """The hypothesis test above on the same 400 pools each run."""
    relaxed = 0
    for seed in range(400):
        pool, quotas, k = _seeded_strained(seed)
        best = _least_change(pool, quotas, k)
        found = minimal_relaxation(group_types(pool, quotas, k), time_limit=None)
        changes = [abs(r.current - r.suggested) for r in found]
        if best is None or best == (0, 0):
            assert changes == [], seed
        else:
            assert (sum(changes), max(changes)) == best, seed
            relaxed += 1
    assert relaxed > 150


LARGER = {"g": ("f", "m", "x"), "a": ("y", "m", "o"), "e": ("l", "h")}


def _seeded_larger(seed: int) -> tuple[Pool, Quotas, int]:
    """Pools of 8 to 13 in three categories, panels of 3 to 6, bounds that may move."""
    rng = random.Random(seed)
    people = []
    for i in range(rng.randint(8, 13)):
        features = {c: rng.choice(values) for c, values in LARGER.items()}
        people.append(Person(f"p{i}", features, rng.choice([None] * 3 + ["h1", "h2", "h3"])))
    k = rng.randint(3, 6)
    quotas = []
    for category, values in LARGER.items():
        for value in values:
            low = rng.randint(0, k // 2)
            high = low + rng.randint(0, 2)
            min_flex = rng.choice([None, rng.randint(0, low)])
            max_flex = rng.choice([None, rng.randint(high, high + 4)])
            quotas.append(Quota(category, value, low, high, min_flex, max_flex))
    return Pool(tuple(people)), Quotas(tuple(quotas)), k


@pytest.mark.parametrize("seed", [1033, 1455, 1811, 1964])
def test_the_relaxation_is_solved_to_optimality(seed: int) -> None:
    """Pools (found by a search over 3,000 of them) where the first solution HiGHS finds is
    not the least change: the relaxation program must be solved exactly (gap 0)."""
    pool, quotas, k = _seeded_larger(seed)
    found = minimal_relaxation(group_types(pool, quotas, k), time_limit=None)
    changes = [abs(r.current - r.suggested) for r in found]
    assert (sum(changes), max(changes)) == _least_change(pool, quotas, k)


def test_a_time_limit_reaches_each_program() -> None:
    model = group_types(*_three_types())
    assert is_feasible(model, time_limit=None)
    assert minimal_relaxation(model, time_limit=None) == ()
    with pytest.raises(
        SolverError, match=r"^time limit reached before solving the feasibility check$"
    ):
        is_feasible(model, time_limit=0)
    with pytest.raises(
        SolverError, match=r"^time limit reached before solving the relaxation program$"
    ):
        minimal_relaxation(model, time_limit=0)


def test_a_jury_without_quotas_gets_no_relaxation() -> None:
    pool = Pool((Person("a", {}, None), Person("b", {}, None)))
    report = check_feasibility(pool, Quotas(()), 3)
    assert not report.feasible and report.relaxations == ()


def _three_types() -> tuple[Pool, Quotas, int]:
    """Three volunteers of three types, any one of whom makes a panel of one."""
    people = [Person(f"p{i}", {"g": g}, None) for i, g in enumerate(("f", "m", "x"))]
    quotas = Quotas(tuple(Quota("g", g, 0, 1) for g in ("f", "m", "x")))
    return Pool(tuple(people)), quotas, 1


def test_each_round_settles_its_forced_type_so_n_rounds_settle_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the swaps finding nothing beyond the panel itself, each round settles only the type
    it forces: exactly n rounds, and the answer is still complete."""
    model = group_types(*_three_types())
    assert len(model) == 3
    calls = []

    def only_the_panel(self: _Swaps, panel: Ints) -> np.ndarray:
        calls.append(panel.copy())
        return panel > 0

    monkeypatch.setattr(_Swaps, "reachable", only_the_panel)
    assert unselectable_types(model, time_limit=None) == []
    assert [list(np.flatnonzero(panel)) for panel in calls] == [[0], [1], [2]]


def test_a_round_that_settles_nothing_fails_instead_of_looping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round must settle its forced type; if a broken answer settles nothing the search
    stops with SolverError after n + 1 rounds rather than running for ever."""
    model = group_types(*_three_types())
    rounds = []

    def nothing(self: _Swaps, panel: Ints) -> np.ndarray:
        rounds.append(1)
        return np.zeros(len(panel), dtype=bool)

    monkeypatch.setattr(_Swaps, "reachable", nothing)
    with pytest.raises(SolverError) as caught:
        unselectable_types(model, time_limit=None)
    assert str(caught.value) == "the selectability check left types unsettled after 3 rounds"
    assert len(rounds) == 4
