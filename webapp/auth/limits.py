"""Rate limits on logins, second factors and reply codes, and the app-wide failure alarm.

Three budgets, each counting failed tries only (a right password or code never uses one up):
per client address (generous: a library or an office shares one address), per account or
per typed code (tight). A stranger cannot lock a resident out: the per-code budget is keyed on
the code itself, which only the letter's holder knows. Behind a reverse proxy the client
address comes from ``X-Forwarded-For`` only when ``PROXY_FIX_X_FOR`` says how many proxies to
trust (see :mod:`webapp.headers`).

Every failure also counts against one app-wide budget (``FAILURE_ALERT_LIMIT``): once it is
spent, staff are alerted by a log line without personal data and a banner for administrators.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.wrappers import Response

from webapp.extensions import limiter

GLOBAL_KEY = "failures"


def login_limit() -> str:
    """Failed logins (and re-authentications) per client address."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def account_limit() -> str:
    """Failed logins (and re-authentications) per account."""
    return str(current_app.config["LOGIN_PER_ACCOUNT_RATE_LIMIT"])


def address_key() -> str:
    return f"addr:{get_remote_address()}"


def account_key() -> str:
    """The typed e-mail address, normalised (and hashed: storage keys are not for reading)."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def code_key() -> str:
    """The typed reply code with spaces, dashes and case ignored, hashed."""
    typed = "".join(ch for ch in (request.form.get("code") or "").upper() if ch.isalnum())
    return "code:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def failed(response: Response) -> bool:
    """A form that succeeded redirects; one that failed is shown again (or refused)."""
    return response.status_code != 302


def record_failure() -> None:
    """Count one failed login, second factor or code against the app-wide budget; log once
    (no personal data) when the budget is spent."""
    if not _enabled():
        return
    strategy = limiter.limiter
    for item in parse_many(str(current_app.config["FAILURE_ALERT_LIMIT"])):
        was_open = strategy.test(item, GLOBAL_KEY)
        strategy.hit(item, GLOBAL_KEY)
        if was_open and not strategy.test(item, GLOBAL_KEY):
            current_app.logger.warning(
                "security alert: more than %s failed logins, second factors or reply codes "
                "in the whole app; someone may be guessing",
                item,
            )


def failure_alert() -> bool:
    """Whether the app-wide budget of failures is spent (staff should look at the logs)."""
    if not _enabled():
        return False
    strategy = limiter.limiter
    items = parse_many(str(current_app.config["FAILURE_ALERT_LIMIT"]))
    return any(not strategy.test(item, GLOBAL_KEY) for item in items)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))
