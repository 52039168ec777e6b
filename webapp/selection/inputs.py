"""What a selection job draws from: the volunteers, the quotas and the seats.

The pool and the quotas come from :func:`webapp.pool.services.pool` and
:func:`webapp.pool.services.quota_rows`, unchanged. Left out: members of earlier years of a
standing body (see :func:`webapp.members.services.excluded_references`). A replacement keeps
the members who hold a seat (``members``) and leaves out everyone who declined or withdrew
(``exclude``); the library recomputes the quotas for the open seats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from webapp import lottery
from webapp.members import services as members
from webapp.models import Jury
from webapp.pool import services as pool_services


@dataclass(frozen=True, slots=True)
class SelectionInputs:
    people: Sequence[pool_services.Volunteer]
    quotas: Sequence[lottery.QuotaLike]
    members: frozenset[str] = field(default_factory=frozenset)
    exclude: frozenset[str] = field(default_factory=frozenset)


def selection_inputs(jury: Jury, parameters: Mapping[str, Any]) -> SelectionInputs:
    """``parameters["relax"]``: the relaxations the organiser accepted (``{category, value,
    bound, suggested}`` each, in the terms of the jury's quotas)."""
    people, _unknown = pool_services.pool(jury)
    excluded = members.excluded_references(jury)
    quotas = lottery.relax(pool_services.quota_rows(jury), parameters.get("relax") or [])
    seated = members.seated_references(jury)
    gone = members.drawn_references(jury) - seated
    return SelectionInputs(
        [p for p in people if p.id not in excluded],
        quotas,
        members=frozenset(seated),
        exclude=frozenset(gone),
    )
