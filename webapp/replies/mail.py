"""The confirmation e-mail, sent only when SMTP is configured (``MAIL_SERVER``)."""

from __future__ import annotations

import logging

from flask import render_template
from flask_babel import gettext as _

from webapp.mail import MAIL_ERRORS, mail_configured, message, smtp
from webapp.models import Jury, Reply

log = logging.getLogger(__name__)


def send_confirmation(reply: Reply, jury: Jury) -> bool:
    """E-mail the reference number to the resident, in the language of the page.

    Returns whether a message was handed to the SMTP server. A mail failure never loses the
    reply (it is stored already): it is logged, with the reply id only, and the page says
    nothing about an e-mail.
    """
    if not mail_configured() or not reply.email:
        return False
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
