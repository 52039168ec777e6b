"""Members and alternates of a jury, and the calls staff make to confirm them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.replies import Reply


class MemberStatus(StrEnum):
    SELECTED = "selected"  # drawn, not yet confirmed
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # said no before serving
    WITHDRAWN = "withdrawn"  # left after confirming
    ALTERNATE = "alternate"  # called, in rank order, when a seat is open


OPEN_SEAT = (MemberStatus.DECLINED, MemberStatus.WITHDRAWN)
SEATED = (MemberStatus.SELECTED, MemberStatus.CONFIRMED)


class Member(db.Model):  # type: ignore[name-defined,misc]
    """A volunteer drawn for a jury (one row per volunteer and jury: a unique constraint)."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("jury_id", "reply_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("selection_jobs.id", ondelete="SET NULL"))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id", ondelete="SET NULL"))
    status: Mapped[MemberStatus] = mapped_column(String(20))
    alternate_rank: Mapped[int | None]
    # "code" (the resident on the public page) or "staff" (a call or a letter keyed in).
    answered_via: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    letter_sent_at: Mapped[datetime | None]  # the outcome e-mail
    # The member code printed on the paper letter about the draw (an HMAC, never in clear, as
    # reply codes are): it confirms like the reply code. Set when the letter is made.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    paper_letter_at: Mapped[datetime | None]
    # A member who declined or withdrew: the alternate who took the seat.
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )

    reply: Mapped[Reply] = relationship()


class CallOutcome(StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"
    CALL_BACK = "call_back"
    WRONG_NUMBER = "wrong_number"


class MemberCall(db.Model):  # type: ignore[name-defined,misc]
    """One call by staff to a selected member, and how it went."""

    __tablename__ = "member_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[CallOutcome] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    called_at: Mapped[datetime] = mapped_column(server_default=func.now())
