"""A member claims an expense (childcare, travel) on a public page with the code from their
letter: no login. Rate-limited like the other code pages (:func:`webapp.auth.limits.code_entry`);
the code never goes in a URL. Only a wrong code is a failure: a right code with a problem in the
claim (an amount, a missing field) uses up no budget of the address."""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.members.services import member_for_invitation
from webapp.models import Jury
from webapp.payments import bp, claims, ledger
from webapp.payments.claims import ClaimProblem
from webapp.payments.forms import MemberClaimForm

SESSION_KEY = "expense_claim"


@bp.route("/expenses", methods=["GET", "POST"])
@limits.code_entry
def member_claim() -> str | Response | tuple[str, int]:
    form = MemberClaimForm()
    if form.validate_on_submit() and form.invitation is not None:
        member = member_for_invitation(form.invitation)
        if member is None or member.status not in ledger.PAYABLE:
            form.code.errors = [_l("Your code: this code belongs to nobody drawn for the jury.")]
            limits.record_failure()
            return render_template("payments/member_claim.html", form=form), 400
        jury = db.session.get(Jury, member.jury_id)
        assert jury is not None
        try:
            claims.add_claim(jury, member, **form.details(), sitting=None, via="code", user=None)
        except ClaimProblem as problem:
            db.session.rollback()
            field = getattr(form, problem.field, form.amount)
            field.errors = [*field.errors, problem.message]
            return render_template("payments/member_claim.html", form=form), 400
        db.session.commit()
        session[SESSION_KEY] = {"amount": form.amount.cents, "kind": form.kind.data}
        return redirect(url_for(".member_claim_done"))
    if form.is_submitted() and form.invitation is None:  # a wrong code
        limits.record_failure()
    status = 400 if form.errors else 200
    return render_template("payments/member_claim.html", form=form), status


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    return limits.too_many_tries(MemberClaimForm, "payments/member_claim.html")


@bp.get("/expenses/done")
def member_claim_done() -> str | Response:
    state = session.pop(SESSION_KEY, None)
    if not state:
        return redirect(url_for(".member_claim"))
    return render_template("payments/member_claim_done.html", state=state)
