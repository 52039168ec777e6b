"""Members for the sitting tests: on the staff world's jury (tests/webapp/staff_data.py),
volunteers with known codes, each a member in a given status, with an e-mail address and
the language of their reply."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from tests.webapp.replies_data import make_invitations
from tests.webapp.staff_data import World, build_world
from webapp.extensions import db
from webapp.models import Answer, Channel, Jury, Member, MemberStatus, Reply
from webapp.models.proposals import Proposal, ProposalSource

# (status, language, e-mail or None)
MEMBERS = (
    (MemberStatus.CONFIRMED, "nl", "anna@example.org"),
    (MemberStatus.CONFIRMED, "es", "bea@example.org"),
    (MemberStatus.CONFIRMED, "en", None),  # no address: a letter or a call instead
    (MemberStatus.SELECTED, "en", "carl@example.org"),  # not confirmed yet: no reminder
    (MemberStatus.DECLINED, "en", "dora@example.org"),
    (MemberStatus.ALTERNATE, "en", "eli@example.org"),
)


@dataclass(frozen=True)
class SittingWorld:
    staff: World
    codes: list[str]  # by position in MEMBERS
    member_ids: list[int]
    proposals: list[int]  # most supported first


def build_sitting_world(app: Flask) -> SittingWorld:
    staff = build_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, staff.jury)
        pairs = make_invitations(jury, len(MEMBERS))
        member_ids = []
        for n, ((status, language, email), (_code, invitation)) in enumerate(
            zip(MEMBERS, pairs, strict=True)
        ):
            reply = Reply(
                invitation_id=invitation.id,
                jury_id=jury.id,
                reference=f"R-{n:04d}",
                channel=Channel.ONLINE,
                answer=Answer.YES,
                language=language,
                email=email,
                consent=True,
            )
            db.session.add(reply)
            db.session.flush()
            member = Member(jury_id=jury.id, reply_id=reply.id, status=status)
            db.session.add(member)
            db.session.flush()
            member_ids.append(member.id)
        proposals = []
        for external_id, title, supports in (
            ("p2", "Fewer cars in the centre", 120),
            ("p1", "More trees in the parks", 900),
            ("p3", "A hidden count", None),
        ):
            proposal = Proposal(
                jury_id=jury.id,
                source=ProposalSource.CSV,
                external_id=external_id,
                title=title,
                supports=supports,
            )
            db.session.add(proposal)
            db.session.flush()
            proposals.append((supports or -1, proposal.id))
        db.session.commit()
        return SittingWorld(
            staff=staff,
            codes=[code for code, _i in pairs],
            member_ids=member_ids,
            proposals=[pid for _s, pid in sorted(proposals, reverse=True)],
        )
