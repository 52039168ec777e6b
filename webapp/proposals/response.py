"""Staff pages after the verdict: publish the municipality's response, mark the proposal
implemented, tell everyone who took part, and set the days the municipality has."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp import tasks
from webapp.auth.access import jury_for_staff, organiser_required
from webapp.database import utcnow
from webapp.extensions import db
from webapp.juries.texts import fill_texts, text_fields, texts_of
from webapp.mail import mail_configured
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal
from webapp.proposals import bp, feedback, lifecycle, services
from webapp.proposals.forms import EmptyForm, ResponseForm, ResponseSettingsForm


def _now() -> datetime:
    return utcnow()


def _proposal(jury: Jury, proposal_id: int) -> Proposal:
    proposal = services.proposal_of(jury, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _page(jury: Jury, proposal: Proposal, form: ResponseForm, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "proposals/response.html",
            jury=jury,
            proposal=proposal,
            form=form,
            response_fields=text_fields(form, "response"),
            button=EmptyForm(),
            outcome_labels=lifecycle.OUTCOME_LABELS,
            days_left=lifecycle.days_left(proposal, _now().date()),
            stage=feedback.stage_of(proposal),
            told=feedback.told(proposal),
            mail=mail_configured(),
            steps=lifecycle.traffic_light(proposal),
        ),
        status,
    )


@bp.route(
    "/staff/juries/<int:jury_id>/proposals/<int:proposal_id>/response", methods=["GET", "POST"]
)
@organiser_required
def response(jury_id: int, proposal_id: int) -> tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    proposal = _proposal(jury, proposal_id)
    form = ResponseForm()
    if not form.is_submitted():
        fill_texts(form, "response", proposal.response_texts)
        return _page(jury, proposal, form)
    if proposal.verdict_at is None:
        form.form_errors.append(_("The jury has not given its verdict on this proposal yet."))
        return _page(jury, proposal, form, 400)
    if not form.validate():
        return _page(jury, proposal, form, 400)
    lifecycle.publish_response(proposal, texts_of(form, "response"), _now())
    db.session.commit()
    flash(_("The municipality's response is published."), "success")
    return redirect(url_for(".response", jury_id=jury.id, proposal_id=proposal.id))


@bp.post("/staff/juries/<int:jury_id>/proposals/<int:proposal_id>/implemented")
@organiser_required
def implemented(jury_id: int, proposal_id: int) -> tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    proposal = _proposal(jury, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if proposal.response_published_at is None:
        form = ResponseForm(formdata=None)
        fill_texts(form, "response", proposal.response_texts)
        form.form_errors.append(_("Publish the municipality's response first."))
        return _page(jury, proposal, form, 400)
    lifecycle.mark_implemented(proposal, _now())
    db.session.commit()
    flash(_("%(title)s is marked as implemented.", title=proposal.title), "success")
    return redirect(url_for(".response", jury_id=jury.id, proposal_id=proposal.id))


@bp.post("/staff/juries/<int:jury_id>/proposals/<int:proposal_id>/feedback")
@organiser_required
def send_feedback(jury_id: int, proposal_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    proposal = _proposal(jury, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    stage = feedback.stage_of(proposal)
    if stage is None or not mail_configured():
        flash(_("There is nothing to tell yet, or no mail server is set up."), "warning")
    else:
        tasks.enqueue(feedback.send_feedback, proposal.id, stage)
        flash(
            _(
                "The e-mails are being sent. Everyone is told once; sending again reaches only "
                "those who were not told yet."
            ),
            "success",
        )
    return redirect(url_for(".response", jury_id=jury.id, proposal_id=proposal.id))


@bp.post("/staff/juries/<int:jury_id>/proposals/response-settings")
@organiser_required
def response_settings(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    form = ResponseSettingsForm(prefix="response")
    if not form.validate_on_submit():
        for name, messages in form.errors.items():
            for text in messages:
                flash(f"{form[name].label.text}: {text}", "error")
        return redirect(url_for(".index", jury_id=jury.id))
    settings = lifecycle.settings_of(jury)
    settings.response_days = form.response_days.data
    settings.warning_days = form.warning_days.data
    db.session.add(settings)
    db.session.commit()
    flash(_("The response settings are saved."), "success")
    return redirect(url_for(".index", jury_id=jury.id))
