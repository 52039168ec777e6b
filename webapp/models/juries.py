"""A jury (one citizens' process), its phases and its sitting dates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

if TYPE_CHECKING:
    from webapp.models.proposals import Proposal
    from webapp.models.sittings import AgendaItem, SittingDocument, Venue


class PhaseKind(StrEnum):
    INVITATIONS = "invitations"
    REPLIES = "replies"
    SELECTION = "selection"
    SITTINGS = "sittings"
    REPORT = "report"


class Jury(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "juries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Texts for residents, per language ({"nl": ..., "es": ..., "en": ...}); shown with
    # webapp.i18n.localised, which falls back to `language`, then English.
    purpose: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    decision: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # what the verdict feeds
    # The jury's own language: a text missing in the resident's language is shown in this one.
    language: Mapped[str] = mapped_column(String(5), default="en")
    panel_size: Mapped[int] = mapped_column(default=49)
    minimum_age: Mapped[int] = mapped_column(default=16)
    reply_deadline: Mapped[date | None]
    retention_days: Mapped[int] = mapped_column(default=365)  # after the report phase ends
    # Eligibility declarations a volunteer must confirm, e.g. "I hold no political office",
    # each per language: [{"en": "I hold no political office.", "nl": ...}, ...].
    declarations: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # How reply answers map to quota values, per category: {"gender": {"female": "F", ...}}.
    category_mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Seats a quota may differ from the census share times the panel size (see quota_bounds).
    quota_tolerance: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # A standing body: the jury of the year before, and for how many years its members (and
    # those of earlier years) may not be drawn again.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("juries.id", ondelete="SET NULL"))
    exclusion_years: Mapped[int] = mapped_column(default=0, server_default="0")
    # Confirmed members get an e-mail this many days before each sitting (0: no reminders).
    reminder_days: Mapped[int] = mapped_column(default=3, server_default="3")

    phases: Mapped[list[Phase]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="Phase.starts_on"
    )
    sittings: Mapped[list[Sitting]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="Sitting.starts_at"
    )

    def current_phase(self, today: date) -> Phase | None:
        for phase in self.phases:
            if phase.starts_on <= today <= phase.ends_on:
                return phase
        return None


class Phase(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("jury_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PhaseKind] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    jury: Mapped[Jury] = relationship(back_populates="phases")


class Sitting(db.Model):  # type: ignore[name-defined,misc]
    """A meeting of the jury (not `Session`, which clashes with flask.session and db.session).

    Times are naive local wall-clock times in the municipality's time zone
    (``BABEL_DEFAULT_TIMEZONE``): shown as entered, given their zone only in calendar feeds.
    ``place`` is the short name shown everywhere; ``venue`` (webapp/models/sittings.py) holds
    the address and the accessibility notes."""

    __tablename__ = "sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venues.id", ondelete="SET NULL"), index=True
    )

    jury: Mapped[Jury] = relationship(back_populates="sittings")
    venue: Mapped[Venue | None] = relationship()
    # The proposal(s) the sitting deliberates on (table sitting_proposals).
    proposals: Mapped[list[Proposal]] = relationship(
        secondary="sitting_proposals", order_by="Proposal.id"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="sitting",
        cascade="all, delete-orphan",
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
    )
    documents: Mapped[list[SittingDocument]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="SittingDocument.id"
    )
