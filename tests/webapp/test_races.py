"""Races (issue 10, part 5): 32 parallel submits of the same reply code through the web app,
repeated 20 times, on SQLite and on PostgreSQL, for the resident's reply and for a paper reply
keyed in by staff: one row each time, and every request gets an ordinary answer (the
confirmation, or "we already have this reply"), never an error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.races import PARALLEL, ROUNDS, at_once, clones, posting, race_app
from tests.webapp.replies_data import make_user, make_world, yes_form
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import Jury, Reply, Role

SESSIONS = 4  # browsers (each entered the code); the rest are their double clicks and tabs


def _resident(app: Flask, jury_id: int, code: str) -> tuple[FlaskClient, str, set[str]]:
    browser = app.test_client()
    assert browser.post("/reply", data={"code": code}).status_code == 302
    return browser, "/reply/form", {"/reply/done", "/reply/already"}


def _staff(app: Flask, jury_id: int, code: str) -> tuple[FlaskClient, str, set[str]]:
    browser = app.test_client()
    log_in_as(browser, app.config["RACE_ADMIN"])
    base = f"/staff/juries/{jury_id}/replies"
    step = browser.post(f"{base}/new", data={"code": code, "channel": "paper"})
    assert step.status_code == 302
    return browser, f"{base}/form", {f"{base}/new", f"{base}/already"}


Flow = Callable[[Flask, int, str], tuple[FlaskClient, str, set[str]]]


def _clients(
    app: Flask, flow: Flow, jury_id: int, code: str
) -> tuple[list[FlaskClient], str, set[str]]:
    browsers = [flow(app, jury_id, code) for _ in range(SESSIONS)]
    _browser, url, answers = browsers[0]
    return clones(app, [b for b, _url, _answers in browsers]), url, answers


@pytest.mark.parametrize("flow", [_resident, _staff], ids=["resident", "staff"])
def test_parallel_submits_of_one_code_store_one_reply(any_db_app: Flask, flow: Flow) -> None:
    app = race_app(any_db_app)
    with app.app_context():
        world = make_world(n=ROUNDS)
        sittings = [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]
        app.config["RACE_ADMIN"] = make_user("racer@example.org", Role.ADMINISTRATOR)
    form = yes_form(world.jury_id, sittings)
    outcomes: Counter[str] = Counter()
    for round_no in range(ROUNDS):
        clients, url, ordinary = _clients(app, flow, world.jury_id, world.codes[round_no])
        success, already = sorted(ordinary, key=lambda u: u.endswith("already"))
        answers = at_once([posting(c, url, form) for c in clients], failed=repr)
        outcomes.update(answers)
        assert set(answers) <= {f"302 {success}", f"302 {already}"}, Counter(answers)
        assert answers.count(f"302 {success}") == 1, Counter(answers)
    with app.app_context():
        per_invitation = db.session.execute(
            sa.select(Reply.invitation_id, sa.func.count()).group_by(Reply.invitation_id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert len(per_invitation) == ROUNDS and {n for _, n in per_invitation} == {1}
    assert sum(outcomes.values()) == PARALLEL * ROUNDS
