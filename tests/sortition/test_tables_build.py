"""sortition.tables' problem on its own: the arrays built from the organiser's terms
(build.py), the problem's counts (problem.py), the affine planes (design.py) and the value
types (model.py); each figure checked by hand."""

from __future__ import annotations

import json
from itertools import product
from types import MappingProxyType

import numpy as np
import pytest

from sortition.tables.build import _sizes, build_problem, history_counts
from sortition.tables.design import _times, field, field_tables, parallel_classes, prime_power
from sortition.tables.fair import IntArray, bounds_array
from sortition.tables.model import Breakout, Member, Mixing, Rules, TablesReport, TablesResult
from sortition.tables.problem import (
    SOFT_WEIGHT,
    STRICT_WEIGHT,
    Category,
    Problem,
    make_category,
    meeting_counts,
    one_hot,
)
from sortition.tables.rules import Unit

# --- build.py -------------------------------------------------------------------------------


def test_history_counts_by_hand() -> None:
    index = {"b": 0, "a": 1, "c": 2}
    history = [[["a", "b"], ["c"]], [["a", "b", "c", "gone"]], [["c", "a", "a"]]]
    # a-b twice, a-c twice (a twice at one table counts once), b-c once; no one meets
    # themself and ids no longer members meet no one
    expected = np.array([[0, 2, 1], [2, 0, 2], [1, 2, 0]], dtype=np.float64)
    counts = history_counts(history, index)
    assert counts.dtype == np.float64
    np.testing.assert_array_equal(counts, expected)


def test_history_counts_of_no_history_are_zero() -> None:
    np.testing.assert_array_equal(history_counts([], {"a": 0, "b": 1}), np.zeros((2, 2)))
    np.testing.assert_array_equal(history_counts([[["a"]]], {"a": 0}), np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("attending", "sitting", "expected"),
    [
        (6, 0, [2, 2, 2]),
        (7, 0, [3, 2, 2]),
        (7, 1, [2, 3, 2]),
        (7, 2, [2, 2, 3]),
        (7, 4, [2, 3, 2]),  # the turn wraps around
        (8, 0, [3, 3, 2]),
        (8, 1, [2, 3, 3]),
        (8, 2, [3, 2, 3]),
        (2, 1, [0, 1, 1]),
    ],
)
def test_extra_seats_go_round_from_sitting_to_sitting(
    attending: int, sitting: int, expected: list[int]
) -> None:
    sizes = _sizes(attending, 3, [Unit(("a", "b"), None)], sitting)
    assert sizes.dtype == np.int64
    assert sizes.tolist() == expected


def test_extra_seats_go_first_to_the_tables_with_most_fixed_members() -> None:
    units = [Unit(("a", "b"), 2), Unit(("c",), 0), Unit(("d", "e"), None)]
    assert _sizes(7, 3, units, 0).tolist() == [2, 2, 3]
    assert _sizes(8, 3, units, 0).tolist() == [3, 2, 3]
    assert _sizes(8, 3, units, 2).tolist() == [3, 2, 3]
    # members fixed one by one add up: three at table 1 outweigh a pair at table 2
    singles = [Unit(("a",), 0), Unit(("b",), 0), Unit(("c",), 0), Unit(("d", "e"), 1)]
    assert _sizes(7, 3, singles, 1).tolist() == [3, 2, 2]
    assert _sizes(8, 3, singles, 1).tolist() == [3, 3, 2]
    # equal loads: the turn decides
    even = [Unit(("a",), 0), Unit(("b",), 1)]
    assert _sizes(7, 3, even, 1).tolist() == [2, 3, 2]
    assert _sizes(7, 3, even, 0).tolist() == [3, 2, 2]
    assert _sizes(8, 3, even, 2).tolist() == [3, 3, 2]


def jury() -> list[Member]:
    return [
        Member("a", {"gender": "w", "age": "16"}),
        Member("b", {"gender": "m", "age": "30"}),
        Member("c", {"gender": "w", "age": "16"}),
        Member("d", {"gender": "m", "age": "30"}),
        Member("e", {"gender": "w"}),
    ]


