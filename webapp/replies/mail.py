"""The confirmation e-mail, sent by the worker (a task) and only when SMTP is configured
(``MAIL_SERVER``): the web request only queues it, so a slow or absent mail server never
holds up the resident's page."""

from __future__ import annotations

import logging

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import tasks
from webapp.extensions import db
from webapp.mail import MAIL_ERRORS, mail_configured, message, smtp
from webapp.models import Jury, Reply

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "es", "en")


def queue_confirmation(reply: Reply) -> bool:
    """Queue the confirmation mail of a stored reply (call after the commit). Returns
    whether one was queued: SMTP is configured and the resident gave an address."""
    if not mail_configured() or not reply.email:
        return False
    tasks.enqueue(send_confirmation, reply.id, reply.version)
    return True


@tasks.task
def send_confirmation(reply_id: int, version: int) -> bool:
    """E-mail the reference number to the resident, in the language of the reply (a task).

    Returns whether a message was handed to the SMTP server. Nothing is sent for a reply
    erased or replaced since (``version`` differs: the newer one has its own mail). A mail
    failure never loses the reply (it is stored already): it is logged, with the reply id
    only.
    """
    reply = db.session.get(Reply, reply_id)
    if not mail_configured() or reply is None or not reply.email or reply.version != version:
        return False
    jury = db.session.get_one(Jury, reply.jury_id)
    with force_locale(reply.language if reply.language in LANGUAGES else "en"):
        mail = message(
            subject=_("Your reply to the citizens' jury: %(ref)s", ref=reply.reference),
            to=reply.email,
            body=render_template("replies/confirmation_mail.txt", reply=reply, jury=jury),
        )
    try:
        with smtp() as connection:
            connection.send_message(mail)
    except MAIL_ERRORS as exc:
        log.warning("confirmation mail for reply %s failed: %s", reply.id, type(exc).__name__)
        return False
    log.info("confirmation mail sent for reply %s", reply.id)
    return True
