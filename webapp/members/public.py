"""The member's answer on a public page: their reply code and yes or no; no login.
Rate-limited like the reply page (:func:`webapp.auth.limits.code_entry`), the code never in a
URL. An alternate's code is a right code: the page tells them their rank, and that uses up no
budget of the address."""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.members import bp, services
from webapp.members.forms import ConfirmForm
from webapp.models import Jury

SESSION_KEY = "member_answer"


@bp.route("/confirm", methods=["GET", "POST"])
@limits.code_entry
def confirm() -> str | Response:
    form = ConfirmForm()
    if form.validate_on_submit() and form.invitation is not None:
        member = services.member_for_invitation(form.invitation)
        if member is None:
            form.code.errors = [_l("Your code: this code belongs to nobody drawn for the jury.")]
            limits.record_failure()
            return render_template("members/confirm.html", form=form)
        if member.status == "alternate":
            form.code.errors = [
                _l(
                    "Your code: you are alternate number %(rank)s. There is nothing to answer "
                    "yet: if a seat opens, we will contact you.",
                    rank=member.alternate_rank or "–",
                )
            ]
            return render_template("members/confirm.html", form=form)
        try:
            services.answer(member, form.answer.data, via="code")
        except services.AnswerRefused as refused:
            db.session.rollback()
            session[SESSION_KEY] = {"status": str(refused.status), "changed": False}
            return redirect(url_for(".confirmed"))
        db.session.commit()
        session[SESSION_KEY] = {
            "status": str(member.status),
            "changed": True,
            "jury": member.jury_id,
        }
        return redirect(url_for(".confirmed"))
    if form.is_submitted() and form.invitation is None:  # a wrong code (not a missing answer)
        limits.record_failure()
    return render_template("members/confirm.html", form=form)


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    return limits.too_many_tries(ConfirmForm, "members/confirm.html")


@bp.get("/confirm/done")
def confirmed() -> str | Response:
    state = session.get(SESSION_KEY)
    if not state:
        return redirect(url_for(".confirm"))
    jury = db.session.get(Jury, state.get("jury")) if state.get("jury") else None
    return render_template("members/confirmed.html", state=state, jury=jury)
