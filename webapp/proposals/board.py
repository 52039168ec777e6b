"""The app's own proposal board: residents submit proposals and support them, once each.

A resident proves to be one by a reply code from a letter of this jury, or by an e-mail link
(a signed, timed token). Who supported is stored as an HMAC under ``CODE_HMAC_KEY``
(``supporter``), never the code or the address; UNIQUE (proposal_id, supporter) decides a race
between two parallel submits. Functions flush; the request commits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models.invitations import Invitation
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus, ProposalSupport

log = logging.getLogger(__name__)

TOKEN_SALT = "proposal-support"
TOKEN_MAX_AGE = 3 * 24 * 3600  # an e-mail link works for three days


class AlreadySupported(Exception):
    """This resident supports this proposal already."""


class BadLink(Exception):
    """The e-mail link is not one we signed, or it is older than three days."""


def supporter_of_invitation(invitation: Invitation) -> str:
    return _keyed(f"invitation:{invitation.id}")


def supporter_of_email(email: str) -> str:
    return _keyed(f"email:{email.strip().lower()}")


def _keyed(text: str) -> str:
    key = str(current_app.config["CODE_HMAC_KEY"]).encode()
    return hmac.new(key, f"proposal-support:{text}".encode(), hashlib.sha256).hexdigest()


def submit(jury: Jury, *, title: str, summary: str, invitation: Invitation) -> Proposal:
    """A resident's new proposal on the board (received; supported by its author)."""
    proposal = Proposal(
        jury_id=jury.id,
        source=ProposalSource.BOARD,
        external_id="board-" + secrets.token_hex(8),
        title=title.strip(),
        summary=summary.strip(),
        supports=0,
        status=ProposalStatus.RECEIVED,
        hidden=False,
        author_invitation_id=invitation.id,
    )
    db.session.add(proposal)
    db.session.flush()
    support(proposal, supporter_of_invitation(invitation))
    log.info("board proposal %s submitted in jury %s", proposal.id, jury.id)
    return proposal


def support(proposal: Proposal, supporter: str) -> None:
    """Count one support. Raises :class:`AlreadySupported` for a second one, also when a
    parallel request stored it between our check and our insert (the UNIQUE constraint)."""
    # An UPDATE first takes the write lock (SQLite) or the row lock (PostgreSQL): a parallel
    # request for the same proposal waits here, then meets the UNIQUE constraint.
    db.session.execute(
        sa.update(Proposal.__table__)
        .where(Proposal.__table__.c.id == proposal.id)
        .values(updated_at=sa.func.now())
    )
    try:
        with db.session.begin_nested():
            db.session.add(ProposalSupport(proposal_id=proposal.id, supporter=supporter))
            db.session.flush()
    except IntegrityError:
        raise AlreadySupported() from None
    count = db.session.scalar(
        sa.select(sa.func.count(ProposalSupport.id)).where(
            ProposalSupport.proposal_id == proposal.id
        )
    )
    proposal.supports = int(count or 0)
    db.session.flush()


def has_supported(proposal: Proposal, supporter: str) -> bool:
    return (
        db.session.scalar(
            sa.select(ProposalSupport.id).where(
                ProposalSupport.proposal_id == proposal.id,
                ProposalSupport.supporter == supporter,
            )
        )
        is not None
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def email_token(proposal: Proposal, email: str) -> str:
    """The token of the e-mail link: the proposal and the keyed hash of the address (the
    address itself never travels in a URL)."""
    return str(_serializer().dumps({"p": proposal.id, "s": supporter_of_email(email)}))


def read_token(token: str) -> tuple[int, str]:
    """The proposal id and supporter of a link; :class:`BadLink` when forged or too old."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (SignatureExpired, BadSignature):
        raise BadLink() from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise BadLink()
    return int(data["p"]), str(data.get("s", ""))
