"""Reply codes, the details a mutation run showed untested: every bit of the random value
reaches the code, zero codes is an empty list, and each error says what is wrong."""

from __future__ import annotations

import pytest

from sortition.codes import (
    DATA_ALPHABET,
    CodeFormatError,
    CodeTypo,
    generate_code,
    generate_codes,
    normalise_code,
)


class Bits:
    """A stand-in for SystemRandom that returns the given values in turn."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)

    def getrandbits(self, k: int) -> int:
        assert k == 60
        return self.values.pop(0)


@pytest.mark.parametrize("bit", range(60))
def test_every_bit_of_the_random_value_changes_the_code(bit: int) -> None:
    zero, flipped = generate_codes(2, rng=Bits(0, 1 << bit))  # type: ignore[arg-type]
    assert zero != flipped
    assert zero == generate_code(rng=Bits(0))  # type: ignore[arg-type]
    assert normalise_code(flipped)  # a valid code


def test_zero_codes_is_an_empty_list_and_fewer_is_refused() -> None:
    assert generate_codes(0) == []
    with pytest.raises(ValueError, match="cannot generate -1 codes"):
        generate_codes(-1)


def test_each_error_says_what_is_wrong() -> None:
    with pytest.raises(CodeFormatError, match=r"^a reply code has 13 symbols, this one has 3$"):
        normalise_code("ABC")
    valid = normalise_code(generate_code())
    with pytest.raises(CodeFormatError, match=r"^a reply code cannot contain '\*'$"):
        normalise_code(valid[:12] + "*")  # a legacy check symbol, without legacy
    with pytest.raises(CodeFormatError, match=r"^a reply code cannot contain '#', 'U'$"):
        normalise_code("U#" + valid[2:])
    wrong = next(c for c in DATA_ALPHABET if c != valid[-1])
    with pytest.raises(CodeTypo) as typo:
        normalise_code(valid[:12] + wrong)
    assert str(typo.value) == "this code contains a typing error: please check every symbol"
