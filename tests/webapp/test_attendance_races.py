"""Races at the check-in desk and on the table plan, on SQLite and on PostgreSQL: double taps
and two devices at once give one attendance row and an ordinary answer each; two staff making
the plan at once leave one plan, whole."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.attendance_data import add_members
from tests.webapp.races import PARALLEL, ROUNDS, at_once, clones, posting, race_app
from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.models import Attendance, Seat, TablePlan

DEVICES = 2  # two phones at the desk; the rest are their double taps


def _devices(app: Flask, user_id: int) -> list[FlaskClient]:
    phones = []
    for _ in range(DEVICES):
        phone = app.test_client()
        log_in_as(phone, user_id)
        phones.append(phone)
    return clones(app, phones)


def test_parallel_taps_for_one_member_store_one_row(any_db_app: Flask) -> None:
    app = race_app(any_db_app)
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
            posting(
                c, url, {"member": member, "action": "in"}, headers={"Accept": "application/json"}
            )
            if i % 2
            else posting(c, url, {"member": member, "action": "in"})
            for i, c in enumerate(clients)
        ]
        answers = at_once(calls, failed=repr)
        outcomes.update(answers)
        assert set(answers) <= {"200 None", f"302 {url.removesuffix('/tap')}"}, Counter(answers)
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
    app = race_app(any_db_app)
    world = build_world(app)
    with app.app_context():
        members = add_members(world.jury, world.batch, 21)
        db.session.commit()
    clients = _devices(app, world.organiser)[:6]
    url = f"/staff/juries/{world.jury}/sittings/{world.sitting}/tables"
    form = {"source": "confirmed", "table_size": "7", "mix_gender": "strict"}
    form |= {"mix_district": "soft", "mix_age": "off"}
    for _round in range(4):
        answers = at_once([posting(c, url, form) for c in clients], failed=repr)
        assert set(answers) == {f"302 {url}"}, Counter(answers)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(TablePlan)) == 1
            seats = db.session.scalars(sa.select(Seat.member_id)).all()
            db.session.remove()
        assert sorted(seats) == sorted(members)
    # Moves of one member at once: one seat, at one of the tables asked for.
    moves = [
        posting(c, f"{url}/move", {"member": members[0], "table": str(i % 3 + 1)})
        for i, c in enumerate(_devices(app, world.organiser))
    ]
    answers = at_once(moves, failed=repr)
    assert set(answers) == {f"302 {url}"}, Counter(answers)
    with app.app_context():
        seats = db.session.scalars(sa.select(Seat).filter_by(member_id=members[0])).all()
        assert len(seats) == 1 and seats[0].number in (1, 2, 3)
        assert db.session.scalars(sa.select(TablePlan.moves)).one() == len(moves)
        db.session.remove()
        db.engine.dispose()
