"""What happens at a sitting: who came (attendance), where (the venue), what is on it (the
proposals, the agenda, the documents for members), the members' calendar links and the
reminders sent to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Sitting
from webapp.models.members import Member


class Attendance(db.Model):  # type: ignore[name-defined,misc]
    """A member checked in at a sitting (one row per member and sitting: a unique constraint).

    Present means a row with `arrived_at`; a late arrival is `arrived_at` after the sitting's
    start, an early departure a `left_at` before its end. Times are naive, in the
    municipality's time zone, like the sitting's own."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("sitting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    arrived_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    sitting: Mapped[Sitting] = relationship()
    member: Mapped[Member] = relationship()

    @property
    def late(self) -> bool:
        return self.arrived_at > self.sitting.starts_at

    @property
    def left_early(self) -> bool:
        return self.left_at is not None and self.left_at < self.sitting.ends_at


class Venue(db.Model):  # type: ignore[name-defined,misc]
    """Where a jury meets: the address, and what residents need to know to get in and take
    part. ``accessibility`` and ``directions`` are texts per language (see
    webapp.i18n.localised)."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    step_free: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)
    accessible_toilet: Mapped[bool] = mapped_column(default=False)
    childcare: Mapped[bool] = mapped_column(default=False)
    accessibility: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    directions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    @property
    def location(self) -> str:
        """One line for a calendar: the name and the address."""
        return ", ".join(part for part in (self.name, self.address) if part)


# The proposal(s) on the agenda of a sitting.
sitting_proposals = Table(
    "sitting_proposals",
    db.Model.metadata,
    Column("sitting_id", ForeignKey("sittings.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
)


class AgendaKind(StrEnum):
    WELCOME = "welcome"
    PROPOSER = "proposer"
    EXPERTS = "experts"
    TABLE_ROUND = "table_round"
    PLENARY_VOTE = "plenary_vote"
    BREAK = "break"
    OTHER = "other"


class AgendaItem(db.Model):  # type: ignore[name-defined,misc]
    """A timed item of a sitting's agenda; it lies inside the sitting and overlaps no other
    item (checked by webapp.sittings.services). ``title`` is per language."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AgendaKind] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    minutes: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    sitting: Mapped[Sitting] = relationship(back_populates="agenda")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class SittingDocument(db.Model):  # type: ignore[name-defined,misc]
    """A file for the members of a sitting (reading, expert notes), stored under the instance
    folder as ``stored_name`` (random, owner-only); ``filename`` is the name given to it on
    download."""

    __tablename__ = "sitting_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    sitting: Mapped[Sitting] = relationship(back_populates="documents")


class CalendarLink(db.Model):  # type: ignore[name-defined,misc]
    """A member's own calendar feed: a secret token in the URL (not the reply code, and no
    personal data). Revoked by deleting the row; a new one gets a new token."""

    __tablename__ = "calendar_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    member: Mapped[Member] = relationship()


class SittingReminder(db.Model):  # type: ignore[name-defined,misc]
    """A reminder e-mail sent to a member about a sitting: one per member and sitting."""

    __tablename__ = "sitting_reminders"
    __table_args__ = (UniqueConstraint("sitting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())
