"""Address normalisation for the one-per-household rule."""

from __future__ import annotations

import pytest

from sortition.households import household_key, normalise_part


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Calle Mayor 5", "calle mayor 5"),
        ("Calle Mayor 5", "  Calle   Mayor  5 "),
        ("Calle Mayor, 5", "Calle Mayor 5"),
        ("C/ Alcalá 12-3º", "c alcala 12 3o"),
        ("Avenida de la Constitución 12", "AVENIDA DE LA CONSTITUCION 12"),
        ("Hauptstraße 1", "hauptstrasse 1"),
        ("Kerkstraat 10A", "kerkstraat 10-a"),
    ],
)
def test_spellings_of_one_address_match(left: str, right: str) -> None:
    assert normalise_part(left) == normalise_part(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Calle Mayor 5", "Calle Mayor 6"),
        ("Kerkstraat 10A", "Kerkstraat 10B"),
        # House 12, floor 3 is not house 123: spaces between numbers are kept.
        ("Calle 12 3", "Calle 123"),
        ("Calle 12-3", "Calle 123"),
    ],
)
def test_different_addresses_stay_apart(left: str, right: str) -> None:
    assert normalise_part(left) != normalise_part(right)


def test_key_joins_the_fields_and_keeps_them_apart() -> None:
    assert household_key(["Calle 1", "28001"]) == "calle 1 | 28001"
    assert household_key(["Calle 12", "3"]) != household_key(["Calle 1", "23"])


def test_key_of_a_missing_address_is_none() -> None:
    assert household_key([None, "  ", ""]) is None
    assert household_key([]) is None


def test_a_partly_blank_address_still_has_a_key() -> None:
    assert household_key(["", "28001"]) == " | 28001"
