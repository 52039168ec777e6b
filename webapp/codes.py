"""Reply codes as the web app stores them: an HMAC under the server's key, never in clear."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from sortition.codes import CodeFormatError, CodeTypo, normalise_code
from webapp.extensions import db
from webapp.models.invitations import Invitation


class CodeProblem(StrEnum):
    """Why typed text did not lead to an invitation; each gets its own message on the field."""

    EMPTY = "empty"
    FORMAT = "format"  # wrong length or characters: not a code at all
    TYPO = "typo"  # the shape of a code, but the check symbol does not match
    UNKNOWN = "unknown"  # a valid code that no letter carries


class CodeNotFound(Exception):
    """Typed text is not the code of any invitation; ``problem`` says why."""

    def __init__(self, problem: CodeProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def code_hash(canonical_code: str) -> str:
    """HMAC-SHA256 of a canonical code (as :func:`sortition.codes.normalise_code` returns it)."""
    key = str(current_app.config["CODE_HMAC_KEY"]).encode()
    return hmac.new(key, canonical_code.encode(), hashlib.sha256).hexdigest()


def find_invitation(text: str) -> Invitation:
    """The invitation whose code the resident typed, in any accepted spelling.

    Raises :class:`CodeNotFound` with the reason: empty, not a code, a typo (check symbol does
    not match) or unknown. The code itself is never logged or stored in clear.
    """
    if not text.strip():
        raise CodeNotFound(CodeProblem.EMPTY)
    try:
        canonical = normalise_code(text)
    except CodeTypo:
        raise CodeNotFound(CodeProblem.TYPO) from None
    except CodeFormatError:
        raise CodeNotFound(CodeProblem.FORMAT) from None
    invitation: Invitation | None = db.session.scalar(
        select(Invitation).where(Invitation.code_hash == code_hash(canonical))
    )
    if invitation is None:
        raise CodeNotFound(CodeProblem.UNKNOWN)
    return invitation
