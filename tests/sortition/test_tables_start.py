"""sortition.tables.start: the affine-plane start (pair counts exact, when it does not fit),
evening tables out to their sizes, and the greedy start's order and choice of tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.tables import Member, Mixing, Rules
from sortition.tables.build import build_problem
from sortition.tables.problem import APART_WEIGHT, Problem, meeting_counts
from sortition.tables.rules import Unit
from sortition.tables.start import _best_table, _even_out, affine_start, greedy_start


def problem_of(
    n: int,
    *,
    tables: int,
    sittings: int | list[list[int]],
    values: str = "",
    rules: Rules | None = None,
    history: list[list[list[int]]] | None = None,
) -> tuple[Problem, list[list[Unit]]]:
    """Members m00.., a strict category ``g`` with one letter per member when ``values``."""
    ids = [f"m{i:02d}" for i in range(n)]
    members = [Member(ids[i], {"g": values[i]} if values else {}) for i in range(n)]
    present = (
        [ids] * sittings if isinstance(sittings, int) else [[ids[i] for i in s] for s in sittings]
    )
    held = [[[ids[i] for i in table] for table in sitting] for sitting in history or []]
    return build_problem(
        members,
        present=present,
        tables=tables,
        categories={"g": Mixing.STRICT} if values else {},
        rules=rules or Rules(),
        history=held,
    )


def sizes_of(assign: np.ndarray, tables: int) -> list[list[int]]:
    return [np.bincount(row[row >= 0], minlength=tables).tolist() for row in assign]


# --- the affine plane -----------------------------------------------------------------------


@pytest.mark.parametrize("q", [2, 3, 4, 5])
def test_the_whole_plane_meets_every_pair_exactly_once(q: int) -> None:
    problem, _ = problem_of(q * q, tables=q, sittings=q + 1)
    assign = affine_start(problem, rng=np.random.default_rng(q))
    assert assign is not None
    counts = meeting_counts(problem, assign)
    off_diagonal = ~np.eye(q * q, dtype=bool)
    assert (counts[off_diagonal] == 1.0).all()
    assert sizes_of(assign, q) == [[q] * q] * (q + 1)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([3, 4, 5]), st.data())
def test_fewer_sittings_and_members_seat_everyone_at_the_sizes(q: int, data: st.DataObject) -> None:
    # everyone seated at the sizes of the problem; with q*q members no pair meets twice
    n = data.draw(st.integers(q + 1, q * q))
    sittings = data.draw(st.integers(1, q + 1))
    seed = data.draw(st.integers(0, 2**32 - 1))
    problem, _ = problem_of(n, tables=q, sittings=sittings)
    assign = affine_start(problem, rng=np.random.default_rng(seed))
    assert assign is not None
    assert (assign >= 0).all()
    assert sizes_of(assign, q) == problem.sizes.tolist()
    if n == q * q:
        assert meeting_counts(problem, assign).max() == 1.0


def test_the_plane_is_drawn_by_the_generator() -> None:
    problem, _ = problem_of(9, tables=3, sittings=2)
    drawn = [affine_start(problem, rng=np.random.default_rng(seed)) for seed in range(6)]
    again = affine_start(problem, rng=np.random.default_rng(0))
    assert drawn[0] is not None and again is not None
    assert np.array_equal(drawn[0], again)
    assert len({d.tobytes() for d in drawn if d is not None}) == 6


@pytest.mark.parametrize(
    ("n", "tables", "sittings", "fits"),
    [
        (9, 3, 4, True),  # q*q members, q+1 sittings: the most that fits
        (10, 3, 1, False),  # more than q*q members
        (9, 3, 5, False),  # more than q+1 sittings
        (4, 2, 3, True),
        (5, 2, 1, False),
        (4, 2, 4, False),
        (36, 6, 2, False),  # no plane of order 6
        (12, 6, 2, False),
        (49, 7, 8, True),
    ],
)
def test_the_plane_fits_only_within_its_order(
    n: int, tables: int, sittings: int, fits: bool
) -> None:
    problem, _ = problem_of(n, tables=tables, sittings=sittings)
    assert (affine_start(problem, rng=np.random.default_rng(0)) is not None) == fits


def test_no_plane_with_pinned_members() -> None:
    for rules in (Rules(keep_together=(("m00", "m01"),)), Rules(fixed=(("m03", 2),))):
        problem, _ = problem_of(9, tables=3, sittings=2, rules=rules)
        assert affine_start(problem, rng=np.random.default_rng(0)) is None


def test_the_plane_seats_only_those_present_at_the_sizes_of_the_sitting() -> None:
    present = [[0, 1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7, 8], list(range(9))]
    problem, _ = problem_of(9, tables=3, sittings=present)
    for seed in range(5):
        assign = affine_start(problem, rng=np.random.default_rng(seed))
        assert assign is not None
        for s, here in enumerate(present):
            assert sorted(np.flatnonzero(assign[s] >= 0).tolist()) == here
            assert (assign[s][~problem.present[s]] == -1).all()
        assert sizes_of(assign, 3) == problem.sizes.tolist()


def test_evening_out_moves_members_from_full_tables_to_the_first_with_room() -> None:
    row = np.array([0, 0, 0, 0, 1, -1, 1], dtype=np.int64)
    _even_out(row, np.array([2, 2, 2], dtype=np.int64), np.random.default_rng(0))
    assert row[5] == -1 and row[4] == 1 and row[6] == 1
    assert sorted(row[:4].tolist()) == [0, 0, 2, 2]
    # the first table with room each time: 2, then 3
    row = np.array([0, 0, 0, 1], dtype=np.int64)
    _even_out(row, np.array([1, 1, 1, 1], dtype=np.int64), np.random.default_rng(0))
    assert np.bincount(row, minlength=4).tolist() == [1, 1, 1, 1]


def test_evening_out_draws_who_moves() -> None:
    moved = set()
    for seed in range(20):
        row = np.array([0, 0, 0, 0], dtype=np.int64)
        _even_out(row, np.array([3, 1], dtype=np.int64), np.random.default_rng(seed))
        assert row.tolist().count(1) == 1
        moved.add(row.tolist().index(1))
    assert moved == {0, 1, 2, 3}


def test_evening_out_leaves_even_tables_alone() -> None:
    row = np.array([1, 0, 1, 0, -1], dtype=np.int64)
    _even_out(row, np.array([2, 2], dtype=np.int64), np.random.default_rng(0))
    assert row.tolist() == [1, 0, 1, 0, -1]


# --- the greedy start ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(3, 9),
    st.integers(2, 3),
    st.lists(st.integers(0, 2**9 - 1), min_size=1, max_size=3),
    st.integers(0, 1000),
)
def test_greedy_seats_everyone_present_once_at_the_sizes(
    n: int, tables: int, masks: list[int], seed: int
) -> None:
    present = [[i for i in range(n) if mask >> i & 1] for mask in masks]
    problem, units = problem_of(n, tables=tables, sittings=present)
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert assign.shape == (len(present), n)
    for s, here in enumerate(present):
        assert sorted(np.flatnonzero(assign[s] >= 0).tolist()) == here
        assert (assign[s][~problem.present[s]] == -1).all()  # -1: absent
    assert sizes_of(assign, tables) == problem.sizes.tolist()


@pytest.mark.parametrize("seed", range(8))
def test_greedy_mixes_a_strict_category(seed: int) -> None:
    problem, units = problem_of(6, tables=2, sittings=2, values="xxyyzz")
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    for row in assign:
        for t in range(2):
            assert sorted("xxyyzz"[i] for i in np.flatnonzero(row == t)) == ["x", "y", "z"]


@pytest.mark.parametrize("seed", range(8))
def test_greedy_mixes_by_the_ceiling_of_the_share(seed: int) -> None:
    # 4 x of 8 at tables of 4: two each; one more x at a table is off
    problem, units = problem_of(8, tables=2, sittings=1, values="xxxxyyyy")
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert sorted("xxxxyyyy"[i] for i in np.flatnonzero(assign[0] == 0)) == list("xxyy")


def test_greedy_counts_only_those_at_one_table_as_met() -> None:
    # 9 members at 3 tables: the second sitting can avoid every pair of the first, and the
    # greedy start does when it knows exactly who met
    problem, units = problem_of(9, tables=3, sittings=2)
    for seed in range(10):
        assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
        assert meeting_counts(problem, assign).max() == 1.0


@pytest.mark.parametrize("seed", range(8))
def test_greedy_avoids_earlier_meetings_and_the_history(seed: int) -> None:
    # three sittings of 4 at 2 tables: the three ways to pair them, no pair twice
    problem, units = problem_of(4, tables=2, sittings=3)
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert meeting_counts(problem, assign).max() == 1.0
    # with the history of one sitting, two sittings still meet no one twice
    problem, units = problem_of(4, tables=2, sittings=2, history=[[[0, 1], [2, 3]]])
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert meeting_counts(problem, assign).max() == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_greedy_seats_fixed_members_before_groups(seed: int) -> None:
    # the group comes first in the units; seated first it would take table 1 (index 0),
    # whose last seat belongs to the fixed member
    rules = Rules(keep_together=(("m01", "m02"),), fixed=(("m00", 1),))
    problem, units = problem_of(4, tables=2, sittings=1, rules=rules)
    assert [u.table for u in units[0]] == [None, 0]
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert assign[0, 0] == 0
    assert assign[0, 1] == assign[0, 2] == 1
    assert sizes_of(assign, 2) == [[2, 2]]


@pytest.mark.parametrize("seed", range(4))
def test_greedy_seats_larger_groups_first(seed: int) -> None:
    # 5 members at tables of 3 and 2: the pair seated first would leave no 3 seats together
    rules = Rules(keep_together=(("m00", "m01"), ("m02", "m03", "m04")))
    problem, units = problem_of(5, tables=2, sittings=1, rules=rules)
    assert [len(u.members) for u in units[0]] == [2, 3]
    assign = greedy_start(problem, units, rng=np.random.default_rng(seed))
    assert assign[0].tolist() == [1, 1, 0, 0, 0]


def test_greedy_draws_the_order_of_the_others() -> None:
    problem, units = problem_of(6, tables=2, sittings=1)
    drawn = {
        greedy_start(problem, units, rng=np.random.default_rng(seed)).tobytes()
        for seed in range(10)
    }
    assert len(drawn) > 1


def best_table(
    *,
    problem: Problem,
    members: tuple[int, ...],
    row: list[int],
    free: list[int],
    met: np.ndarray | None = None,
    counts: list[np.ndarray] | None = None,
    sitting: int = 0,
) -> int:
    return _best_table(
        problem,
        sitting,
        members,
        np.array(row, dtype=np.int64),
        np.array(free, dtype=np.int64),
        counts
        if counts is not None
        else [
            np.zeros((problem.tables, len(c.labels)), dtype=np.int64) for c in problem.categories
        ],
        met if met is not None else problem.history.copy(),
    )


def test_best_table_ties_go_to_the_first_table() -> None:
    problem, _ = problem_of(6, tables=3, sittings=1)
    assert best_table(problem=problem, members=(5,), row=[0, 1, 2, -1, -1, -1], free=[1, 1, 1]) == 0


def test_best_table_needs_room_for_the_whole_unit() -> None:
    problem, _ = problem_of(6, tables=3, sittings=1)
    row = [0, 1, 2, -1, -1, -1]
    assert best_table(problem=problem, members=(3, 4), row=row, free=[1, 2, 1]) == 1
    assert best_table(problem=problem, members=(3, 4), row=row, free=[1, 1, 2]) == 2
    # no room anywhere: still a table (the first), never an error
    assert best_table(problem=problem, members=(3, 4), row=row, free=[1, 1, 1]) == 0


def test_best_table_takes_a_full_table_last() -> None:
    # breaking two keep-apart rules costs less than a table without room
    rules = Rules(keep_apart=(("m03", "m00"), ("m03", "m01")))
    problem, _ = problem_of(6, tables=2, sittings=1, rules=rules)
    row = [0, 0, 1, -1, -1, -1]
    assert best_table(problem=problem, members=(3,), row=row, free=[1, 0]) == 0
    assert best_table(problem=problem, members=(3,), row=row, free=[1, 1]) == 1
    assert APART_WEIGHT * 2 < APART_WEIGHT * 100


def test_best_table_keeps_apart_before_avoiding_repeats() -> None:
    rules = Rules(keep_apart=(("m03", "m00"),))
    history = [[[3, 1], [0, 2]]]
    problem, _ = problem_of(4, tables=3, sittings=1, rules=rules, history=history)
    row = [0, 1, 2, -1]
    # table 0 breaks the rule, table 1 repeats a meeting, table 2 neither
    assert best_table(problem=problem, members=(3,), row=row, free=[1, 1, 1]) == 2
    # with 2 met too, a repeat beats a broken rule
    history = [[[3, 1], [0, 2]], [[3, 2], [0, 1]]]
    problem, _ = problem_of(4, tables=3, sittings=1, rules=rules, history=history)
    assert best_table(problem=problem, members=(3,), row=row, free=[1, 1, 1]) == 1


def test_best_table_counts_each_repeat_and_each_rule() -> None:
    rules = Rules(keep_apart=(("m04", "m00"), ("m04", "m01"), ("m04", "m02")))
    problem, _ = problem_of(6, tables=2, sittings=1, rules=rules)
    # table 0 holds 0 and 1 (two rules), table 1 holds 2 (one rule)
    row = [0, 0, 1, -1, -1, -1]
    assert best_table(problem=problem, members=(4,), row=row, free=[1, 2]) == 1
    met = np.zeros((6, 6))
    met[5, [0, 1]] = met[[0, 1], 5] = 1.0
    met[5, 2] = met[2, 5] = 3.0
    # 5 met 0 and 1 once each, 2 three times: one pair met counts one, however often
    assert best_table(problem=problem, members=(5,), row=row, free=[1, 2], met=met) == 1


def test_best_table_keeps_a_value_within_its_ceiling() -> None:
    # 6 members, x y y z z z at 2 tables of 3: the ceilings are x 1, y 1, z 2
    problem, _ = problem_of(6, tables=2, sittings=1, values="xyyzzz")
    row = [0, -1, -1, 1, 1, -1]
    counts = [np.array([[1, 0, 0], [0, 0, 2]], dtype=np.int64)]
    # a z: table 1 already holds 2 (its ceiling), table 0 has room
    assert best_table(problem=problem, members=(5,), row=row, free=[2, 1], counts=counts) == 0
    # a y: neither table holds one, the first wins
    assert best_table(problem=problem, members=(1,), row=row, free=[2, 1], counts=counts) == 0
    # a z where the first table holds two: the second
    counts = [np.array([[0, 0, 2], [1, 0, 0]], dtype=np.int64)]
    row = [1, -1, -1, 0, 0, -1]
    assert best_table(problem=problem, members=(5,), row=row, free=[1, 2], counts=counts) == 1
    counts = [np.array([[0, 0, 1], [1, 0, 1]], dtype=np.int64)]
    assert best_table(problem=problem, members=(5,), row=row, free=[2, 2], counts=counts) == 0


def test_best_table_counts_only_the_units_own_rules_and_meetings() -> None:
    # 0 (at table 0) is kept apart from 4 and met 5 before; neither is the unit (3)
    rules = Rules(keep_apart=(("m00", "m04"),))
    history = [[[0, 5], [1, 2]]]
    problem, _ = problem_of(6, tables=2, sittings=1, rules=rules, history=history)
    row = [0, 1, -1, -1, -1, -1]
    assert best_table(problem=problem, members=(3,), row=row, free=[2, 2]) == 0


def test_best_table_fills_a_value_up_to_its_ceiling_before_a_repeat() -> None:
    # second sitting of 5: tables of 2 and 3, where x (2 of 5) may be 0-1 and 0-2 a table
    problem, _ = problem_of(5, tables=2, sittings=2, values="xxyzw", history=[[[1, 2]]])
    assert problem.sizes[1].tolist() == [2, 3]
    row = [-1, -1, 1, 0, -1]
    counts = [np.zeros((2, 5), dtype=np.int64)]
    # x at table 0 reaches its ceiling (free); table 1 holds 2, whom 1 met: a repeat
    assert (
        best_table(problem=problem, members=(1,), row=row, free=[1, 2], counts=counts, sitting=1)
        == 0
    )
    # a second x at table 0 would be over: the repeat is cheaper
    x = problem.categories[0].labels.index("x")
    counts[0][0, x] = 1
    assert (
        best_table(problem=problem, members=(1,), row=row, free=[1, 2], counts=counts, sitting=1)
        == 1
    )
    # at the first sitting the larger table is table 0: x fits there at no cost either
    assert problem.sizes[0].tolist() == [3, 2]
    counts[0][0, x] = 0
    row = [-1, -1, 0, 1, -1]
    assert best_table(problem=problem, members=(1,), row=row, free=[2, 1], counts=counts) == 1


def test_evening_out_counts_each_table_it_fills() -> None:
    # three moves from table 0: two to table 1, then table 1 is full and table 2 gets one
    row = np.zeros(5, dtype=np.int64)
    _even_out(row, np.array([2, 2, 1], dtype=np.int64), np.random.default_rng(0))
    assert np.bincount(row, minlength=3).tolist() == [2, 2, 1]
