"""The demo's stipends and expenses: Madrid's 65 euro per sitting, a (made-up) municipal
account to pay from, and a travel claim waiting for approval when the demo has members."""

from __future__ import annotations

from datetime import date

from webapp.extensions import db
from webapp.models import Jury, User
from webapp.models.payments import ExpenseKind
from webapp.payments import claims, ledger

# A well-formed Spanish IBAN (right check digits) of no real municipal account.
DEMO_DEBTOR_IBAN = "ES7921000813610123456789"


def load_demo_payments(jury: Jury, organiser: User, *, today: date) -> None:
    settings = ledger.settings_of(jury)
    settings.stipend_cents = 6500
    settings.count_late = True
    settings.count_left_early = False
    settings.debtor_name = "Ayuntamiento (demo)"
    settings.debtor_iban = DEMO_DEBTOR_IBAN
    settings.remittance = "Observatorio de la Ciudad"
    db.session.add(settings)
    db.session.flush()
    members = ledger.payable_members(jury)
    if members:
        claims.add_claim(
            jury,
            members[0],
            kind=ExpenseKind.TRAVEL,
            amount_cents=1240,
            spent_on=today,
            sitting=jury.sittings[0] if jury.sittings else None,
            note="Metro, ida y vuelta",
            receipt=None,
            via="staff",
            user=organiser,
        )
