"""One-time reply codes: 12 random Crockford base-32 symbols and one check symbol.

A code is printed as ``XXXX-XXXX-XXXX-C`` and carries 60 random bits. Codes come from the
operating system's randomness (:mod:`secrets`), never from the seeded invitation draw: the seed
is public, so anything derived from it would let anyone forge a reply.

The check symbol comes from the same 32 letters and digits as the rest of the code (Crockford's
alphabet: ``0-9`` and the letters without I, L, O, U). It is the Damm check over the totally
anti-symmetric quasigroup ``x * y = 2x + y`` in the field GF(32) (built on the primitive
polynomial t^5 + t^2 + 1; "+" is XOR). A quasigroup makes every single-symbol error change the
result, and total anti-symmetry ((c * x) * y = (c * y) * x only when x = y) makes every swap of
two neighbouring symbols change it, the check symbol included. The tests prove both properties
over the whole table.

Codes issued before this check symbol ended in the value modulo 37 (Crockford's check
alphabet, which adds ``* ~ $ = U``). ``normalise_code(text, legacy=True)`` still reads them,
so that a web app can look up codes it issued earlier.

Reading is forgiving: case, spaces and hyphens are ignored, O reads as 0, I and L as 1.
"""

from __future__ import annotations

import secrets

from sortition.errors import SortitionError

DATA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LEGACY_CHECK_ALPHABET = DATA_ALPHABET + "*~$=U"
DATA_SYMBOLS = 12
CODE_LENGTH = DATA_SYMBOLS + 1
_BITS = 5 * DATA_SYMBOLS
_VALUE = {symbol: value for value, symbol in enumerate(LEGACY_CHECK_ALPHABET)}
# Crockford's decoding rules for look-alike letters; hyphens and blanks are layout only.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None, "\t": None})
# t^5 + t^2 + 1 without its leading term: multiplying by t = 2 in GF(32) shifts left and,
# when a fifth bit falls out, adds (XORs) t^2 + 1.
_REDUCTION = 0b00101


def _double(x: int) -> int:
    doubled = x << 1
    return (doubled ^ _REDUCTION) & 31 if doubled & 32 else doubled


# QUASIGROUP[x][y] = 2x XOR y: each row and each column is a permutation of 0..31.
QUASIGROUP: tuple[tuple[int, ...], ...] = tuple(
    tuple(_double(x) ^ y for y in range(32)) for x in range(32)
)

__all__ = [
    "CODE_LENGTH",
    "DATA_ALPHABET",
    "LEGACY_CHECK_ALPHABET",
    "QUASIGROUP",
    "CodeFormatError",
    "CodeTypo",
    "check_symbol",
    "damm_interim",
    "format_code",
    "generate_code",
    "generate_codes",
    "legacy_check_symbol",
    "normalise_code",
]


class CodeFormatError(SortitionError):
    """The text cannot be a reply code: wrong length or a character outside the alphabet."""


class CodeTypo(SortitionError):
    """The text has the shape of a code but its check symbol does not match: a typing error."""


def damm_interim(symbols: str) -> int:
    """The Damm interim value of canonical symbols: 0 exactly when a check symbol closes them."""
    interim = 0
    for symbol in symbols:
        interim = QUASIGROUP[interim][_VALUE[symbol]]
    return interim


def check_symbol(data: str) -> str:
    """The check symbol of 12 data symbols (canonical, upper case): the symbol c with
    interim * c = 0, which is 2 * interim."""
    return DATA_ALPHABET[_double(damm_interim(data))]


def legacy_check_symbol(data: str) -> str:
    """The check symbol of codes issued before the Damm check: the value modulo 37."""
    value = 0
    for symbol in data:
        value = value * 32 + _VALUE[symbol]
    return LEGACY_CHECK_ALPHABET[value % 37]


_PAIRS = [a + b for a in DATA_ALPHABET for b in DATA_ALPHABET]


def _encode(value: int) -> str:
    # Ten bits at a time.
    pairs = [_PAIRS[(value >> (10 * i)) & 1023] for i in range(DATA_SYMBOLS // 2 - 1, -1, -1)]
    data = "".join(pairs)
    return data + check_symbol(data)


def _printed(code: str) -> str:
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}-{code[12]}"


def format_code(canonical: str) -> str:
    """``XXXX-XXXX-XXXX-C`` from a code in any accepted spelling (validated first; codes
    with the old check symbol are accepted too)."""
    return _printed(normalise_code(canonical, legacy=True))


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


def normalise_code(text: str, *, legacy: bool = False) -> str:
    """The canonical 13-symbol form (no hyphens, upper case) of a code as someone typed it.

    Raises :class:`CodeFormatError` when the text has the wrong length or characters, and
    :class:`CodeTypo` when the shape is right but the check symbol does not match. With
    ``legacy``, a code with the old modulo-37 check symbol is accepted as well.
    """
    code = text.upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH:
        raise CodeFormatError(f"a reply code has {CODE_LENGTH} symbols, this one has {len(code)}")
    checks = LEGACY_CHECK_ALPHABET if legacy else DATA_ALPHABET
    bad = sorted({c for c in code[:DATA_SYMBOLS] if c not in DATA_ALPHABET})
    if bad or code[-1] not in checks:
        shown = bad or [code[-1]]
        raise CodeFormatError(f"a reply code cannot contain {', '.join(map(repr, shown))}")
    if code[-1] in DATA_ALPHABET and damm_interim(code) == 0:
        return code
    if legacy and legacy_check_symbol(code[:DATA_SYMBOLS]) == code[-1]:
        return code
    raise CodeTypo("this code contains a typing error: please check every symbol")
