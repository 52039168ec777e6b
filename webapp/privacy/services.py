"""Erasure of personal data (see the package docstring)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from webapp.database import utcnow
from webapp.extensions import db
from webapp.models import Invitation, Jury, Member, MemberCall, PhaseKind, Reply, User
from webapp.models.privacy import Erasure
from webapp.models.proposals import Proposal
from webapp.privacy import ledger

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
            first_name=None,
            last_name=None,
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


def erase_proposal_authors(proposal_ids: Sequence[int]) -> int:
    """Erase the authors' public names of these proposals and mark them erased, so that a
    re-import keeps them erased. Returns how many still had a name."""
    if not proposal_ids:
        return 0
    named: sa.CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        sa.update(Proposal)
        .where(Proposal.id.in_(proposal_ids), Proposal.author_name.is_not(None))
        .values(author_name=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id.in_(proposal_ids), Proposal.author_erased_at.is_(None))
        .values(author_erased_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    return int(named.rowcount)


def erase_jury(jury: Jury) -> tuple[int, int, int]:
    # Only replies that still hold personal data: the daily run finds nothing to do twice.
    personal = sa.or_(
        Reply.first_name.is_not(None),
        Reply.last_name.is_not(None),
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
    # The public names of proposals' authors (imported from Decidim, CONSUL or a CSV file),
    # marked erased so that a re-import does not bring them back.
    proposals = erase_proposal_authors(
        list(db.session.scalars(sa.select(Proposal.id).where(Proposal.jury_id == jury.id)))
    )
    db.session.flush()
    return len(reply_ids), len(reply_ids) + unanswered.rowcount, proposals


def erase_expired(*, today: date) -> ErasureReport:
    """Erase the personal data of every jury whose retention period ended before ``today``.
    Each jury where something was erased goes into the erasure ledger."""
    erased, replies, invitations = [], 0, 0
    for jury in db.session.scalars(sa.select(Jury).order_by(Jury.id)):
        expires = expiry_date(jury)
        if expires is not None and expires < today:
            r, i, p = erase_jury(jury)
            if r or i or p:
                erased.append(jury.id)
            replies, invitations = replies + r, invitations + i
    ledger.record(ledger.JURY, erased)
    return ErasureReport(tuple(erased), replies, invitations)


def erase_person(reference: str) -> bool:
    """Erase one resident's personal data, found by their reply reference. False when no
    reply has that reference."""
    reply_id = db.session.scalar(sa.select(Reply.id).where(Reply.reference == reference.strip()))
    if reply_id is None:
        return False
    erase_replies([reply_id])
    ledger.record(ledger.REPLIES, [reply_id])
    return True


# --- erasure on request, from the staff page ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ErasurePreview:
    """What an erasure on request would take away, shown to the staff before they confirm."""

    reply: Reply | None
    # (what, value) of each item of personal data the reply still holds
    items: tuple[tuple[str, str], ...]
    call_notes: int
    proposals: tuple[Proposal, ...]

    @property
    def empty(self) -> bool:
        return self.reply is None and not self.proposals

    @property
    def already_erased(self) -> bool:
        return self.reply is not None and not self.items and not self.call_notes


def normal_reference(text: str) -> str:
    """A reference as typed or read out (``7kd2 m9qx``) in its stored form (``7KD2-M9QX``)."""
    from webapp.replies.search import reference_prefix

    return reference_prefix(text)


def _reply_of_jury(jury: Jury, reference: str) -> Reply | None:
    wanted = normal_reference(reference)
    if not wanted:
        return None
    reply: Reply | None = db.session.scalar(
        sa.select(Reply).where(Reply.jury_id == jury.id, Reply.reference == wanted)
    )
    return reply


def _proposals_by(jury: Jury, author: str) -> list[Proposal]:
    name = " ".join(author.split()).casefold()
    if not name:
        return []
    candidates = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.jury_id == jury.id, Proposal.author_name.is_not(None))
        .order_by(Proposal.id)
    )
    return [p for p in candidates if " ".join((p.author_name or "").split()).casefold() == name]


def preview_erasure(
    jury: Jury, *, reference: str, author: str, labels: dict[str, str]
) -> ErasurePreview:
    """What :func:`erase_on_request` would erase in ``jury``: the reply with that reference
    (only in this jury) and the proposals whose author has that public name (spaces and case
    aside). ``labels`` names the items in the page's language."""
    reply = _reply_of_jury(jury, reference)
    items: list[tuple[str, str]] = []
    notes = 0
    if reply is not None:
        if reply.full_name:
            items.append((labels["name"], reply.full_name))
        if reply.email:
            items.append((labels["email"], reply.email))
        if reply.phone:
            items.append((labels["phone"], reply.phone))
        if reply.birth_year is not None:
            items.append((labels["birth_year"], str(reply.birth_year)))
        needs = [*reply.support_needs, *([reply.support_other] if reply.support_other else [])]
        if needs:
            items.append((labels["support"], ", ".join(needs)))
        if reply.availability:
            items.append((labels["availability"], str(len(reply.availability))))
        address = reply.invitation.address if reply.invitation is not None else None
        if address:
            lines = [str(address.get("addressee") or ""), *map(str, address.get("lines") or [])]
            items.append((labels["address"], " / ".join(line for line in lines if line)))
        notes = int(
            db.session.scalar(
                sa.select(sa.func.count(MemberCall.id))
                .join(Member, MemberCall.member_id == Member.id)
                .where(Member.reply_id == reply.id, MemberCall.note != "")
            )
            or 0
        )
    return ErasurePreview(reply, tuple(items), notes, tuple(_proposals_by(jury, author)))


def erase_on_request(jury: Jury, *, reference: str, author: str, user: User) -> Erasure:
    """Erase what :func:`preview_erasure` shows, and record it (who, when, how much: nothing
    about the resident). Flushes; the caller commits."""
    reply = _reply_of_jury(jury, reference)
    if reply is not None:
        erase_replies([reply.id])
        ledger.record(ledger.REPLIES, [reply.id])
    proposals = _proposals_by(jury, author)
    erase_proposal_authors([p.id for p in proposals])
    ledger.record(
        ledger.PROPOSAL_AUTHORS,
        [p.id for p in proposals],
        keys=[(jury.id, str(p.source), p.external_id) for p in proposals],
    )
    record = Erasure(
        jury_id=jury.id,
        user_id=user.id,
        replies=0 if reply is None else 1,
        proposals=len(proposals),
        # To the second, as the ledger keeps it: a record brought back is the same.
        created_at=utcnow().replace(microsecond=0),
        ledger_key=secrets.token_hex(16),
    )
    db.session.add(record)
    # The record too, so that a restore of an older backup brings it back.
    ledger.record(
        ledger.RECORD,
        [jury.id],
        audit={
            "key": record.ledger_key,
            "user": user.id,
            "replies": record.replies,
            "proposals": record.proposals,
        },
        at=record.created_at,
    )
    db.session.flush()
    return record
