"""E-mails about the outcome of the draw, sent by the worker (only when ``MAIL_SERVER`` is
set): to the selected (with how to confirm), to the alternates and to the volunteers not
drawn, each in the language of their reply (nl, es or en)."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import tasks
from webapp.extensions import db
from webapp.mail import MAIL_ERRORS, mail_configured, mail_language, message, smtp
from webapp.members import services
from webapp.models import Answer, Jury, Member, MemberStatus, Reply

log = logging.getLogger(__name__)


def _recipients(jury: Jury) -> list[tuple[Reply, Member | None]]:
    """Every volunteer with an e-mail address who has not had this mail: the members (and
    alternates) whose letter is not sent, and the volunteers not drawn (once, when the
    first mails go out)."""
    members = {m.reply_id: m for m in services.members_of(jury)}
    replies = db.session.scalars(
        sa.select(Reply).where(
            Reply.jury_id == jury.id,
            Reply.answer == Answer.YES,
            Reply.email.is_not(None),
            Reply.email != "",
        )
    ).all()
    first_time = all(m.letter_sent_at is None for m in members.values())
    found: list[tuple[Reply, Member | None]] = []
    for reply in replies:
        member = members.get(reply.id)
        if member is not None and member.letter_sent_at is None:
            found.append((reply, member))
        elif member is None and first_time:
            found.append((reply, None))
    return found


def _message(jury: Jury, reply: Reply, member: Member | None) -> EmailMessage:
    status = member.status if member else None
    with force_locale(mail_language(reply.language)):
        if status in (MemberStatus.SELECTED, MemberStatus.CONFIRMED):
            subject = _("You have been drawn for %(jury)s", jury=jury.name)
        elif status == MemberStatus.ALTERNATE:
            subject = _("You are an alternate for %(jury)s", jury=jury.name)
        else:
            subject = _("The draw for %(jury)s", jury=jury.name)
        body = render_template(
            "members/outcome_mail.txt",
            jury=jury,
            reply=reply,
            status=status,
            confirm_url=f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}/confirm",
        )
    return message(subject=subject, to=str(reply.email), body=body)


@tasks.task
def send_outcome_mails(jury_id: int) -> int:
    """Send the outcome mails of a jury (a task); returns how many went out. Members get
    ``letter_sent_at``, so a second run sends only what is new (replacements)."""
    jury = db.session.get(Jury, jury_id)
    if not mail_configured() or jury is None:
        return 0
    sent = 0
    try:
        with smtp(timeout=30) as connection:
            for reply, member in _recipients(jury):
                connection.send_message(_message(jury, reply, member))
                if member is not None:
                    member.letter_sent_at = services.now()
                    db.session.commit()  # sent is sent: a later failure does not resend it
                sent += 1
    except MAIL_ERRORS as exc:
        log.warning("outcome mails of jury %s stopped: %s", jury_id, type(exc).__name__)
    log.info("outcome mails of jury %s: %s sent", jury_id, sent)
    return sent
