"""The selection as a job of the task queue: start, progress, outcome, cancel, recovery."""

from __future__ import annotations

import socket

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.selection_data import (
    SOURCE,
    build_selection_world,
    enter_randomness,
    meets_district_quotas,
    start_selection,
)
from tests.webapp.staff_data import log_in_as
from webapp import tasks
from webapp.extensions import db
from webapp.models import Draw, JobStatus, Member, MemberStatus, PopulationTarget, SelectionJob
from webapp.selection import runner, services


def _jobs(app: Flask) -> list[SelectionJob]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SelectionJob).order_by(SelectionJob.id)))


def _members(app: Flask, jury_id: int) -> dict[str, list[str]]:
    with app.app_context():
        found: dict[str, list[str]] = {}
        for member in db.session.scalars(sa.select(Member).filter_by(jury_id=jury_id)):
            found.setdefault(str(member.status), []).append(member.reply.reference)
        return found


def _client(app: Flask, user: int) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, user)
    return client


def test_the_selection_runs_as_a_job_and_commits_to_a_lottery(app: Flask) -> None:
    world = build_selection_world(app)
    client = _client(app, world.organiser)
    page = client.get(f"/staff/juries/{world.jury_id}/selection").data.decode()
    assert "24 volunteers can be drawn for 6 seats." in page
    started = start_selection(client, world.jury_id)
    assert started.status_code == 302
    (job,) = _jobs(app)
    assert started.location.endswith(f"/selection/jobs/{job.id}")
    assert job.status == JobStatus.DONE and job.progress == 1.0 and job.attempts == 1
    assert job.parameters == {"source": SOURCE, "panels": 100}
    assert job.result is not None
    assert job.result["report"]["panels"] == 100 and job.result["report"]["k"] == 6
    assert _members(app, world.jury_id) == {}  # nobody is drawn before the randomness
    page = client.get(started.location).data.decode()
    assert "Done: a lottery of 100 equally likely panels of 6 from 24 volunteers." in page
    assert f"/draws/{job.result['draw_id']}" in page
    status = client.get(f"{started.location}/status").get_json()
    assert status["status"] == "done" and status["finished"] is True
    enter_randomness(client, world.jury_id, job.result["draw_id"], "4 4 2")
    members = _members(app, world.jury_id)
    assert len(members["selected"]) == 6
    # The panel meets the quotas: three women and three men, the districts by their share.
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.SELECTED)
        ).all()
        genders = sorted(m.reply.gender for m in rows if m.reply.gender is not None)
        districts = [m.reply.district for m in rows]
    assert genders == ["female"] * 3 + ["male"] * 3
    assert meets_district_quotas(districts)
    # A second selection is refused: the jury has its members.
    again = start_selection(client, world.jury_id)
    assert "has its members already" in client.get(again.location).data.decode()
    assert len(_jobs(app)) == 1


def test_the_source_of_randomness_must_be_announced(app: Flask) -> None:
    world = build_selection_world(app)
    client = _client(app, world.organiser)
    url = f"/staff/juries/{world.jury_id}/selection/start"
    page = client.post(url, data={"source": " ", "panels": "many"}).data.decode()
    assert "Say where the randomness will come from." in page
    assert "Not a valid integer value" in page
    page = client.post(url, data={"source": SOURCE, "panels": 5}).data.decode()
    assert "Between 10 and 10,000." in page
    assert _jobs(app) == []


def test_infeasible_quotas_name_the_quota(app: Flask) -> None:
    world = build_selection_world(app)
    with app.app_context():
        target = db.session.scalar(sa.select(PopulationTarget).filter_by(value="F"))
        assert target is not None
        target.percent = 90  # 5.4 of 6: at least 5 women, but the men's quota needs 3
        db.session.commit()
    client = _client(app, world.organiser)
    started = start_selection(client, world.jury_id)
    (job,) = _jobs(app)
    assert job.status == JobStatus.FAILED and job.error is not None
    assert job.error["kind"] == "infeasible"
    page = client.get(started.location).data.decode()
    assert "The quotas cannot be met" in page
    assert "gender" in page and ("minimum of" in page or "maximum of" in page)
    assert _members(app, world.jury_id) == {}


