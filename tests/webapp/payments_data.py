"""Data for the stipend and expense tests (web and browser): a jury with two sittings, three
members drawn from replies with known codes, attendance rows, staff of each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from tests.webapp.replies_data import make_invitations, make_jury
from tests.webapp.staff_data import make_user
from webapp.extensions import db
from webapp.models import (
    Answer,
    Attendance,
    Channel,
    JuryMembership,
    Member,
    MemberStatus,
    Reply,
    Role,
)
from webapp.models.payments import PaymentSettings

# Valid IBANs (checksums right): a Spanish and a Dutch account, and the municipality's.
IBAN_ES = "ES91 2100 0418 4502 0005 1332"
IBAN_NL = "NL91 ABNA 0417 1643 00"
DEBTOR_IBAN = "ES7921000813610123456789"


@dataclass(frozen=True)
class PayWorld:
    jury_id: int
    other_jury_id: int
    sitting_ids: list[int]
    member_ids: list[int]  # ana (both sittings), ben (late at the first), cruz (none)
    references: list[str]
    codes: list[str]
    other_member_id: int  # a member of the other jury
    admin: int
    organiser: int
    other_organiser: int
    facilitator: int


def _member(jury_id: int, invitation_id: int, reference: str) -> Member:
    reply = Reply(
        invitation_id=invitation_id,
        jury_id=jury_id,
        reference=reference,
        channel=Channel.ONLINE,
        answer=Answer.YES,
        birth_year=1980,
        email=f"{reference.lower()}@example.org",
        language="en",
    )
    db.session.add(reply)
    db.session.flush()
    member = Member(jury_id=jury_id, reply_id=reply.id, status=MemberStatus.CONFIRMED)
    db.session.add(member)
    db.session.flush()
    return member


def build_pay_world(app: Flask, *, stipend_cents: int = 6500, debtor: bool = True) -> PayWorld:
    with app.app_context():
        jury = make_jury(slug="pay-jury")
        other = make_jury(slug="other-jury")
        pairs = make_invitations(jury, 3)
        other_pairs = make_invitations(other, 1)
        refs = ["R-ANA1", "R-BEN2", "R-CRUZ3"]
        members = [_member(jury.id, inv.id, ref) for (_, inv), ref in zip(pairs, refs, strict=True)]
        other_member = _member(other.id, other_pairs[0][1].id, "R-OTHER")
        first, second = jury.sittings
        db.session.add_all(
            [
                Attendance(
                    sitting_id=first.id, member_id=members[0].id, arrived_at=first.starts_at
                ),
                Attendance(
                    sitting_id=second.id, member_id=members[0].id, arrived_at=second.starts_at
                ),
                Attendance(
                    sitting_id=first.id,
                    member_id=members[1].id,
                    arrived_at=first.starts_at + timedelta(minutes=40),
                ),
            ]
        )
        settings = PaymentSettings(jury_id=jury.id, stipend_cents=stipend_cents)
        if debtor:
            settings.debtor_name = "Ayuntamiento de Teststad"
            settings.debtor_iban = DEBTOR_IBAN
            settings.remittance = "Jurado ciudadano"
        db.session.add(settings)
        admin = make_user(Role.ADMINISTRATOR, "admin@example.org")
        organiser = make_user(Role.ORGANISER, "org@example.org")
        other_organiser = make_user(Role.ORGANISER, "other@example.org")
        facilitator = make_user(Role.FACILITATOR, "fac@example.org")
        db.session.add_all(
            [
                JuryMembership(jury_id=jury.id, user_id=organiser.id),
                JuryMembership(jury_id=other.id, user_id=other_organiser.id),
            ]
        )
        db.session.commit()
        return PayWorld(
            jury_id=jury.id,
            other_jury_id=other.id,
            sitting_ids=[first.id, second.id],
            member_ids=[m.id for m in members],
            references=refs,
            codes=[c for c, _ in pairs],
            other_member_id=other_member.id,
            admin=admin.id,
            organiser=organiser.id,
            other_organiser=other_organiser.id,
            facilitator=facilitator.id,
        )
