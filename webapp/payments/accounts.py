"""Members' bank accounts: IBANs checked (checksum and the country's format, with schwifty),
encrypted at rest, shown masked, never logged or put in a URL, and deleted when they are no
longer needed (the jury's retention ends, or the member asks).

The encryption key is derived from the instance's SECRET_KEY (HKDF): a backup of the database
alone does not reveal an account. Changing SECRET_KEY makes stored accounts unreadable; they are
then entered again (:func:`holder_and_iban` says so instead of failing).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors

from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Member, User
from webapp.models.payments import BankAccount


class AccountProblem(ValueError):
    """An IBAN or BIC that cannot be paid to; the message names the field, in plain words."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kleroterion bank accounts"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(text: str) -> bytes:
    return _fernet().encrypt(text.encode())


def decrypt(token: bytes) -> str:
    return _fernet().decrypt(token).decode()


def check_iban(text: str, *, field: str = "iban") -> str:
    """The IBAN in compact form, or :class:`AccountProblem` saying what is wrong with it."""
    compact = "".join((text or "").split()).upper()
    if not compact:
        raise AccountProblem(field, _l("Please type the account number (IBAN)."))
    try:
        iban = IBAN(compact)
    except iban_errors.InvalidCountryCode:
        raise AccountProblem(
            field, _l("It must start with a country code, like ES or NL.")
        ) from None
    except iban_errors.InvalidLength:
        raise AccountProblem(
            field, _l("It has too many or too few characters for its country.")
        ) from None
    except (iban_errors.InvalidChecksumDigits, iban_errors.InvalidBBANChecksum):
        raise AccountProblem(
            field,
            _l("The check digits do not match, so a character is mistyped. Check each one."),
        ) from None
    except iban_errors.SchwiftyException:
        raise AccountProblem(
            field, _l("This is not an IBAN. Check the letters and numbers.")
        ) from None
    if not iban.in_sepa_zone:
        raise AccountProblem(
            field, _l("This account is outside the SEPA area and cannot be paid by transfer.")
        )
    return str(iban.compact)


def check_bic(text: str, *, field: str = "bic") -> str:
    """The BIC in compact form ("" when none is given: SEPA transfers do not need one)."""
    compact = "".join((text or "").split()).upper()
    if not compact:
        return ""
    try:
        return str(BIC(compact).compact)
    except iban_errors.SchwiftyException:
        raise AccountProblem(
            field, _l("This is not a BIC. It has 8 or 11 letters and numbers, or leave it empty.")
        ) from None


def mask(last4: str) -> str:
    """How lists show an account: only its last four characters."""
    return f"•••• {last4}"


def account_of(member: Member) -> BankAccount | None:
    return db.session.scalar(sa.select(BankAccount).filter_by(member_id=member.id))


def save_account(member: Member, *, holder: str, iban: str, bic: str, user: User) -> BankAccount:
    """Check and store (replace) the member's account; flushes. Raises AccountProblem."""
    holder = " ".join((holder or "").split())
    if not holder:
        raise AccountProblem("holder", _l("Please type the name on the account."))
    if len(holder) > 70:
        raise AccountProblem("holder", _l("At most 70 characters."))
    compact = check_iban(iban)
    bic = check_bic(bic)
    account = account_of(member) or BankAccount(member_id=member.id)
    account.holder_encrypted = encrypt(holder)
    account.iban_encrypted = encrypt(compact)
    account.iban_last4 = compact[-4:]
    account.bic = bic
    account.updated_by_id = user.id
    db.session.add(account)
    db.session.flush()
    return account


@dataclass(frozen=True, slots=True)
class Payee:
    holder: str
    iban: str
    bic: str


def payee(account: BankAccount) -> Payee | None:
    """The decrypted account, or None when it cannot be read (SECRET_KEY changed)."""
    try:
        return Payee(
            decrypt(account.holder_encrypted), decrypt(account.iban_encrypted), account.bic
        )
    except InvalidToken:
        return None


def remove_account(member: Member) -> bool:
    """Delete the member's account (on request); False when there was none."""
    result = db.session.execute(sa.delete(BankAccount).where(BankAccount.member_id == member.id))
    db.session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def erase_accounts(member_ids: Sequence[int] | sa.Select[Any]) -> None:
    """Delete the accounts of these members (flushes; the caller commits)."""
    db.session.execute(
        sa.delete(BankAccount)
        .where(BankAccount.member_id.in_(member_ids))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
