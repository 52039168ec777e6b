"""How reply answers become quota values: gender groups and age bands on year of birth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

DEFAULT_AGE_BANDS = (16, 30, 45, 65)
DEFAULT_GENDER = {"female": "female", "male": "male", "non_binary": "other", "undisclosed": "other"}


@dataclass(frozen=True, slots=True)
class CategoryMapping:
    """How answers become quota values: gender answer -> group, birth year -> age band.

    ``age_bands`` are the first ages of the bands: (16, 30, 45, 65) gives 16-29, 30-44,
    45-64 and 65+.
    """

    gender: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GENDER))
    age_bands: tuple[int, ...] = DEFAULT_AGE_BANDS


def category_mapping(raw: Mapping[str, Any]) -> CategoryMapping:
    """The mapping a jury stores as JSON, with defaults for whatever is missing."""
    gender = {**DEFAULT_GENDER, **{str(k): str(v) for k, v in raw.get("gender", {}).items()}}
    bands = tuple(int(b) for b in raw.get("age_bands", DEFAULT_AGE_BANDS)) or DEFAULT_AGE_BANDS
    return CategoryMapping(gender=gender, age_bands=bands)


def band_labels(bands: Sequence[int]) -> list[str]:
    """("16-29", "30-44", ..., "65+") for bands (16, 30, 45, 65)."""
    labels = [f"{lo}-{hi - 1}" for lo, hi in pairwise(bands)]
    return [*labels, f"{bands[-1]}+"]


def age_band(birth_year: int | None, *, bands: Sequence[int], year: int) -> str | None:
    """The band of someone born in ``birth_year``, aged ``year - birth_year`` (their age at
    their birthday in ``year``); None if unknown or younger than the first band."""
    if birth_year is None:
        return None
    age = year - birth_year
    labels = band_labels(bands)
    found = None
    for lo, label in zip(bands, labels, strict=True):
        if age >= lo:
            found = label
    return found
