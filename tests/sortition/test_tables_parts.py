"""sortition.tables' parts on their own: fair shares, measures, rules and their units, the
facilitators' rotation; each figure checked by hand or recomputed independently."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import combinations, permutations, product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sortition.errors import ImpossibleRules, RuleProblem
from sortition.tables.facilitators import facilitator_repeats, rotate_facilitators
from sortition.tables.fair import bounds_array, deviation, share_bounds
from sortition.tables.measures import measure, pair_counts
from sortition.tables.model import Rules
from sortition.tables.rules import (
    Unit,
    check_rules,
    merged_groups,
    raise_if_any,
    sitting_units,
)

# --- fair shares ----------------------------------------------------------------------------


def test_share_bounds_by_hand() -> None:
    # 3 of 5 x, 2 of 5 y at a table of 2: shares 1.2 and 0.8
    assert share_bounds([3, 2], 2, 5) == ([1, 0], [2, 1])
    # whole shares: floor equals ceiling
    assert share_bounds([4, 2], 3, 6) == ([2, 1], [2, 1])
    assert share_bounds([0, 7], 7, 7) == ([0, 7], [0, 7])


def test_share_bounds_with_nobody_present_are_zero() -> None:
    assert share_bounds([0, 0, 0], 3, 0) == ([0, 0, 0], [0, 0, 0])
    assert share_bounds([], 3, 0) == ([], [])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=5), st.integers(0, 12), st.data())
def test_share_bounds_are_floor_and_ceiling_of_the_exact_share(
    counts: list[int], size: int, data: st.DataObject
) -> None:
    present = data.draw(st.integers(max(1, sum(counts)), max(1, sum(counts)) + 5))
    low, high = share_bounds(counts, size, present)
    for w, lo, hi in zip(counts, low, high, strict=True):
        share = Fraction(w * size, present)
        assert lo == share.numerator // share.denominator
        assert hi == -(-share.numerator // share.denominator)


def test_bounds_array_per_sitting_and_table() -> None:
    values = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    present = np.array([[True] * 5, [True, True, False, True, False]])
    sizes = np.array([[3, 2], [2, 1]], dtype=np.int64)
    low, high = bounds_array(values, present, sizes, 3)
    assert low.shape == high.shape == (2, 2, 3)
    assert low.dtype == high.dtype == np.int64  # whole counts, compared with bincounts
    # sitting 1: 3 x, 2 y of 5; table of 3: 1.8 and 1.2; table of 2: 1.2 and 0.8
    assert low[0].tolist() == [[1, 1, 0], [1, 0, 0]]
    assert high[0].tolist() == [[2, 2, 0], [2, 1, 0]]
    # sitting 2: 2 x, 1 y of 3; table of 2: 4/3 and 2/3; table of 1: 2/3 and 1/3
    assert low[1].tolist() == [[1, 0, 0], [0, 0, 0]]
    assert high[1].tolist() == [[2, 1, 0], [1, 1, 0]]


def test_deviation_is_the_distance_outside_the_range() -> None:
    count = np.array([0, 1, 2, 3, 5])
    low = np.array([1, 1, 1, 1, 1])
    high = np.array([2, 2, 2, 2, 2])
    assert deviation(count, low, high).tolist() == [1, 0, 0, 1, 3]


# --- measures -------------------------------------------------------------------------------


def test_pair_counts_sorts_each_pair_and_counts_a_member_once_per_table() -> None:
    counts = pair_counts([[["B", "A", "B"], ["C"]], [["A", "B", "C"]]])
    assert counts == Counter({("A", "B"): 2, ("A", "C"): 1, ("B", "C"): 1})


def test_history_repeats_are_not_counted_again() -> None:
    history = [[["A", "B"]], [["A", "B"]], [["A", "B"]]]
    # A-B met three times before: meeting again is one repeat, not three
    figures = measure([[["A", "B"], ["C", "D"]]], {m: {} for m in "ABCD"}, history=history)
    assert figures.repeated_pairs == 1
    assert figures.meetings == 2
    assert figures.distinct_pairs == 2


def test_a_table_off_in_two_categories_counts_once_in_total() -> None:
    features = {
        "A": {"g": "x", "h": "p"},
        "B": {"g": "x", "h": "p"},
        "C": {"g": "y", "h": "q"},
        "D": {"g": "y", "h": "q"},
    }
    figures = measure([[["A", "B"], ["C", "D"]]], features, categories=["g", "h", "k"])
    assert figures.tables_off_share == 2
    assert dict(figures.off_share_by_category) == {"g": 2, "h": 2, "k": 0}
    mixed = measure([[["A", "C"], ["B", "D"]]], features, categories=["g", "h"])
    assert mixed.tables_off_share == 0
    assert dict(mixed.off_share_by_category) == {"g": 0, "h": 0}


def test_a_missing_value_is_a_value_of_its_own() -> None:
    features: dict[str, dict[str, str]] = {"A": {"g": "x"}, "B": {}, "C": {"g": "x"}, "D": {}}
    assert measure([[["A", "B"], ["C", "D"]]], features, categories=["g"]).tables_off_share == 0
    assert measure([[["A", "C"], ["B", "D"]]], features, categories=["g"]).tables_off_share == 2


def test_an_empty_schedule_measures_zero() -> None:
    figures = measure([], {}, categories=["g"])
    assert (figures.repeated_pairs, figures.distinct_pairs, figures.meetings) == (0, 0, 0)
    assert figures.tables_off_share == 0


schedules = st.lists(
    st.lists(st.lists(st.sampled_from("ABCDEFG"), max_size=4, unique=True), max_size=3),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(schedules, schedules)
def test_measures_agree_with_a_count_pair_by_pair(
    schedule: list[list[list[str]]], history: list[list[list[str]]]
) -> None:
    before: Counter[frozenset[str]] = Counter()
    for sitting in history:
        for table in sitting:
            before.update(frozenset(p) for p in combinations(table, 2))
    now: Counter[frozenset[str]] = Counter()
    for sitting in schedule:
        for table in sitting:
            now.update(frozenset(p) for p in combinations(table, 2))
    repeats = sum(c if before[p] else c - 1 for p, c in now.items())
    figures = measure(schedule, {m: {} for m in "ABCDEFG"}, history=history)
    assert figures.repeated_pairs == repeats
    assert figures.distinct_pairs == len(set(before) | set(now))
    assert figures.meetings == sum(now.values())


# --- rules ----------------------------------------------------------------------------------


def reasons(problems: list[RuleProblem]) -> list[str]:
    return [str(p) for p in problems]


IDS = [f"m{i}" for i in range(9)]


def test_rules_that_hold_give_no_problem() -> None:
    rules = Rules(
        keep_apart=(("m0", "m1"),),
        keep_together=(("m2", "m3"),),
        fixed=(("m4", 1), ("m5", 3), ("m2", 3)),
    )
    assert check_rules(rules, ids=IDS, tables=3, present=[IDS]) == []
    raise_if_any([])  # nothing to raise


def test_unknown_members_in_every_rule_are_named() -> None:
    rules = Rules(
        keep_apart=(("m0", "x1"),),
        keep_together=(("x2", "m1", "x3"),),
        fixed=(("x4", 2),),
    )
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "keep apart m0, x1: x1 is not a jury member",
        "keep together x2, m1, x3: x2 is not a jury member",
        "keep together x2, m1, x3: x3 is not a jury member",
        "x4 fixed to table 2: x4 is not a jury member",
    ]


def test_every_pair_with_an_unknown_member_is_named() -> None:
    rules = Rules(keep_apart=(("m0", "x1"), ("x2", "m1")))
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "keep apart m0, x1: x1 is not a jury member",
        "keep apart x2, m1: x2 is not a jury member",
    ]


def test_unknown_members_stop_the_conflict_checks() -> None:
    # x4 and m0 are fixed to the same table; x4 is unknown, so that is the only problem
    rules = Rules(keep_apart=(("m0", "x4"),), fixed=(("m0", 1), ("x4", 1)))
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "keep apart m0, x4: x4 is not a jury member",
        "x4 fixed to table 1: x4 is not a jury member",
    ]


def test_other_problems_do_not_stop_the_conflict_checks() -> None:
    rules = Rules(keep_apart=(("m0", "m0"), ("m1", "m2")), fixed=(("m1", 1), ("m2", 1)))
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "keep apart m0, m0: names the same member twice",
        "keep apart m1, m2: both are fixed to table 1",
    ]


def test_a_pair_naming_one_member_twice() -> None:
    problems = check_rules(Rules(keep_apart=(("m0", "m0"),)), ids=IDS, tables=3, present=[IDS])
    assert "keep apart m0, m0: names the same member twice" in reasons(problems)


@pytest.mark.parametrize("table", [0, 4, -1])
def test_fixed_tables_outside_the_range(table: int) -> None:
    rules = Rules(keep_apart=(("m0", "m1"),), keep_together=(("m0", "m1"),), fixed=(("m2", table),))
    # the conflicts are not checked until every table exists
    assert reasons(check_rules(rules, ids=IDS, tables=4 - 1, present=[IDS])) == [
        f"m2 fixed to table {table}: the tables are numbered 1 to 3"
    ]


@pytest.mark.parametrize("table", [1, 3])
def test_fixed_tables_at_either_end_are_fine(table: int) -> None:
    assert check_rules(Rules(fixed=(("m2", table),)), ids=IDS, tables=3, present=[IDS]) == []


def test_a_member_fixed_to_two_tables() -> None:
    rules = Rules(fixed=(("m0", 1), ("m0", 1), ("m0", 2)))
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "m0 fixed to table 2: m0 is also fixed to table 1"
    ]


def test_conflicts_between_rules_are_all_named() -> None:
    rules = Rules(
        keep_apart=(("m0", "m2"), ("m3", "m4"), ("m5", "m6")),
        keep_together=(("m0", "m1"), ("m1", "m2"), ("m7", "m8")),
        fixed=(("m3", 2), ("m4", 2), ("m5", 1), ("m6", 3), ("m7", 1), ("m8", 3)),
    )
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS])) == [
        "keep apart m0, m2: they must also be kept together",  # through m1
        "keep apart m3, m4: both are fixed to table 2",
        "keep together m7, m8: its members are fixed to different tables (1, 3)",
    ]


def test_a_group_too_big_for_a_table_only_where_it_attends() -> None:
    everyone = IDS[:6]
    rules = Rules(keep_together=(("m0", "m1", "m2", "m3"),))
    # 6 at 2 tables: 3 seats; the whole group of 4 attends sitting 1
    assert reasons(check_rules(rules, ids=IDS, tables=2, present=[everyone])) == [
        "keep together m0, m1, m2, m3: 4 members together, but no table seats more than 3"
    ]
    # sitting 1: 3 of them among 6 fit; sitting 2: 3 of them among 4 at 2 tables do not
    present = [["m0", "m1", "m2", "m4", "m5", "m6"], ["m0", "m1", "m2", "m4"]]
    assert reasons(check_rules(rules, ids=IDS, tables=2, present=present)) == [
        "keep together m0, m1, m2, m3: 3 of them attend sitting 2 and no table seats more "
        "than 2 there"
    ]
    # a group that just fits
    fits = Rules(keep_together=(("m0", "m1", "m2"),))
    assert check_rules(fits, ids=IDS, tables=2, present=[everyone]) == []


def test_a_table_with_too_many_fixed_members_counts_their_groups() -> None:
    rules = Rules(keep_together=(("m0", "m1"),), fixed=(("m0", 2), ("m2", 2)))
    assert reasons(check_rules(rules, ids=IDS, tables=3, present=[IDS[:6]])) == [
        "table 2: 3 members must sit there, but no table seats more than 2"
    ]
    assert check_rules(rules, ids=IDS, tables=3, present=[IDS[:9]]) == []


def test_raise_if_any_raises_every_problem() -> None:
    problems = [RuleProblem("a", "one"), RuleProblem("b", "two")]
    with pytest.raises(ImpossibleRules) as caught:
        raise_if_any(problems)
    assert list(caught.value.problems) == problems


def test_groups_sharing_a_member_merge_and_singletons_drop() -> None:
    groups = [("a", "b"), ("c", "d"), ("b", "c"), ("e",), ("f", "g")]
    merged = merged_groups(groups, None)
    assert sorted(sorted(g) for g in merged) == [["a", "b", "c", "d"], ["f", "g"]]
    here = merged_groups(groups, {"a", "b", "f", "e"})
    assert sorted(sorted(g) for g in here) == [["a", "b"]]


def test_sitting_units_with_fixed_tables_zero_based() -> None:
    rules = Rules(keep_together=(("a", "b"), ("c", "d")), fixed=(("b", 3), ("e", 1), ("z", 2)))
    units = sitting_units(rules, {"a", "b", "c", "d", "e"})
    assert sorted(units, key=lambda u: u.members) == [
        Unit(("a", "b"), 2),
        Unit(("c", "d"), None),
        Unit(("e",), 0),
    ]
    # b away: a alone is no group, and nothing fixes a
    assert sitting_units(rules, {"a", "c", "d"}) == [Unit(("c", "d"), None)]


# --- facilitators -----------------------------------------------------------------------------


def repeats_by_hand(seating: list[list[list[str]]], plan: list[list[str | None]]) -> int:
    had: Counter[tuple[str, str]] = Counter()
    for sitting, chosen in zip(seating, plan, strict=True):
        for table, f in zip(sitting, chosen, strict=True):
            if f is not None:
                had.update((m, f) for m in table)
    return sum(c - 1 for c in had.values())


SEATING = [[["a", "b"], ["c", "d"], ["e", "f"]]] * 3


def test_three_facilitators_rotate_without_a_repeat() -> None:
    plan = rotate_facilitators(SEATING, ["F", "G", "H"])
    assert facilitator_repeats(SEATING, plan) == 0
    for t in range(3):  # each table has each facilitator once
        assert sorted(str(plan[s][t]) for s in range(3)) == ["F", "G", "H"]


def test_facilitator_repeats_by_hand() -> None:
    plan: list[list[str | None]] = [["F", "G", None], ["F", None, "G"], ["G", "F", None]]
    # a and b have F twice (2 repeats); c, d: G then F; e, f: G once
    assert facilitator_repeats(SEATING, plan) == 2 == repeats_by_hand(SEATING, plan)
    assert facilitator_repeats(SEATING, [["F", "F", "F"]] * 3) == 12


def test_one_facilitator_goes_where_fewest_had_them() -> None:
    seating = [[["a", "b", "c"], ["d"]], [["a", "b"], ["c", "d"]]]
    plan = rotate_facilitators(seating, ["F"])
    assert [p.count("F") for p in plan] == [1, 1]
    # a local optimum of the rounds: F at a, b, c then at c, d (1 repeat); 0 exists (d first,
    # then a, b), but no single sitting's change improves on it
    assert repeats_by_hand(seating, plan) == facilitator_repeats(seating, plan) <= 1


def test_the_history_of_facilitators_is_avoided() -> None:
    seating = [[["a", "b"], ["c", "d"]]]
    plan = rotate_facilitators(seating, ["F", "G"], history=[[("a", "F"), ("b", "F")]])
    assert plan == [["G", "F"]]
    plan = rotate_facilitators(seating, ["F", "G"], history=[[("c", "F")], [("d", "F")]])
    assert plan == [["F", "G"]]


def test_empty_tables_and_no_facilitators_get_none() -> None:
    seating = [[["a", "b"], [], ["c"]]]
    plan = rotate_facilitators(seating, ["F", "G", "H"])[0]
    assert plan[1] is None
    assert plan[0] is not None and plan[2] is not None and plan[0] != plan[2]
    assert rotate_facilitators(seating, []) == [[None, None, None]]
    assert rotate_facilitators([[[], []]], ["F"]) == [[None, None]]


def test_later_rounds_improve_an_early_choice() -> None:
    # sitting by sitting, sitting 1 cannot know what sitting 2 needs; the rounds fix that
    seating = [
        [["a", "b", "c"], ["d"]],
        [["a", "b", "c", "d"], []],
        [["a", "b", "c", "d"], []],
    ]
    plan = rotate_facilitators(seating, ["F", "G"])
    brute = min(
        repeats_by_hand(seating, [list(p1), list(p2), list(p3)])
        for p1 in (("F", "G"), ("G", "F"))
        for p2 in (("F", None), ("G", None))
        for p3 in (("F", None), ("G", None))
    )
    assert facilitator_repeats(seating, plan) == brute


def best_by_brute_force(seating: list[list[list[str]]], facilitators: list[str]) -> int:
    def plans(sitting: list[list[str]]) -> list[list[str | None]]:
        k = min(len(sitting), len(facilitators))
        out = []
        for tables in permutations(range(len(sitting)), k):
            for chosen in permutations(facilitators, k):
                plan: list[str | None] = [None] * len(sitting)
                for t, f in zip(tables, chosen, strict=True):
                    plan[t] = f
                out.append(plan)
        return out

    return min(repeats_by_hand(seating, list(p)) for p in product(*(plans(s) for s in seating)))


ROUNDS_NEEDED = [
    # first pass 3 repeats, one round 2, more rounds 1 (the best)
    ([[["a", "b"], ["c"]], [["a", "c"], ["b"]], [["a"], ["b", "c"]], [["c"], ["b", "a"]]], 1),
    # 5, 4, then 3 (the best)
    (
        [
            [["c", "e", "d"], ["b", "f", "a"]],
            [["f", "d", "e", "b"], ["a", "c"]],
            [["b", "a", "f", "e"], ["c", "d"]],
            [["a", "f", "d", "c"], ["b", "e"]],
        ],
        3,
    ),
]


@pytest.mark.parametrize(("seating", "best"), ROUNDS_NEEDED)
def test_rounds_go_on_until_nothing_changes(
    seating: list[list[list[str]]], best: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert best_by_brute_force(seating, ["F"]) == best
    plan = rotate_facilitators(seating, ["F"])
    assert facilitator_repeats(seating, plan) == repeats_by_hand(seating, plan) == best
    assert all(p.count("F") == 1 for p in plan)
    # one round is not enough here: the rounds must go on while they change something
    import sortition.tables.facilitators as module

    monkeypatch.setattr(module, "ROUNDS", 1)
    assert facilitator_repeats(seating, rotate_facilitators(seating, ["F"])) > best
