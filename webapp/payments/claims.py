"""Expense claims (childcare, travel, other): entered by staff or by the member with their
code, approved or rejected by an organiser, paid back in a payment run. Receipts are kept
under the instance folder, owner-only, and erased with the member's personal data."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypedDict

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.files import open_private, private_dir
from webapp.i18n import lazy_gettext as _l
from webapp.models import Jury, Member, Sitting, User
from webapp.models.payments import ClaimStatus, ExpenseClaim, ExpenseKind

MAX_CLAIM_CENTS = 1_000_000  # 10,000 euro: more is a typo
MAX_RECEIPT_BYTES = 5 * 1024 * 1024
# What a receipt may be, by its first bytes (the name's extension is not trusted).
RECEIPT_TYPES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
RECEIPT_MEDIA = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


class ClaimDetails(TypedDict):
    """What a claim form gives, whoever fills it in (staff, or the member with their code)."""

    kind: ExpenseKind
    amount_cents: int
    spent_on: date
    note: str
    receipt: FileStorage | None


class ClaimProblem(ValueError):
    """Input that cannot become a claim or a decision; names the field, in plain words."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def parse_cents(text: str | None, *, field: str, allow_zero: bool = False) -> int:
    """Euro as people type them ("65", "65.50", "65,50") in cents; ClaimProblem otherwise."""
    cleaned = (text or "").strip().replace("€", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ClaimProblem(field, _l("Type an amount in euro, like 12.50.")) from None
    if not value.is_finite():  # "nan", "inf"
        raise ClaimProblem(field, _l("Type an amount in euro, like 12.50."))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ClaimProblem(field, _l("Type an amount in euro with at most two decimals."))
    if value < 0:
        raise ClaimProblem(field, _l("The amount cannot be negative."))
    if value == 0 and not allow_zero:
        raise ClaimProblem(field, _l("The amount must be more than zero."))
    cents = int(value * 100)
    if cents > MAX_CLAIM_CENTS:
        raise ClaimProblem(field, _l("The amount is too large: at most 10,000 euro."))
    return cents


def claims_of(jury: Jury, *, status: ClaimStatus | None = None) -> list[ExpenseClaim]:
    query = sa.select(ExpenseClaim).where(ExpenseClaim.jury_id == jury.id)
    if status is not None:
        query = query.where(ExpenseClaim.status == status)
    return list(db.session.scalars(query.order_by(ExpenseClaim.created_at, ExpenseClaim.id)))


def claim_of(jury: Jury, claim_id: int) -> ExpenseClaim | None:
    claim = db.session.get(ExpenseClaim, claim_id)
    return claim if claim is not None and claim.jury_id == jury.id else None


def _receipt_suffix(receipt: FileStorage) -> tuple[str, bytes]:
    suffix = Path(receipt.filename or "").suffix.lower()
    data = receipt.stream.read(MAX_RECEIPT_BYTES + 1)
    if len(data) > MAX_RECEIPT_BYTES:
        raise ClaimProblem("receipt", _l("The file is larger than 5 MB."))
    magic = RECEIPT_TYPES.get(suffix)
    if magic is None or not data.startswith(magic):
        raise ClaimProblem("receipt", _l("Send a PDF, JPG or PNG file."))
    return (".jpg" if suffix == ".jpeg" else suffix), data


def receipts_dir(jury_id: int) -> Path:
    return Path(current_app.instance_path) / "receipts" / str(jury_id)


def _store_receipt(jury_id: int, suffix: str, data: bytes) -> Path:
    """Write a receipt owner-only under a random name (the uploaded name is only shown)."""
    stored = private_dir(receipts_dir(jury_id)) / f"{secrets.token_hex(16)}{suffix}"
    with open_private(stored) as handle:
        handle.write(data)
    return stored


def add_claim(
    jury: Jury,
    member: Member,
    *,
    kind: ExpenseKind,
    amount_cents: int,
    spent_on: date,
    sitting: Sitting | None,
    note: str,
    receipt: FileStorage | None,
    via: str,
    user: User | None,
) -> ExpenseClaim:
    """Record a pending claim (flushes). Checks every input before anything is written. The
    same claim sent again while it waits (a double click, a reload) is not stored twice: the
    waiting one is returned."""
    if member.jury_id != jury.id:
        raise ClaimProblem("member", _l("Choose a member of this jury."))
    if sitting is not None and sitting.jury_id != jury.id:
        raise ClaimProblem("sitting", _l("Choose a sitting of this jury."))
    if not 0 < amount_cents <= MAX_CLAIM_CENTS:
        raise ClaimProblem("amount", _l("The amount must be more than zero."))
    if spent_on > date.today() + timedelta(days=1):
        raise ClaimProblem("spent_on", _l("The date cannot be in the future."))
    upload = _receipt_suffix(receipt) if receipt is not None and receipt.filename else None
    note = (note or "").strip()[:500]
    same: ExpenseClaim | None = db.session.scalar(
        sa.select(ExpenseClaim).filter_by(
            member_id=member.id,
            kind=kind,
            amount_cents=amount_cents,
            spent_on=spent_on,
            note=note,
            status=ClaimStatus.PENDING,
        )
    )
    if same is not None:
        return same
    stored = _store_receipt(jury.id, *upload) if upload is not None else None
    claim = ExpenseClaim(
        jury_id=jury.id,
        member_id=member.id,
        sitting_id=sitting.id if sitting is not None else None,
        kind=kind,
        amount_cents=amount_cents,
        spent_on=spent_on,
        note=note,
        receipt_path=str(stored.relative_to(current_app.instance_path)) if stored else None,
        receipt_name=Path(receipt.filename or "").name[:200] if stored and receipt else None,
        status=ClaimStatus.PENDING,
        entered_via=via,
        entered_by_id=user.id if user is not None else None,
    )
    db.session.add(claim)
    try:
        db.session.flush()
    except Exception:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return claim


def decide(claim: ExpenseClaim, *, approve: bool, user: User) -> bool:
    """Approve or reject (flushes). False when the claim already had this decision: a double
    submit changes nothing. A claim that was paid keeps its decision (ClaimProblem)."""
    wanted = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    if claim.status == wanted:
        return False
    if claim.run_id is not None:
        raise ClaimProblem(
            "decision", _l("This expense was paid in a payment run; its decision cannot change.")
        )
    claim.status = wanted
    claim.decided_by_id = user.id
    claim.decided_at = datetime.now()
    db.session.flush()
    return True


def receipt_file(claim: ExpenseClaim) -> Path | None:
    if not claim.receipt_path:
        return None
    path = Path(current_app.instance_path) / claim.receipt_path
    return path if path.is_file() else None


def erase_claims(member_ids: Sequence[int] | sa.Select[Any]) -> None:
    """Erase the personal part of these members' claims: notes and receipts (the amounts stay
    in the accounts of the municipality). Flushes; the caller commits."""
    claims = db.session.scalars(
        sa.select(ExpenseClaim).where(
            ExpenseClaim.member_id.in_(member_ids),
            sa.or_(ExpenseClaim.note != "", ExpenseClaim.receipt_path.is_not(None)),
        )
    )
    for claim in claims:
        path = receipt_file(claim)
        if path is not None:
            path.unlink(missing_ok=True)
        claim.note = ""
        claim.receipt_path = None
        claim.receipt_name = None
    db.session.flush()
