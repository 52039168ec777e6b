"""The relaxation's NASH point by the interior-point method (sortition/solver/interior.py):
by hand, against the cutting planes it replaces, and by its optimality conditions."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sortition.model import Person, Pool, Quota, Quotas
from sortition.solver import interior
from sortition.solver.highs import Deadline
from sortition.solver.interior import dual_bound, nash_optimum, panel_rows
from sortition.solver.nash import ACTIVE
from sortition.solver.relaxed import NASH_GAP, relaxed_leximin, relaxed_nash
from sortition.solver.types import TypeModel, group_types
from tests.sortition.instances import CATEGORIES, city_instance, random_instance

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THREE_CATEGORIES = {"gender": ("f", "m"), "age": ("young", "old"), "region": ("n", "s", "w")}
NO_LIMIT = Deadline.after(None)


def gender_pool(women: int, men: int, *, households: int = 0) -> Pool:
    people = [Person(f"f{i}", {"gender": "f"}) for i in range(women)]
    people += [Person(f"m{i}", {"gender": "m"}) for i in range(men)]
    # Households pair the first women with the first men.
    people = [
        Person(p.id, p.features, f"h{p.id[1:]}" if int(p.id[1:]) < households else None)
        for p in people
    ]
    return Pool(tuple(people))


def probabilities(model: TypeModel, seats: np.ndarray) -> dict[str, float]:
    return {
        pid: float(seats[t]) / model.sizes[t] for t, ids in enumerate(model.members) for pid in ids
    }


@pytest.mark.parametrize(
    ("women_quota", "women", "men"),
    [
        # Exact quotas (the gender rows repeat the size row): each side shares its seats.
        ((2, 2), 1 / 3, 1 / 2),
        # Loose quotas: everybody alike, 4 seats over 10 people.
        ((1, 3), 0.4, 0.4),
        # At most two women: the women's row binds at its upper bound.
        ((1, 2), 1 / 3, 1 / 2),
    ],
)
def test_by_hand(women_quota: tuple[int, int], women: float, men: float) -> None:
    """Six women and four men, four seats: ``6 log p_f + 4 log p_m`` under ``6 p_f + 4 p_m
    = 4`` is best at ``p_f = p_m = 0.4`` unless the quotas say otherwise."""
    low, high = women_quota
    quotas = Quotas((Quota("gender", "f", low, high), Quota("gender", "m", 4 - high, 4 - low)))
    model = group_types(gender_pool(6, 4), quotas, 4)
    found = nash_optimum(model, range(len(model)))
    assert found is not None
    got = probabilities(model, found.seats)
    assert got["f0"] == pytest.approx(women, abs=1e-10)
    assert got["m0"] == pytest.approx(men, abs=1e-10)
    # The bound is above the value but for round-off in the last digits.
    assert found.bound >= found.value - 1e-12 * abs(found.value)
    assert found.bound - found.value <= interior.GAP * model.n


def test_a_binding_household() -> None:
    """Two people, one household, one seat: each gets 1/2 (the household row binds, and the
    quotas allow either)."""
    quotas = Quotas((Quota("gender", "f", 0, 1), Quota("gender", "m", 0, 1)))
    model = group_types(gender_pool(1, 1, households=1), quotas, 1)
    found = nash_optimum(model, range(len(model)))
    assert found is not None
    assert probabilities(model, found.seats) == pytest.approx({"f0": 0.5, "m0": 0.5}, abs=1e-10)


def test_a_type_that_cannot_sit_is_refused() -> None:
    """An active type with no seats to give: the method declines (the caller's cutting
    planes and column generation handle such pools)."""
    quotas = Quotas((Quota("gender", "f", 1, 1),))
    model = group_types(gender_pool(2, 2), quotas, 1)
    men = [t for t in range(len(model)) if not model.selectable(t)]
    assert men
    assert nash_optimum(model, range(len(model))) is None


@st.composite
def instances(draw: st.DrawFn) -> tuple[Pool, Quotas, int]:
    n = draw(st.integers(6, 40))
    k = draw(st.integers(2, min(8, n // 2)))
    households = draw(st.integers(0, min(4, (n - k) // 2)))
    seed = draw(st.integers(0, 2**32))
    categories = draw(st.sampled_from([CATEGORIES, THREE_CATEGORIES]))
    slack = draw(st.integers(0, 2))
    return random_instance(
        random.Random(seed), n=n, k=k, households=households, slack=slack, categories=categories
    )


def active_types(model: TypeModel) -> list[int]:
    levels = relaxed_leximin(model, deadline=NO_LIMIT)
    assert levels is not None
    return [t for t in range(len(model)) if levels.levels[t] > ACTIVE]


@SETTINGS
@given(instances())
def test_agrees_with_the_cutting_planes(instance: tuple[Pool, Quotas, int]) -> None:
    """Both methods' points are within ``NASH_GAP`` per person of each other's bound, each
    bound is above the other's point (both are upper bounds over the relaxation), and the
    interior point is feasible."""
    model = group_types(*instance)
    active = active_types(model)
    found = nash_optimum(model, active)
    # On about a quarter of these tiny pools round-off ends the steps early (a row at its
    # bound and another about to be, see interior.py) and the caller uses the cutting planes.
    assume(found is not None)
    assert found is not None
    cutting = relaxed_nash(model, active, deadline=NO_LIMIT)
    assert cutting is not None
    sizes = np.asarray(model.sizes, dtype=np.float64)[active]
    theirs = float(np.sum(sizes * np.log(cutting.point.levels[active])))
    people = float(sizes.sum())
    slack = 1e-9 * people
    assert found.bound >= theirs - slack
    assert cutting.bound >= found.value - slack
    assert abs(found.value - theirs) <= NASH_GAP * people + slack
    assert found.bound - found.value <= interior.GAP * people
    rows = panel_rows(model)
    activity = rows.times(found.seats)
    assert np.all(activity >= rows.lower - interior.FEASIBLE)
    assert np.all(activity <= rows.upper + interior.FEASIBLE)
    limits = np.asarray(model.seat_limits, dtype=np.float64)
    assert np.all(found.seats >= 0) and np.all(found.seats <= limits)


@SETTINGS
@given(instances())
def test_the_optimality_conditions_hold(instance: tuple[Pool, Quotas, int]) -> None:
    """KKT at the end: every type strictly inside its bounds has ``size / seats`` equal to
    the prices of its rows, a type at its limit wants no fewer seats, and a row has a price
    only when it is at the bound that price pushes against (to round-off)."""
    model = group_types(*instance)
    active = active_types(model)
    found = nash_optimum(model, active)
    assume(found is not None)
    assert found is not None
    rows = panel_rows(model)
    costs = rows.transposed_times(found.prices)[active]
    sizes = np.asarray(model.sizes, dtype=np.float64)[active]
    limits = np.asarray(model.seat_limits, dtype=np.float64)[active]
    seats = found.seats[active]
    marginal = sizes / seats
    inside = seats < limits - 1e-7
    assert marginal[inside] == pytest.approx(costs[inside], rel=1e-5, abs=1e-6)
    assert np.all(marginal[~inside] >= costs[~inside] - 1e-5)
    activity = rows.times(found.seats)
    # Complementary slackness: a price times its row's distance from the bound it pushes
    # against (the rows' share of the duality gap, which the method drives to 0).
    up, down = np.maximum(found.prices, 0.0), np.maximum(-found.prices, 0.0)
    assert np.all(up * (rows.upper - activity) <= 1e-8)
    assert np.all(down * (activity - rows.lower) <= 1e-8)
    assert found.prices @ activity - np.sum(up * rows.upper - down * rows.lower) >= -1e-8


@SETTINGS
@given(instances(), st.integers(0, 2**32))
def test_the_bound_holds_at_any_prices(instance: tuple[Pool, Quotas, int], seed: int) -> None:
    """Weak duality: the Lagrangian bound at random prices is above the optimum's value, and
    at the method's own prices it is the lowest of them."""
    model = group_types(*instance)
    active = active_types(model)
    found = nash_optimum(model, active)
    assume(found is not None)
    assert found is not None
    rng = np.random.default_rng(seed)
    for scale in (0.01, 1.0, 10.0):
        prices = found.prices + scale * rng.normal(size=len(found.prices))
        assert dual_bound(model, active, prices) >= found.value - 1e-9
        assert dual_bound(model, active, prices) >= found.bound - 1e-9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_city_pools_are_solved_by_the_method(seed: int) -> None:
    """At the scale it is meant for (1,500 volunteers, 21 districts, households) the method
    ends at the optimum itself, within ``GAP`` per person, and agrees with the cutting
    planes."""
    model = group_types(*city_instance(random.Random(seed), n=1500, k=49, districts=21))
    active = active_types(model)
    found = nash_optimum(model, active)
    assert found is not None
    people = float(np.sum(np.asarray(model.sizes, dtype=np.float64)[active]))
    assert found.bound - found.value <= interior.GAP * people
    cutting = relaxed_nash(model, active, deadline=NO_LIMIT)
    assert cutting is not None
    assert found.bound <= cutting.bound + 1e-9 * people
    assert abs(found.value - cutting.bound) <= NASH_GAP * people + 1e-9 * people
