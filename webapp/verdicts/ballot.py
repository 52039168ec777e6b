"""The members' side of a vote on their phones: their member code (the code from their first
letter), then the open votes of their jury, one vote each. No login; the code never in a URL;
code entry rate-limited like the reply page. The session keeps only the member's row id."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.members.services import member_for_invitation
from webapp.models import Jury, Member, PlenaryVote
from webapp.models.members import SEATED
from webapp.verdicts import bp, services
from webapp.verdicts.forms import MemberCodeForm, VoteForm
from webapp.verdicts.messages import refusal

SESSION_KEY = "plenary_vote"


def _member_in_session() -> Member | None:
    member_id = (session.get(SESSION_KEY) or {}).get("member")
    member = db.session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None or member.status not in SEATED:
        return None
    return member


@bp.route("/vote", methods=["GET", "POST"])
@limits.code_entry
def enter_code() -> str | Response:
    form = MemberCodeForm()
    if form.validate_on_submit() and form.invitation is not None:
        member = member_for_invitation(form.invitation)
        if member is not None and member.status in SEATED:
            session[SESSION_KEY] = {"member": member.id}
            return redirect(url_for(".ballot"))
        form.code.errors = [_l("Your code: this code belongs to no member of a jury.")]
    if form.is_submitted():
        limits.record_failure()
    return render_template("verdicts/code.html", form=form)


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    return limits.too_many_tries(MemberCodeForm, "verdicts/code.html")


@bp.route("/vote/ballot", methods=["GET", "POST"])
def ballot() -> str | Response:
    member = _member_in_session()
    if member is None:
        return redirect(url_for(".enter_code"))
    posted = request.form.get("vote", "") if request.method == "POST" else ""
    form = VoteForm(prefix=f"v{posted}") if posted.isdigit() else None
    if form is not None and form.validate_on_submit():
        vote = db.session.get(PlenaryVote, int(posted))
        if vote is None or vote.jury_id != member.jury_id:
            flash(_("This vote is not open for you."), "error")
            return redirect(url_for(".ballot"))
        try:
            services.cast(vote, member, form.choice.data)
        except services.AlreadyVoted:
            db.session.rollback()
            return redirect(url_for(".already"))
        except services.VerdictError as error:
            db.session.rollback()
            flash(refusal(error), "error")
            return redirect(url_for(".ballot"))
        db.session.commit()
        return redirect(url_for(".done"))
    if request.method == "POST" and form is None:
        flash(_("This vote is not open for you."), "error")
        return redirect(url_for(".ballot"))
    jury = db.session.get_one(Jury, member.jury_id)
    ballots = services.open_ballots(member)
    forms = {
        item.vote.id: form
        if form is not None and posted == str(item.vote.id)
        else VoteForm(formdata=None, prefix=f"v{item.vote.id}")
        for item in ballots
    }
    return render_template("verdicts/ballot.html", jury=jury, ballots=ballots, forms=forms)


@bp.get("/vote/done")
def done() -> str | Response:
    if _member_in_session() is None:
        return redirect(url_for(".enter_code"))
    return render_template("verdicts/voted.html", already=False)


@bp.get("/vote/already")
def already() -> str | Response:
    if _member_in_session() is None:
        return redirect(url_for(".enter_code"))
    return render_template("verdicts/voted.html", already=True)


@bp.post("/vote/leave")
def leave() -> Response:
    """Forget the member on this phone (a shared phone: the next member types their code)."""
    session.pop(SESSION_KEY, None)
    return redirect(url_for(".enter_code"))
