"""sortition.tables.bound: the profile LP's lower bound on repeated meetings, exact on hand
cases and against brute force, its pair profiles and same-value ranges, and its zeros."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from itertools import combinations, product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.tables import Member, Mixing, Rules
from sortition.tables.bound import _pairs_by_profile, _same_value_range, repeat_lower_bound
from sortition.tables.build import build_problem
from sortition.tables.problem import Category, Problem, make_category


def problem_of(
    n: int,
    *,
    tables: int,
    sittings: int | list[list[int]],
    values: dict[str, str] | None = None,
    history: list[list[list[int]]] | None = None,
    soft: tuple[str, ...] = (),
) -> Problem:
    ids = [f"m{i:02d}" for i in range(n)]
    values = values or {}
    members = [Member(ids[i], {k: v[i] for k, v in values.items()}) for i in range(n)]
    present = (
        [ids] * sittings if isinstance(sittings, int) else [[ids[i] for i in s] for s in sittings]
    )
    held = [[[ids[i] for i in table] for table in sitting] for sitting in history or []]
    problem, _ = build_problem(
        members,
        present=present,
        tables=tables,
        categories={k: Mixing.SOFT if k in soft else Mixing.STRICT for k in values},
        rules=Rules(),
        history=held,
    )
    return problem


def by_hand(
    values: str, sizes: list[list[int]], *, present: list[list[int]] | None = None
) -> tuple[Problem, Category]:
    """A problem with one strict category and the given table sizes (which need not be
    equal), everyone present unless ``present`` says otherwise."""
    n, sittings = len(values), len(sizes)
    here = np.zeros((sittings, n), dtype=np.bool_)
    for s in range(sittings):
        here[s, present[s] if present else list(range(n))] = True
    size_array = np.array(sizes, dtype=np.int64)
    labels = tuple(sorted(set(values)))
    codes = np.array([labels.index(v) for v in values], dtype=np.int64)
    category = make_category("g", labels, codes, strict=True, present=here, sizes=size_array)
    problem = Problem(
        ids=tuple(f"m{i}" for i in range(n)),
        tables=size_array.shape[1],
        present=here,
        sizes=size_array,
        history=np.zeros((n, n)),
        apart=np.zeros((n, n)),
        categories=(category,),
        pinned=np.zeros((sittings, n), dtype=np.bool_),
    )
    return problem, category


# --- without categories: meetings beyond the pairs not met yet ------------------------------


@pytest.mark.parametrize(
    ("n", "tables", "sittings", "bound"),
    [
        (4, 2, 3, 0),  # 6 meetings, 6 pairs
        (4, 2, 4, 2),
        (4, 2, 5, 4),
        (5, 2, 3, 2),  # tables of 3 and 2: 4 meetings a sitting, 10 pairs
        (6, 3, 5, 0),  # 3 meetings a sitting, 15 pairs
        (6, 3, 6, 3),
        (6, 2, 2, 0),  # 6 meetings a sitting
        (6, 2, 3, 3),
        (3, 1, 2, 3),
        (2, 2, 5, 0),  # tables of one never meet
    ],
)
def test_the_meetings_beyond_the_pairs_repeat(
    n: int, tables: int, sittings: int, bound: int
) -> None:
    assert repeat_lower_bound(problem_of(n, tables=tables, sittings=sittings)) == bound


def test_pairs_met_before_count_as_repeats() -> None:
    history = [[[0, 1], [2, 3]]]
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=2, history=history)) == 0
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=3, history=history)) == 2
    history = [[[0, 1], [2, 3]], [[0, 2], [1, 3]]]
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=1, history=history)) == 0
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=2, history=history)) == 2


def test_pairs_never_present_together_cannot_meet() -> None:
    # m04 comes alone to a sitting of its own: its pairs are no fresh meetings for the others
    present = [[0, 1, 2, 3], [4], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]
    assert repeat_lower_bound(problem_of(5, tables=2, sittings=present)) == 2
    # with m04 at the first sitting instead, 4 more pairs can meet fresh
    present[0] = [0, 1, 2, 3, 4]
    assert repeat_lower_bound(problem_of(5, tables=2, sittings=present)) == 0


# --- strict categories ------------------------------------------------------------------------


def test_a_strict_category_forces_repeats_that_plain_counting_misses() -> None:
    # x x y y at 2 tables of 2: every table one x and one y, so x-x and y-y never meet;
    # only 4 pairs for 2 meetings a sitting
    values = {"g": "xxyy"}
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=2, values=values)) == 0
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=3, values=values)) == 2
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=3)) == 0
    # a soft category bounds nothing
    soft = problem_of(4, tables=2, sittings=3, values=values, soft=("g",))
    assert repeat_lower_bound(soft) == 0


def test_two_strict_categories_together() -> None:
    # g: x x y y, h: a b a b; every table of 2 holds one x and one a: the pairs 0-3 and 1-2
    # only, which meet at the first sitting and repeat at each later one
    values = {"g": "xxyy", "h": "abab"}
    for sittings, bound in ((1, 0), (2, 2), (3, 4)):
        problem = problem_of(4, tables=2, sittings=sittings, values=values)
        assert repeat_lower_bound(problem) == bound
    # with only one of them strict: the x-y pairs (4) are fresh for two sittings
    problem = problem_of(4, tables=2, sittings=3, values=values, soft=("h",))
    assert repeat_lower_bound(problem) == 2


def test_a_category_with_room_in_the_shares() -> None:
    # 6 members, x x y y z z at 2 tables of 3: each table one of each value, so no pair
    # sharing a value meets: 12 pairs for 6 meetings a sitting
    values = {"g": "xxyyzz"}
    for sittings, bound in ((2, 0), (3, 6)):
        problem = problem_of(6, tables=2, sittings=sittings, values=values)
        assert repeat_lower_bound(problem) == bound
    # x x x y y y at 2 tables of 3: one or two x a table, so exactly 2 same-value meetings a
    # sitting (1 + 1) and 4 others; 6 pairs share a value, 9 do not
    values = {"g": "xxxyyy"}
    for sittings, bound in ((2, 0), (3, 3), (4, 9)):
        problem = problem_of(6, tables=2, sittings=sittings, values=values)
        assert repeat_lower_bound(problem) == bound


def test_the_same_value_range_by_hand() -> None:
    # 2 x of 6 at tables of 4 and 2: shares 4/3 and 2/3, so 1 or 2 x at the table of 4
    # and 0 or 1 at the table of 2
    problem, category = by_hand("xxyyyy", [[4, 2]])
    # x: floors 1 and 0 hold 1, one more at the table holding 0 or 1: 0 or 1 x-x meetings;
    # y: floors 2 and 1 hold 3 (1 + 0 meetings), one more at a table holding 2 or 1
    assert _same_value_range(problem, category) == (0 + 1 + 1, 1 + 1 + 2)
    # over two sittings, the sum
    problem, category = by_hand("xxyyyy", [[4, 2], [2, 4]])
    assert _same_value_range(problem, category) == (4, 8)


def test_the_bound_takes_the_cheapest_count_in_the_range() -> None:
    # tables of 4 and 2 with x x y y y y: 7 meetings a sitting, 2 to 4 of them between
    # pairs sharing a value (7 such pairs, 8 others)
    problem, _ = by_hand("xxyyyy", [[4, 2]] * 2)
    assert repeat_lower_bound(problem) == 0  # 6 or 7 sharing, 8 or 7 not: none repeats
    problem, _ = by_hand("xxyyyy", [[4, 2]] * 3)
    # 21 meetings, s of them sharing a value (6 <= s <= 12): max(0, s - 7) + (21 - s - 8)
    # repeats, 6 at the fewest (at s = 7 to 12); the most sharing (s = 12) would give 6 too,
    # the fewest (s = 6) 7
    assert repeat_lower_bound(problem) == 6


def test_the_same_value_range_of_those_present() -> None:
    # at the second sitting only x x y y come, at tables of 2: one of each a table, no
    # same-value meeting
    problem, category = by_hand(
        "xxyyyy", [[4, 2], [2, 2]], present=[[0, 1, 2, 3, 4, 5], [0, 1, 2, 3]]
    )
    assert _same_value_range(problem, category) == (2, 4)


def test_shares_that_cannot_add_up_give_no_range_and_a_bound_of_zero() -> None:
    problem, category = by_hand("xxyy", [[2, 2]] * 5)
    assert _same_value_range(problem, category) == (0, 0)
    assert repeat_lower_bound(problem) == 6  # 10 meetings, all x-y: 4 such pairs
    # floors asking for more than those present (2 x, each table at least 2)
    low = category.low.copy()
    low[:, :, 0] = 2
    broken = Category("g", category.labels, category.values, category.weight, low, low + 1)
    problem = replace_category(problem, broken)
    assert _same_value_range(problem, broken) is None
    assert repeat_lower_bound(problem) == 0
    # ceilings leaving no room for those above the floors (2 x, every table 0 to 0)
    zero = np.zeros_like(category.low)
    broken = Category("g", category.labels, category.values, category.weight, zero, zero)
    problem = replace_category(problem, broken)
    assert _same_value_range(problem, broken) is None
    assert repeat_lower_bound(problem) == 0


def replace_category(problem: Problem, category: Category) -> Problem:
    return Problem(
        ids=problem.ids,
        tables=problem.tables,
        present=problem.present,
        sizes=problem.sizes,
        history=problem.history,
        apart=problem.apart,
        categories=(category,),
        pinned=problem.pinned,
    )


def test_a_range_no_schedule_can_meet_gives_zero() -> None:
    # tables of one (no meetings at all) while the shares ask for both x at one table
    problem, category = by_hand("xx", [[1, 1]])
    low = np.array([[[2], [0]]], dtype=np.int64)
    broken = Category("g", category.labels, category.values, category.weight, low, low)
    problem = replace_category(problem, broken)
    assert _same_value_range(problem, broken) == (1, 1)
    assert repeat_lower_bound(problem) == 0


def test_a_profile_of_one_pair_takes_its_meeting() -> None:
    # x x y at one table: the one x-x pair meets at every sitting (the share says so)
    assert repeat_lower_bound(problem_of(3, tables=1, sittings=1, values={"g": "xxy"})) == 0
    assert repeat_lower_bound(problem_of(3, tables=1, sittings=2, values={"g": "xxy"})) == 3


def test_a_profile_without_pairs_takes_no_meetings() -> None:
    # g and h split the members alike (x x y y), so no pair shares g without sharing h;
    # g's shares (set by hand) put both x at table 0, h's one of each value a table: no
    # schedule meets both, so the LP is infeasible and the bound says nothing
    problem, g = by_hand("xxyy", [[2, 2]])
    h = Category("h", g.labels, g.values, g.weight, g.low, g.high)
    low = np.array([[[2, 0], [0, 1]]], dtype=np.int64)
    high = np.array([[[2, 1], [0, 1]]], dtype=np.int64)
    g = Category("g", g.labels, g.values, g.weight, low, high)
    assert _same_value_range(problem, g) == (1, 1)
    assert _same_value_range(problem, h) == (0, 0)
    problem = Problem(
        ids=problem.ids,
        tables=problem.tables,
        present=problem.present,
        sizes=problem.sizes,
        history=problem.history,
        apart=problem.apart,
        categories=(g, h),
        pinned=problem.pinned,
    )
    assert _pairs_by_profile(problem, [g, h]) == ([4, 0, 0, 2], [0, 0, 0, 0])
    assert repeat_lower_bound(problem) == 0


# --- the profiles -----------------------------------------------------------------------------


def test_pairs_by_profile_by_hand() -> None:
    # g: x x y y . ; h: a b a b .; m04 never comes
    values = {"g": "xxyyx", "h": "ababa"}
    present = [[0, 1, 2, 3]]
    problem = problem_of(5, tables=2, sittings=present, values=values)
    strict = list(problem.categories)
    # 0-1 share g (profile 1), 2-3 share g (1); 0-2 and 1-3 share h (2); 0-3, 1-2 nothing (0)
    assert _pairs_by_profile(problem, strict) == ([2, 2, 2, 0], [0, 0, 0, 0])
    history = [[[0, 1, 4], [2, 3]]]
    problem = problem_of(5, tables=2, sittings=present, values=values, history=history)
    assert _pairs_by_profile(problem, list(problem.categories)) == ([2, 0, 2, 0], [0, 2, 0, 0])
    # the pairs with m04 count once it comes: 0-4 shares both (3), 1-4 g (1), 2-4 h (2)
    present = [[0, 1, 2, 3], [0, 1, 2, 3, 4]]
    problem = problem_of(5, tables=2, sittings=present, values=values)
    assert _pairs_by_profile(problem, list(problem.categories)) == ([3, 3, 3, 1], [0, 0, 0, 0])
    # without categories one profile holds every pair
    problem = problem_of(5, tables=2, sittings=present)
    assert _pairs_by_profile(problem, []) == ([10], [0])


# --- against brute force ----------------------------------------------------------------------


def splits(n: int, sizes: tuple[int, ...]) -> list[tuple[tuple[int, ...], ...]]:
    """Every seating of members 0..n-1 at tables of the given sizes (in order)."""
    if not sizes:
        return [()]
    out = []
    for first in combinations(range(n), sizes[0]):
        rest = [m for m in range(n) if m not in first]
        for tail in splits(len(rest), sizes[1:]):
            out.append((first, *(tuple(rest[i] for i in t) for t in tail)))
    return out


def within_shares(seating: tuple[tuple[int, ...], ...], values: str) -> bool:
    n = len(values)
    for table in seating:
        for v in set(values):
            exact = values.count(v) * len(table) / n
            have = sum(values[m] == v for m in table)
            if not int(exact) <= have <= -int(-exact // 1):
                return False
    return True


@settings(max_examples=15, deadline=None)
@given(
    st.integers(4, 6),
    st.integers(1, 3),
    st.text(alphabet="xy", min_size=6, max_size=6),
    st.booleans(),
    st.permutations(range(6)),
)
def test_the_bound_never_exceeds_the_best_schedule(
    n: int, sittings: int, letters: str, with_history: bool, order: list[int]
) -> None:
    values = letters[:n]
    history = [[sorted(order[: n // 2]), sorted(order[n // 2 : n])]] if with_history else []
    history = [[[m for m in t if m < n] for t in sitting] for sitting in history]
    problem = problem_of(n, tables=2, sittings=sittings, values={"g": values}, history=history)
    sizes = tuple(int(z) for z in problem.sizes[0])
    fair = [s for s in splits(n, sizes) if within_shares(s, values)]
    met: Counter[tuple[int, int]] = Counter()
    for sitting in history:
        for table in sitting:
            met.update(combinations(sorted(table), 2))
    best = None
    for schedule in product(fair, repeat=sittings):
        counts = met.copy()
        for seating in schedule:
            for part in seating:
                counts.update(combinations(sorted(part), 2))
        repeats = sum(c - 1 for c in counts.values()) - sum(c - 1 for c in met.values())
        best = repeats if best is None else min(best, repeats)
    assert best is not None
    assert 0 <= repeat_lower_bound(problem) <= best


def test_the_bound_is_exact_where_brute_force_says_so() -> None:
    # 5 members at tables of 3 and 2 (alternating), three sittings: 12 meetings, 10 pairs
    assert repeat_lower_bound(problem_of(5, tables=2, sittings=3)) == 2
    # 2 x and 2 y at tables of 2, four sittings: 8 meetings for the 4 x-y pairs
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=4, values={"g": "xxyy"})) == 4


def test_the_solver_prints_nothing() -> None:
    # HiGHS prints a banner when a process builds its first model; the bound hides it
    assert repeat_lower_bound(problem_of(4, tables=2, sittings=4)) == 2
    code = (
        "from sortition.tables import Member, Rules\n"
        "from sortition.tables.build import build_problem\n"
        "from sortition.tables.bound import repeat_lower_bound\n"
        "ids = ['a', 'b', 'c', 'd']\n"
        "p, _ = build_problem([Member(i) for i in ids], present=[ids] * 4, tables=2,\n"
        "    categories={}, rules=Rules(), history=[])\n"
        "assert repeat_lower_bound(p) == 2\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == ""
