"""sortition.transparent.rounding's building blocks: the naive and the dependent rounding of
m * weights, each count checked against exact floors and ceilings (hypothesis)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.transparent.rounding import (
    TypeLottery,
    best_rounding,
    dependent_rounding,
    improve,
    largest_remainder,
)

weights = st.lists(st.integers(1, 50), min_size=1, max_size=8).map(
    lambda w: np.asarray(w, dtype=np.float64)
)


@settings(max_examples=150, deadline=None)
@given(weights, st.integers(1, 40))
def test_largest_remainder_floors_then_the_largest_remainders(w: np.ndarray, m: int) -> None:
    counts = largest_remainder(w, m)
    assert counts.dtype == np.int64
    assert int(counts.sum()) == m
    total = int(w.sum())
    for i, c in enumerate(counts.tolist()):
        exact = m * int(w[i])
        assert exact // total <= c <= -(-exact // total)
    # those rounded up have remainders at least as large as those rounded down
    remainders = [(m * int(x)) % total for x in w]
    floors = [(m * int(x)) // total for x in w]
    up = [r for r, f, c in zip(remainders, floors, counts.tolist(), strict=True) if c > f]
    down = [r for r, f, c in zip(remainders, floors, counts.tolist(), strict=True) if c == f and r]
    if up and down:
        assert min(up) >= max(down)


def test_largest_remainder_by_hand() -> None:
    # m = 10 over weights 1, 2, 3, 4 (shares 1, 2, 3, 4): exact
    assert largest_remainder(np.array([1.0, 2.0, 3.0, 4.0]), 10).tolist() == [1, 2, 3, 4]
    # m = 3 over 1, 1, 1, 1 (0.75 each): the first three by the stable order
    assert largest_remainder(np.array([1.0, 1.0, 1.0, 1.0]), 3).tolist() == [1, 1, 1, 0]
    # m = 5 over 1, 2 (1.67 and 3.33): the first rounds up
    assert largest_remainder(np.array([1.0, 2.0]), 5).tolist() == [2, 3]


@settings(max_examples=150, deadline=None)
@given(weights, st.integers(1, 40), st.integers(0, 10**6))
def test_dependent_rounding_keeps_the_sum_and_rounds_each_entry_one_way(
    w: np.ndarray, m: int, seed: int
) -> None:
    counts = dependent_rounding(w, m, rng=random.Random(seed))
    assert int(counts.sum()) == m
    total = int(w.sum())
    for i, c in enumerate(counts.tolist()):
        exact = m * int(w[i])
        assert exact // total <= c <= -(-exact // total)


def test_dependent_rounding_keeps_each_expectation() -> None:
    # m = 5 over weights 1, 1, 1 (5/3 each): each entry is 2 with probability 2/3
    w = np.array([1.0, 1.0, 1.0])
    rng = random.Random(7)
    runs = 6000
    sums = np.zeros(3)
    for _ in range(runs):
        sums += dependent_rounding(w, 5, rng=rng)
    means = sums / runs
    # standard error of a mean of a 0/1 variable with p = 2/3 over 6000 runs: about 0.006
    for mean in means.tolist():
        assert mean == pytest.approx(5 / 3, abs=0.03)
    assert math.isclose(float(means.sum()), 5.0)


def test_dependent_rounding_of_whole_shares_is_exact() -> None:
    w = np.array([2.0, 3.0, 5.0])
    for seed in range(5):
        assert dependent_rounding(w, 10, rng=random.Random(seed)).tolist() == [2, 3, 5]


def test_type_lottery_before_and_max_loss_by_hand() -> None:
    lottery = TypeLottery.of([[1, 1], [0, 2]], [0.55, 0.45], [2, 2])
    assert lottery.before.tolist() == pytest.approx([0.275, 0.725])
    # counts 6, 4: type 0 holds 6 seats (3 each), type 1 holds 6 + 8 = 14 (7 each)
    assert lottery.max_loss([6, 4], 10) == pytest.approx(max(0.275 - 0.3, 0.725 - 0.7))
    # counts 10, 0: type 1 holds 10 (5 each): loses 0.225
    assert lottery.max_loss([10, 0], 10) == pytest.approx(0.225)


@pytest.mark.parametrize("m", [0, -3])
def test_best_rounding_needs_at_least_one_panel(m: int) -> None:
    lottery = TypeLottery.of([[1, 0], [0, 1]], [0.5, 0.5], [1, 1])
    with pytest.raises(ValueError, match=rf"^the number of panels must be at least 1, not {m}$"):
        best_rounding(lottery, m, rng=random.Random(1), time_limit=5)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 20), min_size=2, max_size=5),
    st.integers(1, 30),
    st.integers(0, 1000),
)
def test_improve_never_makes_the_largest_loss_worse(raw: list[int], m: int, seed: int) -> None:
    # compositions: one seat of each of three types, in every way two seats can go
    compositions = [[2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 0], [1, 0, 1]][: len(raw)]
    lottery = TypeLottery.of(compositions, [float(x) / sum(raw) for x in raw], [2, 3, 4])
    start = largest_remainder(lottery.weights, m)
    better = improve(lottery, start, m, rng=random.Random(seed), moves=50)
    assert int(better.sum()) == m
    assert (better >= 0).all()
    assert lottery.max_loss(better, m) <= lottery.max_loss(start, m) + 1e-12
    assert start.tolist() == largest_remainder(lottery.weights, m).tolist()  # not changed


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=2, max_size=5), st.integers(1, 25))
def test_best_rounding_is_no_worse_than_the_naive_rounding(raw: list[int], m: int) -> None:
    compositions = [[2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 0], [1, 0, 1]][: len(raw)]
    lottery = TypeLottery.of(compositions, [float(x) / sum(raw) for x in raw], [2, 3, 4])
    rounding = best_rounding(lottery, m, rng=random.Random(1), time_limit=5)
    assert sum(rounding.counts) == m
    assert rounding.max_loss == pytest.approx(lottery.max_loss(rounding.counts, m))
    naive = lottery.max_loss(largest_remainder(lottery.weights, m), m)
    assert rounding.max_loss <= naive + 1e-12
    assert rounding.lower_bound <= rounding.max_loss + 1e-9
