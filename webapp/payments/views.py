"""Staff pages of stipends and expenses, for the jury's organisers and administrators only
(facilitators have no access: the pages show balances and bank accounts)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Form

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Jury, Member
from webapp.models.payments import ClaimStatus, ExpenseKind
from webapp.payments import accounts, bp, claims, ledger, runs
from webapp.payments.claims import RECEIPT_MEDIA, ClaimProblem
from webapp.payments.forms import (
    AccountForm,
    ClaimForm,
    DecisionForm,
    RemoveAccountForm,
    RunForm,
    SettingsForm,
)


def _member(jury: Jury, member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.jury_id != jury.id:
        abort(404)
    return member


def _field_error(form: Form, field: str, message: object) -> None:
    target = getattr(form, field, None)
    if target is None:
        flash(str(message), "error")
    else:
        target.errors = [*target.errors, message]


@bp.get("/staff/juries/<int:jury_id>/payments")
@organiser_required
def overview(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    rows = ledger.balances(jury)
    return render_template(
        "payments/overview.html",
        jury=jury,
        settings=ledger.settings_of(jury),
        rows=list(rows.values()),
        totals=ledger.totals(rows),
        pending=claims.claims_of(jury, status=ClaimStatus.PENDING),
        runs=runs.runs_of(jury),
        decision_form=DecisionForm(),
        mask=accounts.mask,
    )


@bp.route("/staff/juries/<int:jury_id>/payments/settings", methods=["GET", "POST"])
@organiser_required
def settings(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    current = ledger.settings_of(jury)
    form = SettingsForm(obj=current)
    if request.method == "GET":
        form.stipend.data = f"{current.stipend_cents / 100:.2f}"
    if form.validate_on_submit():
        current.stipend_cents = form.stipend.cents
        current.count_late = form.count_late.data
        current.count_left_early = form.count_left_early.data
        current.debtor_name = (form.debtor_name.data or "").strip()
        current.debtor_iban = form.debtor_iban.data or ""
        current.debtor_bic = form.debtor_bic.data or ""
        current.remittance = (form.remittance.data or "").strip()
        db.session.add(current)
        db.session.commit()
        flash(_("The payment settings are saved."), "success")
        return redirect(url_for(".overview", jury_id=jury.id))
    return render_template("payments/settings.html", jury=jury, form=form)


@bp.route("/staff/juries/<int:jury_id>/payments/members/<int:member_id>", methods=["GET", "POST"])
@organiser_required
def member(jury_id: int, member_id: int) -> Response | tuple[str, int]:
    """The member's ledger, and their bank account (POST saves it)."""
    jury = jury_for_staff(jury_id)
    member = _member(jury, member_id)
    form = AccountForm()
    if form.validate_on_submit():
        accounts.save_account(
            member,
            holder=form.holder.data,
            iban=form.iban.data,
            bic=form.bic.data,
            user=current_user,
        )
        db.session.commit()
        flash(_("The bank account is saved."), "success")
        return redirect(url_for(".member", jury_id=jury.id, member_id=member.id))
    row = ledger.balances(jury, member=member)[member.id]
    return render_template(
        "payments/member.html",
        jury=jury,
        member=member,
        row=row,
        form=form,
        remove_form=RemoveAccountForm(),
        decision_form=DecisionForm(),
        claims=[c for c in claims.claims_of(jury) if c.member_id == member.id],
        mask=accounts.mask,
    ), (400 if form.errors else 200)


