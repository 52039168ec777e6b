"""Data for the plenary verdict tests (web, races, browser): a jury with seated members whose
codes are known, a sitting with some of them checked in (attendance rows made directly: the
check-in pages are another feature), a proposal, and staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.webapp.replies_data import make_invitations, make_jury, make_user
from webapp.extensions import db
from webapp.models import (
    Answer,
    Attendance,
    Channel,
    Member,
    MemberStatus,
    Reply,
    Role,
)
from webapp.models.proposals import Proposal, ProposalSource


@dataclass
class VerdictWorld:
    jury_id: int
    sitting_id: int
    proposal_id: int
    codes: list[str]  # of seated members, in member order
    member_ids: list[int]
    present_ids: list[int]
    organiser: int
    other_organiser: int
    alternate_code: str = ""  # an alternate: a code, but no seat
    emails: list[str] = field(default_factory=list)  # of the members: never on public pages


def make_members(jury_id: int, pairs: list[Any], *, status: MemberStatus) -> list[Member]:
    members = []
    for i, (_code, invitation) in enumerate(pairs):
        reply = Reply(
            invitation_id=invitation.id,
            jury_id=jury_id,
            reference=f"R{jury_id:03d}-{invitation.id:05d}",
            channel=Channel.ONLINE,
            answer=Answer.YES,
            birth_year=1970 + i % 40,
            email=f"member{invitation.id}@example.org",
            phone=f"06-{invitation.id:08d}",
            consent=True,
        )
        db.session.add(reply)
        db.session.flush()
        member = Member(jury_id=jury_id, reply_id=reply.id, status=status)
        db.session.add(member)
        members.append(member)
    db.session.flush()
    return members


def build_verdict_world(
    *, seated: int = 10, present: int = 8, slug: str = "city-jury", proposals: int = 1
) -> VerdictWorld:
    """Call inside an app context; commits."""
    jury = make_jury(slug=slug)
    sitting = jury.sittings[0]
    pairs = make_invitations(jury, seated + 1)
    members = make_members(jury.id, pairs[:seated], status=MemberStatus.CONFIRMED)
    # One alternate: has a code but no seat, so cannot vote.
    make_members(jury.id, pairs[seated:], status=MemberStatus.ALTERNATE)
    for member in members[:present]:
        db.session.add(
            Attendance(sitting_id=sitting.id, member_id=member.id, arrived_at=sitting.starts_at)
        )
    first = None
    for i in range(proposals):
        proposal = Proposal(
            jury_id=jury.id,
            source=ProposalSource.BOARD,
            external_id=f"p{i}",
            title=f"More trees in the park {i}" if i else "More trees in the park",
            summary="Plant trees.",
            author_name="Anonymous resident",
        )
        db.session.add(proposal)
        db.session.flush()
        first = first or proposal
    db.session.commit()
    assert first is not None
    organiser = make_user(f"org-{slug}@example.org", Role.ORGANISER, jury_id=jury.id)
    other_jury = make_jury(slug=f"{slug}-other")
    db.session.commit()
    other = make_user(f"other-{slug}@example.org", Role.ORGANISER, jury_id=other_jury.id)
    return VerdictWorld(
        jury_id=jury.id,
        sitting_id=sitting.id,
        proposal_id=first.id,
        codes=[c for c, _ in pairs[:seated]],
        member_ids=[m.id for m in members],
        present_ids=[m.id for m in members[:present]],
        organiser=organiser,
        other_organiser=other,
        alternate_code=pairs[seated][0],
        emails=[f"member{inv.id}@example.org" for _, inv in pairs[:seated]],
    )
