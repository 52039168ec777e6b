"""Proposals a jury may take up: imported from Decidim or CONSUL, uploaded as CSV, or submitted
on the app's own board, with the supports they gathered and the status residents follow.

Board supports are stored as a keyed hash of who supported (an invitation or an e-mail
address), never the code or the address itself; UNIQUE (proposal_id, supporter) makes one
support per person per proposal hold under parallel submits, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class ProposalSource(StrEnum):
    DECIDIM = "decidim"
    CONSUL = "consul"
    CSV = "csv"
    BOARD = "board"


class ProposalStatus(StrEnum):
    """The traffic light residents see, in the order a proposal moves through it."""

    RECEIVED = "received"
    ON_AGENDA = "on_agenda"
    VERDICT = "verdict"  # the municipality's response falls due (90 days by default)
    RESPONSE_DUE = "response_due"  # the step of the response: reached once it is published
    IMPLEMENTED = "implemented"


class VerdictOutcome(StrEnum):
    """What the jury's plenary may decide about a proposal (webapp/verdicts/ calls it
    ``Option``)."""

    CITY_VOTE = "city_vote"  # put to a city-wide vote as it stands
    AMENDED = "amended"  # sent on with the jury's amendments
    REJECTED = "rejected"


class Proposal(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "proposals"
    # Re-importing updates the row of the same external id: never a duplicate.
    __table_args__ = (UniqueConstraint("jury_id", "source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    source: Mapped[ProposalSource] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200))  # e.g. Decidim's "MAD-PROP-..."
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    # None: the platform hides the count (a Decidim space may hide votes).
    supports: Mapped[int | None]
    state: Mapped[str | None] = mapped_column(String(60))  # the platform's own state
    published_at: Mapped[datetime | None]
    author_name: Mapped[str | None] = mapped_column(String(200))  # the public name only
    # Set when the name was erased (on request or at retention end): a re-import from the
    # platform, which still shows the name, keeps it erased.
    author_erased_at: Mapped[datetime | None]
    # A board proposal's author (their letter), to tell them the outcome; erased with it.
    author_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    link: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[ProposalStatus] = mapped_column(String(20), default=ProposalStatus.RECEIVED)
    hidden: Mapped[bool] = mapped_column(default=False)  # moderated away by an organiser
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime | None]
    # After the plenary (webapp/proposals/lifecycle.py): the verdict, the date the
    # municipality's answer is due, that answer per language once published, implementation.
    verdict_outcome: Mapped[VerdictOutcome | None] = mapped_column(String(20))
    verdict_at: Mapped[datetime | None]
    response_due_on: Mapped[date | None]
    response_texts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    response_published_at: Mapped[datetime | None]
    response_warned_at: Mapped[datetime | None]  # staff were told the due date nears
    implemented_at: Mapped[datetime | None]


class ProposalSupport(db.Model):  # type: ignore[name-defined,misc]
    """One resident's support of a board proposal."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "supporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    supporter: Mapped[str] = mapped_column(String(64))  # HMAC of the invitation or e-mail
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProposalFeedback(db.Model):  # type: ignore[name-defined,misc]
    """One feedback e-mail about a proposal sent to one resident, at one stage (the verdict or
    the municipality's response): UNIQUE, so a second run sends nothing twice."""

    __tablename__ = "proposal_feedback"
    __table_args__ = (UniqueConstraint("proposal_id", "reply_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # "verdict" or "response"
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProposalBoard(db.Model):  # type: ignore[name-defined,misc]
    """The jury's proposal settings: whether its own board is open and the supports a
    proposal needs; the days the municipality has to answer a verdict, and how many days
    before that date staff are warned."""

    __tablename__ = "proposal_boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), unique=True)
    is_open: Mapped[bool] = mapped_column(default=False)
    support_threshold: Mapped[int] = mapped_column(default=100)
    response_days: Mapped[int] = mapped_column(default=90, server_default="90")
    warning_days: Mapped[int] = mapped_column(default=14, server_default="14")
