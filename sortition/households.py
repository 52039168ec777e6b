"""Household keys: the one-per-household rule compares addresses after normalisation.

Volunteers type their address by hand, so "Calle Mayor 5, 2º" and "calle  mayor 5 2º" must
match: case, accents, punctuation and spacing are not part of an address's identity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# "10 A", "10-a" and "10A" are one house number (Dutch and Spanish letters after numbers).
HOUSE_LETTER = re.compile(r"(\d) ([^\W\d_])\b")
# Keeps the parts of a multi-column address apart, so that ("1", "23") and ("12", "3") differ.
PART_SEPARATOR = " | "


def normalise_part(text: str) -> str:
    """One address field in canonical form: accents stripped, case folded, every run of
    punctuation or white space turned into a single space, ends trimmed, a lone letter joined
    to the house number before it.

    >>> normalise_part("  Calle  Mayor, 5-2º  ")
    'calle mayor 5 2o'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    cleaned = " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())
    return HOUSE_LETTER.sub(r"\1\2", cleaned)


def household_key(parts: Iterable[str | None]) -> str | None:
    """The normalised key of an address given as one or more fields (street, postcode, ...).

    Missing or blank fields count as empty; returns None when every field is empty, so that
    people without an address are never grouped together.
    """
    normalised = [normalise_part(p) if p is not None else "" for p in parts]
    if not any(normalised):
        return None
    return PART_SEPARATOR.join(normalised)
