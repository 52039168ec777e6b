"""Reply codes as the web app stores them: an HMAC under the server's key, never in clear."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from webapp.extensions import db
from webapp.lottery.codes import CodeFormatError, CodeTypo, code_hash, read_code, read_old_code
from webapp.models.invitations import Invitation
from webapp.models.members import Member
from webapp.models.replies import Reply

__all__ = ["CodeNotFound", "CodeProblem", "code_hash", "find_invitation"]


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


def _by_code(canonical: str, *, member_codes: bool = False) -> Invitation | None:
    digest = code_hash(canonical)
    invitation: Invitation | None = db.session.scalar(
        select(Invitation).where(Invitation.code_hash == digest)
    )
    if invitation is None and member_codes:
        # The member code of the paper letter about the draw leads to the same invitation.
        invitation = db.session.scalar(
            select(Invitation)
            .join(Reply, Reply.invitation_id == Invitation.id)
            .join(Member, Member.reply_id == Reply.id)
            .where(Member.code_hash == digest)
        )
    return invitation


def find_invitation(text: str, *, member_codes: bool = False) -> Invitation:
    """The invitation whose code the resident typed, in any accepted spelling.

    Raises :class:`CodeNotFound` with the reason: empty, not a code, a typo (check symbol does
    not match) or unknown. A code with the old check symbol (issued before the Damm check) is
    found when a letter carries it. The QR code's link (``.../reply#code=...``), as a hand
    scanner types it, is read as its code. The code itself is never logged or stored in clear.
    With ``member_codes``, a member code (printed on the letter about the draw) is found too.
    """
    if not text.strip():
        raise CodeNotFound(CodeProblem.EMPTY)
    if "code=" in text:
        # The QR code's link, as a hand scanner types it into the staff form (paper replies).
        text = text.split("code=", 1)[1].split("&", 1)[0]
    try:
        canonical = read_code(text)
    except (CodeTypo, CodeFormatError) as exc:
        problem = CodeProblem.TYPO if isinstance(exc, CodeTypo) else CodeProblem.FORMAT
        old = read_old_code(text)
        found = _by_code(old, member_codes=member_codes) if old is not None else None
        if found is None:
            raise CodeNotFound(problem) from None
        return found
    invitation = _by_code(canonical, member_codes=member_codes)
    if invitation is None:
        raise CodeNotFound(CodeProblem.UNKNOWN)
    return invitation
