"""Splits that end before the mass left is round-off: NASH once its panels mix to within
``SPLIT_GAP`` of the relaxation's bound (sortition/solver/nash.py), with the gap it reports
still proven; MAXIMIN's split of the first LP's vertex giving up early for the point of the
relaxation's first LEXIMIN levels (sortition/solver/maximin.py), whose minimum is the same."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sortition.solver.maximin as maximin_module
import sortition.solver.nash as nash_module
from sortition.selection import select_panel
from sortition.solver import caratheodory
from sortition.solver.caratheodory import Split
from sortition.solver.highs import Deadline
from sortition.solver.relaxed import RelaxedPoint, relaxed_leximin
from sortition.solver.types import TypeModel, group_types
from tests.sortition.instances import city_instance, random_instance

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[Split]:
    """Every split NASH makes, as it returned it."""
    made: list[Split] = []
    original = caratheodory.split_announced

    def recorded(*args: Any, **kwargs: Any) -> Split:
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(nash_module, "split_announced", recorded)
    return made


def test_nash_split_ends_once_the_gap_is_reached(splits: list[Split]) -> None:
    """On a city's pool the split stops with mass still left (the gap falls with its square),
    and the lottery's proven gap is within SPLIT_GAP."""
    pool, quotas, k = city_instance(random.Random(3), n=400, k=30, districts=6)
    result = select_panel(pool, quotas, k, algorithm="nash", seed=1)
    assert len(splits) == 1
    assert splits[0].left > caratheodory.MASS_FLOOR
    assert 0.0 <= result.report.lp_gap <= nash_module.SPLIT_GAP


def welfare_gap(model: Any, lottery: Any) -> float | None:
    """The relaxation's bound minus the lottery's welfare, per person, computed afresh; None
    when the lottery leaves out a type the relaxation seats (column generation answered, and
    its gap is measured over the types its panels seat)."""
    relaxed = nash_module._relaxed_nash(model, deadline=Deadline.after(None))
    assert relaxed is not None
    sizes = np.asarray(model.sizes, dtype=np.float64)
    seats = np.zeros(len(model))
    for composition, weight in zip(lottery.compositions, lottery.weights, strict=True):
        seats += weight * np.asarray(composition, dtype=np.float64)
    active = relaxed.active
    if float(seats[active].min(initial=1.0)) <= 0.0:
        return None
    welfare = float(np.sum(sizes[active] * np.log(seats[active] / sizes[active])))
    return (relaxed.nash.bound - welfare) / float(sizes[active].sum())


@SETTINGS
@given(seed=st.integers(0, 10_000), households=st.integers(0, 6))
def test_nash_reports_a_gap_it_has(seed: int, households: int) -> None:
    """Whatever tier answers, the gap NASH reports is at least the distance of its lottery
    from the relaxation's bound (no lottery beats that bound), and at most GAP."""
    pool, quotas, k = random_instance(random.Random(seed), n=40, k=8, households=households)
    model = group_types(pool, quotas, k)
    lottery = nash_module.nash(
        model,
        rng=random.Random(seed),
        deadline=Deadline.after(None),
        progress=lambda _message, _fraction: None,
    )
    assert lottery.bound <= nash_module.GAP
    gap = welfare_gap(model, lottery)
    assert gap is None or gap <= lottery.bound + 1e-9
    assert math.isclose(sum(lottery.weights), 1.0, abs_tol=1e-9)


def test_maximin_splits_the_levels_point_when_the_vertex_gives_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A vertex split that gives up at once (patience below 0) hands over to the point of the
    relaxation's first LEVELS LEXIMIN levels, whose split reaches the same minimum as
    LEXIMIN's."""
    pool, quotas, k = city_instance(random.Random(5), n=300, k=25, districts=5)
    leximin = select_panel(pool, quotas, k, seed=1)
    asked: list[int | None] = []

    def recorded(model: TypeModel, **kwargs: Any) -> RelaxedPoint | None:
        asked.append(kwargs.get("max_levels"))
        return relaxed_leximin(model, **kwargs)

    monkeypatch.setattr(maximin_module, "relaxed_leximin", recorded)
    monkeypatch.setattr(maximin_module, "PATIENCE", -1)
    result = select_panel(pool, quotas, k, algorithm="maximin", seed=1)
    assert asked == [1, maximin_module.LEVELS]
    low = leximin.report.min_probability
    assert result.report.min_probability == pytest.approx(low, abs=maximin_module.SHORT)
    assert min(result.probabilities.values()) >= low - maximin_module.SHORT


@SETTINGS
@given(seed=st.integers(0, 10_000), households=st.integers(0, 6), levels=st.integers(1, 3))
def test_the_first_leximin_levels_give_a_maximin_point(
    seed: int, households: int, levels: int
) -> None:
    """The relaxation's LEXIMIN cut after ``levels`` LPs: a point of the relaxation with the
    full LEXIMIN's minimum, and levels that are floors under the full LEXIMIN's."""
    pool, quotas, k = random_instance(random.Random(seed), n=40, k=8, households=households)
    model = group_types(pool, quotas, k)
    full = relaxed_leximin(model, deadline=Deadline.after(None))
    cut = relaxed_leximin(model, deadline=Deadline.after(None), max_levels=levels)
    if full is None or cut is None:
        return
    selectable = [t for t in range(len(model)) if model.selectable(t)]
    sizes = np.asarray(model.sizes, dtype=np.float64)
    low = min(full.levels[t] for t in selectable)
    assert min(cut.levels[t] for t in selectable) == pytest.approx(low, abs=1e-9)
    assert np.all(cut.levels[selectable] <= full.levels[selectable] + 1e-9)
    assert np.all(cut.seats[selectable] / sizes[selectable] >= cut.levels[selectable] - 1e-8)
    assert abs(float(cut.seats.sum()) - k) <= 1e-7
    for quota, types in zip(model.quotas, model.quota_types, strict=True):
        assert quota.min - 1e-7 <= float(cut.seats[list(types)].sum()) <= quota.max + 1e-7
    for members in model.households:
        assert float(cut.seats[list(members)].sum()) <= 1 + 1e-7
