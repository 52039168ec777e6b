"""From the organiser's terms (ids, categories, who is present, rules, earlier tables) to the
arrays of :class:`~sortition.tables.problem.Problem`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from sortition.tables.fair import FloatArray, IntArray
from sortition.tables.model import Member, Mixing, Rules
from sortition.tables.problem import Category, Problem, make_category
from sortition.tables.rules import Unit, sitting_units

History = Sequence[Sequence[Sequence[str]]]


def build_problem(
    members: Sequence[Member],
    *,
    present: Sequence[Collection[str]],
    tables: int,
    categories: Mapping[str, Mixing],
    rules: Rules,
    history: History,
) -> tuple[Problem, list[list[Unit]]]:
    """The problem and, per sitting, its pinned units (see :func:`sitting_units`)."""
    ids = tuple(m.id for m in members)
    index = {pid: i for i, pid in enumerate(ids)}
    n, sittings = len(ids), len(present)
    here = np.zeros((sittings, n), dtype=np.bool_)
    for s, attending in enumerate(present):
        here[s, [index[pid] for pid in attending]] = True
    units = [sitting_units(rules, set(attending)) for attending in present]
    sizes = np.stack([_sizes(int(here[s].sum()), tables, units[s], s) for s in range(sittings)])
    pinned = np.zeros((sittings, n), dtype=np.bool_)
    for s, sitting in enumerate(units):
        for unit in sitting:
            pinned[s, [index[m] for m in unit.members]] = True
    apart = np.zeros((n, n), dtype=np.float64)
    for a, b in rules.keep_apart:
        apart[index[a], index[b]] = apart[index[b], index[a]] = 1.0
    problem = Problem(
        ids=ids,
        tables=tables,
        present=here,
        sizes=sizes,
        history=history_counts(history, index),
        apart=apart,
        categories=tuple(
            _category(name, mode, members, here, sizes) for name, mode in categories.items()
        ),
        pinned=pinned,
    )
    return problem, units


def history_counts(history: History, index: Mapping[str, int]) -> FloatArray:
    """How often each pair of current members met at the tables already held (ids that are
    no longer members are left out)."""
    n = len(index)
    counts = np.zeros((n, n), dtype=np.float64)
    for sitting in history:
        for table in sitting:
            seated = [index[m] for m in dict.fromkeys(table) if m in index]
            counts[np.ix_(seated, seated)] += 1.0
    np.fill_diagonal(counts, 0.0)
    return counts


def _sizes(attending: int, tables: int, units: Sequence[Unit], sitting: int) -> IntArray:
    """Seats per table, as equal as possible: the extra seats go to the tables with most
    fixed members first, then in turn from sitting to sitting."""
    base, extra = divmod(attending, tables)
    load = [0] * tables
    for unit in units:
        if unit.table is not None:
            load[unit.table] += len(unit.members)
    order = sorted(range(tables), key=lambda t: (-load[t], (t - sitting) % tables))
    sizes = np.full(tables, base, dtype=np.int64)
    sizes[order[:extra]] += 1
    return sizes


def _category(
    name: str,
    mode: Mixing,
    members: Sequence[Member],
    present: np.ndarray,
    sizes: IntArray,
) -> Category:
    raw = [m.features.get(name, "") for m in members]
    labels = tuple(sorted(set(raw)))
    lookup = {label: i for i, label in enumerate(labels)}
    values = np.array([lookup[v] for v in raw], dtype=np.int64)
    return make_category(
        name, labels, values, strict=mode is Mixing.STRICT, present=present, sizes=sizes
    )
