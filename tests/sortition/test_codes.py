"""Reply codes: shape, uniqueness, forgiving reading and the check symbol's guarantees."""

from __future__ import annotations

import random
import re
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sortition.codes import (
    CHECK_ALPHABET,
    DATA_ALPHABET,
    CodeFormatError,
    CodeTypo,
    format_code,
    generate_code,
    generate_codes,
    normalise_code,
)
from sortition.errors import SortitionError

PRINTED = re.compile(
    r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z*~$=U]$"
)
data_symbols = st.text(alphabet=DATA_ALPHABET, min_size=12, max_size=12)


def _check_by_definition(data: str) -> str:
    # Independent of the module: the base-32 value of the symbols, modulo 37.
    return CHECK_ALPHABET[int("".join(f"{DATA_ALPHABET.index(c):05b}" for c in data), 2) % 37]


def test_generated_code_has_the_printed_shape_and_a_valid_check() -> None:
    code = generate_code()
    assert PRINTED.match(code), code
    canonical = code.replace("-", "")
    assert canonical[-1] == _check_by_definition(canonical[:12])
    assert normalise_code(code) == canonical


def test_generate_codes_are_unique_and_come_from_the_given_system_random() -> None:
    codes = generate_codes(20_000, rng=secrets.SystemRandom())
    assert len(codes) == len(set(codes)) == 20_000
    assert all(PRINTED.match(c) for c in codes[:500])


def test_generate_codes_stays_unique_when_the_source_repeats_itself() -> None:
    class Repeating(secrets.SystemRandom):
        def __init__(self) -> None:
            super().__init__()
            self.values = iter([7, 7, 7, 8, 7, 9])

        def getrandbits(self, k: int, /) -> int:
            return next(self.values)

    codes = generate_codes(3, rng=Repeating())
    assert len(set(codes)) == 3


def test_errors_are_sortition_errors() -> None:
    assert issubclass(CodeTypo, SortitionError)
    assert issubclass(CodeFormatError, SortitionError)


@given(data_symbols)
def test_reading_is_forgiving(data: str) -> None:
    code = data + _check_by_definition(data)
    messy = f" {code[:4].lower()} - {code[4:8]}\t{code[8:].lower()} "
    messy = messy.replace("0", "o").replace("1", random.choice("IiLl"))
    assert normalise_code(messy) == code
    assert format_code(messy) == f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12]}"


@given(data_symbols, st.integers(0, 12), st.integers(1, 36))
def test_every_single_symbol_error_is_a_typo(data: str, position: int, shift: int) -> None:
    code = data + _check_by_definition(data)
    alphabet = DATA_ALPHABET if position < 12 else CHECK_ALPHABET
    if position < 12 and shift >= 32:
        shift = shift % 31 + 1
    wrong = alphabet[(alphabet.index(code[position]) + shift) % len(alphabet)]
    typo = code[:position] + wrong + code[position + 1 :]
    with pytest.raises(CodeTypo):
        normalise_code(typo)


def test_every_single_symbol_error_is_caught_exhaustively_for_one_code() -> None:
    data = "7K3M9QXZ0A4T"
    code = data + _check_by_definition(data)
    for position in range(13):
        alphabet = DATA_ALPHABET if position < 12 else CHECK_ALPHABET
        for wrong in alphabet:
            if wrong == code[position]:
                continue
            with pytest.raises(CodeTypo):
                normalise_code(code[:position] + wrong + code[position + 1 :])


@given(data_symbols, st.integers(0, 11))
def test_every_adjacent_swap_is_a_typo(data: str, position: int) -> None:
    code = data + _check_by_definition(data)
    a, b = code[position], code[position + 1]
    if a == b:
        return  # swapping equal symbols changes nothing, so there is nothing to catch
    swapped = code[:position] + b + a + code[position + 2 :]
    if position == 11 and b not in DATA_ALPHABET:
        with pytest.raises(CodeFormatError):  # a check-only symbol moved into the data part
            normalise_code(swapped)
    else:
        with pytest.raises(CodeTypo):
            normalise_code(swapped)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ABCD-EFGH-JKMN",
        "ABCD-EFGH-JKMN-PP",
        "ABCD-EFGH-JKMU-0",
        "ABCD-EFGH-JK!N-0",
        "ABCD-EFGH-JKMN-#",
    ],
)
def test_wrong_length_or_characters_is_a_format_error_not_a_typo(text: str) -> None:
    with pytest.raises(CodeFormatError):
        normalise_code(text)
