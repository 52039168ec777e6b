"""The staff's own recovery codes: how many unused ones are left (a warning when few are), and
a new set of ten after the password and a current code from the authenticator app are typed
again. The old set stops working at once; the new codes are shown in this one response only
(stored as hashes, like at enrolment), with a text file to download and a page to print.

The re-authentication has the login's budgets of failed tries (per address and per account)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, g, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth import bp, limits, mfa
from webapp.auth.access import staff_required
from webapp.auth.forms import RenewCodesForm
from webapp.extensions import db, limiter

LOW = 2  # this many unused codes or fewer: the account page and the login warn


def _user_key() -> str:
    return f"renew-codes:{current_user.get_id()}"


def _failed(_response: Response) -> bool:
    """A wrong password or code (the success answers 200 too: it shows the codes)."""
    return bool(g.get("renew_codes_failed"))


def download_href(codes: list[str]) -> str:
    """The codes as a text file in a ``data:`` link: nothing stored, nothing fetched again."""
    lines = [_("Kleroterion recovery codes. Each code works once."), "", *codes, ""]
    return "data:text/plain;charset=utf-8," + quote("\n".join(lines))


def render_codes_page(
    form: RenewCodesForm | None, *, codes: list[str] | None = None, status: int = 200
) -> tuple[str, int]:
    return (
        render_template(
            "auth/recovery.html",
            form=form,
            codes=codes,
            download=download_href(codes) if codes else None,
            left=len(current_user.recovery_hashes or []),
            low=LOW,
        ),
        status,
    )


@bp.route("/staff/account/recovery-codes", methods=["GET", "POST"])
@staff_required
@limiter.limit(
    limits.login_limit, key_func=limits.address_key, methods=["POST"], deduct_when=_failed
)
@limiter.limit(limits.account_limit, key_func=_user_key, methods=["POST"], deduct_when=_failed)
def recovery_codes() -> tuple[str, int]:
    user = current_user
    form = RenewCodesForm()
    if not user.totp_secret or not form.validate_on_submit():
        return render_codes_page(form)
    password_right = user.check_password(form.password.data or "")
    code_right = mfa.verify_totp(user, form.code.data or "")
    if not (password_right and code_right):
        db.session.rollback()  # a right code is not used up by a wrong password
        g.renew_codes_failed = True
        limits.record_failure()
        if not password_right:
            form.password.errors = [_("Your password: this is not your password.")]
        if not code_right:
            form.code.errors = [
                _(
                    "Code: this code is not right, or it was used already. "
                    "Type the 6 numbers the app shows now."
                )
            ]
        return render_codes_page(form)
    codes = mfa.new_recovery_codes(user)  # the old ones stop working with this commit
    db.session.commit()
    # The user's id only: never a code, even hashed.
    current_app.logger.info("user %s made new recovery codes", user.id)
    return render_codes_page(None, codes=codes)
