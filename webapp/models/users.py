"""Staff accounts. Residents never have an account: a reply code is enough."""

from __future__ import annotations

import contextlib
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import session
from flask_login import UserMixin
from sqlalchemy import JSON, String, func
from sqlalchemy.orm import Mapped, mapped_column

from webapp.encryption import EncryptedString
from webapp.extensions import db, login_manager

_hasher = PasswordHasher()
# A hash with the same parameters as real ones, checked when an e-mail address is unknown.
_DUMMY_HASH = _hasher.hash("no account has this password")


def check_dummy_password(password: str) -> None:
    """Spend the time of a password check (for unknown e-mail addresses)."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY_HASH, password)


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Raised by logout and by a password change: a session cookie that carries an older number
    # no longer logs anybody in (the session lives in the signed cookie, so a copy would).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Multi-factor login: the TOTP secret (base32; stored encrypted under MFA_KEYS, see
    # webapp/encryption.py), the last time step accepted (a code is good once), and the
    # SHA-256 hashes of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(255))
    totp_last_step: Mapped[int | None]
    recovery_hashes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session of this user (in any browser) stops working at its next request."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def needs_mfa(self) -> bool:
        """Administrators and organisers log in with a second factor."""
        return self.role in (Role.ADMINISTRATOR, Role.ORGANISER)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


SESSION_VERSION_KEY = "_sv"
MFA_KEY = "_mfa"  # set when the second factor was given at login


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_user(user_id: str) -> User | None:
    """The session's user, unless the session predates a logout or password change, or
    lacks the second factor the user's role needs."""
    user = db.session.get(User, int(user_id))
    if user is None or session.get(SESSION_VERSION_KEY) != user.session_version:
        return None
    if user.needs_mfa and not session.get(MFA_KEY):
        return None  # e.g. given the organiser role since: log in again, with a second factor
    return user