def test_build_problem_by_hand() -> None:
    rules = Rules(keep_apart=(("b", "a"),), keep_together=(("c", "d"),), fixed=(("e", 2),))
    problem, units = build_problem(
        jury(),
        present=[{"a", "b", "c", "d", "e"}, ["d", "a", "c"]],
        tables=2,
        categories={"gender": Mixing.STRICT, "age": Mixing.SOFT},
        rules=rules,
        history=[[["a", "b", "gone"], ["c"]]],
    )
    assert units == [[Unit(("c", "d"), None), Unit(("e",), 1)], [Unit(("c", "d"), None)]]
    assert problem.ids == ("a", "b", "c", "d", "e")
    assert (problem.n, problem.sittings, problem.tables) == (5, 2, 2)
    assert problem.present.dtype == np.bool_
    assert problem.present.tolist() == [[True] * 5, [True, False, True, True, False]]
    # sitting 1: 5 at 2 tables, the extra seat at e's table; sitting 2: 3, the turn's table
    assert problem.sizes.tolist() == [[2, 3], [1, 2]]
    assert problem.pinned.tolist() == [
        [False, False, True, True, True],
        [False, False, True, True, False],
    ]
    apart = np.zeros((5, 5))
    apart[0, 1] = apart[1, 0] = 1.0
    np.testing.assert_array_equal(problem.apart, apart)
    history = np.zeros((5, 5))
    history[0, 1] = history[1, 0] = 1.0
    np.testing.assert_array_equal(problem.history, history)
    gender, age = problem.categories
    assert (gender.name, gender.labels, gender.values.tolist()) == (
        "gender",
        ("m", "w"),
        [1, 0, 1, 0, 1],
    )
    assert gender.strict and gender.weight == STRICT_WEIGHT
    # shares: sitting 1 m 2/5, w 3/5 of tables of 2 and 3; sitting 2 m 1/3, w 2/3 of 1 and 2
    assert gender.low.tolist() == [[[0, 1], [1, 1]], [[0, 0], [0, 1]]]
    assert gender.high.tolist() == [[[1, 2], [2, 2]], [[1, 1], [1, 2]]]
    # a member without a value has the value "" (sorted first)
    assert (age.name, age.labels, age.values.tolist()) == (
        "age",
        ("", "16", "30"),
        [1, 2, 1, 2, 0],
    )
    assert not age.strict and age.weight == SOFT_WEIGHT
    low, high = bounds_array(age.values, problem.present, problem.sizes, 3)
    np.testing.assert_array_equal(age.low, low)
    np.testing.assert_array_equal(age.high, high)


def test_build_problem_with_no_categories_rules_or_history() -> None:
    problem, units = build_problem(
        jury()[:4], present=[["b", "c"]], tables=2, categories={}, rules=Rules(), history=[]
    )
    assert units == [[]]
    assert problem.categories == ()
    assert problem.present.tolist() == [[False, True, True, False]]
    assert problem.sizes.tolist() == [[1, 1]]
    assert not problem.pinned.any()
    assert not problem.apart.any() and not problem.history.any()
    assert problem.apart.shape == problem.history.shape == (4, 4)


# --- problem.py -----------------------------------------------------------------------------


def category(weight: float = STRICT_WEIGHT) -> Category:
    # values of 4 members: x, y, x, y; one sitting, two tables of two: one of each
    low = np.array([[[1, 1], [1, 1]]], dtype=np.int64)
    return Category("c", ("x", "y"), np.array([0, 1, 0, 1]), weight, low, low.copy())


def test_category_counts_and_tables_off_their_share() -> None:
    cat = category()
    assign = np.array([[0, 0, 1, 1], [1, -1, 1, 0]], dtype=np.int64)
    assert cat.counts(assign, 2).dtype == np.int64
    assert cat.counts(assign, 2).tolist() == [[[1, 1], [1, 1]], [[0, 1], [2, 0]]]
    assert cat.counts(assign, 3).tolist() == [
        [[1, 1], [1, 1], [0, 0]],
        [[0, 1], [2, 0], [0, 0]],
    ]
    mixed = np.array([[0, 0, 1, 1]], dtype=np.int64)
    assert cat.off_tables(mixed, 2).tolist() == [[False, False]]
    apart = np.array([[0, 1, 0, 1]], dtype=np.int64)
    assert cat.off_tables(apart, 2).tolist() == [[True, True]]
    half = np.array([[0, 1, 1, -1]], dtype=np.int64)
    assert cat.off_tables(half, 2).tolist() == [[True, False]]


def test_a_category_is_strict_from_the_strict_weight_up() -> None:
    assert category(STRICT_WEIGHT).strict
    assert category(2 * STRICT_WEIGHT).strict
    assert not category(STRICT_WEIGHT * 0.999).strict
    assert not category(SOFT_WEIGHT).strict


def test_make_category_weighs_and_bounds() -> None:
    present = np.array([[True, True, True, False]])
    sizes = np.array([[2, 1]], dtype=np.int64)
    values = np.array([0, 0, 1, 1], dtype=np.int64)
    strict = make_category("g", ("p", "q"), values, strict=True, present=present, sizes=sizes)
    assert (strict.name, strict.labels, strict.weight) == ("g", ("p", "q"), STRICT_WEIGHT)
    assert strict.values is values
    # 2 p and 1 q present: shares 4/3, 2/3 at the table of 2 and 2/3, 1/3 at the table of 1
    assert strict.low.tolist() == [[[1, 0], [0, 0]]]
    assert strict.high.tolist() == [[[2, 1], [1, 1]]]
    soft = make_category("g", ("p", "q"), values, strict=False, present=present, sizes=sizes)
    assert soft.weight == SOFT_WEIGHT


