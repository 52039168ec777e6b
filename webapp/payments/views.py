"""Staff pages of stipends and expenses, for the jury's organisers and administrators only
(facilitators have no access: the pages show balances and bank accounts)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Form

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Jury, Member
from webapp.models.payments import ClaimStatus
from webapp.payments import accounts, bp, claims, ledger, runs
from webapp.payments.forms import (
    AccountForm,
    DecisionForm,
    RemoveAccountForm,
    SettingsForm,
)


def _member(jury: Jury, member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.jury_id != jury.id:
        abort(404)
    return member


def field_error(form: Form, field: str, message: object) -> None:
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
def settings(jury_id: int) -> Response | tuple[str, int]:
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
    return render_template("payments/settings.html", jury=jury, form=form), (
        400 if form.errors else 200
    )


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
    if request.method == "GET" and row.account is None:
        # The holder is most often the member: the name from the reply, to be corrected.
        form.holder.data = member.reply.full_name[:70]
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
