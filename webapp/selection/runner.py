"""The worker's side of a selection job: claim it, compute, store the outcome (one commit),
with the solver's progress written to the job row as it comes."""

from __future__ import annotations

import math
import time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from webapp import lottery, tasks
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import JobKind, JobStatus, Jury, SelectionJob
from webapp.selection import services
from webapp.selection.inputs import selection_inputs

# Progress is written at most this often (seconds): the solver may report many times a second.
PROGRESS_INTERVAL = 0.5


class Cancelled(Exception):
    """The organiser cancelled the job while it ran."""


class Reporter:
    """The solver's progress callback: writes message and fraction to the job row (and a
    heartbeat), and raises :class:`Cancelled` when the organiser asked to stop."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, message: str, fraction: float | None) -> None:
        moment = time.monotonic()
        if moment - self.last < PROGRESS_INTERVAL:
            return
        self.last = moment
        values: dict[str, Any] = {"message": message[:2000], "heartbeat_at": services.now()}
        if fraction is not None and math.isfinite(fraction):
            values["progress"] = min(1.0, max(0.0, fraction))
        db.session.execute(
            sa.update(SelectionJob).where(SelectionJob.id == self.job_id).values(**values)
        )
        db.session.commit()
        stop = db.session.scalar(
            sa.select(SelectionJob.cancel_requested).where(SelectionJob.id == self.job_id)
        )
        if stop:
            raise Cancelled


@tasks.task
def run_selection(job_id: int) -> None:
    """Run one selection job (a task of the queue). A job that is not queued (cancelled,
    or taken by another run) is left alone."""
    if not services.claim(job_id):
        return
    job = db.session.get_one(SelectionJob, job_id)
    jury = db.session.get_one(Jury, job.jury_id)
    log = current_app.logger
    log.info("selection job %s of jury %s started (attempt %s)", job.id, jury.id, job.attempts)
    outcome, result = JobStatus.FAILED, None
    error: dict[str, Any] | None = None
    try:
        inputs = selection_inputs(jury, job.kind, job.parameters)
        if inputs.seats <= 0:
            error = {"kind": "no_open_seats"}
        else:
            result = lottery.select(
                inputs.people,
                inputs.quotas,
                inputs.seats,
                progress=Reporter(job.id),
                time_limit=float(current_app.config["JOB_TIME_LIMIT"]),
            )
            outcome = JobStatus.DONE
    except Cancelled:
        outcome = JobStatus.CANCELLED
    except lottery.Infeasible as exc:
        error = {"kind": "infeasible", "seats": inputs.seats, **exc.as_dict()}
    except lottery.SelectionFailed as exc:
        error = {"kind": "solver", "message": str(exc)}
    except Exception:
        db.session.rollback()
        log.exception("selection job %s failed", job_id)
        error = {"kind": "crash"}
    _finish(job_id, outcome, result=result, error=error)
    log.info("selection job %s ended: %s", job_id, outcome)


def _finish(
    job_id: int,
    outcome: JobStatus,
    *,
    result: dict[str, Any] | None,
    error: dict[str, Any] | None,
) -> None:
    """Store the outcome and, when done, seat the members: one commit."""
    job = db.session.get_one(SelectionJob, job_id)
    db.session.refresh(job)
    job.status, job.finished_at, job.error = outcome, services.now(), error
    if result is not None:
        job.result = _json_safe(result)
        job.progress = 1.0
        jury = db.session.get_one(Jury, job.jury_id)
        if job.kind == JobKind.REPLACEMENT:
            members.seat_replacements(jury, job, result["panel"])
        else:
            members.seat_panel(jury, job, result["panel"], result["alternates"])
    db.session.commit()


def _json_safe(value: Any) -> Any:
    """NaN and infinities become None (PostgreSQL's JSON refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


@tasks.periodic
def recover_jobs() -> None:
    """Every minute in the worker: jobs of stopped workers run again (or fail)."""
    for job_id in services.recover(all_queued=False):
        tasks.enqueue(run_selection, job_id)


@tasks.on_worker_start
def recover_on_start() -> None:
    """When a worker starts: also every queued job, in case the queue lost its task."""
    for job_id in services.recover(all_queued=True):
        tasks.enqueue(run_selection, job_id)
