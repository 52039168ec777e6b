"""Members of a jury: seating a drawn panel, answers (confirm, decline, withdraw), calls.

Every change of status is one conditional UPDATE (``... WHERE status = <the status it
changes from>``), so two answers at once (the resident online and staff on the phone, or a
double submit) change a member once: the second sees :class:`AnswerRefused`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from webapp.database import changed_rows, utcnow
from webapp.extensions import db
from webapp.models import (
    CallOutcome,
    Draw,
    Invitation,
    Jury,
    Member,
    MemberCall,
    MemberStatus,
    Reply,
    User,
)
from webapp.models.members import OPEN_SEAT, SEATED


class AnswerRefused(Exception):
    """The member's status does not allow this answer (already answered, or not drawn)."""

    def __init__(self, status: MemberStatus) -> None:
        super().__init__(status)
        self.status = status


def now() -> datetime:
    return utcnow()


def _reply_ids(jury: Jury, references: Iterable[str]) -> dict[str, int]:
    refs = list(references)
    rows = db.session.execute(
        sa.select(Reply.reference, Reply.id).where(
            Reply.jury_id == jury.id, Reply.reference.in_(refs)
        )
    ).all()
    return {ref: reply_id for ref, reply_id in rows}


def seat(
    jury: Jury, draw: Draw, references: Sequence[str], *, alternates: Sequence[str] = ()
) -> None:
    """The drawn panel takes its seats: new members, or (alternates among them) moved up.
    ``alternates`` (references, in calling order) become the jury's alternates, ranked 1, 2,
    ...; alternates of an earlier draw who are not among them are no longer called (their
    rows go: they never answered anything)."""
    ids = _reply_ids(jury, [*references, *alternates])
    existing = {
        m.reply_id: m
        for m in db.session.scalars(
            sa.select(Member).where(Member.jury_id == jury.id, Member.reply_id.in_(ids.values()))
        )
    }
    for ref in references:
        member = existing.get(ids[ref])
        if member is None:
            member = Member(jury_id=jury.id, reply_id=ids[ref])
            db.session.add(member)
        elif member.status == MemberStatus.ALTERNATE:
            # Moved up: their letter and e-mail said "alternate"; the next ones say "drawn".
            member.letter_sent_at = member.paper_letter_at = None
        member.status, member.alternate_rank = MemberStatus.SELECTED, None
        member.draw_id, member.job_id = draw.id, draw.job_id
    ranked = [ids[ref] for ref in alternates if ref in ids]
    stale = sa.delete(Member).where(
        Member.jury_id == jury.id,
        Member.status == MemberStatus.ALTERNATE,
        Member.reply_id.not_in(ranked),
    )
    db.session.execute(stale.execution_options(synchronize_session=False))
    for rank, reply_id in enumerate(ranked, start=1):
        member = existing.get(reply_id)
        if member is None:
            member = Member(jury_id=jury.id, reply_id=reply_id, status=MemberStatus.ALTERNATE)
            db.session.add(member)
        elif member.status != MemberStatus.ALTERNATE:
            continue  # never reached: the lottery's pool holds no member
        member.alternate_rank = rank
        member.draw_id, member.job_id = draw.id, draw.job_id
    db.session.flush()


def _references(jury: Jury, statuses: Iterable[MemberStatus] | None) -> set[str]:
    query = (
        sa.select(Reply.reference)
        .join(Member, Member.reply_id == Reply.id)
        .where(Member.jury_id == jury.id)
    )
    if statuses is not None:
        query = query.where(Member.status.in_(list(statuses)))
    return set(db.session.scalars(query))


def seated_references(jury: Jury) -> set[str]:
    """Members who hold a seat: selected (not yet answered) or confirmed."""
    return _references(jury, SEATED)


def drawn_references(jury: Jury) -> set[str]:
    """Everyone drawn for this jury except the alternates (who stay in the pool)."""
    statuses = [s for s in MemberStatus if s != MemberStatus.ALTERNATE]
    return _references(jury, statuses)


def has_members(jury: Jury) -> bool:
    return db.session.scalar(sa.select(Member.id).filter_by(jury_id=jury.id).limit(1)) is not None


def open_seats(jury: Jury) -> int:
    return jury.panel_size - len(seated_references(jury)) if has_members(jury) else 0


def excluded_references(jury: Jury) -> set[str]:
    """Volunteers of this jury who served on an earlier year's jury within the jury's
    ``exclusion_years`` (a standing body: each renewal is one year). The same person is
    recognised by the register id of the invitation and the year of birth."""
    earlier: list[int] = []
    current = jury
    for _year in range(jury.exclusion_years):
        if current.renews_id is None:
            break
        current = db.session.get_one(Jury, current.renews_id)
        earlier.append(current.id)
    if not earlier:
        return set()
    served = set(
        db.session.execute(
            sa.select(Invitation.register_id, Reply.birth_year)
            .join(Reply, Reply.invitation_id == Invitation.id)
            .join(Member, Member.reply_id == Reply.id)
            .where(
                Member.jury_id.in_(earlier),
                Member.status.in_(
                    [MemberStatus.SELECTED, MemberStatus.CONFIRMED, MemberStatus.WITHDRAWN]
                ),
                Invitation.register_id.is_not(None),
            )
        ).all()
    )
    rows = db.session.execute(
        sa.select(Reply.reference, Invitation.register_id, Reply.birth_year)
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Reply.jury_id == jury.id)
    ).all()
    return {ref for ref, register_id, born in rows if (register_id, born) in served}


