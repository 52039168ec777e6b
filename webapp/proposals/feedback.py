"""Feedback by e-mail, sent by the worker only when ``MAIL_SERVER`` is set: everyone who took
part (every volunteer of the jury, drawn or not, and the proposal's author when their letter
is known) hears the verdict, and later the municipality's response, each in the language of
their reply; staff hear that a response falls due."""

from __future__ import annotations

import logging
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import tasks
from webapp.extensions import db
from webapp.i18n import localised
from webapp.mail import MAIL_ERRORS, mail_configured, mail_language, message, smtp
from webapp.models import Answer, Jury, Reply
from webapp.models.access import JuryMembership
from webapp.models.proposals import Proposal, ProposalFeedback
from webapp.models.users import Role, User
from webapp.proposals.lifecycle import OUTCOME_LABELS

log = logging.getLogger(__name__)

STAGES = ("verdict", "response")


def stage_of(proposal: Proposal) -> str | None:
    """The news there is to tell: the response once published, else the verdict."""
    if proposal.response_published_at is not None:
        return "response"
    if proposal.verdict_at is not None:
        return "verdict"
    return None


def recipients(proposal: Proposal, stage: str) -> list[Reply]:
    """Replies with an e-mail address not yet told of this stage: the jury's volunteers and
    the author's reply (a board proposal's letter), each once."""
    told = sa.select(ProposalFeedback.reply_id).where(
        ProposalFeedback.proposal_id == proposal.id, ProposalFeedback.stage == stage
    )
    took_part = sa.and_(Reply.jury_id == proposal.jury_id, Reply.answer == Answer.YES)
    author = (
        Reply.invitation_id == proposal.author_invitation_id
        if proposal.author_invitation_id is not None
        else sa.false()
    )
    return list(
        db.session.scalars(
            sa.select(Reply)
            .where(
                sa.or_(took_part, author),
                Reply.email.is_not(None),
                Reply.email != "",
                Reply.id.not_in(told),
            )
            .order_by(Reply.id)
        )
    )


def _base() -> str:
    return str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")


# Written out, not url_for: the worker has no request to build addresses from.
def _public_link(proposal: Proposal, jury: Jury) -> str:
    return f"{_base()}/juries/{jury.slug}/proposals/{proposal.id}"


def _staff_link(proposal: Proposal) -> str:
    return f"{_base()}/staff/juries/{proposal.jury_id}/proposals/{proposal.id}/response"


def _message(proposal: Proposal, jury: Jury, reply: Reply, stage: str) -> EmailMessage:
    lang = mail_language(reply.language)
    with force_locale(lang):
        if stage == "verdict":
            subject = _("The jury's verdict on %(title)s", title=proposal.title[:80])
        else:
            subject = _("The municipality's response to %(title)s", title=proposal.title[:80])
        body = render_template(
            "proposals/feedback_mail.txt",
            proposal=proposal,
            jury=jury,
            stage=stage,
            outcome=OUTCOME_LABELS[proposal.verdict_outcome] if proposal.verdict_outcome else "",
            response=localised(proposal.response_texts, jury.language),
            link=_public_link(proposal, jury),
        )
    return message(subject=subject, to=str(reply.email), body=body)


@tasks.task
def send_feedback(proposal_id: int, stage: str) -> int:
    """Tell everyone who took part of this stage (a task); returns how many were told. Each
    mail is recorded as it goes, so a run that stops half-way resumes without repeats."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or stage not in STAGES or not mail_configured():
        return 0
    jury = db.session.get(Jury, proposal.jury_id)
    assert jury is not None
    sent = 0
    try:
        with smtp(timeout=30) as connection:
            for reply in recipients(proposal, stage):
                connection.send_message(_message(proposal, jury, reply, stage))
                db.session.add(
                    ProposalFeedback(proposal_id=proposal.id, reply_id=reply.id, stage=stage)
                )
                db.session.commit()  # sent is sent: a later failure does not resend it
                sent += 1
    except MAIL_ERRORS as exc:
        log.warning("feedback on proposal %s stopped: %s", proposal_id, type(exc).__name__)
    log.info("feedback on proposal %s (%s): %s sent", proposal_id, stage, sent)
    return sent


def told(proposal: Proposal) -> dict[str, int]:
    """How many residents have been told of each stage."""
    rows = db.session.execute(
        sa.select(ProposalFeedback.stage, sa.func.count())
        .where(ProposalFeedback.proposal_id == proposal.id)
        .group_by(ProposalFeedback.stage)
    )
    counts = {stage: 0 for stage in STAGES}
    counts.update({stage: int(n) for stage, n in rows})
    return counts


def _organisers(jury: Jury) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(JuryMembership, JuryMembership.user_id == User.id)
            .where(
                JuryMembership.jury_id == jury.id,
                User.role == Role.ORGANISER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def tell_staff_response_due(proposal: Proposal, today: date) -> bool:
    """E-mail the jury's organisers that the response to ``proposal`` falls due; whether the
    server took it (False too when no mail server or no organiser)."""
    jury = db.session.get(Jury, proposal.jury_id)
    organisers = _organisers(jury) if jury is not None else []
    if jury is None or not organisers or not mail_configured():
        return False
    due = proposal.response_due_on
    assert due is not None
    with force_locale(mail_language(jury.language)):
        subject = _("Response due: %(title)s", title=proposal.title[:80])
        body = render_template(
            "proposals/response_due_mail.txt",
            proposal=proposal,
            jury=jury,
            due=due,
            days=(due - today).days,
            link=_staff_link(proposal),
        )
    try:
        with smtp() as connection:
            for user in organisers:
                connection.send_message(message(subject=subject, to=user.email, body=body))
    except MAIL_ERRORS as exc:
        log.warning("response-due mail for proposal %s: %s", proposal.id, type(exc).__name__)
        return False
    return True
