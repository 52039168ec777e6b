"""sortition.tables.search: the tabu search's cost, its swap deltas against the cost
recomputed, the bookkeeping of a swap, the tabu list, and where and how the search stops."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.tables import Member, Mixing, Rules
from sortition.tables.build import build_problem
from sortition.tables.problem import (
    APART_WEIGHT,
    Problem,
    meeting_counts,
    one_hot,
)
from sortition.tables.search import TabuSearch


class Pick:
    """A stand-in for the generator that always takes the first (or last) choice."""

    def __init__(self, *, last: bool = False) -> None:
        self.last = last

    def integers(self, high: int) -> int:
        return high - 1 if self.last else 0


def problem_of(
    n: int,
    *,
    tables: int,
    sittings: int | list[list[int]],
    values: dict[str, tuple[str, Mixing]] | None = None,
    apart: tuple[tuple[int, int], ...] = (),
    together: tuple[tuple[int, ...], ...] = (),
    history: list[list[list[int]]] | None = None,
) -> Problem:
    """A problem of members m00..; ``values`` maps a category to its values (one letter per
    member) and its mode; sittings are a count or the members present at each."""
    ids = [f"m{i:02d}" for i in range(n)]
    values = values or {}
    members = [
        Member(ids[i], {name: letters[i] for name, (letters, _) in values.items()})
        for i in range(n)
    ]
    present = (
        [ids] * sittings if isinstance(sittings, int) else [[ids[i] for i in s] for s in sittings]
    )
    rules = Rules(
        keep_apart=tuple((ids[a], ids[b]) for a, b in apart),
        keep_together=tuple(tuple(ids[i] for i in g) for g in together),
    )
    held = [[[ids[i] for i in table] for table in sitting] for sitting in history or []]
    problem, _ = build_problem(
        members,
        present=present,
        tables=tables,
        categories={name: mode for name, (_, mode) in values.items()},
        rules=rules,
        history=held,
    )
    return problem


def start_of(problem: Problem, seed: int = 0) -> np.ndarray:
    """A seating of everyone present at tables of the problem's sizes."""
    rng = np.random.default_rng(seed)
    assign = np.full((problem.sittings, problem.n), -1, dtype=np.int64)
    for s in range(problem.sittings):
        seats = np.repeat(np.arange(problem.tables), problem.sizes[s])
        here = np.flatnonzero(problem.present[s])
        assign[s, here] = rng.permutation(seats)
    return assign


def test_the_cost_by_hand() -> None:
    # 0 and 1 kept apart but together twice; 2 and 3 together twice; 0 and 2 met before
    problem = problem_of(
        4,
        tables=2,
        sittings=2,
        values={"g": ("xxyy", Mixing.STRICT), "h": ("abab", Mixing.SOFT)},
        apart=((0, 1),),
        history=[[[0, 2], [1, 3]]],
    )
    assign = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    # repeats: 0-1 and 2-3 meet twice (1 + 1); 0-2 met once (no repeat)
    # spread: c(c-1)/2 per pair: 0-1 and 2-3 give 1 each, 0-2 and 1-3 give 0
    # keep apart: 0-1 together at 2 sittings; g: each table holds 2 of one value where one
    # of each is its share (2 off per table, 4 tables); h: every table holds a and b
    expected = 1e6 * 2 + 1.0 * 2 + 1e-4 * 2 + 1e3 * 8 + 1e-2 * 0
    assert search.cost == pytest.approx(expected, abs=1e-9)
    assert search.total_cost() == pytest.approx(expected, abs=1e-9)
    swapped = np.array([[0, 1, 0, 1], [0, 0, 1, 1]])
    # now 0-2 and 1-3 meet twice (with the history), 0-1 and 2-3 once; 0-1 together once;
    # g is off at sitting 1 only, h at sitting 0 only (a, a and b, b: 2 off per table)
    search.reset(swapped)
    expected = 1e6 * 1 + 1.0 * 2 + 1e-4 * 2 + 1e3 * 4 + 1e-2 * 4
    assert search.cost == pytest.approx(expected, abs=1e-9)


