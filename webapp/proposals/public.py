"""The public proposal board of a jury: read, submit with a reply code, support once each with
a code or an e-mail link. Post/redirect/get; codes and e-mail addresses never travel in URLs."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db, limiter
from webapp.i18n import lazy_gettext as _l
from webapp.mail import mail_configured
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal, ProposalBoard
from webapp.proposals import board as board_service
from webapp.proposals import bp, lifecycle, services
from webapp.proposals.forms import (
    STATUS_LABELS,
    EmptyForm,
    SubmitForm,
    SupportCodeForm,
    SupportEmailForm,
)
from webapp.proposals.mail import send_support_link

DEFAULT_SUBMIT_LIMIT = "10 per minute;60 per hour"


def _submit_limit() -> str:
    return str(current_app.config.get("PROPOSAL_SUBMIT_RATE_LIMIT", DEFAULT_SUBMIT_LIMIT))


def _jury(slug: str) -> Jury:
    jury: Jury = db.first_or_404(sa.select(Jury).where(Jury.slug == slug))
    return jury


def _visible(jury: Jury, proposal_id: int) -> Proposal:
    proposal = services.proposal_of(jury, proposal_id)
    if proposal is None or proposal.hidden:
        abort(404)
    return proposal


@bp.get("/juries/<slug>/proposals")
def board(slug: str) -> str:
    jury = _jury(slug)
    return render_template(
        "proposals/board.html",
        jury=jury,
        board=services.board_of(jury),
        proposals=services.proposals_of(jury, include_hidden=False),
        status_labels=STATUS_LABELS,
    )


@bp.route("/juries/<slug>/proposals/new", methods=["GET", "POST"])
@limiter.limit(_submit_limit, key_func=limits.address_key, methods=["POST"])
def submit(slug: str) -> str | Response:
    jury = _jury(slug)
    settings = services.board_of(jury)
    if not settings.is_open:
        status = 409 if request.method == "POST" else 200
        return render_template("proposals/closed.html", jury=jury), status  # type: ignore[return-value]
    form = SubmitForm(jury_id=jury.id)
    if form.validate_on_submit() and form.invitation is not None:
        board_service.submit(
            jury, title=form.title.data, summary=form.summary.data, invitation=form.invitation
        )
        db.session.commit()
        flash(_("Thank you: your proposal is on the board, with your support."), "success")
        return redirect(url_for(".board", slug=jury.slug))
    if form.is_submitted():
        limits.record_failure()
    return render_template("proposals/submit.html", jury=jury, form=form, board=settings)


@bp.route("/juries/<slug>/proposals/<int:proposal_id>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, key_func=limits.address_key, methods=["POST"])
def support(slug: str, proposal_id: int) -> str | Response:
    """The proposal, and the two ways to support it: a reply code, or an e-mail link."""
    jury = _jury(slug)
    proposal = _visible(jury, proposal_id)
    settings = services.board_of(jury)
    code_form = SupportCodeForm(jury_id=jury.id, prefix="code")
    email_form = SupportEmailForm(prefix="email")
    status = 200
    if request.method == "POST":
        if not _supportable(proposal, settings):
            return render_template("proposals/closed.html", jury=jury), 409  # type: ignore[return-value]
        if "email-email" in request.form:
            sent = _send_email_link(jury, proposal, email_form)
            if sent is not None:
                return sent
        elif code_form.validate_on_submit() and code_form.invitation is not None:
            supporter = board_service.supporter_of_invitation(code_form.invitation)
            return _count_support(jury, proposal, supporter)
        else:
            limits.record_failure()
        status = 400
    return render_template(
        "proposals/proposal.html",
        jury=jury,
        proposal=proposal,
        board=settings,
        code_form=code_form,
        email_form=email_form,
        can_support=_supportable(proposal, settings),
        mail=mail_configured(),
        status_labels=STATUS_LABELS,
        steps=lifecycle.traffic_light(proposal),
        outcome_labels=lifecycle.OUTCOME_LABELS,
    ), status  # type: ignore[return-value]


def _supportable(proposal: Proposal, settings: ProposalBoard) -> bool:
    return bool(settings.is_open) and proposal.source == "board"


def _count_support(jury: Jury, proposal: Proposal, supporter: str) -> Response:
    try:
        board_service.support(proposal, supporter)
    except board_service.AlreadySupported:
        db.session.rollback()
        flash(_("You support this proposal already: each resident counts once."), "info")
        return redirect(url_for(".support", slug=jury.slug, proposal_id=proposal.id))
    db.session.commit()
    flash(_("Thank you: your support is counted."), "success")
    return redirect(url_for(".support", slug=jury.slug, proposal_id=proposal.id))


def _send_email_link(
    jury: Jury, proposal: Proposal, email_form: SupportEmailForm
) -> Response | None:
    """Mail the confirmation link; None when the form is to be shown again with its errors."""
    if not mail_configured():
        abort(404)
    if not email_form.validate_on_submit():
        return None
    email = email_form.email.data
    token = board_service.email_token(proposal, email)
    if not send_support_link(proposal, jury, email=email, token=token):
        email_form.email.errors = [_l("We could not send the e-mail. Please try again later.")]
        return None
    flash(_("We sent you an e-mail. Open the link in it to confirm your support."), "success")
    return redirect(url_for(".support", slug=jury.slug, proposal_id=proposal.id))


@bp.route("/proposals/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, key_func=limits.address_key, methods=["POST"])
def confirm_support(token: str) -> str | Response:
    """The e-mail link: GET shows a button (mail scanners follow links), POST counts."""
    try:
        proposal_id, supporter = board_service.read_token(token)
    except board_service.BadLink:
        return render_template("proposals/bad_link.html"), 400  # type: ignore[return-value]
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.hidden:
        abort(404)
    jury = db.session.get_one(Jury, proposal.jury_id)
    form = EmptyForm()
    if form.validate_on_submit():
        if not _supportable(proposal, services.board_of(jury)):
            return render_template("proposals/closed.html", jury=jury), 409  # type: ignore[return-value]
        return _count_support(jury, proposal, supporter)
    return render_template("proposals/confirm.html", jury=jury, proposal=proposal, form=form)