def test_one_hot_by_hand() -> None:
    z = one_hot(np.array([1, -1, 0, 1]), 3)
    assert z.dtype == np.float64
    assert z.tolist() == [[0, 1, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0]]


def test_meeting_counts_add_the_sittings_to_the_history() -> None:
    history = np.zeros((4, 4))
    history[0, 3] = history[3, 0] = 2.0
    problem = Problem(
        ids=("a", "b", "c", "d"),
        tables=2,
        present=np.ones((2, 4), dtype=np.bool_),
        sizes=np.array([[2, 2], [2, 1]]),
        history=history,
        apart=np.zeros((4, 4)),
        categories=(),
        pinned=np.zeros((2, 4), dtype=np.bool_),
    )
    assign = np.array([[0, 0, 1, 1], [0, 1, 1, -1]], dtype=np.int64)
    assert meeting_counts(problem, assign).tolist() == [
        [0, 1, 0, 2],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
        [2, 0, 1, 0],
    ]
    assert not history[0, 1]  # the history is left as it was


# --- design.py ------------------------------------------------------------------------------


def fresh_field(q: int) -> tuple[IntArray, IntArray] | None:
    """``field(q)`` computed anew: its cache would hand back the tables of an earlier call
    (under mutation testing, those the unmutated code computed before the mutant's fork)."""
    tables = field_tables(q)
    cached = field(q)
    if tables is None or cached is None:
        assert tables is cached
    else:
        assert (tables[0] == cached[0]).all() and (tables[1] == cached[1]).all()
    return tables


def test_times_multiplies_polynomials_by_hand() -> None:
    # over GF(3) modulo x^2 + 1 (low = (1, 0)): (1 + 2x)(2 + x) = 2 + 5x + 2x^2 = 2x (x^2 = -1)
    assert _times(np.array([1, 2]), np.array([2, 1]), (1, 0), 3) == [0, 2]
    # over GF(2) modulo x^3 + x + 1: x^2 * x^2 = x^4 = x^2 + x
    assert _times(np.array([0, 0, 1]), np.array([0, 0, 1]), (1, 1, 0), 2) == [0, 1, 1]
    # x^2 * (x^2 + x) = x^4 + x^3 = (x^2 + x) + (x + 1) = x^2 + 1
    assert _times(np.array([0, 0, 1]), np.array([0, 1, 1]), (1, 1, 0), 2) == [1, 0, 1]
    # over GF(5) modulo x^2 + 2x + 3: x * x = -2x - 3 = 3x + 2; (4 + 4x)(3 + x)
    # = 12 + 16x + 4x^2 = 2 + x + 4(3x + 2) = 10 + 13x = 0 + 3x
    assert _times(np.array([0, 1]), np.array([0, 1]), (3, 2), 5) == [2, 3]
    assert _times(np.array([4, 4]), np.array([3, 1]), (3, 2), 5) == [0, 3]
    # degree 1 (a prime field): plain products modulo p, x = -low
    assert _times(np.array([3]), np.array([4]), (0,), 5) == [2]


def test_prime_powers_against_trial_division() -> None:
    for q in range(1, 130):
        expected = next(
            ((p, k) for p in range(2, q + 1) for k in range(1, 8) if p**k == q and is_prime(p)),
            None,
        )
        assert prime_power(q) == expected, q


