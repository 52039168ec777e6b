"""Stage 1: invitation batches (one draw each) and the invitations (letters) they produced.

Reply codes are never stored in clear: only ``code_hash``, an HMAC-SHA256 under the server's
CODE_HMAC_KEY (see :mod:`webapp.codes`). The clear codes exist only while the letters are made.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


class InvitationStatus(StrEnum):
    SENT = "sent"
    REPLIED = "replied"


class InvitationBatch(db.Model):  # type: ignore[name-defined,misc]
    """One run of the invitation lottery, with everything needed to recompute it."""

    __tablename__ = "invitation_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    register_sha256: Mapped[str] = mapped_column(String(64))
    register_filename: Mapped[str] = mapped_column(String(255))
    households: Mapped[int]
    n: Mapped[int]
    seed: Mapped[str] = mapped_column(String(40))  # as text: seeds exceed 64 bits
    seed_text: Mapped[str | None] = mapped_column(String(500))
    # The library's report.json: allocation, method, parameters, software version.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Shares in the register per category, for the pool overview: {"district": {"Centro": 812}}.
    register_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    letters_made_at: Mapped[datetime | None]
    # The letters' language; their files are deleted when the organiser marks them as sent.
    language: Mapped[str] = mapped_column(String(5), default="en")
    letters_sent_at: Mapped[datetime | None]
    # Invited households per category, like register_counts, for the pool overview.
    invited_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="batch", cascade="all, delete-orphan"
    )


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("invitation_batches.id", ondelete="CASCADE"), index=True
    )
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    stratum: Mapped[str] = mapped_column(String(120))  # the district, from the register
    # Addressee and address lines as in the register, for the letters; erased at retention end.
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    register_id: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[InvitationStatus] = mapped_column(String(20), default=InvitationStatus.SENT)

    batch: Mapped[InvitationBatch] = relationship(back_populates="invitations")
