"""Stipends and expenses: what a jury pays its members per sitting attended, the expenses they
claim, their bank accounts, and the payment runs that pay the balances.

The ledger of a member is derived, never stored: stipends earned (from `Attendance` rows and
the jury's `PaymentSettings`) plus approved `ExpenseClaim`s minus `Payment`s made. Amounts are
integers in euro cents.

Bank accounts hold personal data: the IBAN and the holder's name are encrypted at rest
(:mod:`webapp.payments.accounts`), lists show the last four characters only, and the rows are
deleted when the jury's retention ends or on request.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Sitting
from webapp.models.members import Member


class PaymentSettings(db.Model):  # type: ignore[name-defined,misc]
    """The stipend and the paying municipality's account of one jury (one row per jury)."""

    __tablename__ = "payment_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), unique=True)
    stipend_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Whether a sitting still earns the stipend when the member came late or left early.
    count_late: Mapped[bool] = mapped_column(default=True)
    count_left_early: Mapped[bool] = mapped_column(default=True)
    # The municipality's account the transfers are paid from (not personal data).
    debtor_name: Mapped[str] = mapped_column(String(70), default="")
    debtor_iban: Mapped[str] = mapped_column(String(34), default="")
    debtor_bic: Mapped[str] = mapped_column(String(11), default="")
    # The text on the members' bank statements.
    remittance: Mapped[str] = mapped_column(String(140), default="")


class ExpenseKind(StrEnum):
    CHILDCARE = "childcare"
    TRAVEL = "travel"
    OTHER = "other"


class ClaimStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExpenseClaim(db.Model):  # type: ignore[name-defined,misc]
    """An expense a member asks to be paid back; counts in the ledger once approved."""

    __tablename__ = "expense_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id", ondelete="SET NULL"))
    kind: Mapped[ExpenseKind] = mapped_column(String(20))
    amount_cents: Mapped[int]
    spent_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    # A receipt under the instance folder (owner-only), and the name it was uploaded with.
    receipt_path: Mapped[str | None] = mapped_column(String(300))
    receipt_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ClaimStatus] = mapped_column(String(20), default=ClaimStatus.PENDING)
    entered_via: Mapped[str] = mapped_column(String(10), default="staff")  # or "code"
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    # The payment run that paid it back (approved claims only).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_runs.id", ondelete="SET NULL"))

    member: Mapped[Member] = relationship()
    sitting: Mapped[Sitting | None] = relationship()


class BankAccount(db.Model):  # type: ignore[name-defined,misc]
    """Where a member's money goes: one account per member, encrypted (see module docstring)."""

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), unique=True
    )
    holder_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    iban_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    iban_last4: Mapped[str] = mapped_column(String(4))  # for the masked form in lists
    bic: Mapped[str] = mapped_column(String(11), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PaymentRun(db.Model):  # type: ignore[name-defined,misc]
    """One batch of transfers, with its files (encrypted: they hold IBANs; erased with them)."""

    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    execution_date: Mapped[date]
    message_id: Mapped[str] = mapped_column(String(35))
    total_cents: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    csv_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    xml_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)

    payments: Mapped[list[Payment]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Payment.id"
    )


class Payment(db.Model):  # type: ignore[name-defined,misc]
    """What one member was paid in a run: the stipends and expenses it settles."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("payment_runs.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int]
    end_to_end_id: Mapped[str] = mapped_column(String(35))

    run: Mapped[PaymentRun] = relationship(back_populates="payments")
    member: Mapped[Member] = relationship()
