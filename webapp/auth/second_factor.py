"""The second step of a staff login: a code from the authenticator app (or a recovery code),
and the enrolment that administrators and organisers go through at their first login."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from webapp.auth import bp, limits, mfa
from webapp.auth.forms import SecondFactorForm
from webapp.auth.recovery import LOW
from webapp.auth.views import PENDING_KEY, complete_login
from webapp.extensions import db, limiter
from webapp.models import User

F = TypeVar("F", bound=Callable[..., Any])
SECRET_KEY = "mfa_secret"  # the secret being enrolled, until its first code is confirmed


def _pending() -> User | None:
    """The user who gave the right password in this session (and nothing changed since)."""
    state = session.get(PENDING_KEY) or {}
    user = db.session.get(User, state.get("user") or 0)
    if user is None or not user.active or state.get("version") != user.session_version:
        return None
    return user


def _pending_key() -> str:
    return f"mfa:{(session.get(PENDING_KEY) or {}).get('user')}"


def _limited(view: F) -> F:
    """The login's budgets (per address, and per account) for failed codes."""
    limited = limiter.limit(
        limits.account_limit, key_func=_pending_key, methods=["POST"], deduct_when=limits.failed
    )(view)
    return cast(
        F,
        limiter.limit(
            limits.login_limit,
            key_func=limits.address_key,
            methods=["POST"],
            deduct_when=limits.failed,
        )(limited),
    )


@bp.route("/staff/login/code", methods=["GET", "POST"])
@_limited
def second_factor() -> str | Response:
    user = _pending()
    if user is None or not user.totp_secret:
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data or ""
        by_app = mfa.verify_totp(user, code)
        if by_app or mfa.use_recovery_code(user, code):
            db.session.commit()
            next_url = (session.get(PENDING_KEY) or {}).get("next")
            done = complete_login(user, second_factor=True, next_url=next_url)
            if not by_app:
                _recovery_code_used(user)
            return done
        limits.record_failure()
        form.code.errors = [_("Code: this code is not right, or it was used already.")]
    return render_template("auth/second_factor.html", form=form)


def _recovery_code_used(user: User) -> None:
    """Say how many recovery codes are left (after the login's new session: it keeps this)."""
    left = len(user.recovery_hashes or [])
    current_app.logger.info("user %s logged in with a recovery code, %s left", user.id, left)
    message = ngettext(
        "You logged in with a recovery code. You have %(num)d unused recovery code left.",
        "You logged in with a recovery code. You have %(num)d unused recovery codes left.",
        left,
    )
    if left <= LOW:
        message += " " + _("Make new ones now, on your account page.")
    flash(message, "warning" if left <= LOW else "info")


@bp.route("/staff/login/enrol", methods=["GET", "POST"])
@_limited
def enrol() -> str | Response:
    user = _pending()
    if user is None or user.totp_secret:
        return redirect(url_for("auth.login"))
    secret = session.get(SECRET_KEY) or mfa.new_secret()
    session[SECRET_KEY] = secret
    form = SecondFactorForm()
    if form.validate_on_submit():
        if mfa.verify_totp(user, form.code.data or "", secret=secret):
            codes = mfa.enrol(user, secret)
            db.session.commit()
            current_app.logger.info("user %s enrolled a second factor", user.id)
            complete_login(user, second_factor=True, next_url=None)
            # Shown once, in this response only (no redirect: they are never stored).
            return render_template("auth/recovery_codes.html", codes=codes)
        limits.record_failure()
        form.code.errors = [
            _("Code: this code is not right. Type the 6 numbers the app shows now.")
        ]
    uri = mfa.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, qr=mfa.qr_svg(uri), secret=secret)