_ANSWERS = {
    # answer -> (the status it changes from, the status it gives)
    "confirm": (MemberStatus.SELECTED, MemberStatus.CONFIRMED),
    "decline": (MemberStatus.SELECTED, MemberStatus.DECLINED),
    "withdraw": (MemberStatus.CONFIRMED, MemberStatus.WITHDRAWN),
}


def answer(member: Member, action: str, *, via: str) -> None:
    """Confirm, decline or withdraw (flushed). Raises :class:`AnswerRefused` when the member
    is not in the status the answer changes (already answered, by someone else at once
    too)."""
    before, after = _ANSWERS[action]
    changed = changed_rows(
        sa.update(Member)
        .where(Member.id == member.id, Member.status == before)
        .values(status=after, answered_via=via, answered_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(member)
    if not changed:
        raise AnswerRefused(member.status)


def member_for_invitation(invitation: Invitation) -> Member | None:
    return db.session.scalar(
        sa.select(Member)
        .join(Reply, Member.reply_id == Reply.id)
        .where(Reply.invitation_id == invitation.id)
    )


def members_of(jury: Jury) -> list[Member]:
    order = sa.case((Member.alternate_rank.is_(None), 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(Reply, Member.reply_id == Reply.id)
            .where(Member.jury_id == jury.id)
            .order_by(order, Member.alternate_rank, Reply.reference)
        )
    )


def counts(jury: Jury) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Member.status, sa.func.count())
        .where(Member.jury_id == jury.id)
        .group_by(Member.status)
    ).all()
    found = {str(status): n for status, n in rows}
    return {str(s): found.get(str(s), 0) for s in MemberStatus}


@dataclass(frozen=True, slots=True)
class CallRow:
    member: Member
    calls: int
    last: MemberCall | None


def call_list(jury: Jury) -> list[CallRow]:
    """Selected members who have not answered, with a phone number: fewest calls first,
    then the longest since the last call."""
    selected = db.session.scalars(
        sa.select(Member)
        .join(Reply, Member.reply_id == Reply.id)
        .where(
            Member.jury_id == jury.id,
            Member.status == MemberStatus.SELECTED,
            Reply.phone.is_not(None),
            Reply.phone != "",
        )
        .order_by(Reply.reference)
    ).all()
    rows = []
    for member in selected:
        calls = db.session.scalars(
            sa.select(MemberCall)
            .filter_by(member_id=member.id)
            .order_by(MemberCall.called_at.desc(), MemberCall.id.desc())
        ).all()
        rows.append(CallRow(member, len(calls), calls[0] if calls else None))
    return sorted(rows, key=lambda r: (r.calls, r.last.called_at if r.last else datetime.min))


def record_call(member: Member, outcome: CallOutcome, *, note: str, user: User) -> None:
    """A call and its outcome (flushed); confirmed or declined on the phone is the
    member's answer. Raises :class:`AnswerRefused` if the member answered meanwhile."""
    if outcome in (CallOutcome.CONFIRMED, CallOutcome.DECLINED):
        answer(member, "confirm" if outcome == CallOutcome.CONFIRMED else "decline", via="staff")
    db.session.add(
        MemberCall(member_id=member.id, outcome=outcome, note=note, called_by_id=user.id)
    )
    db.session.flush()


class NoAlternate(Exception):
    """No alternate can take this seat (none left, or none fits beside the panel)."""


def seat_alternate(jury: Jury, dropout: Member) -> Member:
    """The alternate who takes the seat of ``dropout`` (a member who declined or withdrew),
    by the published calling order and the documented rule (see
    :func:`webapp.lottery.next_alternate`); flushed. Raises :class:`AnswerRefused` when the
    seat is not open (not declined or withdrawn, or taken by an alternate already) and
    :class:`NoAlternate`."""
    from webapp import lottery
    from webapp.pool import services as pool_services

    if dropout.status not in OPEN_SEAT or dropout.replaced_by_id is not None:
        raise AnswerRefused(dropout.status)
    everyone = members_of(jury)
    ranked = sorted(
        (m for m in everyone if m.status == MemberStatus.ALTERNATE and m.alternate_rank),
        key=lambda m: m.alternate_rank or 0,
    )
    people, _left_out = pool_services.pool(jury)
    chosen = lottery.next_alternate(
        people,
        pool_services.quota_rows(jury),
        panel=[m.reply.reference for m in everyone if m.status in SEATED],
        dropout=dropout.reply.reference,
        alternates=[m.reply.reference for m in ranked],
    )
    alternate = next((m for m in ranked if m.reply.reference == chosen), None)
    if alternate is None:
        raise NoAlternate
    moved = changed_rows(
        sa.update(Member)
        .where(Member.id == alternate.id, Member.status == MemberStatus.ALTERNATE)
        .values(
            status=MemberStatus.SELECTED,
            alternate_rank=None,
            letter_sent_at=None,
            paper_letter_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    taken = changed_rows(
        sa.update(Member)
        .where(Member.id == dropout.id, Member.replaced_by_id.is_(None))
        .values(replaced_by_id=alternate.id)
        .execution_options(synchronize_session=False)
    )
    if not (moved and taken):
        raise AnswerRefused(dropout.status)  # someone else seated them at the same moment
    db.session.refresh(alternate)
    db.session.refresh(dropout)
    return alternate
