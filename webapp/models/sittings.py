"""What happens at a sitting: who came (attendance). The table plan, the agenda, stipends and
the verdict build on these rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
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
