"""sortition.transparent.rounding's building blocks: the naive and the dependent rounding of
m * weights, each count checked against exact floors and ceilings (hypothesis)."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.errors import SolverError
from sortition.transparent import rounding
from sortition.transparent.rounding import (
    Method,
    Rounding,
    TypeLottery,
    _integer_program,
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


def test_largest_remainder_breaks_ties_in_order_among_many_entries() -> None:
    # m = 5 over 1, 2, 1, 2, ... (20 entries, shares 1/6 and 1/3): five of the ten equal
    # remainders of 1/3 round up, the first five. numpy's default sort keeps equal keys in
    # order only below 17 entries.
    counts = largest_remainder(np.array([1.0, 2.0] * 10), 5)
    assert counts.tolist() == [0, 1] * 5 + [0] * 10


@settings(max_examples=150, deadline=None)
@given(weights, st.integers(1, 40), st.integers(0, 10**6))
def test_dependent_rounding_keeps_the_sum_and_rounds_each_entry_one_way(
    w: np.ndarray, m: int, seed: int
) -> None:
    counts = dependent_rounding(w, m, rng=random.Random(seed))
    assert counts.dtype == np.int64
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


@pytest.mark.parametrize(
    ("w", "m", "whole"),
    [
        # 8 * 0.3 / 0.8 is 2.9999999999999996 in floats: alone with a fraction, nearly 1
        ([0.1, 0.3, 0.4], 8, [1, 3, 4]),
        # 2.9999999999999996, 2.9999999999999996, 11.999999999999998: paired, then one left
        ([0.1, 0.1, 0.4], 18, [3, 3, 12]),
    ],
)
def test_dependent_rounding_of_whole_shares_survives_round_off(
    w: list[float], m: int, whole: list[int]
) -> None:
    """A lottery's float weights whose shares are whole in exact arithmetic but not in floats:
    the entry left nearly whole is rounded up (not the largest weight's)."""
    scaled = m * np.asarray(w) / np.asarray(w).sum()
    assert scaled.tolist() != whole  # round-off, else this test checks nothing
    for seed in range(10):
        assert dependent_rounding(np.asarray(w), m, rng=random.Random(seed)).tolist() == whole


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


# The integer program, the local search and how best_rounding chooses, against brute force on
# tiny lotteries: every composition fills k seats with at most ``sizes[t]`` of type t.


@st.composite
def tiny_lotteries(draw: st.DrawFn, max_compositions: int = 4) -> tuple[TypeLottery, int]:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    k = draw(st.integers(1, min(3, sum(sizes))))
    slots = [t for t, size in enumerate(sizes) for _ in range(size)]
    n = draw(st.integers(1, max_compositions))
    compositions = []
    for _ in range(n):
        seated = draw(st.permutations(slots))[:k]
        compositions.append([seated.count(t) for t in range(len(sizes))])
    raw = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    m = draw(st.integers(1, 8))
    return TypeLottery.of(compositions, [x / sum(raw) for x in raw], sizes), m


def count_vectors(n: int, m: int) -> list[tuple[int, ...]]:
    """Every way to share m panels among n compositions."""
    if n == 1:
        return [(m,)]
    return [(x, *rest) for x in range(m + 1) for rest in count_vectors(n - 1, m - x)]


def in_bounds(lottery: TypeLottery, m: int) -> list[tuple[int, ...]]:
    """The roundings the program may choose: each count within 2 of floor and ceiling of m * w."""
    scaled = [m * w for w in lottery.weights.tolist()]
    return [
        v
        for v in count_vectors(len(scaled), m)
        if all(
            max(0, math.floor(s) - 2) <= x <= math.ceil(s) + 2
            for x, s in zip(v, scaled, strict=True)
        )
    ]


def loss_by_hand(lottery: TypeLottery, counts: tuple[int, ...], m: int) -> float:
    """The largest loss, member by member: type t's S seats spread as evenly as they go."""
    worst = -math.inf
    for t, size in enumerate(lottery.sizes.tolist()):
        seats = sum(
            x * int(c[t]) for x, c in zip(counts, lottery.compositions.tolist(), strict=True)
        )
        fewest = min(
            (seats // size) + (1 if member < seats % size else 0) for member in range(size)
        )
        worst = max(worst, float(lottery.before[t]) - fewest / m)
    return worst


@settings(max_examples=80, deadline=None)
@given(tiny_lotteries(), st.data())
def test_the_program_finds_the_best_rounding_within_its_bounds(
    instance: tuple[TypeLottery, int], data: st.DataObject
) -> None:
    lottery, m = instance
    candidates = in_bounds(lottery, m)
    losses = {v: loss_by_hand(lottery, v, m) for v in candidates}
    best = min(losses.values())
    # started from the worst rounding in bounds, the program must still find the best
    start = data.draw(st.sampled_from([v for v in candidates if losses[v] == max(losses.values())]))
    found = _integer_program(lottery, m, np.asarray(start, dtype=np.int64), time_limit=None)
    assert found is not None
    assert found.method is Method.INTEGER_PROGRAM
    assert found.counts in losses
    assert found.max_loss == losses[found.counts]
    # HiGHS stops within 0.1 / m of its bound (the losses a member can have differ by 1 / m)
    assert best - 1e-9 <= found.max_loss <= best + 0.1 / m + 1e-9
    assert 0 <= found.lower_bound <= best + 1e-9
    assert found.lower_bound >= best - 0.1 / m - 1e-9


def test_the_program_is_solved_to_its_gap_of_the_best() -> None:
    """A lottery (found by a search) on which HiGHS, with a relative gap allowed, stops at
    a largest loss of 0.034: the program must go on to within 0.1 / m of the best rounding."""
    lottery = TypeLottery.of(
        [[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 0]],
        [x / 66 for x in (7, 18, 8, 3, 30)],
        [4, 4, 3, 1],
    )
    m = 25
    best = min(loss_by_hand(lottery, v, m) for v in in_bounds(lottery, m))
    found = _integer_program(lottery, m, largest_remainder(lottery.weights, m), time_limit=None)
    assert found is not None and found.method is Method.INTEGER_PROGRAM
    assert best - 1e-9 <= found.max_loss <= best + 0.1 / m + 1e-9
    assert found.max_loss <= found.lower_bound + 0.1 / m + 1e-9


def test_the_program_may_leave_a_composition_out() -> None:
    # Three compositions of one seat over three single members, weights 0.1, 0.45, 0.45, two
    # panels: 0, 1, 1 loses 0.1 (the first member), any rounding with the first loses 0.45.
    lottery = TypeLottery.of([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.1, 0.45, 0.45], [1, 1, 1])
    found = _integer_program(lottery, 2, np.asarray([1, 1, 0]), time_limit=None)
    assert found is not None
    assert (found.counts, found.method) == ((0, 1, 1), Method.INTEGER_PROGRAM)
    assert found.max_loss == pytest.approx(0.1)
    assert 0.1 - 0.05 - 1e-9 <= found.lower_bound <= 0.1 + 1e-9
    # one panel for three compositions: two of them get none, someone loses 0.45 whichever
    found = _integer_program(lottery, 1, np.asarray([0, 1, 0]), time_limit=None)
    assert found is not None and sorted(found.counts) == [0, 0, 1]
    assert found.max_loss == pytest.approx(0.45)


@settings(max_examples=60, deadline=None)
@given(tiny_lotteries(), st.data())
def test_a_program_stopped_at_once_keeps_its_start_unless_presolve_solved_it(
    instance: tuple[TypeLottery, int], data: st.DataObject
) -> None:
    lottery, m = instance
    candidates = in_bounds(lottery, m)
    best = min(loss_by_hand(lottery, v, m) for v in candidates)
    start = data.draw(st.sampled_from(candidates))
    found = _integer_program(lottery, m, np.asarray(start, dtype=np.int64), time_limit=0)
    assert found is not None
    if found.method is Method.INTEGER_PROGRAM_TIME_LIMIT:
        assert found.counts == start
        assert found.max_loss == loss_by_hand(lottery, start, m)
        assert found.lower_bound == 0.0
    else:  # HiGHS's presolve solved these tiny programs before looking at the clock
        assert found.method is Method.INTEGER_PROGRAM
        assert best - 1e-9 <= found.max_loss <= best + 0.1 / m + 1e-9


# Five compositions of two seats over types of 2, 3 and 4 members: too large for HiGHS's
# presolve to solve before it looks at the clock.
FIVE = TypeLottery.of(
    [[2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 0], [1, 0, 1]], [0.1, 0.2, 0.3, 0.15, 0.25], [2, 3, 4]
)


@pytest.mark.parametrize(
    ("start", "loss"),
    [
        # before: type 0 has (2 * 0.1 + 0.15 + 0.25) / 2 = 0.3, type 1 0.55 / 3, type 2 0.85 / 4
        ((1, 1, 2, 1, 2), 0.85 / 4 - 1 / 7),  # the best: type 2's 6 seats, 1 each of 7
        ((0, 0, 5, 0, 2), 0.55 / 3),  # type 1 has no seat
        ((3, 0, 0, 4, 0), 0.85 / 4),  # type 2 has no seat
        ((0, 4, 3, 0, 0), 0.3),  # type 0 has no seat
    ],
)
def test_a_program_stopped_at_once_returns_the_start_it_was_given(
    start: tuple[int, ...], loss: float
) -> None:
    # m * w = 0.7, 1.4, 2.1, 1.05, 1.75: counts up to 3, 4, 5, 4 and 4 are in bounds
    found = _integer_program(FIVE, 7, np.asarray(start), time_limit=0)
    assert found is not None
    assert (found.counts, found.method) == (start, Method.INTEGER_PROGRAM_TIME_LIMIT)
    assert found.max_loss == pytest.approx(loss)
    assert found.max_loss == pytest.approx(loss_by_hand(FIVE, start, 7))
    assert found.lower_bound == 0.0


def test_a_start_out_of_bounds_is_not_given() -> None:
    # 6 panels for the third composition is 3.9 above m * w = 2.1: out of the program's bounds
    assert _integer_program(FIVE, 7, np.asarray([0, 0, 6, 0, 1]), time_limit=0) is None
    solved = _integer_program(FIVE, 7, np.asarray([0, 0, 6, 0, 1]), time_limit=None)
    assert solved is not None and solved.method is Method.INTEGER_PROGRAM
    assert solved.max_loss == pytest.approx(0.85 / 4 - 1 / 7)
    assert solved.lower_bound == pytest.approx(0.85 / 4 - 1 / 7)


def neighbours(lottery: TypeLottery, counts: tuple[int, ...], m: int) -> list[tuple[int, ...]]:
    """The roundings the local search looks at from ``counts``: one panel moved to a
    composition with more seats of the worst-off type from one with fewer."""
    losses = [loss_by_hand_of_type(lottery, counts, m, t) for t in range(len(lottery.sizes))]
    worst = losses.index(max(losses))
    c = lottery.compositions.tolist()
    found = []
    for taker, donor in itertools.product(range(len(counts)), repeat=2):
        if counts[donor] > 0 and c[donor][worst] < c[taker][worst]:
            moved = list(counts)
            moved[taker] += 1
            moved[donor] -= 1
            found.append(tuple(moved))
    return found


def loss_by_hand_of_type(lottery: TypeLottery, counts: tuple[int, ...], m: int, t: int) -> float:
    size = int(lottery.sizes[t])
    seats = sum(x * int(c[t]) for x, c in zip(counts, lottery.compositions.tolist(), strict=True))
    return float(lottery.before[t]) - (seats // size) / m


SHAPES = [[2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
shaped = st.tuples(
    st.lists(st.integers(0, 20), min_size=6, max_size=6).filter(any),
    st.integers(1, 30),
    st.lists(st.integers(0, 12), min_size=6, max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(shaped, st.integers(0, 1000))
def test_the_local_search_stops_where_no_move_lowers_the_largest_loss(
    instance: tuple[list[int], int, list[int]], seed: int
) -> None:
    raw, m, start_raw = instance
    lottery = TypeLottery.of(SHAPES, [x / sum(raw) for x in raw], [2, 3, 4])
    # any start summing to m, not only a good one: the naive rounding of other weights
    start = largest_remainder(np.asarray(start_raw, dtype=np.float64) + 0.5, m)
    kept = start.copy()
    result = improve(lottery, start, m, rng=random.Random(seed), moves=10_000)
    assert start.tolist() == kept.tolist()  # not changed in place
    counts = tuple(result.tolist())
    assert sum(counts) == m and min(counts) >= 0
    top = loss_by_hand(lottery, counts, m)
    assert top <= loss_by_hand(lottery, tuple(kept.tolist()), m) + 1e-12
    for moved in neighbours(lottery, counts, m):
        assert loss_by_hand(lottery, moved, m) >= top - 1e-12


@settings(max_examples=60, deadline=None)
@given(shaped, st.integers(0, 1000))
def test_one_move_of_the_local_search_is_the_one_lowering_the_largest_loss_most(
    instance: tuple[list[int], int, list[int]], seed: int
) -> None:
    raw, m, _ = instance
    lottery = TypeLottery.of(SHAPES, [x / sum(raw) for x in raw], [2, 3, 4])
    start = tuple(largest_remainder(lottery.weights, m).tolist())
    top = loss_by_hand(lottery, start, m)
    moved = tuple(improve(lottery, np.asarray(start), m, rng=random.Random(seed), moves=1).tolist())
    assert sum(abs(a - b) for a, b in zip(moved, start, strict=True)) in (
        0,
        2,
    )  # one panel moved at most
    options = {v: loss_by_hand(lottery, v, m) for v in neighbours(lottery, start, m)}
    best = min(options.values(), default=math.inf)
    if best < top - 1e-12:
        assert moved in options
        assert loss_by_hand(lottery, moved, m) == pytest.approx(best)
    else:
        # no move lowers the largest loss; one may still leave fewer types at it
        assert loss_by_hand(lottery, moved, m) == pytest.approx(top)
        assert moved == start or moved in options
    assert improve(lottery, np.asarray(start), m, rng=random.Random(seed), moves=0).tolist() == [
        *start
    ]


def test_the_local_search_leaves_fewer_types_at_the_largest_loss() -> None:
    # Three types of one member, compositions of one seat each, weights 1/3, m = 2. From 2, 0, 0
    # types 1 and 2 both lose 1/3; one panel moved to composition 1 leaves type 2 alone at 1/3
    # and no move lowers that: the search stops at 1, 1, 0.
    lottery = TypeLottery.of([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1 / 3] * 3, [1, 1, 1])
    found = improve(lottery, np.asarray([2, 0, 0]), 2, rng=random.Random(0), moves=10)
    assert found.tolist() == [1, 1, 0]
    assert lottery.max_loss(found, 2) == pytest.approx(1 / 3)
    # two types of one member, weights 1/2, m = 3: from 3, 0 one move to 2, 1 (loss 1/6)
    lottery = TypeLottery.of([[1, 0], [0, 1]], [0.5, 0.5], [1, 1])
    found = improve(lottery, np.asarray([3, 0]), 3, rng=random.Random(0), moves=10)
    assert found.tolist() == [2, 1]
    assert lottery.max_loss(found, 3) == pytest.approx(1 / 6)


def the_start(lottery: TypeLottery, m: int, seed: int) -> tuple[int, ...]:
    """What best_rounding starts the program from: the best of the naive and 24 dependent
    roundings, by largest loss, improved by 500 moves of the local search."""
    rng = random.Random(seed)
    candidates = [largest_remainder(lottery.weights, m)]
    candidates += [dependent_rounding(lottery.weights, m, rng=rng) for _ in range(24)]
    best = min(candidates, key=lambda counts: lottery.max_loss(counts, m))
    return tuple(improve(lottery, best, m, rng=rng, moves=500).tolist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_rounding_stopped_at_once_keeps_its_start(seed: int) -> None:
    lottery = TypeLottery.of(SHAPES, [0.02, 0.13, 0.31, 0.17, 0.29, 0.08], [2, 3, 4])
    found = best_rounding(lottery, 23, rng=random.Random(seed), time_limit=0)
    assert found.method is Method.DEPENDENT_ROUNDING
    assert found.counts == the_start(lottery, 23, seed)
    assert found.max_loss == lottery.max_loss(found.counts, 23)
    assert found.lower_bound == 0.0
    solved = best_rounding(lottery, 23, rng=random.Random(seed), time_limit=None)
    assert solved.method is Method.INTEGER_PROGRAM
    assert solved.max_loss <= found.max_loss
    assert solved.lower_bound == pytest.approx(solved.max_loss, abs=0.1 / 23)


def test_best_rounding_chooses_between_the_program_and_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lottery = TypeLottery.of(SHAPES, [0.02, 0.13, 0.31, 0.17, 0.29, 0.08], [2, 3, 4])
    start = the_start(lottery, 23, 5)
    loss = lottery.max_loss(start, 23)
    other = (1, 3, 7, 4, 7, 1)
    answers: list[Rounding | None] = []

    def program(*args: object, **kwargs: object) -> Rounding | None:
        answer = answers.pop()
        if answer is None:
            raise SolverError("HiGHS could not solve the rounding program: test")
        return answer

    monkeypatch.setattr(rounding, "_integer_program", program)

    def best(answer: Rounding | None) -> Rounding:
        answers.append(answer)
        return best_rounding(lottery, 23, rng=random.Random(5), time_limit=1)

    fallback = Rounding(start, Method.DEPENDENT_ROUNDING, loss)
    assert best(None) == fallback  # the solver failed
    monkeypatch.setattr(rounding, "_integer_program", lambda *args, **kwargs: None)
    assert best_rounding(lottery, 23, rng=random.Random(5), time_limit=1) == fallback
    monkeypatch.setattr(rounding, "_integer_program", program)
    # proven optimal: taken even when it loses as much as the start
    proven = Rounding(other, Method.INTEGER_PROGRAM, loss, 0.01)
    assert best(proven) == proven
    # stopped at the time limit: taken only when it loses less than the start
    better = Rounding(other, Method.INTEGER_PROGRAM_TIME_LIMIT, loss - 1e-9, 0.01)
    assert best(better) == better
    same = Rounding(other, Method.INTEGER_PROGRAM_TIME_LIMIT, loss, 0.01)
    assert best(same) == Rounding(start, Method.DEPENDENT_ROUNDING, loss, 0.01)
    worse = Rounding(other, Method.INTEGER_PROGRAM_TIME_LIMIT, loss + 0.1, 0.02)
    assert best(worse) == Rounding(start, Method.DEPENDENT_ROUNDING, loss, 0.02)


def many_takers(takers: int, size: int = 1) -> TypeLottery:
    """Type 0 (``size`` members) sits with type i + 1 (one member) in composition
    i < ``takers``; five more compositions seat two of the other types: equal weights."""
    n = takers + 5
    compositions = []
    for i in range(n):
        seats = [0] * (n + 2)
        if i < takers:
            seats[0] = seats[i + 1] = 1
        else:
            seats[i + 1] = seats[i + 2] = 1
        compositions.append(seats)
    return TypeLottery.of(compositions, [1 / n] * n, [size] + [1] * (n + 1))


@pytest.mark.parametrize(("takers", "draws"), [(40, False), (41, True), (60, True)])
def test_the_local_search_draws_40_compositions_to_try_only_when_more_could_help(
    takers: int, draws: bool
) -> None:
    lottery = many_takers(takers)
    m = takers + 5
    # every panel on the five compositions without type 0: type 0 loses most
    start = np.asarray([0] * takers + [m // 5] * 4 + [m - 4 * (m // 5)])
    rng = random.Random(3)
    state = rng.getstate()
    found = improve(lottery, start, m, rng=rng, moves=1)
    assert (rng.getstate() != state) is draws
    assert int(found.sum()) == m
    assert found[:takers].sum() == 1  # one panel moved to a composition with type 0
    assert lottery.max_loss(found, m) <= lottery.max_loss(start, m)


def test_the_local_search_tries_every_composition_with_more_of_the_worst_off_type() -> None:
    # before: type 0 has 16/56, type 1 12/56, type 2 28/56. From one panel of {0, 2}, type 2
    # (one seat for two members: none each) is worst off. Composition 0 holds as many of
    # type 2 as the donor, so it cannot help; composition 3 (two of type 2) can.
    lottery = TypeLottery.of(
        [[0, 1, 1], [2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 0], [1, 0, 1]],
        [x / 28 for x in (4, 2, 2, 8, 4, 8)],
        [2, 2, 2],
    )
    found = improve(lottery, np.asarray([0, 0, 0, 0, 0, 1]), 1, rng=random.Random(1), moves=1)
    assert found.tolist() == [0, 0, 0, 1, 0, 0]
    assert lottery.max_loss(found, 1) == pytest.approx(2 / 7)


def test_the_local_search_moves_panels_only_towards_more_of_the_worst_off_type() -> None:
    # A move between compositions with as many seats of the worst-off type cannot lower its
    # loss; taking such moves (to leave fewer types at the top) leads elsewhere, here to a
    # larger loss (0.085 rather than 0.060).
    lottery = TypeLottery.of(SHAPES, [x / 27 for x in (4, 6, 1, 1, 8, 7)], [3, 4, 3])
    found = improve(lottery, np.asarray([2, 2, 0, 2, 0, 2]), 8, rng=random.Random(1), moves=500)
    assert found.tolist() == [2, 0, 2, 2, 0, 2]
    assert lottery.max_loss(found, 8) == pytest.approx(0.0601851851851851)


def test_best_rounding_searches_with_its_random_generator() -> None:
    # 45 compositions hold type 0 (five members), worst off after the dependent roundings:
    # the local search draws which of them to try
    lottery = many_takers(45, size=5)
    found = best_rounding(lottery, 20, rng=random.Random(4), time_limit=0)
    assert found.counts == the_start(lottery, 20, 4)
    assert found.method is Method.DEPENDENT_ROUNDING
