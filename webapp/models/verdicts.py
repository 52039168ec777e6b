"""The plenary verdict: the jury's rules for a vote, each proposal put to the plenary at a
sitting, and the votes cast on members' phones.

Who voted and what was voted are two tables. ``ballot_casts`` holds one row per member and
vote (UNIQUE (vote_id, member_id): one vote each, held by the database under parallel
submits); ``ballots`` holds what was voted, with no member, no time and a random UUID as its
key, inserted in the same transaction. On SQLite both tables are ``WITHOUT ROWID`` (no hidden
sequential rowid); on closing, the ballots are rewritten in a random order. In an open
(not secret) ballot the cast row keeps the choice too. See docs/trust.md for what remains.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Jury, Sitting
from webapp.models.proposals import Proposal, VerdictOutcome


class QuorumKind(StrEnum):
    MEMBERS = "members"  # a number of members
    SEATED_SHARE = "seated_share"  # a percentage of the seated members
    PRESENT_SHARE = "present_share"  # a percentage of the members present at the sitting


class Majority(StrEnum):
    SIMPLE = "simple"  # more than half of the votes for an option
    TWO_THIRDS = "two_thirds"  # at least two thirds of the votes for an option


# What the plenary may decide about a proposal: one enumeration with the proposal's verdict.
Option = VerdictOutcome


class VoteMethod(StrEnum):
    TALLY = "tally"  # counted in the room, entered by staff
    PHONES = "phones"  # cast by the members on their phones with their code


class VoteState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class VerdictRules(db.Model):  # type: ignore[name-defined,misc]
    """How the jury decides: the quorum, the majority and whether the ballot is secret."""

    __tablename__ = "verdict_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), unique=True)
    quorum_kind: Mapped[QuorumKind] = mapped_column(String(20), default=QuorumKind.SEATED_SHARE)
    quorum_value: Mapped[int] = mapped_column(default=50)  # members, or a percentage
    majority: Mapped[Majority] = mapped_column(String(20), default=Majority.SIMPLE)
    secret: Mapped[bool] = mapped_column(default=True)


class PlenaryVote(db.Model):  # type: ignore[name-defined,misc]
    """One proposal put to the plenary at one sitting. The rules are copied in when the vote
    is created, so that changing the jury's rules later never changes a result."""

    __tablename__ = "plenary_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "sitting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[VoteMethod] = mapped_column(String(10))
    state: Mapped[VoteState] = mapped_column(String(10), default=VoteState.DRAFT)
    quorum_kind: Mapped[QuorumKind] = mapped_column(String(20))
    quorum_value: Mapped[int]
    majority: Mapped[Majority] = mapped_column(String(20))
    secret: Mapped[bool]
    # The amended text, per language ({"nl": ..., "es": ..., "en": ...}), as residents read it.
    amended_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Phones: ballots taken so far (also the row every cast locks, so that closing waits
    # for casts in flight and a cast after closing is refused).
    casts: Mapped[int] = mapped_column(default=0)
    # The count: from the ballots at closing (phones) or entered by staff (tally).
    votes_city_vote: Mapped[int | None]
    votes_amended: Mapped[int | None]
    votes_rejected: Mapped[int | None]
    abstentions: Mapped[int | None]
    seated: Mapped[int | None]  # seated members when the count was made
    present: Mapped[int | None]  # members present at the sitting when the count was made
    outcome: Mapped[str | None] = mapped_column(String(20))  # an Option, or a Decision
    note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    jury: Mapped[Jury] = relationship()
    proposal: Mapped[Proposal] = relationship()
    sitting: Mapped[Sitting] = relationship()


class BallotCast(db.Model):  # type: ignore[name-defined,misc]
    """That a member voted (one row per member and vote). No time, no sequential id: the
    key is (vote, member). ``choice`` only in an open ballot."""

    __tablename__ = "ballot_casts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    vote_id: Mapped[int] = mapped_column(
        ForeignKey("plenary_votes.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    choice: Mapped[str | None] = mapped_column(String(20))


def _ballot_id() -> str:
    return str(uuid.uuid4())


class Ballot(db.Model):  # type: ignore[name-defined,misc]
    """What one member voted, and nothing about who or when."""

    __tablename__ = "ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_ballot_id)
    vote_id: Mapped[int] = mapped_column(
        ForeignKey("plenary_votes.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[str] = mapped_column(String(20))  # an Option, or "abstain"
