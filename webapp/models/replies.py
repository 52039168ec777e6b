"""Replies to invitations: online, on paper or by phone. One per invitation, enforced by a
unique constraint, so a double submit can never store two rows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.categories import CategoryAnswer
from webapp.models.invitations import Invitation


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    PHONE = "phone"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"  # non-binary or other
    UNDISCLOSED = "undisclosed"  # prefer not to say


class SupportNeed(StrEnum):
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    INTERPRETING = "interpreting"
    DIET = "diet"
    OTHER = "other"


class Reply(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # shown on the confirmation
    channel: Mapped[Channel] = mapped_column(String(10))
    answer: Mapped[Answer] = mapped_column(String(3))
    # The name the resident gives (a "no" gives none; replies from before names were asked
    # have none either). First name: what the table card shows and what people call them;
    # last name: the rest ("van der Berg", "García López"), for the check-in desk and staff.
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    birth_year: Mapped[int | None]
    gender: Mapped[Gender | None] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # {sitting_id (as text): true/false}
    availability: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    support_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    support_other: Mapped[str | None] = mapped_column(String(500))
    declarations: Mapped[list[str]] = mapped_column(JSON, default=list)  # the ones confirmed
    consent: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="en")
    version: Mapped[int] = mapped_column(default=1)  # raised when the resident replaces it
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    invitation: Mapped[Invitation] = relationship()
    # Answers to the jury's own questions; replaced with the reply, erased with it.
    category_answers: Mapped[list[CategoryAnswer]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def volunteers(self) -> bool:
        return self.answer == Answer.YES

    @property
    def full_name(self) -> str:
        """The name as given, first name first; empty when the reply has none (a "no", an
        old reply or an erased one). Staff pages then show :attr:`addressee`."""
        return full_name(self.first_name, self.last_name)

    @property
    def addressee(self) -> str:
        """The letter's addressee: the only name staff have for a reply from before names
        were asked (it may be another person of the household, so pages say so)."""
        address = self.invitation.address if self.invitation is not None else None
        return (
            str((address or {}).get("addressee") or "").strip() if isinstance(address, dict) else ""
        )


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part.strip() for part in (first, last) if part and part.strip())


class ReplyVisit(db.Model):  # type: ignore[name-defined,misc]
    """A resident's way back to their invitation between the code page and the confirmation.

    The browser's session holds only a random token; this row (found by the token's SHA-256)
    holds the invitation, so the cookie shows neither the invitation id nor the reference.
    """

    __tablename__ = "reply_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
