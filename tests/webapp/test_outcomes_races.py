"""Races on one table outcome, on SQLite and on PostgreSQL: parallel saves from the same base
version (two facilitators' phones, double taps): exactly one wins, every other gets 409 with
the winner's text, never a 500; and the first save of a new record likewise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.outcomes_data import Tables, build_tables
from tests.webapp.races import PARALLEL, ROUNDS, at_once, race_app
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import TableOutcome


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
    app = race_app(any_db_app)
    t = build_tables(app)
    url = f"/staff/sittings/{t.world.sitting}/my-table"
    clients = _clients(app, t)
    for round_ in range(ROUNDS):
        with app.app_context():
            db.session.remove()
            row = db.session.scalar(sa.select(TableOutcome))
            base = row.version if row is not None else 0  # round 0: nobody made it yet
        texts = [f"round {round_} phone {i}" for i in range(PARALLEL)]
        answers = at_once(
            [_save(c, url, t.round, base, s) for c, s in zip(clients, texts, strict=True)],
            failed=lambda exc: (-1, repr(exc)),
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