def is_prime(p: int) -> bool:
    return p >= 2 and all(p % d for d in range(2, p))


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 16, 25, 27])
def test_field_tables_are_a_field(q: int) -> None:
    tables = fresh_field(q)
    assert field(q) is field(q)  # computed once
    assert tables is not None
    add, mul = tables
    elements = range(q)
    p = prime_power(q)
    assert p is not None
    # addition: the base-p digits added without carry
    for a, b in product(elements, repeat=2):
        digits = [((a // p[0] ** i) + (b // p[0] ** i)) % p[0] for i in range(p[1])]
        assert add[a, b] == sum(d * p[0] ** i for i, d in enumerate(digits))
    assert (mul[0] == 0).all() and (mul[:, 0] == 0).all()
    assert mul[1].tolist() == list(elements)
    for row in mul[1:, 1:]:
        assert sorted(row.tolist()) == list(range(1, q))  # every non-zero has an inverse
    assert (mul == mul.T).all()
    for a, b, c in product(elements, repeat=3):
        assert mul[mul[a, b], c] == mul[a, mul[b, c]]
        assert mul[a, add[b, c]] == add[mul[a, b], mul[a, c]]


def test_the_field_of_four_by_hand() -> None:
    tables = fresh_field(4)
    assert tables is not None
    add, mul = tables
    # elements a0 + a1*x; x^2 + x + 1 is the first polynomial x^2 + low without zero divisors
    assert add.tolist() == [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]]
    assert mul.tolist() == [[0, 0, 0, 0], [0, 1, 2, 3], [0, 2, 3, 1], [0, 3, 1, 2]]


def test_the_field_of_nine_and_eight_by_hand() -> None:
    nine, eight = fresh_field(9), fresh_field(8)
    assert nine is not None and eight is not None
    # GF(9) by x^2 + 1 (the first x^2 + a1*x + a0 irreducible over GF(3)): x*x = -1 = 2
    # (element 2), x*(1+x) = x - 1 = 2 + x (element 5)
    assert nine[1][3, 3] == 2 and nine[1][3, 4] == 5 and nine[1][4, 4] == 6
    # GF(8) by x^3 + x^2 + 1 (found before x^3 + x + 1): x*x^2 = x^3 = x^2 + 1 (elements
    # 2 * 4 = 5), x^2 * x^2 = x^4 = x^3 + x = x^2 + x + 1 (4 * 4 = 7)
    assert eight[1][2, 4] == 5 and eight[1][4, 4] == 7


def test_no_field_where_q_is_no_prime_power() -> None:
    for q in (1, 6, 10, 12, 15):
        assert fresh_field(q) is None


def test_parallel_classes_by_hand() -> None:
    # point x*q + y; class m: y - m*x; the last class: x
    assert parallel_classes(2) is not None
    assert np.asarray(parallel_classes(2)).tolist() == [
        [0, 1, 0, 1],
        [0, 1, 1, 0],
        [0, 0, 1, 1],
    ]
    assert np.asarray(parallel_classes(3)).tolist() == [
        [0, 1, 2, 0, 1, 2, 0, 1, 2],
        [0, 1, 2, 2, 0, 1, 1, 2, 0],
        [0, 1, 2, 1, 2, 0, 2, 0, 1],
        [0, 0, 0, 1, 1, 1, 2, 2, 2],
    ]


@pytest.mark.parametrize("q", [7, 16])
def test_larger_planes_meet_every_pair_once(q: int) -> None:
    classes = parallel_classes(q)
    assert classes is not None
    met = np.zeros((q * q, q * q), dtype=np.int64)
    for lines in classes:
        z = np.eye(q, dtype=np.int64)[lines]
        met += z @ z.T
    np.fill_diagonal(met, 1)
    assert (met == 1).all()
    assert parallel_classes(12) is None


# --- model.py -------------------------------------------------------------------------------


def test_fixed_table_by_member() -> None:
    assert Rules(fixed=(("a", 2), ("b", 1))).fixed_table() == {"a": 2, "b": 1}
    assert Rules().fixed_table() == {}


def test_report_as_dict_and_json() -> None:
    report = TablesReport(
        repeated_pairs=1,
        distinct_pairs=2,
        meetings=3,
        tables_off_share=4,
        off_share_by_category=MappingProxyType({"age": 4}),
        lower_bound=0,
        facilitator_repeats=5,
        seconds=0.5,
        seed=7,
        iterations=8,
        stopped_by_time=True,
    )
    # a read-only mapping (asdict cannot deep-copy one) comes out as a plain dict
    data = report.as_dict()
    assert type(data["off_share_by_category"]) is dict
    assert data == {
        "repeated_pairs": 1,
        "distinct_pairs": 2,
        "meetings": 3,
        "tables_off_share": 4,
        "off_share_by_category": {"age": 4},
        "lower_bound": 0,
        "facilitator_repeats": 5,
        "seconds": 0.5,
        "seed": 7,
        "iterations": 8,
        "stopped_by_time": True,
    }
    text = report.to_json()
    assert json.loads(text) == data
    assert text.startswith('{\n  "repeated_pairs": 1,\n  "distinct_pairs": 2,')
    assert '\n  "off_share_by_category": {\n    "age": 4\n  },' in text


def test_table_of_a_member_at_a_sitting() -> None:
    result = TablesResult(
        ((Breakout(1, ("a",)), Breakout(2, ("b", "c"))), (Breakout(1, ("c", "b")),)),
        TablesReport(0, 0, 0, 0, {}, 0, 0, 0.0, 1, 0, False),
    )
    assert [result.table_of(1, m) for m in "abcd"] == [1, 2, 2, None]
    assert [result.table_of(2, m) for m in "abc"] == [None, 1, 1]
