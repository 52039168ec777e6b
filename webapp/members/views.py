"""Staff pages of the members: the list, the confirmation caller, withdrawals, the letters."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp import tasks
from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.mail import mail_configured
from webapp.members import bp, mail, paper, services
from webapp.members.forms import CallForm, LettersForm, WithdrawForm
from webapp.models import CallOutcome, Jury, Member


def _member(jury: Jury, text: str | None) -> Member:
    try:
        member = db.session.get(Member, int(text or ""))
    except ValueError:
        abort(400)
    if member is None or member.jury_id != jury.id:
        abort(404)
    return member


@bp.get("/staff/juries/<int:jury_id>/members")
@organiser_required
def index(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    return render_template(
        "members/index.html",
        jury=jury,
        members=services.members_of(jury),
        counts=services.counts(jury),
        withdraw_form=WithdrawForm(),
        letters_form=LettersForm(),
        mail_on=mail_configured(),
        paper_state=paper.state(jury),
        paper_files=paper.files(jury),
    )


@bp.route("/staff/juries/<int:jury_id>/members/calls", methods=["GET", "POST"])
@organiser_required
def caller(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = CallForm()
    if form.validate_on_submit():
        member = _member(jury, form.member.data)
        try:
            services.record_call(
                member, CallOutcome(form.outcome.data), note=form.note.data or "", user=current_user
            )
        except services.AnswerRefused:
            db.session.rollback()
            flash(_("This member had answered already; nothing was changed."), "error")
            return redirect(url_for(".caller", jury_id=jury.id))
        db.session.commit()
        flash(_("The call is noted."), "success")
        return redirect(url_for(".caller", jury_id=jury.id))
    rows = services.call_list(jury)
    if rows and not form.is_submitted():
        form.member.data = str(rows[0].member.id)
    return render_template("members/caller.html", jury=jury, rows=rows, form=form)


@bp.post("/staff/juries/<int:jury_id>/members/withdraw")
@organiser_required
def withdraw(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    member = _member(jury, form.member.data)
    try:
        services.answer(member, "withdraw", via="staff")
    except services.AnswerRefused:
        db.session.rollback()
        flash(_("Only a confirmed member can withdraw."), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    db.session.commit()
    flash(_("The member has withdrawn: the seat is open."), "success")
    return redirect(url_for(".index", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/members/seat-alternate")
@organiser_required
def seat_alternate(jury_id: int) -> Response:
    """The next alternate (by the published order and rule) takes a declined or withdrawn
    member's seat."""
    jury = jury_for_staff(jury_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    dropout = _member(jury, form.member.data)
    try:
        alternate = services.seat_alternate(jury, dropout)
    except services.AnswerRefused:
        db.session.rollback()
        flash(_("This seat is not open, or an alternate has taken it already."), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    except services.NoAlternate:
        db.session.rollback()
        flash(_("No alternate can take this seat: draw a replacement instead."), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    db.session.commit()
    flash(
        _(
            "%(ref)s, an alternate, takes the seat. Ask them to confirm.",
            ref=alternate.reply.reference,
        ),
        "success",
    )
    return redirect(url_for(".index", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/members/letters")
@organiser_required
def letters(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    if not LettersForm().validate_on_submit():
        abort(400)
    if not services.has_members(jury):
        flash(_("Nobody has been drawn yet."), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    tasks.enqueue(mail.send_outcome_mails, jury.id)
    flash(_("The e-mails are being sent by the worker."), "success")
    return redirect(url_for(".index", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/members/paper-letters")
@organiser_required
def paper_letters(jury_id: int) -> Response:
    """Start a run of paper letters (the worker makes them)."""
    jury = jury_for_staff(jury_id)
    if not LettersForm().validate_on_submit():
        abort(400)
    try:
        paper.start(jury)
    except paper.Refused as refused:
        if refused.reason == "making":
            flash(_("The letters are being made already."), "error")
        elif refused.reason == "nobody":
            flash(_("Every member and volunteer with an address has had a letter."), "error")
        else:
            for missing in refused.missing:
                flash(str(missing), "error")
        return redirect(url_for(".index", jury_id=jury.id))
    flash(
        _("The letters are being made by the worker. Open this page again in a moment."), "success"
    )
    return redirect(url_for(".index", jury_id=jury.id))


@bp.get("/staff/juries/<int:jury_id>/members/paper-letters/<name>")
@organiser_required
def paper_letter_file(jury_id: int, name: str) -> Response:
    jury = jury_for_staff(jury_id)
    path = paper.file_path(jury, name)
    if path is None:
        abort(404)
    kind = "application/pdf" if name.endswith(".pdf") else "text/csv"
    response = send_file(path, mimetype=kind, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/staff/juries/<int:jury_id>/members/paper-letters/sent")
@organiser_required
def paper_letters_sent(jury_id: int) -> Response:
    """The letters are posted: their files (with clear codes) are deleted."""
    jury = jury_for_staff(jury_id)
    if not LettersForm().validate_on_submit():
        abort(400)
    if not paper.mark_sent(jury):
        flash(_("The letters are still being made; try again when they are ready."), "error")
    else:
        flash(_("The letter files are deleted."), "success")
    return redirect(url_for(".index", jury_id=jury.id))
