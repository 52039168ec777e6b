"""The e-mail with the link that confirms a support, sent only when SMTP is configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webapp.models.juries import Jury
from webapp.models.proposals import Proposal

log = logging.getLogger(__name__)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_support_link(proposal: Proposal, jury: Jury, *, email: str, token: str) -> bool:
    """Send the confirmation link; whether the SMTP server took it (failures are logged with
    the proposal id only)."""
    if not mail_configured():
        return False
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    link = base + url_for("proposals.confirm_support", token=token)
    message = EmailMessage()
    message["Subject"] = _("Confirm your support: %(title)s", title=proposal.title[:80])
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email
    message.set_content(
        render_template("proposals/support_mail.txt", proposal=proposal, jury=jury, link=link)
    )
    try:
        with smtplib.SMTP(
            current_app.config["MAIL_SERVER"], int(current_app.config["MAIL_PORT"]), timeout=10
        ) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("support link for proposal %s failed: %s", proposal.id, type(exc).__name__)
        return False
    log.info("support link sent for proposal %s", proposal.id)
    return True
