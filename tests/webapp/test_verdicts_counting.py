"""The arithmetic of a plenary vote (webapp/verdicts/counting.py): worked examples, and
properties that must hold for every count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.models import Majority, Option, QuorumKind
from webapp.verdicts.counting import (
    Count,
    Decision,
    Rules,
    count_result,
    majority_required,
    quorum_required,
)

HALF_SEATED = Rules(QuorumKind.SEATED_SHARE, 50, Majority.SIMPLE)


def count(city: int, amended: int, rejected: int, abstain: int = 0, **kw: int) -> Count:
    votes = {Option.CITY_VOTE: city, Option.AMENDED: amended, Option.REJECTED: rejected}
    return Count(
        votes=votes, abstentions=abstain, seated=kw.get("seated", 30), present=kw.get("present", 25)
    )


def test_quorum_rounds_up_and_counts_the_right_base() -> None:
    assert quorum_required(HALF_SEATED, seated=25, present=10) == (13, 25)
    present = Rules(QuorumKind.PRESENT_SHARE, 75, Majority.SIMPLE)
    assert quorum_required(present, seated=25, present=10) == (8, 10)
    fixed = Rules(QuorumKind.MEMBERS, 17, Majority.SIMPLE)
    assert quorum_required(fixed, seated=25, present=10) == (17, 0)


def test_majority_needed() -> None:
    assert majority_required(Majority.SIMPLE, 20) == 11
    assert majority_required(Majority.SIMPLE, 21) == 11
    assert majority_required(Majority.TWO_THIRDS, 21) == 14
    assert majority_required(Majority.TWO_THIRDS, 20) == 14  # 13.33 rounded up
    assert majority_required(Majority.TWO_THIRDS, 3) == 2


def test_abstentions_count_for_the_quorum_not_for_the_majority() -> None:
    # 30 seated, quorum 15: 10 votes and 5 abstentions reach it; 6 of 10 votes is a majority.
    result = count_result(HALF_SEATED, count(6, 3, 1, abstain=5))
    assert result.quorum_required == 15 and result.quorum_met
    assert result.majority_required == 6
    assert result.outcome == Option.CITY_VOTE and result.carried == Option.CITY_VOTE
    # The same votes with 4 abstentions: 14 took part, no quorum.
    assert count_result(HALF_SEATED, count(6, 3, 1, abstain=4)).outcome == Decision.NO_QUORUM


def test_a_plurality_is_not_a_majority() -> None:
    result = count_result(HALF_SEATED, count(10, 8, 7))
    assert result.leader == Option.CITY_VOTE and result.outcome == Decision.NO_MAJORITY


def test_two_thirds() -> None:
    rules = Rules(QuorumKind.MEMBERS, 10, Majority.TWO_THIRDS)
    assert count_result(rules, count(0, 14, 7)).outcome == Option.AMENDED
    assert count_result(rules, count(0, 13, 7)).outcome == Decision.NO_MAJORITY


def test_a_tie_carries_nothing() -> None:
    result = count_result(Rules(QuorumKind.MEMBERS, 1, Majority.SIMPLE), count(0, 5, 5))
    assert result.leader is None and result.outcome == Decision.NO_MAJORITY


@pytest.mark.parametrize("abstain", [0, 12])
def test_nobody_voting_for_an_option_decides_nothing(abstain: int) -> None:
    result = count_result(Rules(QuorumKind.MEMBERS, 0, Majority.SIMPLE), count(0, 0, 0, abstain))
    assert result.carried is None


# No deadline: the arithmetic is microseconds, but the test machine is shared and a busy
# moment must not fail a property that holds (a DeadlineExceeded once, under the race tests).
NO_DEADLINE = settings(deadline=None)
votes = st.integers(min_value=0, max_value=200)
rules = st.builds(
    Rules,
    st.sampled_from(list(QuorumKind)),
    st.integers(min_value=0, max_value=100),
    st.sampled_from(list(Majority)),
)


@NO_DEADLINE
@given(rules, votes, votes, votes, votes, st.integers(0, 800), st.integers(0, 800))
def test_properties_of_every_count(
    r: Rules, a: int, b: int, c: int, abstain: int, seated: int, present: int
) -> None:
    result = count_result(r, count(a, b, c, abstain, seated=seated, present=present))
    tally = result.count
    # The quorum is met exactly when enough members took part.
    assert result.quorum_met == (
        tally.taking_part >= result.quorum_required and tally.taking_part > 0
    )
    if result.carried is not None:
        won = tally.votes[result.carried]
        others = [n for o, n in tally.votes.items() if o != result.carried]
        assert result.quorum_met
        assert all(won > n for n in others)  # carried means strictly the most votes
        if r.majority == Majority.SIMPLE:
            assert 2 * won > tally.for_options
        else:
            assert 3 * won >= 2 * tally.for_options
    else:
        assert result.outcome in (Decision.NO_QUORUM, Decision.NO_MAJORITY)


@NO_DEADLINE
@given(votes, votes, votes, votes, st.integers(0, 50))
def test_more_abstentions_never_change_a_carried_option(
    a: int, b: int, c: int, abstain: int, more: int
) -> None:
    r = Rules(QuorumKind.MEMBERS, 20, Majority.SIMPLE)
    before = count_result(r, count(a, b, c, abstain))
    after = count_result(r, count(a, b, c, abstain + more))
    if before.carried is not None:
        assert after.carried == before.carried  # abstaining cannot undo a majority
    if after.outcome == Decision.NO_MAJORITY:
        assert before.carried is None


@NO_DEADLINE
@given(votes, votes, votes, votes)
def test_two_thirds_is_stricter_than_simple(a: int, b: int, c: int, abstain: int) -> None:
    simple = count_result(Rules(QuorumKind.MEMBERS, 1, Majority.SIMPLE), count(a, b, c, abstain))
    two = count_result(Rules(QuorumKind.MEMBERS, 1, Majority.TWO_THIRDS), count(a, b, c, abstain))
    if two.carried is not None:
        assert simple.carried == two.carried
