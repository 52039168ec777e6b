"""The table plan of one sitting through :mod:`sortition.tables`: members (ids and category
values) in, tables and their measures out.

A sitting's plan is one sitting of the library's schedule; the plans of the jury's earlier
sittings are its history, so that members meet people they have not met yet. Facilitators
rotate so that members get one they have not had. Ids are plain strings (the web app passes
member and user ids); no names cross this bridge.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sortition.tables import Member, Mixing, allocate_tables, measure
from sortition.tables.facilitators import facilitator_repeats, rotate_facilitators

# Modes a category may be mixed with; "off" leaves it out.
MODES = (Mixing.STRICT.value, Mixing.SOFT.value, "off")
Tables = Sequence[Sequence[str]]  # the tables of one sitting, each a sequence of member ids


@dataclass(frozen=True, slots=True)
class Earlier:
    """An earlier sitting's plan: its tables and each table's facilitator (None: none)."""

    tables: tuple[tuple[str, ...], ...]
    facilitators: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Made:
    """A plan: ``tables[t]`` lists the members of table t+1; ``facilitators[t]`` its
    facilitator; ``report`` the library's measures (TablesReport.as_dict)."""

    tables: tuple[tuple[str, ...], ...]
    facilitators: tuple[str | None, ...]
    report: dict[str, Any]


def new_seed() -> int:
    """A fresh seed (63 bits: it fits a signed 64-bit integer and is stored as text)."""
    return secrets.randbits(63)


def make_plan(
    features: Mapping[str, Mapping[str, str]],
    *,
    table_size: int,
    categories: Mapping[str, str],
    history: Sequence[Earlier] = (),
    facilitators: Sequence[str] = (),
    seed: int,
    time_limit: float | None,
) -> Made:
    """Seat the members (``features``: id -> {category: value}, in a stable order) at tables
    of at most ``table_size``, mixed on ``categories`` (key -> "strict" | "soft" | "off").
    The same inputs and seed give the same plan unless the time limit stops the search
    (``report["stopped_by_time"]`` says so)."""
    members = [Member(pid, dict(values)) for pid, values in features.items()]
    mixed = _mixed(categories)
    result = allocate_tables(
        members,
        sittings=1,
        table_size=table_size,
        categories=mixed,
        history=[earlier.tables for earlier in history],
        seed=seed,
        time_limit=time_limit,
    )
    tables = tuple(tuple(b.members) for b in result.sittings[0])
    chosen = _rotate(tables, facilitators, history)
    report = result.report.as_dict()
    report["facilitator_repeats"] = _facilitator_repeats(tables, chosen, history)
    return Made(tables, chosen, report)


def measures(
    tables: Tables,
    features: Mapping[str, Mapping[str, str]],
    *,
    categories: Mapping[str, str],
    history: Sequence[Earlier] = (),
    facilitators: Sequence[str | None] = (),
) -> dict[str, Any]:
    """The measures of a plan as it stands (after moves by hand): repeated meetings (history
    counted), distinct pairs met, meetings, tables off their fair share (per category), and
    members who have a facilitator they had before."""
    seating = [[m for m in table if m in features] for table in tables]
    known = [[[m for m in table if m in features] for table in e.tables] for e in history]
    figures = measure([seating], features, categories=list(_mixed(categories)), history=known)
    chosen = tuple(facilitators) or (None,) * len(seating)
    return {
        "repeated_pairs": figures.repeated_pairs,
        "distinct_pairs": figures.distinct_pairs,
        "meetings": figures.meetings,
        "tables_off_share": figures.tables_off_share,
        "off_share_by_category": dict(figures.off_share_by_category),
        "facilitator_repeats": _facilitator_repeats(seating, chosen, history),
    }


def _mixed(categories: Mapping[str, str]) -> dict[str, Mixing]:
    return {key: Mixing(mode) for key, mode in categories.items() if mode != "off"}


def _rotate(
    tables: Tables, facilitators: Sequence[str], history: Sequence[Earlier]
) -> tuple[str | None, ...]:
    if not facilitators:
        return (None,) * len(tables)
    seen = [
        [(m, f) for table, f in zip(e.tables, e.facilitators, strict=False) if f for m in table]
        for e in history
    ]
    plan = rotate_facilitators([[list(t) for t in tables]], list(facilitators), history=seen)
    return tuple(plan[0])


def _facilitator_repeats(
    tables: Tables, chosen: Sequence[str | None], history: Sequence[Earlier]
) -> int:
    """Times a member at this sitting has a facilitator they had at an earlier one."""
    past = [e for e in history if any(e.facilitators)]
    seating = [[list(t) for t in e.tables] for e in past] + [[list(t) for t in tables]]
    plan = [list(_padded(e.facilitators, len(e.tables))) for e in past] + [
        list(_padded(chosen, len(tables)))
    ]
    before = facilitator_repeats(seating[:-1], plan[:-1]) if past else 0
    return facilitator_repeats(seating, plan) - before


def _padded(chosen: Sequence[str | None], n: int) -> tuple[str | None, ...]:
    return (tuple(chosen) + (None,) * n)[:n]
