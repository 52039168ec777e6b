"""What a selection job draws from: the volunteers, the quotas and the number of seats.

The pool and the quotas come from :func:`webapp.pool.services.pool` and
:func:`webapp.pool.services.quota_rows`, unchanged. Left out: members of earlier years of a
standing body (see :func:`webapp.members.services.excluded_references`) and, for a
replacement, everyone already drawn for this jury except the alternates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webapp import lottery
from webapp.members import services as members
from webapp.models import JobKind, Jury
from webapp.pool import services as pool_services


@dataclass(frozen=True, slots=True)
class SelectionInputs:
    people: Sequence[pool_services.Volunteer]
    quotas: Sequence[lottery.QuotaLike]
    seats: int


def selection_inputs(jury: Jury, kind: JobKind, parameters: Mapping[str, Any]) -> SelectionInputs:
    """``parameters["relax"]`` (a replacement): the relaxations the organiser accepted,
    ``{category, value, bound, suggested}`` each, applied to the open seats' quotas."""
    people, _unknown = pool_services.pool(jury)
    excluded = members.excluded_references(jury)
    quotas = pool_services.quota_rows(jury)
    if kind == JobKind.SELECTION:
        return SelectionInputs([p for p in people if p.id not in excluded], quotas, jury.panel_size)
    seated = members.seated_references(jury)
    drawn = members.drawn_references(jury)  # every member, alternates not counted
    by_id = {p.id: p for p in people}
    seats = jury.panel_size - len(seated)
    open_quotas = lottery.open_seat_quotas(
        quotas, [by_id[ref].features for ref in seated if ref in by_id], seats=seats
    )
    relaxed = lottery.relax(open_quotas, parameters.get("relax") or [])
    remaining = [p for p in people if p.id not in excluded and p.id not in drawn]
    return SelectionInputs(remaining, relaxed, seats)
