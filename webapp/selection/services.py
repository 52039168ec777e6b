"""Selection jobs: start, cancel, report; the worker's side is :mod:`webapp.selection.runner`.

A job goes queued -> running -> done | failed | cancelled. One job per jury may be queued or
running (a partial unique index holds it against double clicks). A job whose worker died
(found by :func:`recover`, which every worker runs when it starts and then every minute) is
queued again, at most ``JOB_MAX_ATTEMPTS`` runs in all, then reported failed: never stuck at
"running".
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from webapp.database import changed_rows, utcnow
from webapp.extensions import db
from webapp.models import JobKind, JobStatus, Jury, SelectionJob, User
from webapp.models.selection import ACTIVE


class JobAlreadyActive(Exception):
    """Another job of this jury is queued or running."""

    def __init__(self, job_id: int) -> None:
        super().__init__(job_id)
        self.job_id = job_id


def now() -> datetime:
    return utcnow()


def active_job(jury: Jury) -> SelectionJob | None:
    return db.session.scalar(
        sa.select(SelectionJob).where(
            SelectionJob.jury_id == jury.id, SelectionJob.status.in_(ACTIVE)
        )
    )


def latest_job(jury: Jury, *, kind: JobKind | None = None) -> SelectionJob | None:
    query = sa.select(SelectionJob).where(SelectionJob.jury_id == jury.id)
    if kind is not None:
        query = query.where(SelectionJob.kind == kind)
    return db.session.scalar(query.order_by(SelectionJob.id.desc()).limit(1))


def create_job(
    jury: Jury, *, user: User | None, kind: JobKind, parameters: dict[str, Any]
) -> SelectionJob:
    """A queued job (flushed; the caller commits, then enqueues it). Raises
    :class:`JobAlreadyActive`."""
    existing = active_job(jury)
    if existing is not None:
        raise JobAlreadyActive(existing.id)
    job = SelectionJob(
        jury_id=jury.id,
        kind=kind,
        status=JobStatus.QUEUED,
        parameters=parameters,
        created_by_id=user.id if user else None,
        message="",
    )
    db.session.add(job)
    db.session.flush()
    return job


def cancel(job: SelectionJob) -> bool:
    """Cancel a queued job at once, or ask the worker to stop a running one (it stops at the
    solver's next progress report). False if the job has ended."""
    stopped = changed_rows(
        sa.update(SelectionJob)
        .where(SelectionJob.id == job.id, SelectionJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.CANCELLED, finished_at=now(), message="")
    )
    if stopped:
        return True
    asked = changed_rows(
        sa.update(SelectionJob)
        .where(SelectionJob.id == job.id, SelectionJob.status == JobStatus.RUNNING)
        .values(cancel_requested=True)
    )
    return bool(asked)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_gone(job: SelectionJob, *, at: datetime) -> bool:
    """Whether the worker of a running job has stopped: on this machine its process is
    gone; elsewhere it has not reported for JOB_STALE_SECONDS."""
    host, _sep, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    stale = timedelta(seconds=int(current_app.config["JOB_STALE_SECONDS"]))
    last = job.heartbeat_at or job.started_at
    return last is None or at - last > stale


def recover(*, all_queued: bool) -> list[int]:
    """Queue again (or fail) the running jobs whose worker has stopped; committed. Returns
    the ids of the jobs to enqueue: those queued again and, with ``all_queued`` (when a
    worker starts), every queued job, whose task may have been lost with the queue (running
    a job twice is harmless: a run first claims the job, see :func:`claim`)."""
    requeued = []
    at = now()
    limit = int(current_app.config["JOB_MAX_ATTEMPTS"])
    running = db.session.scalars(
        sa.select(SelectionJob).where(SelectionJob.status == JobStatus.RUNNING)
    ).all()
    for job in running:
        if not worker_gone(job, at=at):
            continue
        if job.attempts < limit and not job.cancel_requested:
            job.status, job.worker, job.progress = JobStatus.QUEUED, None, None
            job.message = ""
            requeued.append(job.id)
            current_app.logger.warning("selection job %s: worker stopped, queued again", job.id)
        else:
            job.status, job.finished_at = JobStatus.FAILED, at
            job.error = {"kind": "worker_lost", "attempts": job.attempts}
            current_app.logger.warning("selection job %s: worker stopped, failed", job.id)
    db.session.commit()
    if not all_queued:
        return requeued
    queued = db.session.scalars(
        sa.select(SelectionJob.id).where(SelectionJob.status == JobStatus.QUEUED)
    )
    return list(queued)


def claim(job_id: int) -> bool:
    """Mark a queued job running under this worker (one run wins; committed)."""
    claimed = changed_rows(
        sa.update(SelectionJob)
        .where(SelectionJob.id == job_id, SelectionJob.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            attempts=SelectionJob.attempts + 1,
            worker=worker_name(),
            started_at=now(),
            heartbeat_at=now(),
            progress=None,
        )
    )
    db.session.commit()
    return bool(claimed)


def status(job: SelectionJob) -> dict[str, Any]:
    """What the progress page polls (no personal data)."""
    waiting = job.status == JobStatus.RUNNING and worker_gone(job, at=now())
    return {
        "id": job.id,
        "status": str(job.status),
        "progress": job.progress,
        "message": job.message,
        "finished": not job.active,
        "cancel_requested": job.cancel_requested,
        "worker_stopped": waiting,
    }
