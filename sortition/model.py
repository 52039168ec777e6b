"""Frozen value types at the library's boundary: people, quotas, households.

Names and values here are canonical: the readers in :mod:`sortition.tabular` match the pool's
spelling to the quota file's case- and whitespace-insensitively, so the solvers compare plain
strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Person:
    """One volunteer. ``household`` is a normalised address key, or None when not known."""

    id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True, slots=True)
class Quota:
    """Inclusive bounds on how many panel members have ``value`` in ``category``.

    ``min_flex`` and ``max_flex`` are how far a relaxation may move the bounds: the lowest
    acceptable minimum and the highest acceptable maximum (None: no limit beyond 0 and k).
    """

    category: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True, slots=True)
class Quotas:
    """All quotas of a selection, in file order."""

    items: tuple[Quota, ...]

    def __iter__(self) -> Iterator[Quota]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def categories(self) -> tuple[str, ...]:
        """Category names in first-seen order."""
        return tuple(dict.fromkeys(q.category for q in self.items))

    def values(self, category: str) -> tuple[str, ...]:
        return tuple(q.value for q in self.items if q.category == category)

    def get(self, category: str, value: str) -> Quota:
        for q in self.items:
            if q.category == category and q.value == value:
                return q
        raise KeyError((category, value))


@dataclass(frozen=True, slots=True)
class Pool:
    """The volunteers a panel is drawn from. Ids are unique."""

    people: tuple[Person, ...]
    _by_id: Mapping[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {p.id: p for p in self.people}
        if len(by_id) != len(self.people):
            raise ValueError("person ids must be unique")
        object.__setattr__(self, "_by_id", by_id)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, person_id: str) -> Person:
        return self._by_id[person_id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.people)

    def households(self) -> dict[str, tuple[str, ...]]:
        """Households with two or more members: normalised address -> member ids."""
        groups: dict[str, list[str]] = {}
        for p in self.people:
            if p.household is not None:
                groups.setdefault(p.household, []).append(p.id)
        return {h: tuple(ids) for h, ids in groups.items() if len(ids) > 1}
