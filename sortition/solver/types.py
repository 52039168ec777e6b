"""Grouping interchangeable volunteers into types.

Two volunteers are interchangeable when they have the same value in every quota category and
neither shares a household with anyone else in the pool. LEXIMIN gives interchangeable people
equal probability (its profile is unique, and swapping two of them maps optimal lotteries to
optimal lotteries), so the solvers only need to decide how many seats each type gets: a panel
becomes a *composition*, a vector of counts ``0 <= c[t] <= size[t]``.

Members of a shared household (two or more people with the same ``Person.household`` key) each
become a singleton type, and each household gets a named ``sum <= 1`` row in the panel model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sortition.model import Pool, Quota, Quotas

Composition = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TypeModel:
    """The pool seen through the quotas.

    ``members[t]`` are the ids of type ``t`` (sorted, so draws are reproducible), ``values[t]``
    its value per quota category (None where the quota file has no such value: such a type can
    never be selected), ``quota_types[q]`` the types counted by quota ``q`` of ``quotas.items``,
    and ``households`` the groups of singleton types of which at most one may sit.
    """

    k: int
    quotas: Quotas
    members: tuple[tuple[str, ...], ...]
    values: tuple[tuple[str | None, ...], ...]
    quota_types: tuple[tuple[int, ...], ...]
    households: tuple[tuple[int, ...], ...]
    # Types known to sit on no valid panel (found by the solvers, see
    # :func:`sortition.solver.leximin.without_unseatable`): their seat limit is 0, which
    # tightens the relaxation without changing the set of valid panels.
    excluded: frozenset[int] = frozenset()
    _sizes: tuple[int, ...] = field(init=False, repr=False, compare=False)

    @property
    def sizes(self) -> tuple[int, ...]:
        return self._sizes

    @property
    def n(self) -> int:
        return sum(self._sizes)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sizes", tuple(len(m) for m in self.members))

    def __len__(self) -> int:
        return len(self.members)

    @property
    def seat_limits(self) -> tuple[int, ...]:
        """The most seats each type can take: its size, or 0 when it cannot be selected."""
        return tuple(size if self.selectable(t) else 0 for t, size in enumerate(self._sizes))

    @property
    def rows(self) -> tuple[tuple[int, ...], ...]:
        """The rows of a valid panel besides its size, as the types each one counts: every
        quota (in the order of ``quotas``), then every household (in the order of
        ``households``)."""
        return (*self.quota_types, *self.households)

    @property
    def row_bounds(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The least and the most seats of each of :attr:`rows`: a quota's minimum and
        maximum, 0 and 1 for a household."""
        households = len(self.households)
        return (
            tuple(q.min for q in self.quotas) + (0,) * households,
            tuple(q.max for q in self.quotas) + (1,) * households,
        )

    def row_matrix(self) -> npt.NDArray[np.float64]:
        """:attr:`rows` as a 0/1 matrix, rows by types."""
        rows = self.rows
        matrix = np.zeros((len(rows), len(self)))
        for i, types in enumerate(rows):
            matrix[i, list(types)] = 1.0
        return matrix

    def selectable(self, t: int) -> bool:
        """False when one of the type's values has no quota row, or the type is excluded."""
        return t not in self.excluded and all(v is not None for v in self.values[t])

    def invalid(self, compositions: Sequence[Composition]) -> list[int]:
        """The positions of the compositions that break a rule, all checked at once (a
        lottery on a large pool has hundreds of panels); :meth:`violations` says which."""
        if not compositions:
            return []
        seats = np.asarray(compositions, dtype=np.int64)
        if seats.ndim != 2 or seats.shape[1] != len(self.members):
            return list(range(len(compositions)))
        bad = (seats.sum(axis=1) != self.k) | np.any(seats < 0, axis=1)
        bad |= np.any(seats > np.asarray(self.seat_limits, dtype=np.int64), axis=1)
        for types, least, most in zip(self.rows, *self.row_bounds, strict=True):
            count = seats[:, list(types)].sum(axis=1)
            bad |= (count < least) | (count > most)
        return [int(i) for i in np.flatnonzero(bad)]

    def violations(self, composition: Composition) -> list[str]:
        """Every rule the composition breaks (empty: it is a valid panel)."""
        problems: list[str] = []
        if len(composition) != len(self.members):
            return [f"composition has {len(composition)} entries for {len(self)} types"]
        if sum(composition) != self.k:
            problems.append(f"panel size {sum(composition)} is not {self.k}")
        for t, c in enumerate(composition):
            if c < 0 or c > len(self.members[t]) or (c > 0 and not self.selectable(t)):
                problems.append(f"type {t} gets {c} seats")
        for quota, types in zip(self.quotas, self.quota_types, strict=True):
            count = sum(composition[t] for t in types)
            if not quota.min <= count <= quota.max:
                problems.append(_quota_message(quota, count))
        for group in self.households:
            if sum(composition[t] for t in group) > 1:
                problems.append("two members of one household")
        return problems


def _quota_message(quota: Quota, count: int) -> str:
    return f"{quota.category} {quota.value}: {count} outside [{quota.min}, {quota.max}]"


def group_types(pool: Pool, quotas: Quotas, k: int, *, split: bool = False) -> TypeModel:
    """Group the pool into types (see the module docstring). Type order is deterministic:
    first appearance in the pool. ``split=True`` makes every person a type of their own
    (for algorithms that treat people one by one)."""
    categories = quotas.categories
    known = {(q.category, q.value) for q in quotas}
    shared = {pid for ids in pool.households().values() for pid in ids}
    groups: dict[object, list[str]] = {}
    keys: dict[object, tuple[str | None, ...]] = {}
    for person in pool:
        values = tuple(
            v if (c, v) in known else None for c in categories for v in (person.features.get(c),)
        )
        key: object = ("person", person.id) if split or person.id in shared else values
        groups.setdefault(key, []).append(person.id)
        keys[key] = values
    members = tuple(tuple(sorted(ids)) for ids in groups.values())
    values_of = tuple(keys[key] for key in groups)
    index = {c: i for i, c in enumerate(categories)}
    quota_types = tuple(
        tuple(t for t, vals in enumerate(values_of) if vals[index[q.category]] == q.value)
        for q in quotas
    )
    type_of = {pid: t for t, ids in enumerate(members) for pid in ids}
    households = tuple(
        tuple(sorted(type_of[pid] for pid in ids)) for _, ids in sorted(pool.households().items())
    )
    return TypeModel(k, quotas, members, values_of, quota_types, households)
