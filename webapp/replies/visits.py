"""The resident's way from the code page to the confirmation, without their data in the cookie.

Flask's session is a signed cookie that anyone holding it can read. So it carries only a random
token (and yes/no flags); the invitation it leads to is in the ``reply_visits`` table, found by
the token's SHA-256. A visit expires after ``VISIT_LIFETIME``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from webapp.database import utcnow
from webapp.extensions import db
from webapp.models import Invitation, ReplyVisit

VISIT_LIFETIME = timedelta(hours=12)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(invitation: Invitation) -> str:
    """A new visit for ``invitation``; returns the token for the session. Expired visits of
    everybody are removed on the way."""
    db.session.execute(sa.delete(ReplyVisit).where(ReplyVisit.created_at < _oldest()))
    token = secrets.token_urlsafe(32)
    db.session.add(
        ReplyVisit(token_hash=_hash(token), invitation_id=invitation.id, created_at=_now())
    )
    db.session.flush()
    return token


def invitation_of(token: object) -> Invitation | None:
    """The invitation of a live visit, or None for an unknown, expired or missing token."""
    if not isinstance(token, str) or not token:
        return None
    visit = db.session.scalar(
        sa.select(ReplyVisit).where(
            ReplyVisit.token_hash == _hash(token), ReplyVisit.created_at >= _oldest()
        )
    )
    return db.session.get(Invitation, visit.invitation_id) if visit is not None else None


def _now() -> datetime:
    return utcnow()  # stored naive, in UTC


def _oldest() -> datetime:
    return _now() - VISIT_LIFETIME
