"""Reply codes: shape, uniqueness, forgiving reading and the check symbol's guarantees."""

from __future__ import annotations

import itertools
import random
import re
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sortition.codes import (
    DATA_ALPHABET,
    LEGACY_CHECK_ALPHABET,
    QUASIGROUP,
    CodeFormatError,
    CodeTypo,
    check_symbol,
    format_code,
    generate_code,
    generate_codes,
    normalise_code,
)
from sortition.errors import SortitionError

SYMBOL = "[0-9A-HJKMNP-TV-Z]"
PRINTED = re.compile(rf"^{SYMBOL}{{4}}-{SYMBOL}{{4}}-{SYMBOL}{{4}}-{SYMBOL}$")
data_symbols = st.text(alphabet=DATA_ALPHABET, min_size=12, max_size=12)


def _gf32_times(a: int, b: int) -> int:
    # Multiplication in GF(2)[t] / (t^5 + t^2 + 1), bit by bit, independent of the module.
    product = 0
    for bit in range(5):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(9, 4, -1):
        if product >> bit & 1:
            product ^= 0b100101 << (bit - 5)
    return product


def _check_by_definition(data: str) -> str:
    # Damm's algorithm, written out: interim = 2 * interim + symbol, then c = 2 * interim.
    interim = 0
    for symbol in data:
        interim = _gf32_times(2, interim) ^ DATA_ALPHABET.index(symbol)
    return DATA_ALPHABET[_gf32_times(2, interim)]


def _legacy_code(data: str) -> str:
    # The old check symbol: the base-32 value of the symbols, modulo 37.
    value = int("".join(f"{DATA_ALPHABET.index(c):05b}" for c in data), 2)
    return data + LEGACY_CHECK_ALPHABET[value % 37]


def test_the_table_is_a_quasigroup() -> None:
    # Each row and each column a permutation: every single-symbol error changes the interim.
    full = set(range(32))
    assert all(set(row) == full for row in QUASIGROUP)
    assert all({QUASIGROUP[x][y] for x in range(32)} == full for y in range(32))


def test_the_table_is_totally_anti_symmetric() -> None:
    # (c*x)*y == (c*y)*x only for x == y, over all 32^3 triples: every swap of neighbours
    # changes the interim, whatever came before.
    for c, x, y in itertools.product(range(32), repeat=3):
        if x != y:
            assert QUASIGROUP[QUASIGROUP[c][x]][y] != QUASIGROUP[QUASIGROUP[c][y]][x], (c, x, y)


def test_the_table_is_multiplication_by_two_plus_the_symbol() -> None:
    for x, y in itertools.product(range(32), repeat=2):
        assert QUASIGROUP[x][y] == _gf32_times(2, x) ^ y


def test_generated_code_has_the_printed_shape_and_a_valid_check() -> None:
    code = generate_code()
    assert PRINTED.match(code), code
    canonical = code.replace("-", "")
    assert canonical[-1] == _check_by_definition(canonical[:12]) == check_symbol(canonical[:12])
    assert normalise_code(code) == canonical


def test_every_check_symbol_is_a_letter_or_a_digit() -> None:
    codes = generate_codes(5_000)
    assert all(c[-1].isalnum() and c[-1] in DATA_ALPHABET for c in codes)
    # All 32 symbols occur as check symbols, evenly enough: no symbol is favoured.
    assert {c[-1] for c in codes} == set(DATA_ALPHABET)


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


@given(data_symbols)
def test_every_single_symbol_error_is_caught(data: str) -> None:
    # Every position, every other symbol of the alphabet: 13 x 31 typos of a random code.
    code = data + _check_by_definition(data)
    for position in range(13):
        for wrong in DATA_ALPHABET:
            if wrong != code[position]:
                with pytest.raises(CodeTypo):
                    normalise_code(code[:position] + wrong + code[position + 1 :])


@given(data_symbols)
def test_every_adjacent_swap_is_caught(data: str) -> None:
    # Every swap of neighbours, the check symbol with the last data symbol included.
    code = data + _check_by_definition(data)
    for position in range(12):
        a, b = code[position], code[position + 1]
        if a != b:  # swapping equal symbols changes nothing, so there is nothing to catch
            with pytest.raises(CodeTypo):
                normalise_code(code[:position] + b + a + code[position + 2 :])


@given(data_symbols)
def test_old_codes_are_read_only_when_asked(data: str) -> None:
    old = _legacy_code(data)
    assert normalise_code(old, legacy=True) == old
    assert format_code(old) == f"{old[:4]}-{old[4:8]}-{old[8:12]}-{old[12]}"
    if old[-1] not in DATA_ALPHABET:
        with pytest.raises(CodeFormatError):
            normalise_code(old)
    elif old[-1] != _check_by_definition(data):
        with pytest.raises(CodeTypo):
            normalise_code(old)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ABCD-EFGH-JKMN",
        "ABCD-EFGH-JKMN-PP",
        "ABCD-EFGH-JKMU-0",
        "ABCD-EFGH-JK!N-0",
        "ABCD-EFGH-JKMN-#",
        "ABCD-EFGH-JKMN-*",
    ],
)
def test_wrong_length_or_characters_is_a_format_error_not_a_typo(text: str) -> None:
    with pytest.raises(CodeFormatError):
        normalise_code(text)
