"""Can the quotas be met? The engine's answer (:func:`sortition.feasibility.check_feasibility`)
in plain values: the smallest relaxation, bound by bound, and the volunteers who can be on no
panel, each with a reason the web app words in the page's language.

The engine words its own messages in English; the reasons here are structured instead, so that
the web app can translate them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sortition.errors import Relaxation, SolverError
from sortition.feasibility import check_feasibility
from sortition.model import Person, Pool, Quotas
from webapp.lottery.selection import QuotaLike, to_quotas

TIME_LIMIT = 10.0  # seconds per integer program: the check runs while the organiser waits


class Why(StrEnum):
    NO_QUOTA = "no_quota"  # their value has no quota while the category has quotas
    CLOSED = "closed"  # the maximum of their group is 0
    NO_PANEL = "no_panel"  # no valid panel includes anyone like them


# A quota as the web app holds it (for example webapp.pool.services.QuotaRow).
Bounds = QuotaLike


@dataclass(frozen=True, slots=True)
class Unplaceable:
    person_id: str
    why: Why
    category: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Feasibility:
    feasible: bool
    suggestions: tuple[Relaxation, ...]  # the engine's smallest relaxation, bound by bound
    unplaceable: tuple[Unplaceable, ...]
    engine_problems: tuple[str, ...]  # the engine's own findings (English), for the record
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
    unplaceable = tuple(_why(pool[u.person_id], quotas) for u in report.unselectable)
    return Feasibility(
        report.feasible, report.relaxations, unplaceable, tuple(str(p) for p in report.problems)
    )


def _why(person: Person, quotas: Quotas) -> Unplaceable:
    for category in quotas.categories:
        value = person.features.get(category)
        if value is None or value not in quotas.values(category):
            return Unplaceable(person.id, Why.NO_QUOTA, category, value)
    for category in quotas.categories:
        value = person.features[category]
        if quotas.get(category, value).max == 0:
            return Unplaceable(person.id, Why.CLOSED, category, value)
    return Unplaceable(person.id, Why.NO_PANEL)
