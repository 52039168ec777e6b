"""Staff pages of expense claims: enter one for a member, approve or reject it, its receipt."""

from __future__ import annotations

from typing import Literal

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Jury, Member, Sitting
from webapp.payments import bp, claims, ledger
from webapp.payments.claims import RECEIPT_MEDIA, ClaimProblem
from webapp.payments.forms import ClaimForm, DecisionForm
from webapp.payments.views import field_error


def _member_label(member: Member) -> str:
    """A member as "First Last (REF)"; the reference alone for an old reply."""
    name = member.reply.full_name or member.reply.addressee
    return f"{name} ({member.reply.reference})" if name else member.reply.reference


def _claim_choices(jury: Jury, form: ClaimForm) -> None:
    form.member.choices = [("", _("Choose a member"))] + [
        (str(m.id), _member_label(m)) for m in ledger.payable_members(jury)
    ]
    form.sitting.choices = [("", _("No particular sitting"))] + [
        (str(s.id), s.starts_at.strftime("%Y-%m-%d %H:%M")) for s in jury.sittings
    ]


@bp.route("/staff/juries/<int:jury_id>/payments/claims/new", methods=["GET", "POST"])
@organiser_required
def new_claim(jury_id: int) -> str | Response | tuple[str, int]:
    jury = jury_for_staff(jury_id)
    form = ClaimForm()
    _claim_choices(jury, form)
    if request.method == "GET" and request.args.get("member", "").isdigit():
        form.member.data = request.args["member"]
    if form.validate_on_submit():
        member = _pick(form.member.data)
        sitting = _pick_sitting(form.sitting.data)
        if member is None or member.jury_id != jury.id:
            field_error(form, "member", _("Choose a member of this jury."))
        elif sitting is False:
            field_error(form, "sitting", _("Choose a sitting of this jury."))
        else:
            try:
                claims.add_claim(
                    jury,
                    member,
                    **form.details(),
                    sitting=sitting or None,
                    via="staff",
                    user=current_user,
                )
            except ClaimProblem as problem:
                db.session.rollback()
                field_error(form, problem.field, problem.message)
            else:
                db.session.commit()
                flash(_("The expense is recorded; an organiser can now approve it."), "success")
                return redirect(url_for(".overview", jury_id=jury.id))
    status = 400 if form.errors else 200
    return render_template("payments/claim_form.html", jury=jury, form=form), status


def _pick(text: str | None) -> Member | None:
    return db.session.get(Member, int(text or "0")) if (text or "").isdigit() else None


def _pick_sitting(text: str | None) -> Sitting | Literal[False] | None:
    """The sitting chosen (None for none; False for an id that is no sitting)."""
    if not text:
        return None
    found = db.session.get(Sitting, int(text)) if text.isdigit() else None
    return found if found is not None else False


@bp.post("/staff/juries/<int:jury_id>/payments/claims/<int:claim_id>/decide")
@organiser_required
def decide(jury_id: int, claim_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    claim = claims.claim_of(jury, claim_id)
    if claim is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "reject"):
        abort(400)
    approve = form.decision.data == "approve"
    try:
        changed = claims.decide(claim, approve=approve, user=current_user)
    except ClaimProblem as problem:
        db.session.rollback()
        flash(str(problem.message), "error")
    else:
        db.session.commit()
        if not changed:
            flash(_("This expense had this decision already; nothing changed."), "info")
        elif approve:
            flash(_("The expense is approved."), "success")
        else:
            flash(_("The expense is rejected."), "success")
    back = request.form.get("back")
    if back == "member":
        return redirect(url_for(".member", jury_id=jury.id, member_id=claim.member_id))
    return redirect(url_for(".overview", jury_id=jury.id))


@bp.get("/staff/juries/<int:jury_id>/payments/claims/<int:claim_id>/receipt")
@organiser_required
def receipt(jury_id: int, claim_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    claim = claims.claim_of(jury, claim_id)
    path = claims.receipt_file(claim) if claim is not None else None
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=RECEIPT_MEDIA.get(path.suffix, "application/octet-stream"),
        as_attachment=True,
        download_name=f"receipt-{claim_id}{path.suffix}",
    )
