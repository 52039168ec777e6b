"""The selection pages: start the job, follow its progress, cancel it, see its outcome."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from webapp import tasks
from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import JobKind, Jury, SelectionJob
from webapp.pool import services as pool_services
from webapp.selection import bp, services
from webapp.selection.forms import ActionForm, RelaxedReplacementForm
from webapp.selection.runner import run_selection


def _job(jury: Jury, job_id: int) -> SelectionJob:
    job = db.session.get(SelectionJob, job_id)
    if job is None or job.jury_id != jury.id:
        abort(404)
    return job


@bp.get("/staff/juries/<int:jury_id>/selection")
@organiser_required
def overview(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    people, _unknown = pool_services.pool(jury)
    return render_template(
        "selection/overview.html",
        jury=jury,
        pool_size=len(people),
        excluded=len(members.excluded_references(jury)),
        job=services.latest_job(jury),
        has_members=members.has_members(jury),
        open_seats=members.open_seats(jury),
        counts=members.counts(jury),
        form=ActionForm(),
    )


def _start(jury: Jury, kind: JobKind, parameters: dict[str, Any]) -> Response:
    try:
        job = services.create_job(jury, user=current_user, kind=kind, parameters=parameters)
        db.session.commit()
    except (services.JobAlreadyActive, IntegrityError):
        db.session.rollback()  # a double click: the first job runs
        flash(_("A computation for this jury is already under way."), "error")
        active = services.active_job(jury)
        if active is None:
            return redirect(url_for(".overview", jury_id=jury.id))
        return redirect(url_for(".job_page", jury_id=jury.id, job_id=active.id))
    tasks.enqueue(run_selection, job.id)
    return redirect(url_for(".job_page", jury_id=jury.id, job_id=job.id))


@bp.post("/staff/juries/<int:jury_id>/selection/start")
@organiser_required
def start(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if members.has_members(jury):
        flash(_("This jury has its members already: draw replacements for open seats."), "error")
        return redirect(url_for(".overview", jury_id=jury.id))
    return _start(jury, JobKind.SELECTION, {"k": jury.panel_size})


@bp.post("/staff/juries/<int:jury_id>/selection/replace")
@organiser_required
def replace(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    form = RelaxedReplacementForm()
    if not form.validate_on_submit():
        abort(400)
    seats = members.open_seats(jury)
    if seats <= 0:
        flash(_("No seat is open: nobody has declined or withdrawn."), "error")
        return redirect(url_for(".overview", jury_id=jury.id))
    parameters: dict[str, Any] = {"k": seats}
    if form.job.data:
        failed = _job(jury, _int(form.job.data))
        parameters["relax"] = (failed.error or {}).get("relaxations", [])
    return _start(jury, JobKind.REPLACEMENT, parameters)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        abort(400)


@bp.get("/staff/juries/<int:jury_id>/selection/jobs/<int:job_id>")
@organiser_required
def job_page(jury_id: int, job_id: int) -> str:
    jury = jury_for_staff(jury_id)
    job = _job(jury, job_id)
    return render_template(
        "selection/job.html",
        jury=jury,
        job=job,
        state=services.status(job),
        form=ActionForm(),
        relax_form=RelaxedReplacementForm(job=str(job.id)),
    )


@bp.get("/staff/juries/<int:jury_id>/selection/jobs/<int:job_id>/status")
@organiser_required
def job_status(jury_id: int, job_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    response = jsonify(services.status(_job(jury, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/staff/juries/<int:jury_id>/selection/jobs/<int:job_id>/cancel")
@organiser_required
def cancel(jury_id: int, job_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    job = _job(jury, job_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.cancel(job):
        flash(_("The computation is being cancelled."), "success")
    else:
        flash(_("The computation had already ended."), "error")
    db.session.commit()
    return redirect(url_for(".job_page", jury_id=jury.id, job_id=job.id))
