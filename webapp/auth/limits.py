"""Rate limits on logins, second factors and reply codes, and the app-wide failure alarm.

Three budgets: per client address (generous: a library or an office shares one address) and
per account, which count failed tries only (a right password or code never uses one up), and
per typed code (tight), which counts every try of that code from any address. A stranger cannot
lock a resident out: the per-code budget is keyed on the code itself, which only the letter's
holder knows, and wrong codes from an address never block a right one. Behind a reverse proxy
the client address comes from ``X-Forwarded-For`` only when ``PROXY_FIX_X_FOR`` says how many
proxies to trust (see :mod:`webapp.headers`).

Every failure also counts against one app-wide budget (``FAILURE_ALERT_LIMIT``): once it is
spent, staff are alerted by a log line without personal data and a banner for administrators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import current_app, g, render_template, request
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.wrappers import Response

from webapp.extensions import limiter
from webapp.i18n import lazy_gettext as _l

GLOBAL_KEY = "failures"
FAILED_FLAG = "code_entry_failed"  # on flask.g: this request recorded a failure
TOO_MANY_TRIES = _l("Your code: you tried too many times. Please wait a few minutes and try again.")

P = ParamSpec("P")
R = TypeVar("R")


def login_limit() -> str:
    """Failed logins (and re-authentications) per client address."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def account_limit() -> str:
    """Failed logins (and re-authentications) per account."""
    return str(current_app.config["LOGIN_PER_ACCOUNT_RATE_LIMIT"])


def code_entry_limit() -> str:
    """Failed codes per client address (and, on the members' calendar feed, every fetch)."""
    return str(current_app.config["CODE_ENTRY_RATE_LIMIT"])


def per_code_limit() -> str:
    """Tries of one typed code, from any address."""
    return str(current_app.config["CODE_PER_CODE_RATE_LIMIT"])


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


def recorded_failure(_response: Response) -> bool:
    """Whether the view (or its 429 page) called :func:`record_failure` in this request. The
    page, not the status, says what failed: a right code may be answered with a form to fill
    in (the survey), a problem with an amount (expenses) or an alternate's rank (confirm)."""
    return bool(g.get(FAILED_FLAG))


def code_entry(view: Callable[P, R]) -> Callable[P, R]:
    """Both budgets of a page where a resident types the code from their letter: the client
    address's (failed tries only, so a whole jury can use the town hall's one address) and the
    typed code's (every try, from any address). The view records its own failures with
    :func:`record_failure` (a wrong code; its 429 page too), and only those use up the
    address's budget and count towards the app-wide alarm."""
    view = limiter.limit(per_code_limit, key_func=code_key, methods=["POST"])(view)
    return limiter.limit(
        code_entry_limit, key_func=address_key, methods=["POST"], deduct_when=recorded_failure
    )(view)


def too_many_tries(
    form_class: Callable[..., Any], template: str, *, count: bool = True
) -> tuple[str, int]:
    """The code page again, refused (429): an empty form whose code field says to wait. A
    refused try counts as a failure (:func:`record_failure`) unless ``count`` is False (a
    calendar app's fetches, refused by the same handler, are not code entries)."""
    if count:
        record_failure()
    form = form_class(formdata=None)
    form.code.errors = [TOO_MANY_TRIES]
    return render_template(template, form=form), 429


def record_failure() -> None:
    """Count one failed login, second factor or code against the app-wide budget; log once
    (no personal data) when the budget is spent. Marks the request as failed for the
    address's budget of code entry (:func:`recorded_failure`)."""
    setattr(g, FAILED_FLAG, True)
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
