"""The ledger of each member, derived from the records: stipends earned (attendance and the
jury's settings) + approved expenses − payments made = balance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Attendance, Jury, Member, MemberStatus, Sitting
from webapp.models.payments import (
    BankAccount,
    ClaimStatus,
    ExpenseClaim,
    Payment,
    PaymentRun,
    PaymentSettings,
)

# Members who may have earned something: the seated ones and those who withdrew after serving.
PAYABLE = (MemberStatus.SELECTED, MemberStatus.CONFIRMED, MemberStatus.WITHDRAWN)


def settings_of(jury: Jury) -> PaymentSettings:
    """The jury's payment settings (a new, unsaved row with the defaults when none exist)."""
    found = db.session.scalar(sa.select(PaymentSettings).filter_by(jury_id=jury.id))
    return found or PaymentSettings(
        jury_id=jury.id,
        stipend_cents=0,
        currency="EUR",
        count_late=True,
        count_left_early=True,
        debtor_name="",
        debtor_iban="",
        debtor_bic="",
        remittance="",
    )


def counts(attendance: Attendance, settings: PaymentSettings) -> bool:
    """Whether this attendance earns the stipend."""
    if attendance.late and not settings.count_late:
        return False
    return not (attendance.left_early and not settings.count_left_early)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a member's ledger; `amount_cents` is signed (payments are negative)."""

    day: date
    kind: str  # "stipend", "stipend_not_counted", "expense", "payment"
    amount_cents: int
    attendance: Attendance | None = None
    claim: ExpenseClaim | None = None
    payment: Payment | None = None


@dataclass(slots=True)
class Balance:
    member: Member
    sittings: int = 0
    stipends_cents: int = 0
    expenses_cents: int = 0
    paid_cents: int = 0
    pending_claims: int = 0
    account: BankAccount | None = None
    lines: list[Line] = field(default_factory=list)

    @property
    def balance_cents(self) -> int:
        return self.stipends_cents + self.expenses_cents - self.paid_cents


def payable_members(jury: Jury) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.jury_id == jury.id, Member.status.in_(PAYABLE))
            .order_by(Member.id)
        )
    )


def balances(jury: Jury, *, member: Member | None = None) -> dict[int, Balance]:
    """Every payable member's balance (or only ``member``'s), by member id, with the lines."""
    settings = settings_of(jury)
    members = [member] if member is not None else payable_members(jury)
    ids = [m.id for m in members]
    out = {m.id: Balance(m) for m in members}
    attendances = db.session.scalars(
        sa.select(Attendance)
        .join(Sitting, Attendance.sitting_id == Sitting.id)
        .where(Sitting.jury_id == jury.id, Attendance.member_id.in_(ids))
        .order_by(Sitting.starts_at)
    )
    for a in attendances:
        b = out[a.member_id]
        if counts(a, settings):
            b.sittings += 1
            b.stipends_cents += settings.stipend_cents
            b.lines.append(Line(a.sitting.starts_at.date(), "stipend", settings.stipend_cents, a))
        else:
            b.lines.append(Line(a.sitting.starts_at.date(), "stipend_not_counted", 0, a))
    claims = db.session.scalars(
        sa.select(ExpenseClaim).where(
            ExpenseClaim.jury_id == jury.id, ExpenseClaim.member_id.in_(ids)
        )
    )
    for c in claims:
        b = out[c.member_id]
        if c.status == ClaimStatus.APPROVED:
            b.expenses_cents += c.amount_cents
            b.lines.append(Line(c.spent_on, "expense", c.amount_cents, claim=c))
        elif c.status == ClaimStatus.PENDING:
            b.pending_claims += 1
    payments = db.session.scalars(
        sa.select(Payment)
        .join(PaymentRun)
        .where(PaymentRun.jury_id == jury.id, Payment.member_id.in_(ids))
    )
    for p in payments:
        b = out[p.member_id]
        b.paid_cents += p.amount_cents
        b.lines.append(Line(p.run.execution_date, "payment", -p.amount_cents, payment=p))
    for account in db.session.scalars(sa.select(BankAccount).where(BankAccount.member_id.in_(ids))):
        out[account.member_id].account = account
    for b in out.values():
        b.lines.sort(key=lambda line: (line.day, line.kind == "payment"))
    return out


def totals(rows: dict[int, Balance]) -> dict[str, int]:
    return defaultdict(
        int,
        stipends=sum(b.stipends_cents for b in rows.values()),
        expenses=sum(b.expenses_cents for b in rows.values()),
        paid=sum(b.paid_cents for b in rows.values()),
        balance=sum(b.balance_cents for b in rows.values()),
    )