@st.composite
def states(draw: st.DrawFn) -> tuple[Problem, np.ndarray]:
    n = draw(st.integers(4, 9))
    tables = draw(st.integers(2, 3))
    sittings = draw(st.integers(1, 3))
    present = [
        sorted(draw(st.sets(st.integers(0, n - 1), min_size=tables, max_size=n)))
        for _ in range(sittings)
    ]
    values = {
        "g": ("".join(draw(st.sampled_from("xyz")) for _ in range(n)), Mixing.STRICT),
        "h": ("".join(draw(st.sampled_from("ab")) for _ in range(n)), Mixing.SOFT),
    }
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    apart = tuple(draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)))
    held = draw(st.lists(st.permutations(range(n)), max_size=2))
    history = [[list(order[: n // 2]), list(order[n // 2 :])] for order in held]
    problem = problem_of(
        n, tables=tables, sittings=present, values=values, apart=apart, history=history
    )
    return problem, start_of(problem, draw(st.integers(0, 99)))


@settings(max_examples=20, deadline=None)
@given(states())
def test_every_swap_changes_the_cost_by_its_delta(state: tuple[Problem, np.ndarray]) -> None:
    problem, assign = state
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    d, ok = search.deltas(slice(0, problem.sittings))
    here = assign >= 0
    expected_ok = here[:, :, None] & here[:, None, :] & (assign[:, :, None] != assign[:, None, :])
    assert np.array_equal(ok, expected_ok)
    for s, x, y in zip(*np.nonzero(ok), strict=True):
        after = assign.copy()
        after[s, x], after[s, y] = assign[s, y], assign[s, x]
        moved = TabuSearch(problem, after, rng=np.random.default_rng(0))
        assert d[s, x, y] == pytest.approx(moved.cost - search.cost, abs=1e-7)


@settings(max_examples=25, deadline=None)
@given(states(), st.integers(0, 10_000), st.integers(1, 20))
def test_a_swap_keeps_the_counts_the_cost_and_the_tabu_list(
    state: tuple[Problem, np.ndarray], pick: int, tenure: int
) -> None:
    problem, assign = state
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    d, ok = search.deltas(slice(0, problem.sittings))
    options = np.argwhere(ok)
    if len(options) == 0:
        return
    s, x, y = (int(v) for v in options[pick % len(options)])
    a, b = int(assign[s, x]), int(assign[s, y])
    search.swap(s, x, y, float(d[s, x, y]), tenure=tenure, step=7)
    fresh = TabuSearch(problem, search.assign, rng=np.random.default_rng(0))
    assert search.assign[s, x] == b and search.assign[s, y] == a
    assert np.array_equal(search.pairs, meeting_counts(problem, search.assign))
    assert np.array_equal(search.pairs, fresh.pairs)
    assert np.array_equal(search.z, fresh.z)
    for mine, theirs in zip(search.counts, fresh.counts, strict=True):
        assert np.array_equal(mine, theirs)
    assert search.cost == pytest.approx(fresh.cost, abs=1e-7)
    # x may not go back to a, nor y to b, for the tenure
    expected = np.zeros_like(search.tabu)
    expected[s, x, a] = expected[s, y, b] = 7 + tenure
    assert np.array_equal(search.tabu, expected)


def test_reset_recounts_and_clears_the_tabu_list() -> None:
    problem = problem_of(6, tables=2, sittings=2, values={"g": ("xxxyyy", Mixing.STRICT)})
    first, second = start_of(problem, 1), start_of(problem, 2)
    search = TabuSearch(problem, first, rng=np.random.default_rng(0))
    search.tabu[:] = 9.0
    search.reset(second)
    assert np.array_equal(search.assign, second)
    assert search.assign is not second  # a copy: the search's swaps leave the caller's alone
    assert np.array_equal(search.pairs, meeting_counts(problem, second))
    assert np.array_equal(search.z[1], one_hot(second[1], 2))
    assert np.array_equal(search.counts[0], problem.categories[0].counts(second, 2))
    assert search.cost == TabuSearch(problem, second, rng=np.random.default_rng(0)).cost
    assert not search.tabu.any()


def test_pinned_and_absent_members_never_move() -> None:
    # 0, 1 and 2 kept together (pinned); 7 absent at the second sitting
    problem = problem_of(
        8, tables=2, sittings=[list(range(8)), list(range(7))], together=((0, 1, 2),)
    )
    assign = np.array([[0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, -1]])
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    _, ok = search.deltas(slice(0, 2))
    movable = [3, 4, 5, 6, 7]
    for s in range(2):
        for x in range(8):
            for y in range(8):
                can = x in movable and y in movable and assign[s, x] != assign[s, y]
                can = can and assign[s, x] >= 0 and assign[s, y] >= 0
                assert ok[s, x, y] == can
    outcome = search.run(iterations=300, deadline=None, good_enough=lambda _: False)
    assert np.array_equal(outcome.assign[:, :3], assign[:, :3])
    assert outcome.assign[1, 7] == -1


# --- one step -------------------------------------------------------------------------------


def test_a_step_takes_the_best_swap_of_every_sitting() -> None:
    problem = problem_of(
        10, tables=2, sittings=3, values={"g": ("xxxxxyyyyy", Mixing.STRICT)}, apart=((0, 5),)
    )
    for seed in range(4):
        assign = start_of(problem, seed)
        search = TabuSearch(problem, assign, rng=np.random.default_rng(seed))
        d, ok = search.deltas(slice(0, 3))
        best = float(np.where(ok, d, np.inf).min())
        before = search.cost
        assert search._step(1, before)
        assert search.cost == pytest.approx(before + best)
        changed = np.argwhere(search.assign != assign)
        assert len(changed) == 2 and changed[0][0] == changed[1][0]  # one swap at one sitting
        s, x, y = int(changed[0][0]), int(changed[0][1]), int(changed[1][1])
        assert d[s, x, y] == pytest.approx(best)


def test_ties_are_broken_by_the_generator() -> None:
    # one sitting, no history: every swap costs nothing
    problem = problem_of(6, tables=2, sittings=1)
    assign = np.array([[0, 1, 0, 1, 0, 1]])
    first = TabuSearch(problem, assign, rng=cast(np.random.Generator, Pick()))
    assert first._step(1, first.cost)
    assert first.assign.tolist() == [[1, 0, 0, 1, 0, 1]]  # 0 and 1, the first allowed pair
    # the tenure drawn is 5 plus a number below tables + 5
    assert first.tabu[0, 0, 0] == 1 + 5 and first.tabu[0, 1, 1] == 1 + 5
    last = TabuSearch(problem, assign, rng=cast(np.random.Generator, Pick(last=True)))
    assert last._step(3, last.cost)
    assert last.assign.tolist() == [[0, 1, 0, 1, 1, 0]]  # 5 and 4, the last one
    assert last.tabu[0, 5, 1] == 3 + 5 + 2 + 4 and last.tabu[0, 4, 0] == 3 + 5 + 2 + 4


def improving_state() -> TabuSearch:
    """A search where each x at table 0 swapped with a y at table 1 puts both tables within
    their shares (table 0: 3 x and 1 y, 2 of each being the share)."""
    problem = problem_of(8, tables=2, sittings=1, values={"g": ("xxxxyyyy", Mixing.STRICT)})
    assign = np.array([[0, 0, 0, 1, 1, 1, 1, 0]])
    search = TabuSearch(problem, assign, rng=cast(np.random.Generator, Pick()))
    d, ok = search.deltas(slice(0, 1))
    assert (ok & (d < -1000.0)).sum() == 2 * 3 * 3
    return search


@pytest.mark.parametrize("side", ["x", "y"])
def test_a_tabu_move_is_skipped_unless_it_beats_the_best(side: str) -> None:
    search = improving_state()
    cost = search.cost
    d, ok = search.deltas(slice(0, 1))
    best = float(np.where(ok, d, np.inf).min())
    # make every best swap tabu for one side only, until step 2: the x at table 0 (0, 1,
    # 2) may not go to table 1, or the y at table 1 (4, 5, 6) may not go to table 0
    assert search.assign[0].tolist() == [0, 0, 0, 1, 1, 1, 1, 0]
    if side == "x":
        search.tabu[0, [0, 1, 2], 1] = 2.0
    else:
        search.tabu[0, [4, 5, 6], 0] = 2.0
    saved = search.assign.copy(), search.tabu.copy()
    # at step 1, with the best cost far below, the tabu swaps are out
    assert search._step(1, cost - 1e9)
    assert search.cost > cost + best + 1e-6
    # at step 1, when the swap beats the best cost so far, it is allowed all the same
    search.reset(saved[0])
    search.tabu[:] = saved[1]
    assert search._step(1, cost)
    assert search.cost == pytest.approx(cost + best)
    # at step 2 the tabu has run out
    search.reset(saved[0])
    search.tabu[:] = saved[1]
    assert search._step(2, cost - 1e9)
    assert search.cost == pytest.approx(cost + best)


def test_a_tabu_move_better_by_a_little_beats_the_best() -> None:
    # a soft category (weight 0.01): each swap puts both tables within their shares, all
    # are tabu, and the best so far is the present cost: a gain of 0.04 overrules the tabu
    problem = problem_of(4, tables=2, sittings=1, values={"h": ("aabb", Mixing.SOFT)})
    assign = np.array([[0, 0, 1, 1]])
    search = TabuSearch(problem, assign, rng=cast(np.random.Generator, Pick()))
    cost = search.cost
    assert cost == pytest.approx(0.04)
    search.tabu[:] = 9.0
    assert search._step(1, cost)
    assert search.cost == pytest.approx(0.0, abs=1e-12)


def test_a_tabu_move_that_only_ties_the_best_stays_out() -> None:
    # every swap costs nothing; all but one are tabu; the cost equals the best so far, so
    # only a strictly better swap could overrule the tabu list
    problem = problem_of(6, tables=2, sittings=1)
    assign = np.array([[0, 1, 0, 1, 0, 1]])
    search = TabuSearch(problem, assign, rng=cast(np.random.Generator, Pick()))
    search.tabu[0, :, :] = 5.0
    search.tabu[0, 4, 1] = search.tabu[0, 5, 0] = 0.0  # 4 may go to table 1, 5 to table 0
    assert search._step(1, search.cost)
    assert search.assign.tolist() == [[0, 1, 0, 1, 1, 0]]


def test_a_step_with_nothing_movable_does_nothing() -> None:
    problem = problem_of(4, tables=2, sittings=1, together=((0, 1), (2, 3)))
    assign = np.array([[0, 0, 1, 1]])
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    assert not search._step(1, search.cost)
    assert search.assign.tolist() == [[0, 0, 1, 1]]
    # the search goes on through its steps all the same (no patience without a step)
    outcome = search.run(iterations=50, deadline=None, good_enough=lambda _: False)
    assert outcome.iterations == 50
    assert outcome.assign.tolist() == [[0, 0, 1, 1]]


def test_a_large_schedule_takes_its_sittings_in_turn() -> None:
    # 210 members: 210 * 210 > 40,000, one sitting per step; step k looks at sitting k mod 3
    problem = problem_of(210, tables=2, sittings=3)
    assign = start_of(problem, 0)
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    for step, sitting in ((1, 1), (2, 2), (3, 0), (4, 1)):
        before = search.assign.copy()
        assert search._step(step, search.cost)
        changed = sorted({int(s) for s in np.argwhere(search.assign != before)[:, 0]})
        assert changed == [sitting]


def test_a_mid_sized_schedule_takes_four_sittings_a_step() -> None:
    # 100 members: 40,000 // 10,000 = 4 sittings a step: step 1 takes sittings 4 and 5 of 6
    problem = problem_of(100, tables=4, sittings=6)
    for seed in range(3):
        assign = start_of(problem, seed)
        search = TabuSearch(problem, assign, rng=np.random.default_rng(seed))
        d, ok = search.deltas(slice(4, 6))
        best = float(np.where(ok, d, np.inf).min())
        before = search.cost
        assert search._step(1, before)
        changed = {int(s) for s in np.argwhere(search.assign != assign)[:, 0]}
        assert changed <= {4, 5}
        assert search.cost == pytest.approx(before + best)


# --- the run --------------------------------------------------------------------------------


def test_a_start_good_enough_is_returned_at_once() -> None:
    problem = problem_of(6, tables=2, sittings=2)
    assign = start_of(problem)
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    seen: list[float] = []

    def good_enough(state: TabuSearch) -> bool:
        seen.append(state.cost)
        return True

    outcome = search.run(iterations=100, deadline=None, good_enough=good_enough)
    assert outcome.iterations == 0 and outcome.stopped_by_time is False
    assert np.array_equal(outcome.assign, assign)
    assert len(seen) == 1


def test_one_step_is_one_swap() -> None:
    problem = problem_of(6, tables=2, sittings=2, values={"g": ("xxxyyy", Mixing.STRICT)})
    assign = start_of(problem, 3)
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    outcome = search.run(iterations=1, deadline=None, good_enough=lambda _: False)
    assert outcome.iterations == 1 and outcome.stopped_by_time is False
    assert int((search.assign != assign).sum()) == 2


def recorded(search: TabuSearch) -> list[tuple[int, float]]:
    """Record (step, cost after it) of every step the search takes."""
    steps: list[tuple[int, float]] = []
    take = search._step

    def recording(step: int, best_cost: float) -> bool:
        moved = take(step, best_cost)
        steps.append((step, search.cost))
        return moved

    search._step = recording  # type: ignore[method-assign]
    return steps


def test_the_run_stops_at_the_first_best_that_is_good_enough() -> None:
    problem = problem_of(12, tables=3, sittings=3, values={"g": ("xxxxyyyyzzzz", Mixing.STRICT)})
    assign = start_of(problem, 5)
    search = TabuSearch(problem, assign, rng=np.random.default_rng(5))
    start = search.cost
    assert start > 3000.0  # several tables off their share
    steps = recorded(search)
    asked: list[float] = []

    def good_enough(state: TabuSearch) -> bool:
        asked.append(state.cost)
        return state.cost < start - 1500.0

    outcome = search.run(iterations=1000, deadline=None, good_enough=good_enough)
    # asked at the start and after each new best, each lower than the one before
    assert asked[0] == start
    assert all(b < a - 1e-9 for a, b in pairwise(asked))
    news, best = [], start
    for number, cost in steps:
        if cost < best - 1e-9:
            news.append(number)
            best = cost
    assert len(asked) == len(news) + 1
    assert asked[-1] < start - 1500.0 <= asked[-2]
    assert outcome.iterations == news[-1] == steps[-1][0]
    # the best is returned, its cost recomputed exactly
    assert search.cost == search.total_cost()
    assert TabuSearch(problem, outcome.assign, rng=np.random.default_rng(0)).cost == asked[-1]


@pytest.mark.parametrize(("n", "stall", "kick"), [(16, 200, 2), (24, 288, 3)])
def test_without_a_better_schedule_it_restarts_then_gives_up(n: int, stall: int, kick: int) -> None:
    # one sitting without history: every seating costs 0, no step is ever better
    problem = problem_of(n, tables=3, sittings=1)
    search = TabuSearch(problem, start_of(problem), rng=np.random.default_rng(1))
    steps = recorded(search)
    kicks: list[tuple[int, int]] = []
    resets: list[np.ndarray] = []
    kick_of, reset_of = search._kick, search.reset

    def kicked(swaps: int) -> None:
        kicks.append((steps[-1][0], swaps))
        kick_of(swaps)

    def reset(assign: np.ndarray) -> None:
        resets.append(assign.copy())
        reset_of(assign)

    search._kick = kicked  # type: ignore[method-assign]
    search.reset = reset  # type: ignore[method-assign]
    outcome = search.run(iterations=10_000, deadline=None, good_enough=lambda _: False)
    # a restart from the best after `stall` steps without a better one; after three times
    # that without a new best the search stops
    assert kicks == [(stall + 1, kick), (2 * stall + 2, kick)]
    assert len(resets) == 2
    assert all(np.array_equal(r, resets[0]) for r in resets)  # the best: still the start
    assert outcome.iterations == 3 * stall + 1
    assert not outcome.stopped_by_time


@pytest.mark.parametrize("seed", [1, 4])
def test_the_run_gives_up_three_stalls_after_its_last_new_best(seed: int) -> None:
    # 12 members: a stall is 200 steps, the patience 600
    problem = problem_of(12, tables=3, sittings=3, values={"g": ("xxxxyyyyzzzz", Mixing.SOFT)})
    search = TabuSearch(problem, start_of(problem, seed), rng=np.random.default_rng(seed))
    best = search.cost
    steps = recorded(search)
    outcome = search.run(iterations=5000, deadline=None, good_enough=lambda _: False)
    last = 0
    for number, cost in steps:
        if cost < best - 1e-9:
            best, last = cost, number
    assert last > 0  # the search found a better schedule
    assert outcome.iterations == last + 600 + 1


def test_the_run_stops_at_the_deadline_every_sixteen_steps() -> None:
    problem = problem_of(12, tables=3, sittings=3, values={"g": ("xxxxyyyyzzzz", Mixing.SOFT)})
    search = TabuSearch(problem, start_of(problem), rng=np.random.default_rng(0))
    outcome = search.run(
        iterations=1000, deadline=time.monotonic() - 1.0, good_enough=lambda _: False
    )
    assert outcome.stopped_by_time
    assert outcome.iterations == 16
    search = TabuSearch(problem, start_of(problem), rng=np.random.default_rng(0))
    outcome = search.run(
        iterations=40, deadline=time.monotonic() + 600.0, good_enough=lambda _: False
    )
    assert not outcome.stopped_by_time
    assert outcome.iterations == 40


def test_progress_every_500_steps_with_the_best_cost() -> None:
    # the search cannot give up before 520 steps (its patience is at least 600)
    problem = problem_of(12, tables=3, sittings=4, values={"g": ("xxxxyyyyzzzz", Mixing.STRICT)})
    search = TabuSearch(problem, start_of(problem, 2), rng=np.random.default_rng(2))
    best = search.cost
    steps = recorded(search)
    calls: list[tuple[str, float | None]] = []
    outcome = search.run(
        iterations=520,
        deadline=None,
        good_enough=lambda _: False,
        progress=lambda message, fraction: calls.append((message, fraction)),
    )
    assert outcome.iterations == 520
    for number, cost in steps:
        if number <= 500 and cost < best - 1e-9:
            best = cost
    expected: list[tuple[str, object]] = [
        (f"Tables: step 500, cost {best:.2f}", pytest.approx(500 / 520))
    ]
    assert calls == expected


# --- the kick -------------------------------------------------------------------------------


def test_a_kick_never_breaks_a_keep_apart_rule() -> None:
    # 0 is kept apart from 1 and 2: every swap from {0, 3} {1, 2} brings 0 to one of them
    problem = problem_of(4, tables=2, sittings=1, apart=((0, 1), (0, 2)))
    assign = np.array([[0, 1, 1, 0]])
    search = TabuSearch(problem, assign, rng=np.random.default_rng(0))
    assert search.cost == 0.0
    d, ok = search.deltas(slice(0, 1))
    assert (d[ok] == APART_WEIGHT).all()  # one rule broken by each
    search._kick(20)
    assert search.assign.tolist() == [[0, 1, 1, 0]]
    assert search.cost == 0.0


def test_a_kick_makes_its_swaps_and_recomputes_the_cost() -> None:
    # two sittings; at the second everyone is pinned, so a kick there has nothing to do
    problem = problem_of(
        6,
        tables=2,
        sittings=[list(range(6)), [0, 1, 2, 3]],
        together=((0, 1), (2, 3)),
        values={"g": ("xyxyxy", Mixing.SOFT)},
    )
    assign = np.array([[0, 0, 1, 1, 0, 1], [0, 0, 1, 1, -1, -1]])

    class Sittings:
        """Second sitting first, then the first, taking the first allowed swap."""

        def __init__(self) -> None:
            self.calls = 0

        def integers(self, high: int) -> int:
            self.calls += 1
            return 1 if self.calls == 1 and high == 2 else 0

    search = TabuSearch(problem, assign, rng=cast(np.random.Generator, Sittings()))
    search.cost = -5.0  # recomputed at the end
    search._kick(2)
    # the second sitting is skipped, the first gets its swap: 4 and 5 trade tables
    assert search.assign.tolist() == [[0, 0, 1, 1, 1, 0], [0, 0, 1, 1, -1, -1]]
    fresh = TabuSearch(problem, search.assign, rng=np.random.default_rng(0))
    assert np.array_equal(search.pairs, fresh.pairs)
    assert np.array_equal(search.z, fresh.z)
    assert search.cost == fresh.cost
    assert not search.tabu.any()


class Script:
    """A stand-in for the generator that answers from a script (-1: the last choice)."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers

    def integers(self, high: int) -> int:
        answer = self.answers.pop(0)
        return high - 1 if answer == -1 else answer


@pytest.mark.parametrize(
    ("pick", "second"),
    [(0, [1, 0, 0, 1]), (-1, [0, 1, 1, 0])],
)
def test_a_kick_swaps_at_the_sitting_drawn_only(pick: int, second: list[int]) -> None:
    problem = problem_of(4, tables=2, sittings=3)
    assign = np.array([[0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1]])
    search = TabuSearch(problem, assign, rng=cast(np.random.Generator, Script([1, pick])))
    search._kick(1)
    # at the second sitting the first allowed swap is 0 with 1, the last 3 with 2
    assert search.assign.tolist() == [[0, 0, 1, 1], second, [0, 0, 1, 1]]
