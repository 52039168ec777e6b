"""Log in (password, then for administrators and organisers a second factor), log out, the
staff home page and the own account (password change)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.auth import bp, limits
from webapp.auth.access import assigned_sittings, staff_required, visible_juries
from webapp.auth.forms import LoginForm, PasswordForm
from webapp.auth.recovery import LOW
from webapp.auth.services import authenticate
from webapp.extensions import db, limiter
from webapp.i18n import _same_site
from webapp.models import Role, User
from webapp.models.users import MFA_KEY, SESSION_VERSION_KEY
from webapp.proposals import lifecycle

PENDING_KEY = "mfa_pending"  # {"user": id, "version": session version, "next": url}


def fresh_session() -> None:
    """A new session that keeps only the language: no fixation."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def complete_login(user: User, *, second_factor: bool, next_url: str | None) -> Response:
    fresh_session()
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version
    if second_factor:
        session[MFA_KEY] = True
    current_app.logger.info("user %s logged in", user.id)
    return redirect(_same_site(next_url) or url_for("auth.dashboard"))


@bp.route("/staff/login", methods=["GET", "POST"])
@limiter.limit(
    limits.login_limit, key_func=limits.address_key, methods=["POST"], deduct_when=limits.failed
)
@limiter.limit(
    limits.account_limit, key_func=limits.account_key, methods=["POST"], deduct_when=limits.failed
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        next_url = request.args.get("next")
        if user is not None and (user.needs_mfa or user.totp_secret):
            fresh_session()
            session[PENDING_KEY] = {
                "user": user.id,
                "version": user.session_version,
                "next": _same_site(next_url),
            }
            return redirect(url_for("auth.second_factor" if user.totp_secret else "auth.enrol"))
        if user is not None:
            return complete_login(user, second_factor=False, next_url=next_url)
        limits.record_failure()
        flash(_("The e-mail address or the password is not right."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/staff/logout")
@staff_required
def logout() -> Response:
    # Ends this session everywhere: a copy of the cookie no longer works.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


@bp.get("/staff/")
@staff_required
def dashboard() -> str:
    juries = visible_juries(current_user)
    today = datetime.now(UTC).date()
    due = (
        lifecycle.responses_due(today, jury_ids=[j.id for j in juries])
        if current_user.has_role(Role.ADMINISTRATOR, Role.ORGANISER)
        else []
    )
    return render_template(
        "auth/dashboard.html",
        juries=juries,
        sittings=assigned_sittings(current_user),
        responses_due=[(p, lifecycle.days_left(p, today)) for p in due],
    )


@bp.route("/staff/account", methods=["GET", "POST"])
@staff_required
def account() -> str | Response:
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors = [_("Current password: this is not your password.")]
        else:
            current_user.set_password(form.new.data or "")  # ends every other session
            db.session.commit()
            session[SESSION_VERSION_KEY] = current_user.session_version
            flash(_("Your password is changed. You are logged out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, low=LOW)


@bp.errorhandler(429)
def too_many_logins(_error: Exception) -> tuple[str, int]:
    limits.record_failure()
    if request.endpoint == "auth.recovery_codes":
        from webapp.auth.forms import RenewCodesForm
        from webapp.auth.recovery import render_codes_page

        renew = RenewCodesForm(formdata=None)
        renew.password.errors = [_("Too many tries. Please wait a few minutes and try again.")]
        return render_codes_page(renew, status=429)
    form = LoginForm(formdata=None)
    form.password.errors = [_("Too many tries. Please wait a few minutes and try again.")]
    return render_template("auth/login.html", form=form), 429
