"""E-mail through the configured SMTP server (``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_FROM``).

No server configured: nothing is sent, and the features say nothing about an e-mail.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from webapp.config import LANGUAGES

# What a failed delivery raises: callers log it with ids only and go on.
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def mail_language(lang: str | None) -> str:
    """The language to write a mail in: ``lang`` when the app speaks it, else English."""
    return lang if lang in LANGUAGES else "en"


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def message(*, subject: str, to: str, body: str) -> EmailMessage:
    """A plain-text message from ``MAIL_FROM``."""
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = current_app.config["MAIL_FROM"]
    mail["To"] = to
    mail.set_content(body)
    return mail


def smtp(*, timeout: float = 10) -> smtplib.SMTP:
    """A connection to the configured server (use it in a ``with``)."""
    return smtplib.SMTP(
        current_app.config["MAIL_SERVER"], int(current_app.config["MAIL_PORT"]), timeout=timeout
    )
