"""The plenary verdict: rules, votes, casting on phones, tallies, closing and the result.

Every change of a vote's state is one conditional UPDATE (``... WHERE state = <the state it
changes from>``). A cast first bumps the vote's ``casts`` counter with ``WHERE state = 'open'``:
that takes the vote row's lock, so closing (also an UPDATE of that row) waits for the casts in
flight, and a cast that comes after closing changes no row and is refused. One vote per member
is the primary key of ``ballot_casts``: a second cast fails in the database, whatever the
timing, and is reported as :class:`AlreadyVoted`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from webapp.database import changed_rows, utcnow
from webapp.extensions import db
from webapp.models import (
    Attendance,
    Ballot,
    BallotCast,
    Jury,
    Member,
    Option,
    PlenaryVote,
    Sitting,
    VerdictRules,
    VoteMethod,
    VoteState,
)
from webapp.models.members import SEATED
from webapp.models.proposals import Proposal, ProposalStatus
from webapp.proposals import lifecycle
from webapp.verdicts.counting import ABSTAIN, Count, Result, Rules, count_result

CHOICES = (*[o.value for o in Option], ABSTAIN)


class VerdictError(Exception):
    """A vote cannot be changed this way; ``reason`` names why (the views word it)."""

    def __init__(self, reason: str, **numbers: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.numbers = numbers


class VoteClosed(VerdictError):
    def __init__(self) -> None:
        super().__init__("closed")


class AlreadyVoted(VerdictError):
    def __init__(self) -> None:
        super().__init__("already")


def now() -> datetime:
    return utcnow()


# -- rules ---------------------------------------------------------------------------------


def rules_of(jury: Jury) -> VerdictRules:
    """The jury's rules; the defaults (a secret ballot, quorum half the seated members, a
    simple majority) until staff save their own."""
    rules = db.session.scalar(sa.select(VerdictRules).filter_by(jury_id=jury.id))
    return rules or VerdictRules(
        jury_id=jury.id, quorum_kind="seated_share", quorum_value=50, majority="simple", secret=True
    )


def save_rules(rules: VerdictRules) -> None:
    db.session.add(rules)
    db.session.flush()


# -- counts of members ----------------------------------------------------------------------


def seated_count(jury_id: int) -> int:
    return _number(
        sa.select(sa.func.count(Member.id)).where(
            Member.jury_id == jury_id, Member.status.in_(list(SEATED))
        )
    )


def _number(query: sa.Select[Any]) -> int:
    return int(db.session.scalar(query) or 0)


def _present_query(sitting_id: int) -> sa.Select[Any]:
    """Seated members checked in at the sitting and not gone (an attendance row with
    ``arrived_at`` and no ``left_at``): the same "present" as the table plan and the table
    outcomes count, so a member who left early neither votes nor counts for the quorum."""
    return (
        sa.select(Attendance.member_id)
        .join(Member, Member.id == Attendance.member_id)
        .where(
            Attendance.sitting_id == sitting_id,
            Attendance.arrived_at.is_not(None),
            Attendance.left_at.is_(None),
            Member.status.in_(list(SEATED)),
        )
    )


def present_count(sitting_id: int) -> int:
    return _number(sa.select(sa.func.count()).select_from(_present_query(sitting_id).subquery()))


def is_present(sitting_id: int, member_id: int) -> bool:
    query = _present_query(sitting_id).where(Attendance.member_id == member_id)
    return db.session.scalar(query) is not None


# -- votes ----------------------------------------------------------------------------------


def votes_of(jury: Jury) -> list[PlenaryVote]:
    return list(
        db.session.scalars(
            sa.select(PlenaryVote)
            .join(Sitting, Sitting.id == PlenaryVote.sitting_id)
            .where(PlenaryVote.jury_id == jury.id)
            .order_by(Sitting.starts_at.desc(), PlenaryVote.id)
        )
    )


def vote_of_jury(jury: Jury, vote_id: int) -> PlenaryVote | None:
    vote = db.session.get(PlenaryVote, vote_id)
    return vote if vote is not None and vote.jury_id == jury.id else None


def create_vote(
    jury: Jury, *, proposal: Proposal, sitting: Sitting, method: VoteMethod
) -> PlenaryVote:
    """Put a proposal to the plenary at a sitting, under the jury's rules as they are now.
    Raises :class:`VerdictError` ("twice") when it is already on that sitting's agenda."""
    if proposal.jury_id != jury.id or sitting.jury_id != jury.id:
        raise VerdictError("other_jury")
    taken = sa.select(PlenaryVote.id).filter_by(proposal_id=proposal.id, sitting_id=sitting.id)
    if db.session.scalar(taken) is not None:
        raise VerdictError("twice")
    rules = rules_of(jury)
    vote = PlenaryVote(
        jury_id=jury.id,
        proposal_id=proposal.id,
        sitting_id=sitting.id,
        method=method,
        state=VoteState.DRAFT,
        quorum_kind=rules.quorum_kind,
        quorum_value=rules.quorum_value,
        majority=rules.majority,
        secret=rules.secret if method == VoteMethod.PHONES else False,
        amended_text={},
        casts=0,
        note="",
    )
    try:
        with db.session.begin_nested():
            db.session.add(vote)
            db.session.flush()
    except IntegrityError:
        raise VerdictError("twice") from None
    if proposal.status == ProposalStatus.RECEIVED:
        proposal.status = ProposalStatus.ON_AGENDA
    db.session.flush()
    return vote