@bp.post("/staff/juries/<int:jury_id>/payments/members/<int:member_id>/account/remove")
@organiser_required
def remove_account(jury_id: int, member_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    member = _member(jury, member_id)
    if not RemoveAccountForm().validate_on_submit():
        abort(400)
    if accounts.remove_account(member):
        flash(_("The bank account is deleted."), "success")
    else:
        flash(_("There was no bank account to delete."), "info")
    db.session.commit()
    return redirect(url_for(".member", jury_id=jury.id, member_id=member.id))


def _claim_choices(jury: Jury, form: ClaimForm) -> None:
    form.member.choices = [("", _("Choose a member"))] + [
        (str(m.id), m.reply.reference) for m in ledger.payable_members(jury)
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
        member = _pick(Member, form.member.data)
        sitting = _pick_sitting(form.sitting.data)
        if member is None or member.jury_id != jury.id:
            _field_error(form, "member", _("Choose a member of this jury."))
        elif sitting is False:
            _field_error(form, "sitting", _("Choose a sitting of this jury."))
        else:
            try:
                claims.add_claim(
                    jury,
                    member,
                    kind=ExpenseKind(form.kind.data),
                    amount_cents=form.amount.cents,
                    spent_on=form.spent_on.data,
                    sitting=sitting or None,
                    note=form.note.data or "",
                    receipt=form.receipt.data,
                    via="staff",
                    user=current_user,
                )
            except ClaimProblem as problem:
                db.session.rollback()
                _field_error(form, problem.field, problem.message)
            else:
                db.session.commit()
                flash(_("The expense is recorded; an organiser can now approve it."), "success")
                return redirect(url_for(".overview", jury_id=jury.id))
    status = 400 if form.errors else 200
    return render_template("payments/claim_form.html", jury=jury, form=form), status


def _pick(model: type[Member], text: str | None) -> Member | None:
    return db.session.get(model, int(text or "0")) if (text or "").isdigit() else None


def _pick_sitting(text: str | None):  # type: ignore[no-untyped-def]
    """The sitting chosen (None for none; False for an id that is no sitting)."""
    from webapp.models import Sitting

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


@bp.route("/staff/juries/<int:jury_id>/payments/runs/new", methods=["GET", "POST"])
@organiser_required
def new_run(jury_id: int) -> str | Response | tuple[str, int]:
    jury = jury_for_staff(jury_id)
    rows = [r for r in ledger.balances(jury).values() if r.balance_cents > 0]
    form = RunForm()
    if request.method == "GET":
        form.members.data = [r.member.id for r in rows if r.account is not None]
        form.execution_date.data = date.today() + timedelta(days=1)
        form.since.data = str(runs.latest_run_id(jury))
    if form.validate_on_submit():
        since = int(form.since.data) if (form.since.data or "").isdigit() else -1
        try:
            run = runs.make_run(
                jury,
                form.members.data or [],
                execution_date=form.execution_date.data,
                since=since,
                user=current_user,
            )
        except runs.RunProblem as problem:
            db.session.rollback()
            _field_error(form, problem.field, problem.message)
        else:
            db.session.commit()
            flash(_("The payment run is recorded. Download the files for the bank."), "success")
            return redirect(url_for(".run", jury_id=jury.id, run_id=run.id))
    return render_template(
        "payments/run_form.html",
        jury=jury,
        form=form,
        rows=rows,
        settings=ledger.settings_of(jury),
        mask=accounts.mask,
    ), (400 if form.errors else 200)


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>")
@organiser_required
def run(jury_id: int, run_id: int) -> str:
    jury = jury_for_staff(jury_id)
    found = runs.run_of(jury, run_id)
    if found is None:
        abort(404)
    return render_template("payments/run.html", jury=jury, run=found)


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>/payments.csv")
@organiser_required
def run_csv(jury_id: int, run_id: int) -> Response:
    return _run_download(jury_id, run_id, "csv")


@bp.get("/staff/juries/<int:jury_id>/payments/runs/<int:run_id>/pain001.xml")
@organiser_required
def run_xml(jury_id: int, run_id: int) -> Response:
    return _run_download(jury_id, run_id, "xml")


def _run_download(jury_id: int, run_id: int, kind: str) -> Response:
    jury = jury_for_staff(jury_id)
    found = runs.run_of(jury, run_id)
    text = runs.run_file(found, kind) if found is not None else None
    if text is None:
        abort(404)
    name = f"payments-{jury.slug}-{run_id}.{'csv' if kind == 'csv' else 'xml'}"
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/xml"
    response = FlaskResponse(text.encode("utf-8"), mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
