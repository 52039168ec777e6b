"""One-time reply codes: 12 random Crockford base-32 symbols and one mod-37 check symbol.

A code is printed as ``XXXX-XXXX-XXXX-C`` and carries 60 random bits. Codes come from the
operating system's randomness (:mod:`secrets`), never from the seeded invitation draw: the seed
is public, so anything derived from it would let anyone forge a reply.

The check symbol is the 60-bit value modulo 37, written with Crockford's check alphabet
(``0-9``, the 22 letters without I, L, O, U, then ``* ~ $ = U``). Because 37 is prime and
larger than 32, it catches every single-symbol error and every swap of two adjacent symbols.

Reading is forgiving: case, spaces and hyphens are ignored, O reads as 0, I and L as 1.
"""

from __future__ import annotations

import secrets

from sortition.errors import SortitionError

DATA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = DATA_ALPHABET + "*~$=U"
DATA_SYMBOLS = 12
CODE_LENGTH = DATA_SYMBOLS + 1
_BITS = 5 * DATA_SYMBOLS
_VALUE = {symbol: value for value, symbol in enumerate(CHECK_ALPHABET)}
# Crockford's decoding rules for look-alike letters; hyphens and blanks are layout only.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None, "\t": None})

__all__ = [
    "CHECK_ALPHABET",
    "CODE_LENGTH",
    "DATA_ALPHABET",
    "CodeFormatError",
    "CodeTypo",
    "check_symbol",
    "format_code",
    "generate_code",
    "generate_codes",
    "normalise_code",
]


class CodeFormatError(SortitionError):
    """The text cannot be a reply code: wrong length or a character outside the alphabet."""


class CodeTypo(SortitionError):
    """The text has the shape of a code but its check symbol does not match: a typing error."""


def check_symbol(data: str) -> str:
    """The check symbol of 12 data symbols (canonical, upper case)."""
    value = 0
    for symbol in data:
        value = value * 32 + _VALUE[symbol]
    return CHECK_ALPHABET[value % 37]


_PAIRS = [a + b for a in DATA_ALPHABET for b in DATA_ALPHABET]


def _encode(value: int) -> str:
    # Ten bits at a time; the check symbol is the value itself modulo 37.
    pairs = [_PAIRS[(value >> (10 * i)) & 1023] for i in range(DATA_SYMBOLS // 2 - 1, -1, -1)]
    return "".join(pairs) + CHECK_ALPHABET[value % 37]


def _printed(code: str) -> str:
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}-{code[12]}"


def format_code(canonical: str) -> str:
    """``XXXX-XXXX-XXXX-C`` from a code in any accepted spelling (validated first)."""
    return _printed(normalise_code(canonical))


def generate_code(*, rng: secrets.SystemRandom | None = None) -> str:
    """A fresh code in printed form. ``rng`` defaults to the operating system's randomness."""
    bits = (rng or secrets.SystemRandom()).getrandbits(_BITS)
    return _printed(_encode(bits))


def generate_codes(n: int, *, rng: secrets.SystemRandom | None = None) -> list[str]:
    """``n`` distinct fresh codes in printed form."""
    if n < 0:
        raise ValueError(f"cannot generate {n} codes")
    source = rng or secrets.SystemRandom()
    values: set[int] = set()
    ordered: list[int] = []
    while len(ordered) < n:
        value = source.getrandbits(_BITS)
        # A collision among 60-bit values is astronomically rare, but uniqueness is a contract.
        if value not in values:
            values.add(value)
            ordered.append(value)
    return [_printed(_encode(v)) for v in ordered]


def normalise_code(text: str) -> str:
    """The canonical 13-symbol form (no hyphens, upper case) of a code as someone typed it.

    Raises :class:`CodeFormatError` when the text has the wrong length or characters, and
    :class:`CodeTypo` when the shape is right but the check symbol does not match.
    """
    code = text.upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH:
        raise CodeFormatError(f"a reply code has {CODE_LENGTH} symbols, this one has {len(code)}")
    bad = sorted({c for c in code[:DATA_SYMBOLS] if c not in DATA_ALPHABET})
    if bad or code[-1] not in CHECK_ALPHABET:
        shown = bad or [code[-1]]
        raise CodeFormatError(f"a reply code cannot contain {', '.join(map(repr, shown))}")
    if check_symbol(code[:DATA_SYMBOLS]) != code[-1]:
        raise CodeTypo("this code contains a typing error: please check every symbol")
    return code
