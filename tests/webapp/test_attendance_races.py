"""Races at the check-in desk and on the table plan, on SQLite and on PostgreSQL: double taps
and two devices at once give one attendance row and an ordinary answer each; two staff making
the plan at once leave one plan, whole."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.attendance_data import add_members
from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.models import Attendance, Seat, TablePlan

PARALLEL = 32  # as issue 10 asks of every one-per-person action
ROUNDS = 20
DEVICES = 2  # two phones at the desk; the rest are their double taps


def _race_app(any_db_app: Flask) -> Flask:
    # A connection for every thread at once (a pool of 5 would make them queue, not race).
    return make_app(
        any_db_app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 8},
    )


def _at_once(calls: list[Callable[[], str]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    answers: list[str] = []

    def run(call: Callable[[], str]) -> None:
        barrier.wait()
        try:
            answers.append(call())
        except Exception as exc:  # any failure is what this test looks for
            answers.append(repr(exc))

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _devices(app: Flask, user_id: int) -> list[FlaskClient]:
    phones = []
    for _ in range(DEVICES):
        phone = app.test_client()
        log_in_as(phone, user_id)
        phones.append(phone)
    clients = []
    for i in range(PARALLEL):
        clone = app.test_client()
        cookie = phones[i % DEVICES].get_cookie("session")
        assert cookie is not None
        clone.set_cookie("session", cookie.value)
        clients.append(clone)
    return clients


def _post(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Callable[[], str]:
    def call() -> str:
        response = client.post(url, data=data, **kwargs)
        return f"{response.status_code} {response.headers.get('Location') or ''}"

    return call


def test_parallel_taps_for_one_member_store_one_row(any_db_app: Flask) -> None:
    app = _race_app(any_db_app)
    world = build_world(app)
    with app.app_context():
        members = add_members(world.jury, world.batch, ROUNDS)
        db.session.commit()
    clients = _devices(app, world.facilitator)
    url = f"/staff/sittings/{world.sitting}/check-in/tap"
    outcomes: Counter[str] = Counter()
    for member in members:
        # Half the taps as the script sends them (JSON), half as plain forms.
        calls = [
            _post(
                c, url, {"member": member, "action": "in"}, headers={"Accept": "application/json"}
            )
            if i % 2
            else _post(c, url, {"member": member, "action": "in"})
            for i, c in enumerate(clients)
        ]
        answers = _at_once(calls)
        outcomes.update(answers)
        assert set(answers) <= {"200 ", f"302 {url.removesuffix('/tap')}"}, Counter(answers)
    with app.app_context():
        per_member = db.session.execute(
            sa.select(Attendance.member_id, sa.func.count())
            .filter_by(sitting_id=world.sitting)
            .group_by(Attendance.member_id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert sorted(m for m, _n in per_member) == sorted(members)
    assert {n for _m, n in per_member} == {1}
    assert sum(outcomes.values()) == PARALLEL * ROUNDS


def test_parallel_plans_leave_one_whole_plan(any_db_app: Flask) -> None:
    app = _race_app(any_db_app)
    world = build_world(app)
    with app.app_context():
        members = add_members(world.jury, world.batch, 21)
        db.session.commit()
    clients = _devices(app, world.organiser)[:6]
    url = f"/staff/juries/{world.jury}/sittings/{world.sitting}/tables"
    form = {"source": "confirmed", "table_size": "7", "mix_gender": "strict"}
    form |= {"mix_district": "soft", "mix_age": "off"}
    for _round in range(4):
        answers = _at_once([_post(c, url, form) for c in clients])
        assert set(answers) == {f"302 {url}"}, Counter(answers)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(TablePlan)) == 1
            seats = db.session.scalars(sa.select(Seat.member_id)).all()
            db.session.remove()
        assert sorted(seats) == sorted(members)
    # Moves of one member at once: one seat, at one of the tables asked for.
    moves = [
        _post(c, f"{url}/move", {"member": members[0], "table": str(i % 3 + 1)})
        for i, c in enumerate(_devices(app, world.organiser))
    ]
    answers = _at_once(moves)
    assert set(answers) == {f"302 {url}"}, Counter(answers)
    with app.app_context():
        seats = db.session.scalars(sa.select(Seat).filter_by(member_id=members[0])).all()
        assert len(seats) == 1 and seats[0].number in (1, 2, 3)
        assert db.session.scalars(sa.select(TablePlan.moves)).one() == len(moves)
        db.session.remove()
        db.engine.dispose()
