"""Erasure of personal data (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Invitation, Jury, Member, MemberCall, PhaseKind, Reply

Eraser = Callable[[Sequence[int]], None]
_erasers: list[Eraser] = []

ERASED = "erased"


def register_eraser(eraser: Eraser) -> Eraser:
    """Add a feature's eraser; it gets the ids of the replies being erased."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


@dataclass(frozen=True, slots=True)
class ErasureReport:
    juries: tuple[int, ...]
    replies: int
    invitations: int


def expiry_date(jury: Jury) -> date | None:
    """The day after which the jury's personal data is erased, or None while no report
    phase is planned."""
    report = next((p for p in jury.phases if p.kind == PhaseKind.REPORT), None)
    if report is None:
        return None
    return report.ends_on + timedelta(days=jury.retention_days)


def erase_replies(reply_ids: Sequence[int]) -> None:
    """Erase the personal data of these replies (flushes; the caller commits)."""
    if not reply_ids:
        return
    for eraser in _erasers:
        eraser(reply_ids)
    # Staff notes of confirmation calls may name or describe the member.
    members = sa.select(Member.id).where(Member.reply_id.in_(reply_ids))
    db.session.execute(
        sa.update(MemberCall)
        .where(MemberCall.member_id.in_(members))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Reply)
        .where(Reply.id.in_(reply_ids))
        .values(
            email=None,
            phone=None,
            birth_year=None,
            support_needs=[],
            support_other=None,
            availability={},
            extra={},
        )
        .execution_options(synchronize_session=False)
    )
    invitations = sa.select(Reply.invitation_id).where(Reply.id.in_(reply_ids))
    db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id.in_(invitations))
        .values(address=sa.null(), register_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def _erase_jury(jury: Jury) -> tuple[int, int]:
    # Only replies that still hold personal data: the daily run finds nothing to do twice.
    personal = sa.or_(
        Reply.email.is_not(None),
        Reply.phone.is_not(None),
        Reply.birth_year.is_not(None),
        Reply.support_other.is_not(None),
        Invitation.address.is_not(None),
    )
    reply_ids = list(
        db.session.scalars(
            sa.select(Reply.id)
            .join(Invitation, Reply.invitation_id == Invitation.id)
            .where(Reply.jury_id == jury.id, personal)
        )
    )
    erase_replies(reply_ids)
    # Letters that were never answered: their addresses too.
    unanswered: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        sa.update(Invitation)
        .where(Invitation.jury_id == jury.id, Invitation.address.is_not(None))
        .values(address=sa.null(), register_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return len(reply_ids), len(reply_ids) + unanswered.rowcount


def erase_expired(*, today: date) -> ErasureReport:
    """Erase the personal data of every jury whose retention period ended before ``today``."""
    erased, replies, invitations = [], 0, 0
    for jury in db.session.scalars(sa.select(Jury).order_by(Jury.id)):
        expires = expiry_date(jury)
        if expires is not None and expires < today:
            r, i = _erase_jury(jury)
            if r or i:
                erased.append(jury.id)
            replies, invitations = replies + r, invitations + i
    return ErasureReport(tuple(erased), replies, invitations)


def erase_person(reference: str) -> bool:
    """Erase one resident's personal data, found by their reply reference. False when no
    reply has that reference."""
    reply_id = db.session.scalar(sa.select(Reply.id).where(Reply.reference == reference.strip()))
    if reply_id is None:
        return False
    erase_replies([reply_id])
    return True
