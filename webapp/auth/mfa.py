"""Multi-factor login: a TOTP app (RFC 6238, 30-second codes) and one-time recovery codes.

Administrators and organisers must use it: their first login after this feature (or after an
administrator gives them such a role) leads to the enrolment page. The secret is shown once as
a QR code; ten recovery codes are shown once and stored only as SHA-256 hashes (they carry 50
random bits each, so a fast hash is enough). A TOTP code is accepted once: its time step is
stored and a code of the same or an earlier step is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from markupsafe import Markup

from webapp.encryption import is_plain_secret
from webapp.models import User

ISSUER = "Kleroterion"
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read from paper


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as an inline SVG element (attributes only: allowed by the CSP)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title="QR"))


def matching_step(secret: str, code: str, *, after: int | None, now: float | None = None) -> int:
    """The time step whose TOTP equals ``code`` (the current one or one either side, for
    clocks that drift), or -1. Steps up to ``after`` are refused: each code works once."""
    digits = "".join(ch for ch in code if not ch.isspace())
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        return -1
    if not is_plain_secret(secret):  # a secret no configured key decrypts (UNREADABLE)
        return -1
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return -1


def verify_totp(user: User, code: str, *, secret: str | None = None) -> bool:
    """Check a code against the user's secret (or ``secret`` at enrolment); remember its step."""
    key = secret or user.totp_secret
    if not key:
        return False
    step = matching_step(key, code, after=user.totp_last_step)
    if step < 0:
        return False
    user.totp_last_step = step
    return True


def _recovery_hash(code: str) -> str:
    canonical = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes like ``K7PQ2-XM9RD``; earlier ones stop working."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    user.recovery_hashes = [_recovery_hash(c) for c in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept one unused recovery code, and strike it off."""
    wanted = _recovery_hash(code)
    remaining = list(user.recovery_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, wanted):
            remaining.remove(stored)
            user.recovery_hashes = remaining
            return True
    return False


def enrol(user: User, secret: str) -> list[str]:
    """Store the confirmed secret; returns the recovery codes to show once."""
    user.totp_secret = secret
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """Forget the user's second factor (a lost phone): the next login enrols a new one. Every
    session of the user ends."""
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_hashes = []
    user.end_sessions()


def rotate_stored_secrets() -> int:
    """Encrypt every stored secret again under the first key of ``MFA_KEYS`` (after a new key
    was put first); the old keys can then be removed. Returns how many secrets there were."""
    import sqlalchemy as sa

    from webapp.encryption import rotate
    from webapp.extensions import db

    users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))
    rows = db.session.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    for user_id, token in rows:
        db.session.execute(
            users.update().where(users.c.id == user_id).values(totp_secret=rotate(token))
        )
    db.session.commit()
    return len(rows)
