"""Can the quotas be met? The engine's answer (:func:`sortition.feasibility.check_feasibility`)
in plain values: the smallest relaxation, bound by bound, and the volunteers who can be on no
panel, each with a reason the web app words in the page's language.

The engine words its own messages in English and gives each a code with its parameters; the
reasons and problems here are those codes, which :mod:`webapp.quotas.wording` words in the
page's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sortition.errors import Relaxation, SolverError
from sortition.feasibility import Unselectable, UnselectableCode, check_feasibility
from sortition.model import Person, Pool
from webapp.lottery.selection import QuotaLike, to_quotas

TIME_LIMIT = 10.0  # seconds per integer program: the check runs while the organiser waits


class Why(StrEnum):
    """The library's :class:`sortition.feasibility.UnselectableCode`, as the web app words it."""

    NO_QUOTA = "no_quota"  # their value has no quota while the category has quotas
    CLOSED = "closed"  # the maximum of their group is 0
    NO_PANEL = "no_panel"  # no valid panel includes anyone like them
    NO_PANEL_HOUSEHOLD = "no_panel_household"  # nor beside their housemates


# A quota as the web app holds it (for example webapp.pool.services.QuotaRow).
Bounds = QuotaLike


@dataclass(frozen=True, slots=True)
class Unplaceable:
    """A volunteer on no panel: ``category`` and ``value`` name the group that is the reason
    (no quota, or a maximum of 0), if one is."""

    person_id: str
    why: Why
    category: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Feasibility:
    feasible: bool
    suggestions: tuple[Relaxation, ...]  # the engine's smallest relaxation, bound by bound
    unplaceable: tuple[Unplaceable, ...]
    # The engine's findings as ``{code, params, message}`` (see webapp.quotas.wording).
    engine_problems: tuple[dict[str, Any], ...]
    timed_out: bool = False


def check(
    people: Sequence[tuple[str, Mapping[str, str]]],
    bounds: Sequence[Bounds],
    panel_size: int,
    *,
    households: Mapping[str, str | None] | None = None,
    time_limit: float = TIME_LIMIT,
) -> Feasibility:
    """Whether a panel of ``panel_size`` from ``people`` ((id, {category: value})) can meet
    ``bounds`` and the household rule (``households``: id -> household label; volunteers
    sharing one are never both drawn); if not, the smallest relaxation; and who can be on no
    panel, with why."""
    homes = households or {}
    pool = Pool(
        tuple(Person(pid, dict(features), household=homes.get(pid)) for pid, features in people)
    )
    quotas = to_quotas(bounds)
    try:
        report = check_feasibility(pool, quotas, panel_size, time_limit=time_limit)
    except SolverError:
        return Feasibility(False, (), (), (), timed_out=True)
    unplaceable = tuple(_why(pool[u.person_id], u) for u in report.unselectable)
    return Feasibility(
        report.feasible,
        report.relaxations,
        unplaceable,
        tuple(p.as_dict() for p in report.problems),
    )


def _why(person: Person, found: Unselectable) -> Unplaceable:
    """The library's code and parameters as the web app's :class:`Unplaceable`."""
    code = UnselectableCode(found.code)
    if code == UnselectableCode.NO_QUOTA:
        category = str(found.params["categories"][0])
        return Unplaceable(person.id, Why.NO_QUOTA, category, person.features.get(category))
    if code == UnselectableCode.CLOSED:
        category, value = found.params["groups"][0]
        return Unplaceable(person.id, Why.CLOSED, str(category), str(value))
    return Unplaceable(person.id, Why(str(code)))
