"""The survey for members (public, with their reply code, rate-limited like every code entry:
:func:`webapp.auth.limits.code_entry`; a right code is answered with the questions, not a
redirect, and uses up no budget of the address)
and its results for staff (the jury's organisers and the sitting's facilitators)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.auth.access import sitting_for_staff, staff_required
from webapp.members.services import member_for_invitation
from webapp.models.members import MemberStatus
from webapp.survey import bp, services
from webapp.survey.forms import SurveyCodeForm, SurveyForm


@bp.route("/survey", methods=["GET", "POST"])
@limits.code_entry
def code() -> str | tuple[str, int]:
    form = SurveyCodeForm()
    if not form.validate_on_submit() or form.invitation is None:
        if form.is_submitted():
            limits.record_failure()
            return render_template("survey/code.html", form=form), 400
        return render_template("survey/code.html", form=form)
    member = member_for_invitation(form.invitation)
    if member is None or member.status == MemberStatus.ALTERNATE:
        form.code.errors = [_("Your code: this code belongs to nobody on the jury.")]
        limits.record_failure()
        return render_template("survey/code.html", form=form), 400
    sittings = services.open_sittings(member, services.local_now())
    if not sittings:
        return render_template("survey/nothing_open.html")
    sitting = sittings[0]
    questions = SurveyForm(formdata=None, ticket=services.ticket(member, sitting))
    return render_template(
        "survey/questions.html", form=questions, sitting=sitting, questions=services.QUESTIONS
    )


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    return limits.too_many_tries(SurveyCodeForm, "survey/code.html")


@bp.post("/survey/answer")
def answer() -> str | tuple[str, int] | Response:
    form = SurveyForm()
    found = services.read_ticket(form.ticket.data or "")
    if found is None:  # forged, or more than two hours old: type the code again
        return render_template("survey/expired.html"), 400
    member, sitting = found
    if not form.validate_on_submit():
        page = render_template(
            "survey/questions.html", form=form, sitting=sitting, questions=services.QUESTIONS
        )
        return page, 400
    try:
        services.record(member, sitting, form.scores(), form.comment.data or "")
    except services.AlreadyAnswered:
        return render_template("survey/thanks.html", already=True)
    return redirect(url_for(".thanks"))


@bp.get("/survey/thanks")
def thanks() -> str:
    return render_template("survey/thanks.html", already=False)


@bp.get("/staff/sittings/<int:sitting_id>/survey")
@staff_required
def results(sitting_id: int) -> str:
    sitting = sitting_for_staff(sitting_id)
    return render_template(
        "survey/results.html",
        sitting=sitting,
        results=services.results(sitting),
        scale=services.SCALE,
        minimum=services.MIN_SHOWN,
    )
