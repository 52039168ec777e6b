"""Reply codes through the library: fresh codes, reading typed codes (the old check symbol
too), and the HMAC under which the web app stores them (never the code itself)."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from sortition.codes import (
    DATA_ALPHABET,
    CodeFormatError,
    CodeTypo,
    generate_codes,
    normalise_code,
)

__all__ = [
    "DATA_ALPHABET",
    "CodeFormatError",
    "CodeTypo",
    "code_hash",
    "new_codes",
    "read_code",
    "read_old_code",
]


def code_hash(canonical_code: str) -> str:
    """HMAC-SHA256 of a canonical code (as :func:`read_code` returns it) under CODE_HMAC_KEY."""
    key = str(current_app.config["CODE_HMAC_KEY"]).encode()
    return hmac.new(key, canonical_code.encode(), hashlib.sha256).hexdigest()


def new_codes(n: int) -> list[str]:
    """``n`` distinct fresh codes in canonical form (13 symbols, no hyphens)."""
    return [normalise_code(c) for c in generate_codes(n)]


def read_code(text: str) -> str:
    """The canonical form of a typed code. Raises :class:`CodeFormatError` (not a code) or
    :class:`CodeTypo` (the check symbol does not match)."""
    return normalise_code(text)


def read_old_code(text: str) -> str | None:
    """The canonical form of a code with either check symbol, the old one (modulo 37, issued
    before the Damm check) included; None when the text is no code under either."""
    try:
        return normalise_code(text, legacy=True)
    except (CodeFormatError, CodeTypo):
        return None
