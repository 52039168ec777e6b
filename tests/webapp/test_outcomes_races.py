"""Races on one table outcome, on SQLite and on PostgreSQL: parallel saves from the same base
version (two facilitators' phones, double taps): exactly one wins, every other gets 409 with
the winner's text, never a 500; and the first save of a new record likewise."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.outcomes_data import Tables, build_tables
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import TableOutcome

PARALLEL = 32  # as issue 10 asks of one-per-person actions
ROUNDS = 20


def _race_app(any_db_app: Flask) -> Flask:
    return make_app(
        any_db_app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 8},
    )


def _at_once(calls: list[Callable[[], tuple[int, str]]]) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str]] = []

    def run(call: Callable[[], tuple[int, str]]) -> None:
        barrier.wait()
        try:
            answers.append(call())
        except Exception as exc:  # any failure is what this test looks for
            answers.append((-1, repr(exc)))

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _clients(app: Flask, t: Tables) -> list[FlaskClient]:
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        log_in_as(client, t.world.facilitator)
        clients.append(client)
    return clients


def _save(
    client: FlaskClient, url: str, item: int, version: int, text: str
) -> Callable[[], tuple[int, str]]:
    def call() -> tuple[int, str]:
        response = client.post(
            url,
            data={"item": str(item), "version": str(version), "summary": text},
            headers={"Accept": "application/json"},
        )
        body = response.get_json(silent=True) or {}
        current = (body.get("current") or {}).get("fields", {}).get("summary", "")
        return response.status_code, current

    return call


def test_parallel_saves_from_one_version(any_db_app: Flask) -> None:
    app = _race_app(any_db_app)
    t = build_tables(app)
    url = f"/staff/sittings/{t.world.sitting}/my-table"
    clients = _clients(app, t)
    for round_ in range(ROUNDS):
        with app.app_context():
            db.session.remove()
            row = db.session.scalar(sa.select(TableOutcome))
            base = row.version if row is not None else 0  # round 0: nobody made it yet
        texts = [f"round {round_} phone {i}" for i in range(PARALLEL)]
        answers = _at_once(
            [_save(c, url, t.round, base, s) for c, s in zip(clients, texts, strict=True)]
        )
        codes = Counter(code for code, _text in answers)
        assert codes == {200: 1, 409: PARALLEL - 1}, answers
        with app.app_context():
            db.session.remove()
            rows = db.session.scalars(sa.select(TableOutcome)).all()
            assert len(rows) == 1
            assert rows[0].version == base + 1
            assert rows[0].summary in texts
            # Every loser was shown the winner's text.
            assert {text for code, text in answers if code == 409} == {rows[0].summary}
    with app.app_context():
        db.engine.dispose()
