"""Payment runs: pay the positive balances of chosen members by one SEPA credit transfer file
(pain.001.001.09, made by the sepaxml library and checked against its schema) and a CSV of
the same transfers. The run is recorded (a `Payment` per member, approved claims marked paid),
so the balances drop and nothing is paid twice; both files are kept encrypted for download."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError

from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.lottery.letters import csv_cell
from webapp.models import Jury, User
from webapp.models.payments import ClaimStatus, ExpenseClaim, Payment, PaymentRun, PaymentSettings
from webapp.payments import accounts, ledger

SCHEMA = "pain.001.001.09"
CSV_COLUMNS = [
    "reference",
    "account_holder",
    "iban",
    "bic",
    "sittings",
    "stipends_eur",
    "expenses_eur",
    "amount_eur",
    "currency",
    "end_to_end_id",
    "execution_date",
]


class RunProblem(ValueError):
    """A payment run that cannot be made; names the field, and nothing is written."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def latest_run_id(jury: Jury) -> int:
    """The newest run of the jury (0 for none): the run form carries it, so that a form sent
    twice, or after another run, is refused instead of paying again."""
    found = db.session.scalar(
        sa.select(sa.func.max(PaymentRun.id)).where(PaymentRun.jury_id == jury.id)
    )
    return int(found or 0)


def runs_of(jury: Jury) -> list[PaymentRun]:
    return list(
        db.session.scalars(
            sa.select(PaymentRun)
            .where(PaymentRun.jury_id == jury.id)
            .order_by(PaymentRun.id.desc())
        )
    )


def run_of(jury: Jury, run_id: int) -> PaymentRun | None:
    run = db.session.get(PaymentRun, run_id)
    return run if run is not None and run.jury_id == jury.id else None


def _euro(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _payees(jury: Jury, member_ids: Sequence[int]) -> list[tuple[ledger.Balance, accounts.Payee]]:
    rows = ledger.balances(jury)
    chosen = []
    for member_id in dict.fromkeys(member_ids):
        row = rows.get(member_id)
        if row is None:
            raise RunProblem("members", _l("Choose members of this jury only."))
        ref = row.member.reply.reference
        if row.balance_cents <= 0:
            raise RunProblem("members", _l("%(ref)s has nothing to be paid.", ref=ref))
        if row.account is None:
            raise RunProblem("members", _l("%(ref)s has no IBAN yet; enter it first.", ref=ref))
        payee = accounts.payee(row.account)
        if payee is None:
            raise RunProblem(
                "members",
                _l("The IBAN of %(ref)s can no longer be read; enter it again.", ref=ref),
            )
        chosen.append((row, payee))
    return chosen


def make_run(
    jury: Jury,
    member_ids: Sequence[int],
    *,
    execution_date: date,
    since: int,
    user: User,
    today: date | None = None,
) -> PaymentRun:
    """Pay the chosen members' balances (flushes; the caller commits). Raises RunProblem."""
    # One run at a time per jury: PostgreSQL locks the jury's row (SQLite writes one at a time).
    db.session.execute(sa.select(Jury.id).where(Jury.id == jury.id).with_for_update())
    if latest_run_id(jury) != since:
        raise RunProblem(
            "members",
            _l(
                "A payment run was made since this page was opened (was it sent twice?). "
                "Nothing was paid again: check the balances."
            ),
        )
    if not member_ids:
        raise RunProblem("members", _l("Choose at least one member to pay."))
    if execution_date < (today or date.today()):
        raise RunProblem("execution_date", _l("The date cannot be in the past."))
    settings = ledger.settings_of(jury)
    if not settings.debtor_name or not settings.debtor_iban:
        raise RunProblem(
            "settings",
            _l("Set the municipality's account (name and IBAN) in the payment settings first."),
        )
    chosen = _payees(jury, member_ids)
    run = PaymentRun(
        jury_id=jury.id,
        execution_date=execution_date,
        message_id="",
        total_cents=sum(row.balance_cents for row, _ in chosen),
        created_by_id=user.id,
    )
    db.session.add(run)
    db.session.flush()
    transfer = _transfer(settings)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row, payee in chosen:
        e2e = f"KLR-J{jury.id}-R{run.id}-M{row.member.id}"
        payment: dict[str, object] = {
            "name": payee.holder,
            "IBAN": payee.iban,
            "amount": row.balance_cents,
            "execution_date": execution_date,
            "description": f"{settings.remittance or jury.name} {row.member.reply.reference}",
            "endtoend_id": e2e,
        }
        if payee.bic:
            payment["BIC"] = payee.bic
        transfer.add_payment(payment)
        writer.writerow(
            [
                csv_cell(row.member.reply.reference),
                csv_cell(payee.holder),
                payee.iban,
                payee.bic,
                row.sittings,
                _euro(row.stipends_cents),
                _euro(row.expenses_cents),
                _euro(row.balance_cents),
                settings.currency,
                e2e,
                execution_date.isoformat(),
            ]
        )
        db.session.add(
            Payment(
                run_id=run.id,
                member_id=row.member.id,
                amount_cents=row.balance_cents,
                end_to_end_id=e2e,
            )
        )
    try:
        xml = transfer.export(validate=True)
    except SepaValidationError:
        raise RunProblem(
            "settings",
            _l("The bank file does not pass the SEPA schema: check the municipality's account."),
        ) from None
    run.message_id = transfer.msg_id[:35]
    run.xml_encrypted = accounts.encrypt(xml.decode("utf-8"))
    run.csv_encrypted = accounts.encrypt(out.getvalue())
    db.session.execute(
        sa.update(ExpenseClaim)
        .where(
            ExpenseClaim.jury_id == jury.id,
            ExpenseClaim.member_id.in_([row.member.id for row, _ in chosen]),
            ExpenseClaim.status == ClaimStatus.APPROVED,
            ExpenseClaim.run_id.is_(None),
        )
        .values(run_id=run.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return run


def _transfer(settings: PaymentSettings) -> SepaTransfer:
    config: dict[str, object] = {
        "name": settings.debtor_name,
        "IBAN": settings.debtor_iban,
        "batch": True,
        "currency": settings.currency,
    }
    if settings.debtor_bic:
        config["BIC"] = settings.debtor_bic
    return SepaTransfer(config, schema=SCHEMA, clean=True)


def run_file(run: PaymentRun, kind: str) -> str | None:
    """The run's CSV or pain.001 text; None when erased (retention) or unreadable."""
    token = run.csv_encrypted if kind == "csv" else run.xml_encrypted
    if token is None:
        return None
    try:
        return accounts.decrypt(token)
    except Exception:  # cryptography's InvalidToken: the SECRET_KEY changed
        return None


def erase_run_files(member_ids: Sequence[int] | sa.Select[Any]) -> None:
    """Drop the files of every run that paid one of these members (they hold the IBANs)."""
    runs = sa.select(Payment.run_id).where(Payment.member_id.in_(member_ids))
    db.session.execute(
        sa.update(PaymentRun)
        .where(PaymentRun.id.in_(runs))
        .values(csv_encrypted=None, xml_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
