"""Frozen value types of the table allocation: what goes in and what comes out.

A jury member sits at one table (a :class:`Breakout`) per sitting; tables are numbered from 1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class Mixing(StrEnum):
    """How a category is mixed over the tables.

    STRICT: every table holds each value between the floor and the ceiling of its fair share
    (where the numbers allow it), before anything else. SOFT: the same, but only as far as it
    costs no repeated meeting.
    """

    STRICT = "strict"
    SOFT = "soft"


@dataclass(frozen=True, slots=True)
class Member:
    """One jury member: an id and the values of the categories to mix (e.g. gender, age)."""

    id: str
    features: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rules:
    """Hard rules that every sitting keeps.

    ``keep_apart``: pairs never at the same table. ``keep_together``: groups always at one
    table (those of the group who are present). ``fixed``: (member id, table number) pairs, e.g.
    a step-free table or an interpreter's table.
    """

    keep_apart: tuple[tuple[str, str], ...] = ()
    keep_together: tuple[tuple[str, ...], ...] = ()
    fixed: tuple[tuple[str, int], ...] = ()

    def fixed_table(self) -> dict[str, int]:
        return dict(self.fixed)


@dataclass(frozen=True, slots=True)
class Breakout:
    """One table at one sitting: its number (from 1), its members, its facilitator if any."""

    number: int
    members: tuple[str, ...]
    facilitator: str | None = None


@dataclass(frozen=True, slots=True)
class TablesReport:
    """The measures of a schedule.

    ``repeated_pairs``: pair meetings at the new sittings beyond each pair's first meeting
    (counting the tables already held). ``distinct_pairs``: pairs that have met at least once,
    history included. ``meetings``: pair meetings at the new sittings. ``tables_off_share``:
    tables (over all new sittings) where some mixed category has a value outside the floor and
    ceiling of its fair share; ``off_share_by_category`` counts them per category.
    ``lower_bound``: no schedule whose tables are all within their fair share in the strict
    categories can have fewer repeated meetings. ``facilitator_repeats``: times a member has a
    facilitator they had before. ``stopped_by_time``: the time limit ended the search.
    """

    repeated_pairs: int
    distinct_pairs: int
    meetings: int
    tables_off_share: int
    off_share_by_category: Mapping[str, int]
    lower_bound: int
    facilitator_repeats: int
    seconds: float
    seed: int
    iterations: int
    stopped_by_time: bool

    def as_dict(self) -> dict[str, Any]:
        # not dataclasses.asdict: it deep-copies, and a read-only mapping cannot be copied
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["off_share_by_category"] = dict(self.off_share_by_category)
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


@dataclass(frozen=True, slots=True)
class TablesResult:
    """The schedule (``sittings[s]`` lists the tables of sitting s+1) and its measures."""

    sittings: tuple[tuple[Breakout, ...], ...]
    report: TablesReport

    def table_of(self, sitting: int, member: str) -> int | None:
        """The table number of ``member`` at ``sitting`` (from 1), None when absent."""
        for breakout in self.sittings[sitting - 1]:
            if member in breakout.members:
                return breakout.number
        return None
