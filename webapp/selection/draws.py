"""Draws: the committed lottery (published at once), then the public randomness, the panel
number and the members; the audit bundle.

The randomness is entered once: a conditional UPDATE (``... WHERE randomness IS NULL``) makes
a double submit, or two organisers at once, draw one panel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from webapp import lottery
from webapp.database import changed_rows
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import Draw, JobKind, Jury, SelectionJob

DEFAULT_PANELS = 1000


class AlreadyDrawn(Exception):
    """The randomness of this draw was entered before."""


class Superseded(Exception):
    """This lottery can no longer be drawn: the jury's members were drawn by another one."""


def _now_seconds() -> datetime:
    # The draw record keeps whole seconds; the bundle is made again from this time.
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def create(job: SelectionJob, committed: lottery.Committed) -> Draw:
    """The draw row of a computed, committed lottery (flushed)."""
    jury = db.session.get_one(Jury, job.jury_id)
    previous = last_drawn(jury) if job.kind == JobKind.REPLACEMENT else None
    draw = Draw(
        jury_id=job.jury_id,
        job_id=job.id,
        kind=job.kind,
        previous_id=previous.id if previous else None,
        commitment_sha256=committed.sha256,
        randomness_source=str(job.parameters["source"]),
        committed_at=_now_seconds(),
        panels=int(committed.report.get("panels", 0)),
        seats=int(committed.report.get("k", 0)),
        files=dict(committed.files),
        pseudonyms=dict(committed.pseudonyms),
        report=json_safe(committed.report),
    )
    db.session.add(draw)
    db.session.flush()
    return draw


def json_safe(value: Any) -> Any:
    """NaN and infinities become None (PostgreSQL's JSON refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def last_drawn(jury: Jury) -> Draw | None:
    """The jury's latest drawn lottery: a replacement names its commitment hash and keeps
    its pseudonyms."""
    return db.session.scalar(
        sa.select(Draw)
        .where(Draw.jury_id == jury.id, Draw.randomness.is_not(None))
        .order_by(Draw.id.desc())
        .limit(1)
    )


def draws_of(jury: Jury) -> list[Draw]:
    return list(db.session.scalars(sa.select(Draw).filter_by(jury_id=jury.id).order_by(Draw.id)))


def enter_randomness(draw: Draw, randomness: str) -> lottery.Drawn:
    """Derive the panel from ``randomness``, record it and seat the panel (flushed).

    Raises ValueError (empty randomness), :class:`AlreadyDrawn` or :class:`Superseded`.
    """
    jury = db.session.get_one(Jury, draw.jury_id)
    if draw.kind == JobKind.SELECTION and members.has_members(jury) and not draw.drawn:
        raise Superseded
    drawn_at = _now_seconds()
    outcome = lottery.draw_panel(
        draw.files, draw.pseudonyms, randomness, drawn=drawn_at.replace(tzinfo=UTC)
    )
    changed = changed_rows(
        sa.update(Draw)
        .where(Draw.id == draw.id, Draw.randomness.is_(None))
        .values(
            randomness=randomness,
            drawn_at=drawn_at,
            panel_number=outcome.panel,
            record=outcome.record,
        )
        .execution_options(synchronize_session=False)
    )
    if not changed:
        raise AlreadyDrawn
    db.session.refresh(draw)
    members.seat(jury, draw, outcome.references, alternates=outcome.alternates)
    return outcome


def bundle(draw: Draw) -> bytes:
    """The audit bundle of a drawn lottery (the same bytes every time)."""
    if draw.randomness is None or draw.drawn_at is None:
        raise AlreadyDrawn  # never reached from the views: they check draw.drawn first
    return lottery.bundle(
        draw.files, draw.pseudonyms, draw.randomness, draw.drawn_at.replace(tzinfo=UTC)
    )


def published_panel(draw: Draw) -> list[str]:
    """The pseudonyms of the drawn panel, as draw.json lists them."""
    if draw.record is None:
        return []
    selected: list[str] = json.loads(draw.record).get("selected", [])
    return selected


def published_alternates(draw: Draw) -> list[str]:
    """The pseudonyms of the alternates in calling order, as draw.json lists them (none for
    a draw made before alternates were ranked)."""
    if draw.record is None:
        return []
    alternates: list[str] = json.loads(draw.record).get("alternates", [])
    return alternates
