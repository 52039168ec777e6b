"""Races (issue 10, part 5): 32 parallel submits of the same reply code through the web app,
repeated 20 times, on SQLite and on PostgreSQL: one row each time, and every request gets an
ordinary answer (the confirmation, or "we already have your reply"), never an error."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.replies_data import make_world, yes_form
from webapp.extensions import db
from webapp.models import Jury, Reply

PARALLEL = 32
ROUNDS = 20
SESSIONS = 4  # browsers (each entered the code); the rest are their double clicks and tabs


def _clients(app: Flask, code: str) -> list[FlaskClient]:
    browsers = []
    for _ in range(SESSIONS):
        browser = app.test_client()
        assert browser.post("/reply", data={"code": code}).status_code == 302
        browsers.append(browser)
    clients = []
    for i in range(PARALLEL):
        clone = app.test_client()
        cookie = browsers[i % SESSIONS].get_cookie("session")
        assert cookie is not None
        clone.set_cookie("session", cookie.value)
        clients.append(clone)
    return clients


def _submit(
    client: FlaskClient, form: dict[str, Any], barrier: threading.Barrier, answers: list[str]
) -> None:
    barrier.wait()
    try:
        response = client.post("/reply/form", data=form)
        answers.append(f"{response.status_code} {response.headers.get('Location')}")
    except Exception as exc:  # any failure is what this test looks for
        answers.append(repr(exc))


def test_parallel_submits_of_one_code_store_one_reply(any_db_app: Flask) -> None:
    # The same database, with a connection for every thread at once (a pool of 5 would make
    # them queue instead of race).
    app = make_app(
        any_db_app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 8},
    )
    with app.app_context():
        world = make_world(n=ROUNDS)
        sittings = [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]
    form = yes_form(world.jury_id, sittings)
    outcomes: Counter[str] = Counter()
    for round_no in range(ROUNDS):
        clients = _clients(app, world.codes[round_no])
        barrier = threading.Barrier(PARALLEL)
        answers: list[str] = []
        threads = [
            threading.Thread(target=_submit, args=(c, form, barrier, answers)) for c in clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        outcomes.update(answers)
        assert set(answers) <= {"302 /reply/done", "302 /reply/already"}, Counter(answers)
        assert answers.count("302 /reply/done") == 1, Counter(answers)
    with app.app_context():
        per_invitation = db.session.execute(
            sa.select(Reply.invitation_id, sa.func.count()).group_by(Reply.invitation_id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert len(per_invitation) == ROUNDS and {n for _, n in per_invitation} == {1}
    assert sum(outcomes.values()) == PARALLEL * ROUNDS
