"""Staff pages: the jury's proposals by supports, the imports, the agenda, moderation."""

from __future__ import annotations

import httpx
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.config import SITTING_FORMAT
from webapp.extensions import db
from webapp.models.juries import Jury
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus
from webapp.proposals import bp, services
from webapp.proposals.consul import fetch_consul
from webapp.proposals.csvfile import CsvProblems, read_proposals_csv
from webapp.proposals.decidim import fetch_decidim
from webapp.proposals.forms import (
    STATUS_LABELS,
    BoardSettingsForm,
    ConsulForm,
    CsvForm,
    DecidimForm,
    EmptyForm,
    ResponseSettingsForm,
)
from webapp.proposals.graphql import Fetched, ImportFailed


@bp.get("/staff/juries/<int:jury_id>/proposals")
@organiser_required
def index(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    return _page(jury)


def _page(
    jury: Jury,
    *,
    decidim: DecidimForm | None = None,
    consul: ConsulForm | None = None,
    upload: CsvForm | None = None,
    errors: list[str] | None = None,
    votes_hidden: bool = False,
) -> str:
    board = services.board_of(jury)
    settings = BoardSettingsForm(formdata=None, obj=board, prefix="board")
    response_settings = ResponseSettingsForm(formdata=None, obj=board, prefix="response")
    return render_template(
        "proposals/staff.html",
        jury=jury,
        proposals=services.proposals_of(jury),
        board=board,
        decidim=decidim or DecidimForm(formdata=None, prefix="decidim"),
        consul=consul or ConsulForm(formdata=None, prefix="consul"),
        upload=upload or CsvForm(formdata=None, prefix="csv"),
        settings=settings,
        response_settings=response_settings,
        button=EmptyForm(),
        errors=errors or [],
        votes_hidden=votes_hidden,
        status_labels=STATUS_LABELS,
        on_sittings=services.sittings_of(jury),
    )


def _client() -> httpx.Client:
    return httpx.Client(follow_redirects=False)


@bp.post("/staff/juries/<int:jury_id>/proposals/decidim")
@organiser_required
def import_decidim(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = DecidimForm(prefix="decidim")
    if not form.validate_on_submit():
        return _page(jury, decidim=form), 400  # type: ignore[return-value]
    try:
        with _client() as client:
            fetched = fetch_decidim(
                client,
                form.api_url.data,
                process_id=form.process_id.data.strip(),
                component_id=form.component_id.data.strip(),
                limit=form.limit.data,
                locale=str(get_locale() or "en"),
            )
    except ImportFailed as exc:
        return _failed(jury, exc, decidim=form)
    return _stored(jury, ProposalSource.DECIDIM, fetched)


@bp.post("/staff/juries/<int:jury_id>/proposals/consul")
@organiser_required
def import_consul(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = ConsulForm(prefix="consul")
    if not form.validate_on_submit():
        return _page(jury, consul=form), 400  # type: ignore[return-value]
    try:
        with _client() as client:
            fetched = fetch_consul(client, form.api_url.data, limit=form.limit.data)
    except ImportFailed as exc:
        return _failed(jury, exc, consul=form)
    return _stored(jury, ProposalSource.CONSUL, fetched)


@bp.post("/staff/juries/<int:jury_id>/proposals/csv")
@organiser_required
def import_csv(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = CsvForm(prefix="csv")
    if not form.validate_on_submit():
        return _page(jury, upload=form), 400  # type: ignore[return-value]
    upload = form.file.data
    try:
        items = read_proposals_csv(upload.stream, filename=upload.filename or "upload.csv")
    except CsvProblems as exc:
        return _page(jury, upload=form, errors=[str(p) for p in exc.problems]), 400  # type: ignore[return-value]
    return _stored(jury, ProposalSource.CSV, Fetched(proposals=items))


def _failed(jury: Jury, exc: ImportFailed, **forms: object) -> str:
    db.session.rollback()
    return _page(jury, errors=[str(exc.message)], **forms), 400  # type: ignore[arg-type,return-value]


def _stored(jury: Jury, source: ProposalSource, fetched: Fetched) -> Response:
    try:
        stored = services.store_imported(jury, source, fetched.proposals)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    flash(
        _(
            "%(added)s proposals added, %(updated)s updated.",
            added=stored.added,
            updated=stored.updated,
        ),
        "success",
    )
    if fetched.votes_hidden:
        flash(
            _(
                "This Decidim space hides its votes, so the proposals have no supports and "
                "their order says nothing. Ask the platform's administrators for a CSV export "
                "with the supports and upload it below."
            ),
            "warning",
        )
    return redirect(url_for(".index", jury_id=jury.id))


def _proposal(jury: Jury, proposal_id: int) -> Proposal:
    proposal = services.proposal_of(jury, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.post("/staff/juries/<int:jury_id>/proposals/<int:proposal_id>/status")
@organiser_required
def set_status(jury_id: int, proposal_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    proposal = _proposal(jury, proposal_id)
    form = EmptyForm()
    try:
        status = ProposalStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    # By hand only on and off the agenda; the verdict and after have pages of their own.
    manual = (ProposalStatus.RECEIVED, ProposalStatus.ON_AGENDA)
    if status not in manual or proposal.status not in manual:
        abort(400)
    if not form.validate_on_submit():
        abort(400)
    held = services.sittings_of(jury).get(proposal.id, [])
    if status == ProposalStatus.RECEIVED and held:
        # Its sittings would still show it to the members: they are changed first.
        flash(
            _(
                "%(title)s is on the sitting of %(date)s: take it off that sitting first.",
                title=proposal.title,
                date=format_datetime(held[0].starts_at, SITTING_FORMAT, rebase=False),
            ),
            "error",
        )
        return redirect(url_for(".index", jury_id=jury.id))
    services.set_status(proposal, status)
    db.session.commit()
    flash(
        _("%(title)s: %(status)s.", title=proposal.title, status=STATUS_LABELS[status]),
        "success",
    )
    return redirect(url_for(".index", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/proposals/<int:proposal_id>/hide")
@organiser_required
def moderate(jury_id: int, proposal_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    proposal = _proposal(jury, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_hidden(proposal, not proposal.hidden)
    db.session.commit()
    if proposal.hidden:
        flash(_("%(title)s is hidden from the public board.", title=proposal.title), "success")
    else:
        flash(_("%(title)s is shown on the public board again.", title=proposal.title), "success")
    return redirect(url_for(".index", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/proposals/board")
@organiser_required
def board_settings(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = BoardSettingsForm(prefix="board")
    if not form.validate_on_submit():
        errors = [
            f"{form[name].label.text}: {msg}" for name, msgs in form.errors.items() for msg in msgs
        ]
        return _page(jury, errors=errors), 400  # type: ignore[return-value]
    services.save_board(jury, is_open=form.is_open.data, threshold=form.support_threshold.data)
    db.session.commit()
    flash(_("The board's settings are saved."), "success")
    return redirect(url_for(".index", jury_id=jury.id))
