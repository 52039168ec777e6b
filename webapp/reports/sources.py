"""Where the reports find the selection's outcome: the references of the selected and of the
confirmed members (:mod:`webapp.members.services`), and every volunteer's selection
probability in the lottery the members were drawn from (``probabilities.csv`` of the jury's
first drawn selection: the ``after`` column, the share of the m equally likely panels each
volunteer sits on). Each returns None until the jury has been drawn, and the report says that
the figures are not there yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import sqlalchemy as sa

from webapp.extensions import db
from webapp.members import services as members
from webapp.models import Draw, JobKind, Jury, MemberStatus


def selected_references(jury: Jury) -> Sequence[str] | None:
    """Reply references of the members drawn (selected, confirmed, declined or withdrawn)."""
    return _stored(jury, "selected")


def confirmed_references(jury: Jury) -> Sequence[str] | None:
    """Reply references of the members who confirmed."""
    return _stored(jury, "confirmed")


def selection_probabilities(jury: Jury) -> Sequence[float] | None:
    """Every volunteer's probability of selection in the lottery that was drawn from."""
    found = _stored(jury, "probabilities")
    return [float(p) for p in found] if found is not None else None


def _stored(jury: Jury, name: str) -> list[str] | None:
    """The one reader of the stored outcome (``selected``, ``confirmed``, ``probabilities``:
    the probabilities as their text in the published file)."""
    if not members.has_members(jury):
        return None
    if name == "selected":
        return sorted(members.drawn_references(jury))
    if name == "confirmed":
        confirmed = [
            m.reply.reference
            for m in members.members_of(jury)
            if m.status == MemberStatus.CONFIRMED
        ]
        return sorted(confirmed)
    draw = db.session.scalar(
        sa.select(Draw)
        .where(
            Draw.jury_id == jury.id, Draw.kind == JobKind.SELECTION, Draw.randomness.is_not(None)
        )
        .order_by(Draw.id)
        .limit(1)
    )
    table = (draw.files or {}).get("probabilities.csv") if draw is not None else None
    if not table:
        return None
    rows = csv.DictReader(io.StringIO(table))
    return [row["after"] for row in rows if row.get("after")]
