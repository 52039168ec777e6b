"""The task queue with a real worker process (`flask --app webapp worker`) on the embedded
SQLite queue: it runs a queued selection, and when it starts it re-runs a job that a stopped
worker left at "running"."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import make_app
from tests.webapp.selection_data import SOURCE, build_selection_world, start_selection
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import JobStatus, SelectionJob

SECRETS = {"SECRET_KEY": "test-secret", "CODE_HMAC_KEY": "test-code-key"}


def _dead_pid() -> int:
    """The id of a process that has just ended (as a killed worker's)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _statuses(database: str) -> list[str]:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(sa.select(SelectionJob.status).order_by(SelectionJob.id)))
    finally:
        engine.dispose()


def test_a_worker_process_runs_queued_jobs_and_recovers_abandoned_ones(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'app.sqlite'}"
    queue = f"sqlite:///{tmp_path / 'tasks.sqlite'}"
    app = make_app(database, TASK_QUEUE_IMMEDIATE=False, TASK_QUEUE_URL=queue, **SECRETS)
    waiting = build_selection_world(app)
    abandoned = build_selection_world(app, slug="abandoned")
    with app.app_context():
        db.session.add(
            SelectionJob(
                jury_id=abandoned.jury_id,
                status=JobStatus.RUNNING,
                worker=f"{socket.gethostname()}:{_dead_pid()}",
                attempts=1,
                message="",
                parameters={"source": SOURCE, "panels": 100},
            )
        )
        db.session.commit()
        db.engine.dispose()
    client = app.test_client()
    log_in_as(client, waiting.organiser)
    assert start_selection(client, waiting.jury_id).status_code == 302
    assert _statuses(database) == ["running", "queued"]
    env = {
        **os.environ,
        "KLEROTERION_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database,
        "KLEROTERION_TASK_QUEUE_URL": queue,
        "KLEROTERION_SECRET_KEY": SECRETS["SECRET_KEY"],
        "KLEROTERION_CODE_HMAC_KEY": SECRETS["CODE_HMAC_KEY"],
    }
    flask = str(Path(sys.executable).parent / "flask")
    worker = subprocess.Popen(
        [flask, "--app", "webapp", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _statuses(database) != ["done", "done"]:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGINT)  # graceful: the running task may finish
        output, _ = worker.communicate(timeout=30)
    assert _statuses(database) == ["done", "done"], output
    assert worker.returncode == 0, output
    assert "abandoned" not in output and "@" not in output  # ids only in the log
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        attempts = list(conn.scalars(sa.select(SelectionJob.attempts).order_by(SelectionJob.id)))
    engine.dispose()
    assert attempts == [2, 1]  # the abandoned job ran a second time
