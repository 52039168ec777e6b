"""Letters per stratum (sortition.invitations.allocation): the cases a mutation run found
unexercised (issue 10, finding 11): capping at a stratum's households, also when capping one
stratum makes another reach its households; zero and negative weights; negative and zero n."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sortition.errors import InputErrors
from sortition.invitations.allocation import allocate, checked_weights, exact_shares


def test_capping_cascades_until_no_stratum_exceeds_its_households() -> None:
    # Round 1: A's share 10*100/260 > 1, capped at 1. Round 2 (9 left over B and C): B's share
    # 9*60/160 = 3.375 > 3, capped at 3. Round 3: C gets the remaining 6.
    households = {"A": 1, "B": 3, "C": 100}
    weights = {"A": 100, "B": 20}
    assert exact_shares(households, 10, weights=weights) == {
        "A": Fraction(1),
        "B": Fraction(3),
        "C": Fraction(6),
    }
    assert allocate(households, 10, weights=weights) == {"A": 1, "B": 3, "C": 6}


def test_a_capped_stratum_gets_exactly_its_households_and_the_rest_is_shared_again() -> None:
    # A is full; the 7 letters left are shared 3:4 between B and C by households.
    shares = exact_shares({"A": 3, "B": 30, "C": 40}, 10, weights={"A": 50})
    assert shares == {"A": Fraction(3), "B": Fraction(3), "C": Fraction(4)}
    assert sum(shares.values()) == 10


def test_every_household_invited_when_n_equals_them() -> None:
    assert allocate({"A": 3, "B": 5}, 8) == {"A": 3, "B": 5}
    assert allocate({"A": 3, "B": 5}, 8, weights={"A": 7}) == {"A": 3, "B": 5}


def test_a_weight_of_zero_sends_no_letters_and_limits_n() -> None:
    assert allocate({"A": 10, "B": 10}, 10, weights={"A": 0}) == {"A": 0, "B": 10}
    with pytest.raises(InputErrors) as caught:
        allocate({"A": 10, "B": 10}, 11, weights={"A": 0})
    assert "cannot send 11 letters: there are 10 households in strata with a weight above 0" in str(
        caught.value
    )


def test_all_weights_zero_allow_only_zero_letters() -> None:
    assert allocate({"A": 4, "B": 4}, 0, weights={"A": 0, "B": 0}) == {"A": 0, "B": 0}
    with pytest.raises(InputErrors, match="there are 0 households"):
        allocate({"A": 4, "B": 4}, 1, weights={"A": 0, "B": 0})


def test_a_negative_weight_is_refused_and_named() -> None:
    with pytest.raises(InputErrors) as caught:
        allocate({"A": 4, "B": 4}, 2, weights={"A": -1})
    assert "the weight of 'A' is negative" in str(caught.value)
    with pytest.raises(InputErrors, match="is negative"):
        checked_weights({"A": 4}, {"A": Fraction(-1, 2)})
    assert checked_weights({"A": 4, "B": 1}, {"A": 0.5}) == {"A": Fraction(1, 2), "B": 1}


def test_a_negative_n_is_refused_and_zero_sends_nothing() -> None:
    with pytest.raises(InputErrors) as caught:
        allocate({"A": 4, "B": 4}, -1)
    assert "cannot send -1 letters: there are 8 households" in str(caught.value)
    assert allocate({"A": 4, "B": 4}, 0) == {"A": 0, "B": 0}


def test_more_letters_than_households_is_refused() -> None:
    with pytest.raises(InputErrors, match=r"cannot send 9 letters: there are 8 households$"):
        allocate({"A": 4, "B": 4}, 9)


def test_an_empty_stratum_gets_nothing() -> None:
    assert allocate({"A": 0, "B": 6}, 3, weights={"A": 5}) == {"A": 0, "B": 3}
