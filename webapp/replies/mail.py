"""The confirmation e-mail, sent only when SMTP is configured (``MAIL_SERVER``)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import gettext as _

from webapp.models import Jury, Reply

log = logging.getLogger(__name__)


def send_confirmation(reply: Reply, jury: Jury) -> bool:
    """E-mail the reference number to the resident, in the language of the page.

    Returns whether a message was handed to the SMTP server. A mail failure never loses the
    reply (it is stored already): it is logged, with the reply id only, and the page says
    nothing about an e-mail.
    """
    server = current_app.config.get("MAIL_SERVER")
    if not server or not reply.email:
        return False
    message = EmailMessage()
    message["Subject"] = _("Your reply to the citizens' jury: %(ref)s", ref=reply.reference)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = reply.email
    message.set_content(render_template("replies/confirmation_mail.txt", reply=reply, jury=jury))
    try:
        with smtplib.SMTP(server, int(current_app.config["MAIL_PORT"]), timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("confirmation mail for reply %s failed: %s", reply.id, type(exc).__name__)
        return False
    log.info("confirmation mail sent for reply %s", reply.id)
    return True
