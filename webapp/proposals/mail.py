"""The e-mail with the link that confirms a support, sent only when SMTP is configured."""

from __future__ import annotations

import logging

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webapp.mail import MAIL_ERRORS, mail_configured, message, smtp
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal

log = logging.getLogger(__name__)


def send_support_link(proposal: Proposal, jury: Jury, *, email: str, token: str) -> bool:
    """Send the confirmation link; whether the SMTP server took it (failures are logged with
    the proposal id only)."""
    if not mail_configured():
        return False
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    link = base + url_for("proposals.confirm_support", token=token)
    mail = message(
        subject=_("Confirm your support: %(title)s", title=proposal.title[:80]),
        to=email,
        body=render_template("proposals/support_mail.txt", proposal=proposal, jury=jury, link=link),
    )
    try:
        with smtp() as connection:
            connection.send_message(mail)
    except MAIL_ERRORS as exc:
        log.warning("support link for proposal %s failed: %s", proposal.id, type(exc).__name__)
        return False
    log.info("support link sent for proposal %s", proposal.id)
    return True
