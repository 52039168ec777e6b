"""sortition.tables.allocate: its arguments, errors, progress, early stop and report, each
checked so that a change to the entry point fails a test (the mutation run's selection)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from sortition.errors import ImpossibleRules
from sortition.tables import Member, Mixing, Rules, TablesResult, allocate_tables, measure
from sortition.tables.bound import repeat_lower_bound
from sortition.tables.build import build_problem


def jury(n: int, **columns: list[str]) -> list[Member]:
    return [
        Member(f"m{i:02d}", {name: values[i] for name, values in columns.items()}) for i in range(n)
    ]


def seated(result: TablesResult) -> list[list[list[str]]]:
    return [[list(b.members) for b in sitting] for sitting in result.sittings]


def facilitator_repeats_by_hand(result: TablesResult) -> int:
    had: Counter[tuple[str, str]] = Counter()
    for sitting in result.sittings:
        for b in sitting:
            if b.facilitator is not None:
                had.update((m, b.facilitator) for m in b.members)
    return sum(c - 1 for c in had.values())


# --- arguments and their errors -------------------------------------------------------------


def test_member_ids_given_twice_are_named_sorted() -> None:
    members = [Member(i) for i in ("b", "a", "b", "c", "a")]
    with pytest.raises(ValueError, match=r"^member ids appear twice: a, b$"):
        allocate_tables(members, sittings=1, tables=1)


@pytest.mark.parametrize("sittings", [0, -1])
def test_no_sittings_is_refused(sittings: int) -> None:
    with pytest.raises(ValueError, match=r"^there must be at least one sitting$"):
        allocate_tables(jury(4), sittings=sittings, tables=2)


def test_one_sitting_is_enough() -> None:
    result = allocate_tables(jury(4), sittings=1, tables=2, seed=1)
    assert len(result.sittings) == 1


def test_a_number_of_sittings_seats_everyone_at_each() -> None:
    result = allocate_tables(jury(6), sittings=3, tables=2, seed=1, steps=20)
    assert len(result.sittings) == 3
    for sitting in result.sittings:
        assert sorted(m for b in sitting for m in b.members) == [f"m{i:02d}" for i in range(6)]


def test_unknown_ids_are_named_sorted_with_their_sitting() -> None:
    with pytest.raises(ValueError, match=r"^sitting 1: not members: xa, zz$"):
        allocate_tables(jury(4), sittings=[["zz", "m00", "xa"]], tables=2)


def test_the_order_of_those_present_does_not_change_the_schedule() -> None:
    members = jury(9, g=list("xyzxyzxyz"))
    forward = [[m.id for m in members]] * 2
    backward = [list(reversed(forward[0])), set(forward[0])]
    a = allocate_tables(members, sittings=forward, tables=3, categories=["g"], seed=5, steps=40)
    b = allocate_tables(members, sittings=backward, tables=3, categories=["g"], seed=5, steps=40)
    assert a.sittings == b.sittings
    # members are listed at their table in jury order
    for sitting in a.sittings:
        for breakout in sitting:
            assert list(breakout.members) == sorted(breakout.members)


@pytest.mark.parametrize(("tables", "size"), [(None, None), (2, 3)], ids=["neither", "both"])
def test_tables_or_table_size_exactly_one_of_them(tables: int | None, size: int | None) -> None:
    with pytest.raises(ValueError, match=r"^give either the number of tables or the table size$"):
        allocate_tables(jury(4), sittings=1, tables=tables, table_size=size)


@pytest.mark.parametrize("tables", [0, -2])
def test_table_count_below_one_is_refused(tables: int) -> None:
    with pytest.raises(ValueError, match=r"^the number of tables must be at least 1$"):
        allocate_tables(jury(4), sittings=1, tables=tables)


@pytest.mark.parametrize("size", [0, -3])
def test_table_size_below_one_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match=r"^the table size must be at least 1$"):
        allocate_tables(jury(4), sittings=1, table_size=size)


def test_one_table_and_tables_of_one() -> None:
    one = allocate_tables(jury(5), sittings=2, tables=1, seed=1)
    assert [len(s) for s in one.sittings] == [1, 1]
    assert one.sittings[0][0].members == tuple(f"m{i:02d}" for i in range(5))
    singles = allocate_tables(jury(3), sittings=1, table_size=1, seed=1)
    assert sorted(len(b.members) for b in singles.sittings[0]) == [1, 1, 1]


def test_table_size_counts_the_fullest_sitting() -> None:
    members = jury(10)
    present = [[m.id for m in members][:4], [m.id for m in members]]
    result = allocate_tables(members, sittings=present, table_size=5, seed=1, steps=20)
    assert [len(s) for s in result.sittings] == [2, 2]  # ceil(10 / 5), not ceil(4 / 5)
    assert sorted(len(b.members) for b in result.sittings[0]) == [2, 2]


def test_a_table_size_above_the_jury_gives_one_table() -> None:
    result = allocate_tables(jury(4), sittings=1, table_size=9, seed=1)
    assert len(result.sittings[0]) == 1
    assert len(result.sittings[0][0].members) == 4


def test_exact_multiple_of_the_table_size() -> None:
    result = allocate_tables(jury(10), sittings=1, table_size=5, seed=1, steps=10)
    assert sorted(len(b.members) for b in result.sittings[0]) == [5, 5]


# --- categories -----------------------------------------------------------------------------


def test_a_single_category_name_is_one_category_not_its_letters() -> None:
    members = jury(6, gender=list("wwwmmm"))
    result = allocate_tables(members, sittings=2, tables=3, categories="gender", seed=1)
    assert dict(result.report.off_share_by_category) == {"gender": 0}
    for sitting in result.sittings:
        for b in sitting:  # one woman and one man at each table of two
            assert sorted(m < "m03" for m in b.members) == [False, True]


def test_categories_by_mode_name_and_by_mixing() -> None:
    members = jury(8, a=list("xxxxyyyy"), b=list("pqpqpqpq"))
    result = allocate_tables(
        members, sittings=2, tables=2, categories={"a": "strict", "b": Mixing.SOFT}, seed=3
    )
    assert set(result.report.off_share_by_category) == {"a", "b"}
    assert result.report.off_share_by_category["a"] == 0
    with pytest.raises(ValueError):
        allocate_tables(members, sittings=1, tables=2, categories={"a": "mixed"})


def test_a_soft_category_does_not_raise_the_bound_a_strict_one_does() -> None:
    members = jury(16, d=list("AAAAAAAAAAAABBBB"))
    soft = allocate_tables(members, sittings=5, tables=4, categories={"d": "soft"}, seed=1)
    strict = allocate_tables(members, sittings=5, tables=4, categories={"d": "strict"}, seed=1)
    listed = allocate_tables(members, sittings=5, tables=4, categories=["d"], seed=1)
    assert soft.report.lower_bound == 0
    assert strict.report.lower_bound == listed.report.lower_bound > 0


# --- rules checked after the search ---------------------------------------------------------


def test_keep_apart_at_one_table_names_each_sitting_where_they_met() -> None:
    members = jury(4)
    ids = [m.id for m in members]
    present = [ids, ids[2:], ids]  # both away at sitting 2: no clash there
    rules = Rules(keep_apart=(("m00", "m01"),))
    with pytest.raises(ImpossibleRules) as caught:
        allocate_tables(members, sittings=present, tables=1, rules=rules, seed=1)
    assert [str(p) for p in caught.value.problems] == [
        "keep apart m00, m01: no seating found that keeps them apart (sitting 1, 3)"
    ]


def test_keep_apart_with_one_of_the_pair_away_is_kept() -> None:
    members = jury(4)
    ids = [m.id for m in members]
    rules = Rules(keep_apart=(("m00", "m01"),))
    result = allocate_tables(members, sittings=[ids[1:]], tables=1, rules=rules, seed=1)
    assert result.table_of(1, "m00") is None


def test_groups_that_do_not_pack_into_equal_tables_are_reported() -> None:
    # three pairs kept together at two tables of three: no packing exists
    rules = Rules(keep_together=(("m00", "m01"), ("m02", "m03"), ("m04", "m05")))
    with pytest.raises(ImpossibleRules) as caught:
        allocate_tables(
            jury(6),
            sittings=[[f"m{i:02d}" for i in range(6)]] * 2,
            tables=2,
            rules=rules,
            seed=1,
            steps=50,
        )
    assert [str(p) for p in caught.value.problems] == [
        "keep together and fixed: at sitting 1 the groups kept together and the members fixed "
        "to tables do not fit into tables of equal size"
    ]


def test_groups_that_pack_only_at_the_second_sitting_name_it() -> None:
    ids = [f"m{i:02d}" for i in range(6)]
    rules = Rules(keep_together=(("m00", "m01"), ("m02", "m03"), ("m04", "m05")))
    # sitting 1: m05 away, 5 members at tables of 3 and 2: packs; sitting 2: everyone
    with pytest.raises(ImpossibleRules, match="at sitting 2 the groups"):
        allocate_tables(jury(6), sittings=[ids[:5], ids], tables=2, rules=rules, seed=1, steps=50)


# --- the search -----------------------------------------------------------------------------


def test_progress_announces_the_bound_then_done() -> None:
    calls: list[tuple[str, float | None]] = []
    members = jury(16, d=list("AAAAAAAAAAAABBBB"))
    result = allocate_tables(
        members,
        sittings=5,
        tables=4,
        categories=["d"],
        seed=1,
        progress=lambda message, fraction: calls.append((message, fraction)),
    )
    bound = result.report.lower_bound
    assert calls[0] == (f"Tables: at least {bound} repeated meetings; searching", 0.0)
    assert calls[-1] == ("Tables: done", 1.0)


def test_the_search_takes_the_steps_it_is_given() -> None:
    # 30 members at 5 tables for 4 sittings: the greedy start is above the bound
    members = jury(30, g=list("xy" * 15))
    for steps in (0, 7, 33):
        result = allocate_tables(
            members, sittings=4, tables=5, categories=["g"], seed=1, steps=steps
        )
        assert result.report.iterations == steps
        assert not result.report.stopped_by_time


def test_a_generous_time_limit_does_not_stop_the_search() -> None:
    members = jury(30, g=list("xy" * 15))
    result = allocate_tables(
        members, sittings=4, tables=5, categories=["g"], seed=1, steps=40, time_limit=600.0
    )
    assert not result.report.stopped_by_time
    assert result.report.iterations == 40


def test_the_search_stops_at_the_bound_with_repeats_in_the_history() -> None:
    # the history met every table's pairs twice; one new sitting can avoid them all
    members = jury(9)
    ids = [m.id for m in members]
    held = [ids[0:3], ids[3:6], ids[6:9]]
    result = allocate_tables(members, sittings=1, tables=3, history=[held, held], seed=4)
    assert result.report.lower_bound == 0
    assert result.report.repeated_pairs == 0
    assert result.report.iterations < 100  # stopped at the bound, long before the 1,500 steps
    # the stop happened when the bound was reached, not before: every new table mixes
    for b in result.sittings[0]:
        assert len({ids.index(m) // 3 for m in b.members}) == 3


def test_the_search_stops_at_the_bound_with_pairs_met_once_before() -> None:
    members = jury(9)
    ids = [m.id for m in members]
    held = [ids[0:3], ids[3:6], ids[6:9]]
    result = allocate_tables(members, sittings=2, tables=3, history=[held], seed=2)
    assert result.report.repeated_pairs == 0
    assert result.report.iterations < 200


def test_the_search_goes_on_while_above_the_bound() -> None:
    # 12 members at 3 tables, 4 sittings: no affine plane (3 tables hold 9), greedy start
    result = allocate_tables(jury(12), sittings=4, tables=3, seed=3, steps=300)
    assert result.report.repeated_pairs >= result.report.lower_bound
    start = allocate_tables(jury(12), sittings=4, tables=3, seed=3, steps=0)
    assert result.report.repeated_pairs <= start.report.repeated_pairs


# --- seeds ----------------------------------------------------------------------------------


def test_no_seed_draws_a_63_bit_one_that_reproduces_the_schedule() -> None:
    members = jury(12, g=list("xy" * 6))
    seeds = set()
    for _ in range(12):
        result = allocate_tables(members, sittings=2, tables=3, categories=["g"], steps=30)
        assert isinstance(result.report.seed, int)
        assert 0 <= result.report.seed < 2**63
        seeds.add(result.report.seed)
    assert len(seeds) == 12
    again = allocate_tables(
        members, sittings=2, tables=3, categories=["g"], steps=30, seed=result.report.seed
    )
    assert again.sittings == result.sittings


def test_seeds_change_the_schedule() -> None:
    members = jury(20)
    schedules = {
        str(seated(allocate_tables(members, sittings=2, tables=4, seed=s, steps=30)))
        for s in range(6)
    }
    assert len(schedules) > 1


# --- the report, recomputed -----------------------------------------------------------------


def test_the_report_agrees_with_measures_and_bound_recomputed() -> None:
    members = jury(14, g=list("ab" * 7), h=list("xxyyzzxxyyzzxx"))
    ids = [m.id for m in members]
    history = [[[*ids[:7], "gone"], ids[7:]]]
    present = [ids, ids[1:], ids[:-2]]
    rules = Rules(keep_apart=(("m00", "m01"),), keep_together=(("m02", "m03"),))
    result = allocate_tables(
        members,
        sittings=present,
        tables=3,
        categories=["g", "h"],
        rules=rules,
        history=history,
        facilitators=["F", "G"],
        seed=11,
        steps=200,
    )
    report = result.report
    features = {m.id: dict(m.features) for m in members}
    known = [[[m for m in table if m in features] for table in sitting] for sitting in history]
    figures = measure(seated(result), features, categories=["g", "h"], history=known)
    assert report.repeated_pairs == figures.repeated_pairs
    assert report.distinct_pairs == figures.distinct_pairs
    assert report.meetings == figures.meetings
    assert report.tables_off_share == figures.tables_off_share
    assert dict(report.off_share_by_category) == dict(figures.off_share_by_category)
    # meetings and distinct pairs by hand
    now: Counter[frozenset[str]] = Counter()
    for sitting in seated(result):
        for table in sitting:
            now.update(frozenset(p) for p in combinations(table, 2))
    before = {frozenset(p) for t in known[0] for p in combinations(t, 2)}
    assert report.meetings == sum(now.values())
    assert report.distinct_pairs == len(before | set(now))
    problem, _ = build_problem(
        members,
        present=present,
        tables=3,
        categories={"g": Mixing.STRICT, "h": Mixing.STRICT},
        rules=rules,
        history=history,
    )
    assert report.lower_bound == repeat_lower_bound(problem)
    assert report.facilitator_repeats == facilitator_repeats_by_hand(result)
    assert report.seed == 11
    assert 0.0 < report.seconds < 120.0
    assert report.iterations <= 200
    assert report.stopped_by_time is False
    for breakouts in result.sittings:
        assert [b.number for b in breakouts] == [1, 2, 3]
        assert sorted(b.facilitator or "" for b in breakouts if b.members) == ["", "F", "G"]


def test_facilitator_repeats_are_counted_in_the_report() -> None:
    # 2 tables, one facilitator, 3 sittings: every member meets F at least twice in 3
    result = allocate_tables(jury(4), sittings=3, tables=2, facilitators=["F"], seed=1)
    assert result.report.facilitator_repeats == facilitator_repeats_by_hand(result) > 0
    numbers = [[b.number for b in sitting] for sitting in result.sittings]
    assert numbers == [[1, 2]] * 3


# --- where the search stops (the target of `_search`) -----------------------------------------


@pytest.mark.parametrize(
    ("n", "values", "sittings", "seed"),
    [(8, "xxxxyyyy", 3, 0), (8, "xxxxyyyy", 3, 2), (6, "", 4, 1)],
)
def test_the_search_stops_exactly_at_a_positive_bound(
    n: int, values: str, sittings: int, seed: int
) -> None:
    members = jury(n, g=list(values)) if values else jury(n)
    categories = ["g"] if values else []
    start = allocate_tables(
        members, sittings=sittings, tables=2, categories=categories, seed=seed, steps=0
    )
    result = allocate_tables(members, sittings=sittings, tables=2, categories=categories, seed=seed)
    bound = result.report.lower_bound
    assert bound > 0
    assert start.report.repeated_pairs > bound  # the search had work to do
    assert result.report.repeated_pairs == bound  # it did not stop above the bound
    assert 0 < result.report.iterations < 100  # and stopped there, not at its patience


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_a_long_history_does_not_move_where_the_search_stops(seed: int) -> None:
    # the same three tables held 201 times: the history's own repeats and spread are large
    # parts of the cost; the target must count them exactly to stop at 0 new repeats
    members = jury(9)
    ids = [m.id for m in members]
    held = [ids[0:3], ids[3:6], ids[6:9]]
    start = allocate_tables(members, sittings=1, tables=3, history=[held] * 201, seed=seed, steps=0)
    result = allocate_tables(members, sittings=1, tables=3, history=[held] * 201, seed=seed)
    assert start.report.repeated_pairs > 0
    assert result.report.repeated_pairs == result.report.lower_bound == 0
    assert 0 < result.report.iterations < 100


def test_the_search_reports_its_progress_every_500_steps() -> None:
    calls: list[tuple[str, float | None]] = []
    members = jury(30, g=list("xy" * 15))
    allocate_tables(
        members,
        sittings=4,
        tables=5,
        categories=["g"],
        seed=1,
        steps=520,
        progress=lambda message, fraction: calls.append((message, fraction)),
    )
    steps = [(m, f) for m, f in calls if m.startswith("Tables: step ")]
    assert [m.split(",")[0] for m, _ in steps] == ["Tables: step 500"]
    assert steps[0][1] == pytest.approx(500 / 520)


def test_a_table_left_empty_at_the_end_is_no_packing_problem() -> None:
    # two present at three tables: table 3 stays empty (the check counts all three tables)
    result = allocate_tables(jury(4), sittings=[["m00", "m01"]], tables=3, seed=1)
    assert [len(b.members) for b in result.sittings[0]] == [1, 1, 0]
