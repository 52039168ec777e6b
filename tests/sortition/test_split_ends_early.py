"""Splits that end before the mass left is round-off: NASH once its panels mix to within
``SPLIT_GAP`` of the relaxation's bound (sortition/solver/nash.py), with the gap it reports
still proven."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sortition.solver.nash as nash_module
from sortition.selection import select_panel
from sortition.solver import caratheodory
from sortition.solver.caratheodory import Split
from sortition.solver.highs import Deadline
from sortition.solver.types import group_types
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


def welfare_gap(model: Any, lottery: Any) -> float:
    """The relaxation's bound minus the lottery's welfare, per person, computed afresh."""
    relaxed = nash_module._relaxed_nash(model, deadline=Deadline.after(None))
    assert relaxed is not None
    sizes = np.asarray(model.sizes, dtype=np.float64)
    seats = np.zeros(len(model))
    for composition, weight in zip(lottery.compositions, lottery.weights, strict=True):
        seats += weight * np.asarray(composition, dtype=np.float64)
    active = relaxed.active
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
    assert welfare_gap(model, lottery) <= lottery.bound + 1e-9
    assert math.isclose(sum(lottery.weights), 1.0, abs_tol=1e-9)
