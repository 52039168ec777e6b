"""Staff pages of the plenary verdict: the rules, the votes of a jury, one vote (amended
text, open and close, the tally, the result). Organisers of the jury and administrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.juries.texts import fill_texts, texts_of
from webapp.models import Jury, Option, PlenaryVote, Sitting, VoteMethod
from webapp.models.proposals import Proposal
from webapp.verdicts import bp, services
from webapp.verdicts.forms import ActionForm, AmendedForm, NewVoteForm, RulesForm, TallyForm
from webapp.verdicts.labels import LABELS
from webapp.verdicts.messages import refusal


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"labels": LABELS}


def _vote(jury: Jury, vote_id: int) -> PlenaryVote:
    vote = services.vote_of_jury(jury, vote_id)
    if vote is None:
        abort(404)
    return vote


def _new_vote_form(jury: Jury) -> NewVoteForm:
    form = NewVoteForm()
    proposals = db.session.scalars(
        sa.select(Proposal).filter_by(jury_id=jury.id, hidden=False).order_by(Proposal.title)
    )
    form.proposal.choices = [(p.id, p.title) for p in proposals]
    form.sitting.choices = [
        (s.id, f"{s.starts_at:%Y-%m-%d %H:%M} {s.place}".strip()) for s in jury.sittings
    ]
    return form


@bp.get("/staff/juries/<int:jury_id>/verdicts")
@organiser_required
def index(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    return render_template(
        "verdicts/index.html",
        jury=jury,
        rules=services.rules_of(jury),
        votes=services.votes_of(jury),
        form=_new_vote_form(jury),
    )


@bp.route("/staff/juries/<int:jury_id>/verdicts/rules", methods=["GET", "POST"])
@organiser_required
def rules(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    current = services.rules_of(jury)
    form = RulesForm(obj=current)
    if form.validate_on_submit():
        current.quorum_kind = form.quorum_kind.data
        current.quorum_value = form.quorum_value.data
        current.majority = form.majority.data
        current.secret = bool(form.secret.data)
        services.save_rules(current)
        db.session.commit()
        flash(_("The rules of the vote are saved. They apply to votes created from now on."))
        return redirect(url_for(".index", jury_id=jury.id))
    return render_template("verdicts/rules.html", jury=jury, form=form)


@bp.post("/staff/juries/<int:jury_id>/verdicts/new")
@organiser_required
def create(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = _new_vote_form(jury)
    if not form.validate_on_submit():
        return render_template(
            "verdicts/index.html",
            jury=jury,
            rules=services.rules_of(jury),
            votes=services.votes_of(jury),
            form=form,
        )
    proposal = db.session.get_one(Proposal, form.proposal.data)
    sitting = db.session.get_one(Sitting, form.sitting.data)
    try:
        vote = services.create_vote(
            jury, proposal=proposal, sitting=sitting, method=VoteMethod(form.method.data)
        )
    except services.VerdictError as error:
        db.session.rollback()
        flash(refusal(error), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    db.session.commit()
    flash(_("The proposal is on the plenary's agenda."), "success")
    return redirect(url_for(".vote", jury_id=jury.id, vote_id=vote.id))


@bp.get("/staff/juries/<int:jury_id>/verdicts/<int:vote_id>")
@organiser_required
def vote(jury_id: int, vote_id: int) -> str | tuple[str, int]:
    jury = jury_for_staff(jury_id)
    found = _vote(jury, vote_id)
    amended = AmendedForm(formdata=None)
    fill_texts(amended, "amended", found.amended_text)
    return _vote_page(jury, found, amended=amended, tally=TallyForm(formdata=None))


def _vote_page(
    jury: Jury, vote: PlenaryVote, *, amended: AmendedForm, tally: TallyForm, status: int = 200
) -> tuple[str, int] | str:
    page = render_template(
        "verdicts/vote.html",
        jury=jury,
        vote=vote,
        result=services.result_of(vote),
        present=services.present_count(vote.sitting_id),
        seated=services.seated_count(jury.id),
        amended_form=amended,
        tally_form=tally,
        action_form=ActionForm(formdata=None),
    )
    return (page, status) if status != 200 else page


@bp.post("/staff/juries/<int:jury_id>/verdicts/<int:vote_id>/amended")
@organiser_required
def amended(jury_id: int, vote_id: int) -> str | tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    found = _vote(jury, vote_id)
    form = AmendedForm()
    if not form.validate_on_submit():
        return _vote_page(jury, found, amended=form, tally=TallyForm(formdata=None), status=400)
    try:
        services.set_amended_text(found, texts_of(form, "amended"))
    except services.VerdictError as error:
        db.session.rollback()
        flash(refusal(error), "error")
        return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))
    db.session.commit()
    flash(_("The amended text is saved."), "success")
    return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))


def _state_change(jury_id: int, vote_id: int, change: str) -> Response:
    jury = jury_for_staff(jury_id)
    found = _vote(jury, vote_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if change == "open":
            services.open_vote(found, at=services.now())
        else:
            services.close_vote(found, at=services.now())
    except services.VerdictError as error:
        db.session.rollback()
        flash(refusal(error), "error")
        return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))
    db.session.commit()
    if change == "open":
        flash(_("The vote is open: members can vote on their phones now."), "success")
    else:
        flash(_("The vote is closed and counted."), "success")
    return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))


@bp.post("/staff/juries/<int:jury_id>/verdicts/<int:vote_id>/open")
@organiser_required
def open_ballot(jury_id: int, vote_id: int) -> Response:
    return _state_change(jury_id, vote_id, "open")


@bp.post("/staff/juries/<int:jury_id>/verdicts/<int:vote_id>/close")
@organiser_required
def close_ballot(jury_id: int, vote_id: int) -> Response:
    return _state_change(jury_id, vote_id, "close")


@bp.post("/staff/juries/<int:jury_id>/verdicts/<int:vote_id>/tally")
@organiser_required
def tally(jury_id: int, vote_id: int) -> str | tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    found = _vote(jury, vote_id)
    form = TallyForm()
    amended = AmendedForm(formdata=None)
    fill_texts(amended, "amended", found.amended_text)
    if not form.validate_on_submit():
        return _vote_page(jury, found, amended=amended, tally=form, status=400)
    votes = {
        Option.CITY_VOTE: form.city_vote.data,
        Option.AMENDED: form.amended.data,
        Option.REJECTED: form.rejected.data,
    }
    try:
        services.enter_tally(found, votes, form.abstentions.data, at=services.now())
    except services.VerdictError as error:
        db.session.rollback()
        if error.reason == "closed":  # a double submit, or entered by a colleague
            flash(refusal(error), "error")
            return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))
        form.form_errors.append(refusal(error))
        return _vote_page(jury, found, amended=amended, tally=form, status=400)
    db.session.commit()
    flash(_("The tally is saved and counted."), "success")
    return redirect(url_for(".vote", jury_id=jury.id, vote_id=found.id))
