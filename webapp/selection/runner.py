"""The worker's side of a selection job: claim it, compute the transparent lottery and its
commitment, store the outcome (one commit), with the solver's progress written to the job row
as it comes."""

from __future__ import annotations

import math
import time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from webapp import lottery, tasks
from webapp.extensions import db
from webapp.models import JobKind, JobStatus, Jury, SelectionJob
from webapp.selection import draws, services
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
    """Run one selection job (a task of the queue): compute the transparent lottery and
    commit to it. A job that is not queued (cancelled, or taken by another run) is left
    alone."""
    if not services.claim(job_id):
        return
    job = db.session.get_one(SelectionJob, job_id)
    jury = db.session.get_one(Jury, job.jury_id)
    log = current_app.logger
    log.info("selection job %s of jury %s started (attempt %s)", job.id, jury.id, job.attempts)
    outcome, committed = JobStatus.FAILED, None
    error: dict[str, Any] | None = None
    try:
        committed = _compute(jury, job)
        outcome = JobStatus.DONE
    except Cancelled:
        outcome = JobStatus.CANCELLED
    except lottery.Infeasible as exc:
        error = {"kind": "infeasible", **exc.as_dict()}
    except lottery.SelectionFailed as exc:
        error = {"kind": "solver", "message": str(exc)}
    except Exception:
        db.session.rollback()
        log.exception("selection job %s failed", job_id)
        error = {"kind": "crash"}
    _finish(job_id, outcome, committed=committed, error=error)
    log.info("selection job %s ended: %s", job_id, outcome)


def _compute(jury: Jury, job: SelectionJob) -> lottery.Committed:
    inputs = selection_inputs(jury, job.parameters)
    options: dict[str, Any] = {
        "panels": int(job.parameters.get("panels", draws.DEFAULT_PANELS)),
        "source": str(job.parameters["source"]),
        "time_limit": float(current_app.config["JOB_TIME_LIMIT"]),
    }
    if job.kind == JobKind.SELECTION:
        return lottery.compute(
            inputs.people, inputs.quotas, jury.panel_size, progress=Reporter(job.id), **options
        )
    previous = draws.last_drawn(jury)
    return lottery.compute_replacement(
        inputs.people,
        inputs.quotas,
        jury.panel_size,
        members=inputs.members,
        exclude=inputs.exclude,
        progress=Reporter(job.id),
        previous=previous.commitment_sha256 if previous else None,
        previous_pseudonyms=previous.pseudonyms if previous else {},
        **options,
    )


def _finish(
    job_id: int,
    outcome: JobStatus,
    *,
    committed: lottery.Committed | None,
    error: dict[str, Any] | None,
) -> None:
    """Store the outcome and, when done, the committed lottery: one commit. A cancel that
    came while the solver had nothing to report wins over the result."""
    job = db.session.get_one(SelectionJob, job_id)
    db.session.refresh(job)
    if job.cancel_requested and outcome == JobStatus.DONE:
        outcome, committed = JobStatus.CANCELLED, None
    job.status, job.finished_at, job.error = outcome, services.now(), error
    if committed is not None:
        draw = draws.create(job, committed)
        job.result = {"draw_id": draw.id, "report": draws.json_safe(committed.report)}
        job.progress = 1.0
    db.session.commit()


@tasks.periodic
def recover_jobs() -> None:
    """Every minute in the worker: jobs of stopped workers run again (or fail)."""
    for job_id in services.recover(all_queued=False):
        tasks.enqueue(run_selection, job_id)


@tasks.on_worker_start
def compile_the_lottery() -> None:
    """When a worker starts: the library's compiled search is loaded before the first job."""
    lottery.warm_up()


@tasks.on_worker_start
def recover_on_start() -> None:
    """When a worker starts: also every queued job, in case the queue lost its task."""
    for job_id in services.recover(all_queued=True):
        tasks.enqueue(run_selection, job_id)