def test_a_double_start_makes_one_job_and_a_queued_job_can_be_cancelled(app: Flask) -> None:
    world = build_selection_world(app)
    app.extensions["huey"].immediate = False  # the job waits for a worker
    client = _client(app, world.organiser)
    first = start_selection(client, world.jury_id)
    second = start_selection(client, world.jury_id)
    assert first.location == second.location
    (job,) = _jobs(app)
    assert job.status == JobStatus.QUEUED
    page = client.get(first.location).data.decode()
    assert "Waiting for the worker" in page and 'id="job-progress"' in page
    assert client.post(f"{first.location}/cancel").status_code == 302
    assert _jobs(app)[0].status == JobStatus.CANCELLED
    with app.app_context():
        assert tasks.run_pending() == 1  # the worker finds the job cancelled: nothing runs
    assert _jobs(app)[0].status == JobStatus.CANCELLED
    assert _members(app, world.jury_id) == {}
    assert "was cancelled" in client.get(first.location).data.decode()


def test_a_running_job_stops_at_the_next_progress_report(app: Flask) -> None:
    world = build_selection_world(app)
    with app.app_context():
        job = SelectionJob(jury_id=world.jury_id, status=JobStatus.RUNNING, message="")
        db.session.add(job)
        db.session.commit()
        report = runner.Reporter(job.id)
        report("Level 1", 0.25)
        db.session.refresh(job)
        assert (job.progress, job.message) == (0.25, "Level 1")
        assert services.cancel(job)
        db.session.commit()
        report.last = 0.0
        try:
            report("Level 2", 0.5)
        except runner.Cancelled:
            pass
        else:
            raise AssertionError("the reporter did not stop the job")


def test_a_job_whose_worker_died_runs_again_then_fails(app: Flask) -> None:
    """A job found running with no live worker is re-run (JOB_MAX_ATTEMPTS runs in all),
    then reported failed: never stuck at running."""
    world = build_selection_world(app)
    dead = f"{socket.gethostname()}:999999999"
    with app.app_context():
        job = SelectionJob(
            jury_id=world.jury_id,
            status=JobStatus.RUNNING,
            worker=dead,
            attempts=1,
            message="",
            parameters={"source": SOURCE, "panels": 100},
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        runner.recover_on_start()  # as a worker does when it starts: queued again, and run
    (job,) = _jobs(app)
    assert job.status == JobStatus.DONE and job.attempts == 2
    with app.app_context():
        db.session.execute(sa.delete(Draw))
        again = db.session.get_one(SelectionJob, job_id)
        again.status, again.worker, again.result = JobStatus.RUNNING, dead, None
        db.session.commit()
        runner.recover_jobs()
    (job,) = _jobs(app)
    assert job.status == JobStatus.FAILED and job.error == {"kind": "worker_lost", "attempts": 2}
    client = _client(app, world.organiser)
    page = client.get(f"/staff/juries/{world.jury_id}/selection/jobs/{job_id}").data.decode()
    assert "The worker stopped during the computation 2 times." in page


def test_another_jurys_job_is_not_found(app: Flask) -> None:
    world = build_selection_world(app)
    other = build_selection_world(app, slug="other-jury")
    client = _client(app, world.organiser)
    start_selection(client, world.jury_id)
    (job,) = _jobs(app)
    log_in_as(client, other.organiser)
    url = f"/staff/juries/{other.jury_id}/selection/jobs/{job.id}"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/status").status_code == 404
    assert client.post(f"{url}/cancel").status_code == 404


def test_a_worker_loads_the_compiled_search_when_it_starts() -> None:
    """The library's pricing search is compiled by numba on first use (about 6 s on a new
    machine): a worker loads it when it starts, before its first job, not inside that job's
    time limit."""
    from sortition.solver import tree

    assert runner.compile_the_lottery in tasks._ON_START
    assert tasks._ON_START.index(runner.compile_the_lottery) < tasks._ON_START.index(
        runner.recover_on_start
    )
    runner.compile_the_lottery()
    # numba's dispatchers list the signatures compiled or loaded so far.
    assert tree.run.signatures and tree.exact_bounds.signatures  # type: ignore[attr-defined]