def set_amended_text(vote: PlenaryVote, texts: Mapping[str, str]) -> None:
    """The amended text, until the vote opens: members vote on a text that holds still."""
    if vote.state != VoteState.DRAFT:
        raise VerdictError("text_fixed")
    vote.amended_text = dict(texts)
    db.session.flush()


def _change_state(vote: PlenaryVote, before: VoteState, **values: object) -> bool:
    changed = changed_rows(
        sa.update(PlenaryVote)
        .where(PlenaryVote.id == vote.id, PlenaryVote.state == before)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(vote)
    return bool(changed)


def open_vote(vote: PlenaryVote, *, at: datetime) -> None:
    """Open the ballot on the members' phones (a phones vote in draft)."""
    if vote.method != VoteMethod.PHONES:
        raise VerdictError("not_phones")
    if not _change_state(vote, VoteState.DRAFT, state=VoteState.OPEN, opened_at=at):
        raise VerdictError("not_draft" if vote.state == VoteState.CLOSED else "already_open")


def close_vote(vote: PlenaryVote, *, at: datetime) -> Result:
    """Close the ballot: no cast is taken after this; the ballots are counted, shuffled
    (rewritten in a random order under new random ids) and the result is recorded."""
    if not _change_state(vote, VoteState.OPEN, state=VoteState.CLOSED, closed_at=at):
        raise VerdictError("not_open")
    ballots = list(db.session.scalars(sa.select(Ballot.choice).filter_by(vote_id=vote.id)))
    db.session.execute(sa.delete(Ballot).where(Ballot.vote_id == vote.id))
    secrets.SystemRandom().shuffle(ballots)
    db.session.add_all(Ballot(vote_id=vote.id, choice=choice) for choice in ballots)
    votes = {option: ballots.count(option.value) for option in Option}
    return _record_count(vote, votes, ballots.count(ABSTAIN), at=at)


def enter_tally(
    vote: PlenaryVote, votes: Mapping[Option, int], abstentions: int, *, at: datetime
) -> Result:
    """The count made in the room (a tally vote). Raises :class:`VerdictError`: "negative",
    "nobody_present", "above_present" (more ballots than members present) or "closed"
    (entered before, e.g. a double submit)."""
    if vote.method != VoteMethod.TALLY:
        raise VerdictError("not_tally")
    if min(*votes.values(), abstentions) < 0:
        raise VerdictError("negative")
    present = present_count(vote.sitting_id)
    total = sum(votes.values()) + abstentions
    if present == 0:
        raise VerdictError("nobody_present")
    if total > present:
        raise VerdictError("above_present", total=total, present=present)
    if not _change_state(vote, VoteState.DRAFT, state=VoteState.CLOSED, closed_at=at):
        raise VerdictError("closed")
    return _record_count(vote, dict(votes), abstentions, at=at)


def _record_count(
    vote: PlenaryVote, votes: Mapping[Option, int], abstentions: int, *, at: datetime
) -> Result:
    vote.votes_city_vote = votes[Option.CITY_VOTE]
    vote.votes_amended = votes[Option.AMENDED]
    vote.votes_rejected = votes[Option.REJECTED]
    vote.abstentions = abstentions
    vote.seated = seated_count(vote.jury_id)
    vote.present = present_count(vote.sitting_id)
    result = result_of(vote)
    assert result is not None
    vote.outcome = str(result.outcome)
    if result.carried is not None:
        record_verdict(vote.proposal, result.carried, at)
    db.session.flush()
    return result


def result_of(vote: PlenaryVote) -> Result | None:
    """The result with its arithmetic, once the vote is counted."""
    if vote.votes_city_vote is None or vote.votes_amended is None or vote.votes_rejected is None:
        return None
    count = Count(
        votes={
            Option.CITY_VOTE: vote.votes_city_vote,
            Option.AMENDED: vote.votes_amended,
            Option.REJECTED: vote.votes_rejected,
        },
        abstentions=vote.abstentions or 0,
        seated=vote.seated or 0,
        present=vote.present or 0,
    )
    rules = Rules(vote.quorum_kind, vote.quorum_value, vote.majority)
    return count_result(rules, count)


def record_verdict(proposal: Proposal, outcome: Option, decided_at: datetime) -> None:
    """The one hand-over to the proposal: the plenary decided ``outcome`` at ``decided_at``.
    The proposal's traffic light moves to "verdict" and the municipality's response falls due
    (webapp/proposals/lifecycle.py); the vote row keeps the amended text."""
    lifecycle.verdict_reached(proposal, Option(outcome), decided_at)
    proposal.updated_at = decided_at
    db.session.flush()


# -- casting on phones ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenBallot:
    vote: PlenaryVote
    voted: bool


def open_ballots(member: Member) -> list[OpenBallot]:
    """The votes open on phones in the member's jury, and whether the member has voted."""
    votes = db.session.scalars(
        sa.select(PlenaryVote)
        .where(
            PlenaryVote.jury_id == member.jury_id,
            PlenaryVote.method == VoteMethod.PHONES,
            PlenaryVote.state == VoteState.OPEN,
        )
        .order_by(PlenaryVote.id)
    ).all()
    voted = set(
        db.session.scalars(
            sa.select(BallotCast.vote_id).where(
                BallotCast.member_id == member.id,
                BallotCast.vote_id.in_([v.id for v in votes]),
            )
        )
    )
    return [OpenBallot(v, v.id in voted) for v in votes]


def has_voted(vote_id: int, member_id: int) -> bool:
    found = db.session.scalar(
        sa.select(BallotCast.vote_id).filter_by(vote_id=vote_id, member_id=member_id)
    )
    return found is not None


def cast(vote: PlenaryVote, member: Member, choice: str) -> None:
    """The member's vote (flushed; the request commits). Raises :class:`VoteClosed`,
    :class:`AlreadyVoted` (after which the caller rolls back), or :class:`VerdictError`
    ("not_present", "other_jury", "choice")."""
    if choice not in CHOICES:
        raise VerdictError("choice")
    if vote.jury_id != member.jury_id or vote.method != VoteMethod.PHONES:
        raise VerdictError("other_jury")
    if has_voted(vote.id, member.id):
        raise AlreadyVoted()
    if vote.state != VoteState.OPEN:
        raise VoteClosed()
    if not is_present(vote.sitting_id, member.id):
        raise VerdictError("not_present")
    # The first write: the vote row's lock (see the module's docstring).
    taken = changed_rows(
        sa.update(PlenaryVote)
        .where(PlenaryVote.id == vote.id, PlenaryVote.state == VoteState.OPEN)
        .values(casts=PlenaryVote.casts + 1)
        .execution_options(synchronize_session=False)
    )
    if not taken:
        raise VoteClosed()
    secret = vote.secret
    db.session.add(
        BallotCast(vote_id=vote.id, member_id=member.id, choice=None if secret else choice)
    )
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyVoted() from None
    db.session.add(Ballot(vote_id=vote.id, choice=choice))
    db.session.flush()


# -- public ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicResult:
    vote: PlenaryVote
    result: Result


def public_results(jury: Jury) -> list[PublicResult]:
    """Counted votes of the jury, for its public page (numbers only, never names)."""
    found = []
    for vote in votes_of(jury):
        result = result_of(vote) if vote.state == VoteState.CLOSED else None
        if result is not None and not vote.proposal.hidden:
            found.append(PublicResult(vote, result))
    return found
