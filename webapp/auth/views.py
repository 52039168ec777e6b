"""Log in, log out, and the staff home page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.auth import bp
from webapp.auth.access import assigned_sittings, staff_required, visible_juries
from webapp.auth.forms import LoginForm
from webapp.auth.services import authenticate
from webapp.extensions import limiter
from webapp.i18n import _same_site


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/staff/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(user)
            current_app.logger.info("user %s logged in", user.id)
            return redirect(_same_site(request.args.get("next")) or url_for("auth.dashboard"))
        flash(_("The e-mail address or the password is not right."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/staff/logout")
@staff_required
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


@bp.get("/staff/")
@staff_required
def dashboard() -> str:
    return render_template(
        "auth/dashboard.html",
        juries=visible_juries(current_user),
        sittings=assigned_sittings(current_user),
    )


@bp.errorhandler(429)
def too_many_logins(_error: Exception) -> tuple[str, int]:
    form = LoginForm(formdata=None)
    form.password.errors = [_("Too many tries. Please wait a few minutes and try again.")]
    return render_template("auth/login.html", form=form), 429
