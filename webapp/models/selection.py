"""Stage 2: selection jobs (the computation in the worker) and draws (commitment, then the
public randomness, then the panel)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobKind(StrEnum):
    SELECTION = "selection"  # the whole panel
    REPLACEMENT = "replacement"  # the seats left open by members who declined or withdrew


class SelectionJob(db.Model):  # type: ignore[name-defined,misc]
    """One computation of the lottery, run by the task queue's worker.

    At most one job per jury is queued or running (a partial unique index), so a double
    click starts one computation. ``worker`` (host:pid) and ``heartbeat_at`` tell whether the
    worker running it still lives; ``attempts`` counts the runs begun.
    """

    __tablename__ = "selection_jobs"
    __table_args__ = (
        Index(
            "uq_selection_jobs_one_active",
            "jury_id",
            unique=True,
            sqlite_where=db.text("status IN ('queued', 'running')"),
            postgresql_where=db.text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[JobKind] = mapped_column(String(20), default=JobKind.SELECTION)
    status: Mapped[JobStatus] = mapped_column(String(20), default=JobStatus.QUEUED)
    progress: Mapped[float | None]  # 0 to 1 when the solver says how far it is
    message: Mapped[str] = mapped_column(Text, default="")  # the solver's latest message
    # What was asked: {"k": 49, "seats": 3, ...}; what came out; why it failed.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None]
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class Draw(db.Model):  # type: ignore[name-defined,misc]
    """A transparent lottery, committed, then drawn with public randomness.

    ``files`` are the public files of the commitment (name -> text: ``commitment.json``,
    ``pool.csv``, ``panels.csv``, ...), published on the jury's public page as soon as the
    lottery is committed; ``pseudonyms`` (reply reference -> published pseudonym) never leave
    staff pages. ``randomness`` is set once, by a conditional UPDATE: a second entry (a
    double submit) changes nothing.
    """

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("selection_jobs.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[JobKind] = mapped_column(String(20))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id", ondelete="SET NULL"))
    commitment_sha256: Mapped[str] = mapped_column(String(64))
    randomness_source: Mapped[str] = mapped_column(Text)
    committed_at: Mapped[datetime]
    panels: Mapped[int]
    seats: Mapped[int]
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    pseudonyms: Mapped[dict[str, str]] = mapped_column(JSON)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    randomness: Mapped[str | None] = mapped_column(Text)
    drawn_at: Mapped[datetime | None]
    panel_number: Mapped[int | None]
    record: Mapped[str | None] = mapped_column(Text)  # draw.json

    @property
    def drawn(self) -> bool:
        return self.randomness is not None
