"""Reminder e-mails to the confirmed members of a jury, ``Jury.reminder_days`` before each
sitting (0: none), in the language of their reply, sent by the worker (only when
``MAIL_SERVER`` is set). A :class:`SittingReminder` row per member and sitting, written in
the same transaction as the send is recorded, makes it once: a second run, a second worker
or the staff's "send now" skips who has had it (the unique constraint holds under races)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp import tasks
from webapp.config import LANGUAGES
from webapp.extensions import db
from webapp.mail import MAIL_ERRORS, mail_configured, message, smtp
from webapp.models import Jury, Member, MemberStatus, Reply, Sitting, SittingReminder
from webapp.sittings.agenda import KIND_LABELS

log = logging.getLogger(__name__)


def local_now() -> datetime:
    """Now as a naive wall-clock time in the municipality's zone, like sitting times."""
    zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def due_sittings(now: datetime) -> list[Sitting]:
    """Sittings still to come whose jury's reminder window has opened."""
    upcoming = db.session.scalars(
        sa.select(Sitting)
        .join(Jury)
        .where(Sitting.starts_at > now, Jury.reminder_days > 0)
        .order_by(Sitting.starts_at)
    )
    return [
        s
        for s in upcoming
        if now.date() >= s.starts_at.date() - timedelta(days=s.jury.reminder_days)
    ]


def recipients(sitting: Sitting) -> list[Member]:
    """Confirmed members with an e-mail address who have not had this sitting's reminder."""
    reminded = sa.select(SittingReminder.member_id).where(SittingReminder.sitting_id == sitting.id)
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(Reply, Member.reply_id == Reply.id)
            .where(
                Member.jury_id == sitting.jury_id,
                Member.status == MemberStatus.CONFIRMED,
                Reply.email.is_not(None),
                Reply.email != "",
                Member.id.not_in(reminded),
            )
            .order_by(Member.id)
        )
    )


def _message(sitting: Sitting, member: Member) -> EmailMessage:
    reply = member.reply
    language = reply.language if reply.language in LANGUAGES else "en"
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    with force_locale(language):
        subject = _("Reminder: %(jury)s meets soon", jury=sitting.jury.name)
        body = render_template(
            "sittings/reminder_mail.txt",
            sitting=sitting,
            jury=sitting.jury,
            kind_labels=KIND_LABELS,
            page_url=f"{base}/my-sittings",
        )
    return message(subject=subject, to=str(reply.email), body=body)


def send_for(sitting: Sitting) -> int:
    """Send the sitting's reminders not yet sent; how many went out. A delivery failure
    stops the run (the rest go out on the next one)."""
    if not mail_configured():
        return 0
    sent = 0
    members = recipients(sitting)
    if not members:
        return 0
    try:
        with smtp(timeout=30) as connection:
            for member in members:
                db.session.add(SittingReminder(sitting_id=sitting.id, member_id=member.id))
                try:
                    db.session.flush()
                except IntegrityError:  # another run has just sent it
                    db.session.rollback()
                    continue
                connection.send_message(_message(sitting, member))
                db.session.commit()  # sent is sent: a later failure does not resend it
                sent += 1
    except MAIL_ERRORS as exc:
        db.session.rollback()
        log.warning("reminders of sitting %s stopped: %s", sitting.id, type(exc).__name__)
    log.info("reminders of sitting %s: %s sent", sitting.id, sent)
    return sent


@tasks.daily
def send_due_reminders() -> int:
    """The worker's daily run: every sitting whose reminder window has opened."""
    return sum(send_for(sitting) for sitting in due_sittings(local_now()))


@tasks.task
def send_sitting_reminders(sitting_id: int) -> int:
    """Staff's "send now": the sitting's reminders not yet sent."""
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None or sitting.starts_at <= local_now():
        return 0
    return send_for(sitting)
