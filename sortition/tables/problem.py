"""The allocation problem as arrays: members are indices 0..n-1, sittings 0..S-1, tables
0..T-1. Built once by :func:`sortition.tables.allocate.allocate_tables`; the construction, the
search and the measures all read it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sortition.tables.fair import FloatArray, IntArray, bounds_array, deviation

BoolArray = npt.NDArray[np.bool_]

# Weights of the search's cost, in this order of priority: a keep-apart rule broken, a strict
# category off its share, a repeated meeting, a soft category off its share, meetings piling
# up on one pair (the square term spreads repeats so that no pair meets three times while
# others could meet twice).
APART_WEIGHT = 1e6
STRICT_WEIGHT = 1e3
REPEAT_WEIGHT = 1.0
SOFT_WEIGHT = 1e-2
SPREAD_WEIGHT = 1e-4


@dataclass(frozen=True, eq=False)
class Category:
    """One mixed category: ``values[i]`` is member i's value index into ``labels``;
    ``low``/``high`` (sittings, tables, values) bound each table's count."""

    name: str
    labels: tuple[str, ...]
    values: IntArray
    weight: float
    low: IntArray
    high: IntArray

    @property
    def strict(self) -> bool:
        return self.weight >= STRICT_WEIGHT

    def counts(self, assign: IntArray, tables: int) -> IntArray:
        """Counts (sittings, tables, values) of each value per table."""
        sittings = assign.shape[0]
        out = np.zeros((sittings, tables, len(self.labels)), dtype=np.int64)
        for s in range(sittings):
            here = assign[s] >= 0
            np.add.at(out[s], (assign[s][here], self.values[here]), 1)
        return out

    def off_tables(self, assign: IntArray, tables: int) -> BoolArray:
        """(sittings, tables): whether the table has some value outside its share."""
        dev = deviation(self.counts(assign, tables), self.low, self.high)
        off: BoolArray = dev.sum(axis=2) > 0
        return off


@dataclass(frozen=True, eq=False)
class Problem:
    """``present`` (sittings, members); ``sizes`` (sittings, tables) the seats of each table;
    ``history`` (members, members) how often each pair met before; ``apart`` (members,
    members) 1 for pairs kept apart; ``pinned`` (sittings, members) members the search must
    not move (fixed to a table or kept together with others)."""

    ids: tuple[str, ...]
    tables: int
    present: BoolArray
    sizes: IntArray
    history: FloatArray
    apart: FloatArray
    categories: tuple[Category, ...]
    pinned: BoolArray

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def sittings(self) -> int:
        return int(self.present.shape[0])


def make_category(
    name: str,
    labels: tuple[str, ...],
    values: IntArray,
    *,
    strict: bool,
    present: BoolArray,
    sizes: IntArray,
) -> Category:
    low, high = bounds_array(values, present, sizes, len(labels))
    weight = STRICT_WEIGHT if strict else SOFT_WEIGHT
    return Category(name, labels, values, weight, low, high)


def meeting_counts(problem: Problem, assign: IntArray) -> FloatArray:
    """How often each pair met over the history and the sittings in ``assign`` (diagonal 0)."""
    counts = problem.history.copy()
    for s in range(problem.sittings):
        z = one_hot(assign[s], problem.tables)
        counts += z @ z.T
    np.fill_diagonal(counts, 0.0)
    return counts


def one_hot(row: IntArray, tables: int) -> FloatArray:
    """(members, tables) with a 1 at each present member's table, rows of 0 for the absent."""
    z = np.zeros((row.shape[0], tables), dtype=np.float64)
    here = row >= 0
    z[np.flatnonzero(here), row[here]] = 1.0
    return z
