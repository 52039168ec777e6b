"""Who may work on what: organisers are members of juries, facilitators lead sittings.

Administrators see every jury and manage users and these links; nobody else does.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Jury, Sitting
from webapp.models.users import User


class JuryMembership(db.Model):  # type: ignore[name-defined,misc]
    """An organiser (or facilitator) who works on one jury."""

    __tablename__ = "jury_memberships"
    __table_args__ = (UniqueConstraint("jury_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    jury: Mapped[Jury] = relationship()
    user: Mapped[User] = relationship()


class SittingAssignment(db.Model):  # type: ignore[name-defined,misc]
    """A facilitator given one sitting (tables within it arrive with a later issue)."""

    __tablename__ = "sitting_assignments"
    __table_args__ = (UniqueConstraint("sitting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    sitting: Mapped[Sitting] = relationship()
    user: Mapped[User] = relationship()
