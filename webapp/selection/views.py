"""The selection pages: start the job, follow its progress, cancel it, see its outcome; the
draw with the public randomness."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from webapp import tasks
from webapp.auth.access import jury_for_staff, organiser_required
from webapp.categories.services import category_labels
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import Draw, JobKind, Jury, SelectionJob
from webapp.pool import services as pool_services
from webapp.quotas.wording import problems_html
from webapp.selection import bp, draws, services
from webapp.selection.forms import ActionForm, RandomnessForm, StartForm
from webapp.selection.runner import run_selection


def _job(jury: Jury, job_id: int) -> SelectionJob:
    job = db.session.get(SelectionJob, job_id)
    if job is None or job.jury_id != jury.id:
        abort(404)
    return job


def _draw(jury: Jury, draw_id: int) -> Draw:
    draw = db.session.get(Draw, draw_id)
    if draw is None or draw.jury_id != jury.id:
        abort(404)
    return draw


def _overview(jury: Jury, form: StartForm) -> str:
    people, _unknown = pool_services.pool(jury)
    return render_template(
        "selection/overview.html",
        jury=jury,
        pool_size=len(people),
        excluded=len(members.excluded_references(jury)),
        job=services.latest_job(jury),
        draws=draws.draws_of(jury),
        has_members=members.has_members(jury),
        open_seats=members.open_seats(jury),
        counts=members.counts(jury),
        form=form,
    )


@bp.get("/staff/juries/<int:jury_id>/selection")
@organiser_required
def overview(jury_id: int) -> str:
    return _overview(jury_for_staff(jury_id), StartForm())


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
def start(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = StartForm()
    if members.has_members(jury):
        flash(_("This jury has its members already: draw replacements for open seats."), "error")
        return redirect(url_for(".overview", jury_id=jury.id))
    if not form.validate_on_submit():
        return _overview(jury, form)
    return _start(jury, JobKind.SELECTION, {"source": form.source.data, "panels": form.panels.data})


@bp.post("/staff/juries/<int:jury_id>/selection/replace")
@organiser_required
def replace(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = StartForm()
    if members.open_seats(jury) <= 0:
        flash(_("No seat is open: nobody has declined or withdrawn."), "error")
        return redirect(url_for(".overview", jury_id=jury.id))
    if not form.validate_on_submit():
        return _overview(jury, form)
    parameters: dict[str, Any] = {"source": form.source.data, "panels": form.panels.data}
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
    relax_form = StartForm(
        job=str(job.id),
        source=job.parameters.get("source", ""),
        panels=job.parameters.get("panels", draws.DEFAULT_PANELS),
    )
    found = (job.error or {}).get("problems")
    problems = found if isinstance(found, list) else []
    return render_template(
        "selection/job.html",
        jury=jury,
        job=job,
        state=services.status(job),
        form=ActionForm(),
        relax_form=relax_form,
        problems=problems_html([p for p in problems if isinstance(p, dict)], category_labels(jury)),
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
    if services.cancel(job):
        flash(_("The computation is being cancelled."), "success")
    else:
        flash(_("The computation had already ended."), "error")
    db.session.commit()
    return redirect(url_for(".job_page", jury_id=jury.id, job_id=job.id))


@bp.route("/staff/juries/<int:jury_id>/draws/<int:draw_id>", methods=["GET", "POST"])
@organiser_required
def draw_page(jury_id: int, draw_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    draw = _draw(jury, draw_id)
    form = RandomnessForm()
    if not draw.drawn and form.validate_on_submit():
        try:
            outcome = draws.enter_randomness(draw, form.randomness.data)
        except draws.AlreadyDrawn:
            db.session.rollback()
            flash(_("The randomness had been entered already; nothing was changed."), "error")
            return redirect(url_for(".draw_page", jury_id=jury.id, draw_id=draw.id))
        except draws.Superseded:
            db.session.rollback()
            flash(_("This jury's members were drawn by another lottery."), "error")
            return redirect(url_for(".draw_page", jury_id=jury.id, draw_id=draw.id))
        except ValueError:
            db.session.rollback()
            form.randomness.errors = [_("Type the dice rolls or the lottery result.")]
            return render_template("selection/draw.html", jury=jury, draw=draw, form=form)
        db.session.commit()
        flash(_("Panel %(n)d of %(m)d is drawn.", n=outcome.panel, m=draw.panels), "success")
        return redirect(url_for(".draw_page", jury_id=jury.id, draw_id=draw.id))
    if draw.drawn and form.is_submitted():
        flash(_("The randomness had been entered already; nothing was changed."), "error")
        return redirect(url_for(".draw_page", jury_id=jury.id, draw_id=draw.id))
    return render_template(
        "selection/draw.html",
        jury=jury,
        draw=draw,
        form=form,
        panel=draws.published_panel(draw),
        alternates=draws.published_alternates(draw),
    )
