"""sortition.transparent.rounding's building blocks: the naive and the dependent rounding of
m * weights, each count checked against exact floors and ceilings (hypothesis)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.transparent.rounding import dependent_rounding, largest_remainder

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
