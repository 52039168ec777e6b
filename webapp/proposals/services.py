"""Storing imported proposals and changing their status. Functions flush; the request commits
once, so a failed import leaves every stored proposal as it was."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from webapp.database import utcnow
from webapp.extensions import db
from webapp.models.juries import Jury, Sitting
from webapp.models.proposals import Proposal, ProposalBoard, ProposalSource, ProposalStatus
from webapp.models.sittings import sitting_proposals
from webapp.privacy import ledger
from webapp.privacy.services import expiry_date
from webapp.proposals.graphql import Imported

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    added: int
    updated: int


def store_imported(jury: Jury, source: ProposalSource, items: Iterable[Imported]) -> Stored:
    """Insert new proposals and update those already stored (same source and external id).

    The status the jury gave a proposal (on the agenda, verdict ...) and its moderation are
    kept: only what the platform says is updated. An author name erased on request or at
    retention end (``author_erased_at``) stays erased, though the platform still shows it.
    """
    items = list(items)
    existing = {
        p.external_id: p
        for p in db.session.scalars(
            sa.select(Proposal).where(
                Proposal.jury_id == jury.id,
                Proposal.source == source,
                Proposal.external_id.in_([i.external_id for i in items]),
            )
        )
    }
    now = utcnow()
    # Erased before a restore of an older backup: the row may have lost its mark, the ledger
    # (outside the database) still has it. Past the jury's retention no name is kept at all.
    erased = ledger.erased_external_ids(jury.id, str(source))
    expires = expiry_date(jury)
    expired = expires is not None and expires < now.date()
    added = 0
    for item in items:
        row = existing.get(item.external_id)
        if row is None:
            row = Proposal(
                jury_id=jury.id,
                source=source,
                external_id=item.external_id,
                status=ProposalStatus.RECEIVED,
                hidden=False,
            )
            db.session.add(row)
            added += 1
        row.title = item.title
        row.summary = item.summary
        row.supports = item.supports
        row.reference = item.reference
        row.state = item.state
        row.published_at = item.published_at
        if row.author_erased_at is None and (expired or item.external_id in erased):
            row.author_erased_at = now
        row.author_name = None if row.author_erased_at is not None else item.author_name
        row.link = item.link
        row.updated_at = now
    db.session.flush()
    log.info("jury %s: %s proposals imported from %s (%s new)", jury.id, len(items), source, added)
    return Stored(added=added, updated=len(items) - added)


def proposals_of(jury: Jury, *, include_hidden: bool = True) -> list[Proposal]:
    """The jury's proposals, most supports first (hidden counts last), then by title."""
    query = sa.select(Proposal).where(Proposal.jury_id == jury.id)
    if not include_hidden:
        query = query.where(Proposal.hidden.is_(False))
    query = query.order_by(
        Proposal.supports.is_(None), Proposal.supports.desc(), Proposal.title, Proposal.id
    )
    return list(db.session.scalars(query))


def proposal_of(jury: Jury, proposal_id: int) -> Proposal | None:
    """The proposal if it belongs to ``jury`` (record-level check: never another jury's)."""
    return db.session.scalar(
        sa.select(Proposal).where(Proposal.id == proposal_id, Proposal.jury_id == jury.id)
    )


def sittings_of(jury: Jury) -> dict[int, list[Sitting]]:
    """The sittings each of the jury's proposals is on (by proposal id), earliest first."""
    rows = db.session.execute(
        sa.select(sitting_proposals.c.proposal_id, Sitting)
        .join(Sitting, Sitting.id == sitting_proposals.c.sitting_id)
        .where(Sitting.jury_id == jury.id)
        .order_by(Sitting.starts_at, Sitting.id)
    )
    found: dict[int, list[Sitting]] = {}
    for proposal_id, sitting in rows:
        found.setdefault(proposal_id, []).append(sitting)
    return found


def set_status(proposal: Proposal, status: ProposalStatus) -> None:
    proposal.status = status
    db.session.flush()


def set_hidden(proposal: Proposal, hidden: bool) -> None:
    proposal.hidden = hidden
    db.session.flush()


def board_of(jury: Jury) -> ProposalBoard:
    """The jury's proposal settings (board closed, threshold 100, 90 days for the response,
    a warning 14 days before, until an organiser changes them); not added to the session."""
    board = db.session.scalar(sa.select(ProposalBoard).where(ProposalBoard.jury_id == jury.id))
    if board is None:
        board = ProposalBoard(
            jury_id=jury.id,
            is_open=False,
            support_threshold=100,
            response_days=90,
            warning_days=14,
        )
    return board


def save_board(jury: Jury, *, is_open: bool, threshold: int) -> ProposalBoard:
    board = board_of(jury)
    board.is_open, board.support_threshold = is_open, threshold
    db.session.add(board)
    db.session.flush()
    return board
