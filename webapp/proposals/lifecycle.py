"""What happens to a proposal after the jury: the verdict, the municipality's response (due a
set number of days after the verdict, 90 by default, with a warning to staff as the date
nears), implementation, and the traffic light residents follow.

The plenary (webapp/verdicts/) hands its outcome over with :func:`verdict_reached`; staff
publish the response and mark the proposal implemented; :func:`traffic_light` gives the steps
the public pages draw.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import LazyString

from webapp import tasks
from webapp.database import utcnow
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models.juries import Jury
from webapp.models.proposals import (
    Proposal,
    ProposalBoard,
    ProposalStatus,
    VerdictOutcome,
)
from webapp.proposals import services

log = logging.getLogger(__name__)

OUTCOME_LABELS: dict[VerdictOutcome, LazyString] = {
    VerdictOutcome.CITY_VOTE: _l("Put to a city-wide vote"),
    VerdictOutcome.AMENDED: _l("Sent on, amended"),
    VerdictOutcome.REJECTED: _l("Rejected"),
}

# The steps of the traffic light, in order; each with the words residents read.
STEPS: tuple[tuple[ProposalStatus, LazyString], ...] = (
    (ProposalStatus.RECEIVED, _l("Received")),
    (ProposalStatus.ON_AGENDA, _l("On the jury's agenda")),
    (ProposalStatus.VERDICT, _l("The jury's verdict")),
    (ProposalStatus.RESPONSE_DUE, _l("The municipality's response")),
    (ProposalStatus.IMPLEMENTED, _l("Implemented")),
)
_ORDER = [status for status, _label in STEPS]


class LifecycleError(ValueError):
    """A step asked for out of order (e.g. a response before the verdict)."""


@dataclass(frozen=True, slots=True)
class Step:
    status: ProposalStatus
    label: LazyString
    done: bool
    current: bool


def traffic_light(proposal: Proposal) -> list[Step]:
    reached = _ORDER.index(proposal.status)
    return [
        Step(status=status, label=label, done=i < reached, current=i == reached)
        for i, (status, label) in enumerate(STEPS)
    ]


def settings_of(jury: Jury) -> ProposalBoard:
    return services.board_of(jury)


def verdict_reached(proposal: Proposal, outcome: VerdictOutcome, decided_at: datetime) -> None:
    """The plenary decided: the proposal shows the verdict, and the municipality's response
    falls due ``response_days`` after it (flushes; the caller commits)."""
    jury = db.session.get(Jury, proposal.jury_id)
    assert jury is not None
    proposal.verdict_outcome = outcome
    proposal.verdict_at = decided_at
    proposal.response_due_on = decided_at.date() + timedelta(days=settings_of(jury).response_days)
    proposal.response_warned_at = None
    if _ORDER.index(proposal.status) < _ORDER.index(ProposalStatus.VERDICT):
        proposal.status = ProposalStatus.VERDICT
    db.session.flush()


def publish_response(proposal: Proposal, texts: Mapping[str, str], at: datetime) -> None:
    """The municipality's response, per language, published (and replaceable later)."""
    if proposal.verdict_at is None:
        raise LifecycleError("no verdict yet")
    if not any(t.strip() for t in texts.values()):
        raise LifecycleError("no text")
    proposal.response_texts = {lang: t.strip() for lang, t in texts.items() if t.strip()}
    if proposal.response_published_at is None:
        proposal.response_published_at = at
    if proposal.status != ProposalStatus.IMPLEMENTED:
        proposal.status = ProposalStatus.RESPONSE_DUE
    db.session.flush()


def mark_implemented(proposal: Proposal, at: datetime) -> None:
    if proposal.response_published_at is None:
        raise LifecycleError("no response yet")
    proposal.implemented_at = proposal.implemented_at or at
    proposal.status = ProposalStatus.IMPLEMENTED
    db.session.flush()


def days_left(proposal: Proposal, today: date) -> int | None:
    """Days until the response is due (negative: overdue); None when none is due."""
    if proposal.response_due_on is None or proposal.response_published_at is not None:
        return None
    return (proposal.response_due_on - today).days


def responses_due(today: date, *, jury_ids: list[int] | None = None) -> list[Proposal]:
    """Proposals whose response is unpublished and due within the jury's warning days (or
    overdue), soonest first; ``jury_ids`` limits them to the juries a staff member sees."""
    query = (
        sa.select(Proposal, ProposalBoard.warning_days)
        .outerjoin(ProposalBoard, ProposalBoard.jury_id == Proposal.jury_id)
        .where(
            Proposal.response_due_on.is_not(None),
            Proposal.response_published_at.is_(None),
        )
        .order_by(Proposal.response_due_on, Proposal.id)
    )
    if jury_ids is not None:
        query = query.where(Proposal.jury_id.in_(jury_ids))
    found = []
    for proposal, warning_days in db.session.execute(query):
        warn = 14 if warning_days is None else warning_days
        due = proposal.response_due_on
        if due is not None and due - timedelta(days=warn) <= today:
            found.append(proposal)
    return found


@tasks.daily
def warn_of_responses_due() -> int:
    """Once per proposal, tell the jury's organisers by e-mail that the municipality's
    response falls due soon (or is overdue); the staff dashboard shows it every day."""
    from webapp.proposals.feedback import tell_staff_response_due

    now = utcnow()
    told = 0
    for proposal in responses_due(now.date()):
        if proposal.response_warned_at is not None:
            continue
        if tell_staff_response_due(proposal, now.date()):
            proposal.response_warned_at = now
            db.session.commit()
            told += 1
    log.info("responses due: %s proposals' organisers told", told)
    return told
