"""The allocation of letters, the details a mutation run showed untested: what the errors
say and where, weights of 0 and below 1, float weights read as written, "=" in a stratum
name, strata without households."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sortition.errors import InputErrors
from sortition.invitations.allocation import (
    allocate,
    checked_weights,
    exact_shares,
    parse_weights,
)


def _problems(error: pytest.ExceptionInfo[InputErrors]) -> list[tuple[object, ...]]:
    return [(p.file, p.row, p.column, p.message) for p in error.value.problems]


def test_weights_text_reads_zero_halves_and_the_last_equals_sign() -> None:
    assert parse_weights("Centro=0, Usera=0.5,a=b=2") == {
        "Centro": Fraction(0),
        "Usera": Fraction(1, 2),
        "a=b": Fraction(2),
    }


@pytest.mark.parametrize("item", ["=2", "Centro", "Centro=-1", "Centro=x", "Centro=1/0"])
def test_a_bad_weight_is_named_with_its_source(item: str) -> None:
    with pytest.raises(InputErrors) as caught:
        parse_weights(f"Usera=1,{item}")
    assert _problems(caught) == [
        ("--weights", None, None, f"{item!r} is not stratum=weight (weight >= 0)")
    ]
    with pytest.raises(InputErrors) as caught:
        parse_weights(item, source="weights.txt")
    assert caught.value.problems[0].file == "weights.txt"


def test_checked_weights_say_where_and_what() -> None:
    with pytest.raises(InputErrors) as caught:
        checked_weights({"B": 1, "A": 2}, {"C": 1, "A": -1}, column="district")
    assert _problems(caught) == [
        (
            "allocation",
            None,
            "district",
            "the weights name stratum 'C', which is not in the register (strata: A, B)",
        ),
        ("allocation", None, "district", "the weight of 'A' is negative"),
    ]
    with pytest.raises(InputErrors) as caught:
        checked_weights({"A": 1}, {"A": -1}, source="register.csv")
    assert caught.value.problems[0].file == "register.csv"


def test_a_float_weight_is_the_decimal_written() -> None:
    assert checked_weights({"A": 1, "B": 1}, {"A": 0.1}) == {"A": Fraction(1, 10), "B": 1}
    shares = exact_shares({"A": 10, "B": 10}, 11, weights={"A": 0.1})
    assert shares == {"A": Fraction(1), "B": Fraction(10)}


def test_the_errors_of_n_name_their_source() -> None:
    for call in (
        lambda: exact_shares({"A": 3}, 4, source="register.csv"),
        lambda: allocate({"A": 3}, 4, source="register.csv"),
        lambda: exact_shares({"A": 3}, 1, weights={"B": 1}, source="register.csv"),
        lambda: allocate({"A": 3}, 1, weights={"B": 1}, source="register.csv"),
    ):
        with pytest.raises(InputErrors) as caught:
            call()
        assert caught.value.problems[0].file == "register.csv"
    with pytest.raises(InputErrors) as caught:
        exact_shares({"A": 3}, 4)
    assert caught.value.problems[0].file == "allocation"
    with pytest.raises(InputErrors) as caught:
        allocate({"A": 3}, 4)
    assert _problems(caught) == [
        ("allocation", None, None, "cannot send 4 letters: there are 3 households")
    ]


def test_strata_without_households_get_nothing() -> None:
    assert allocate({"A": 0, "B": 0}, 0) == {"A": 0, "B": 0}
    assert exact_shares({"A": 0, "B": 4}, 2) == {"A": 0, "B": 2}
