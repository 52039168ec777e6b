"""Attendance (issue 13, part 4): the check-in desk, late arrivals and early departures, the
attendance list and its CSV; record-level access; bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.attendance_data import add_members, add_sitting
from tests.webapp.staff_data import World, build_world, log_in_as, make_user
from webapp.extensions import db
from webapp.models import Attendance, MemberStatus, Role, Sitting, SittingAssignment
from webapp.sittings import checkin


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Flask, World, list[int]]]:
    app = make_app(f"sqlite:///{tmp_path / 'a.sqlite'}")
    world = build_world(app)
    with app.app_context():
        names = ["María García", "José Pérez", "Jan de Vries", "=HYPERLINK(1)", "Ana López"]
        members = add_members(world.jury, world.batch, 5, names=names)
        db.session.commit()
    yield app, world, members
    with app.app_context():
        db.engine.dispose()


def _client(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, user_id)
    return client


def _rows(app: Flask, sitting_id: int) -> list[Attendance]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Attendance).filter_by(sitting_id=sitting_id)))


def test_a_tap_checks_in_once_and_undo_takes_it_back(world: tuple[Flask, World, list[int]]) -> None:
    app, w, members = world
    client = _client(app, w.facilitator)
    url = f"/staff/sittings/{w.sitting}/check-in/tap"
    first = client.post(url, data={"member": members[0], "action": "in"})
    assert first.status_code == 302 and first.location.endswith("/check-in")
    again = client.post(
        url, data={"member": members[0], "action": "in"}, headers={"Accept": "application/json"}
    )
    assert again.status_code == 200
    body = again.json
    assert body is not None
    assert body["message"] == "María García was checked in already."
    assert body["summary"] == "1 of 5 checked in"
    assert 'value="undo"' in body["row"]
    rows = _rows(app, w.sitting)
    assert len(rows) == 1 and rows[0].checked_in_by_id == w.facilitator
    client.post(url, data={"member": members[0], "action": "undo"})
    assert _rows(app, w.sitting) == []


def test_a_tap_on_another_day_records_the_start(world: tuple[Flask, World, list[int]]) -> None:
    """The list typed in afterwards: arrival at the start, not now (which would be 'late')."""
    app, w, members = world
    _client(app, w.organiser).post(
        f"/staff/sittings/{w.sitting}/check-in/tap", data={"member": members[1], "action": "in"}
    )
    (row,) = _rows(app, w.sitting)
    assert row.arrived_at == datetime(2026, 5, 2, 10)
    with app.app_context():
        sitting = db.session.get_one(Sitting, w.sitting)
        assert checkin.tap_time(sitting, datetime(2026, 5, 2, 10, 7)) == datetime(2026, 5, 2, 10, 7)


def test_late_arrival_and_early_departure(world: tuple[Flask, World, list[int]]) -> None:
    app, w, members = world
    client = _client(app, w.facilitator)
    url = f"/staff/sittings/{w.sitting}/check-in/times"
    saved = client.post(url, data={"member": members[2], "arrived": "10:40", "left": "15:05"})
    assert saved.status_code == 302
    (row,) = _rows(app, w.sitting)
    assert (row.arrived_at, row.left_at) == (
        datetime(2026, 5, 2, 10, 40),
        datetime(2026, 5, 2, 15, 5),
    )
    with app.app_context():
        row = db.session.get_one(Attendance, row.id)
        assert row.late and row.left_early
    page = client.get(f"/staff/sittings/{w.sitting}/attendance").get_data(as_text=True)
    assert "Late, left early" in page and "10:40" in page and "15:05" in page


@pytest.mark.parametrize(
    "form,error",
    [
        ({"arrived": "12:00", "left": "11:00"}, "the departure is before the arrival"),
        ({"arrived": "", "left": ""}, "Give the time of arrival."),
        ({"arrived": "25:99", "left": ""}, "Not a valid time value."),
    ],
)
def test_bad_times_are_refused_with_the_reason(
    world: tuple[Flask, World, list[int]], form: dict[str, str], error: str
) -> None:
    app, w, members = world
    client = _client(app, w.facilitator)
    answer = client.post(
        f"/staff/sittings/{w.sitting}/check-in/times",
        data={"member": members[0], **form},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400 and answer.json is not None
    assert error in answer.json["message"]
    assert _rows(app, w.sitting) == []


@pytest.mark.parametrize(
    "data", [{}, {"member": "x", "action": "in"}, {"member": "1", "action": "drop"}]
)
def test_malformed_taps_are_400(
    world: tuple[Flask, World, list[int]], data: dict[str, str]
) -> None:
    app, w, _members = world
    response = _client(app, w.facilitator).post(
        f"/staff/sittings/{w.sitting}/check-in/tap", data=data
    )
    assert response.status_code == 400


def test_a_member_of_another_jury_or_who_declined_cannot_be_checked_in(
    world: tuple[Flask, World, list[int]],
) -> None:
    app, w, _members = world
    with app.app_context():
        (other,) = add_members(w.other_jury, w.batch, 1)
        (declined,) = add_members(w.jury, w.batch, 1, status=MemberStatus.DECLINED)
        db.session.commit()
    client = _client(app, w.organiser)
    for member in (other, declined, 999999):
        response = client.post(
            f"/staff/sittings/{w.sitting}/check-in/tap", data={"member": member, "action": "in"}
        )
        assert response.status_code == 404
    assert _rows(app, w.sitting) == []


def test_facilitator_of_another_sitting_is_refused(world: tuple[Flask, World, list[int]]) -> None:
    app, w, members = world
    with app.app_context():
        other_sitting = add_sitting(w.jury, 9)
        stranger = make_user(Role.FACILITATOR, "stranger@example.org")
        db.session.add(SittingAssignment(sitting_id=other_sitting, user_id=stranger.id))
        db.session.commit()
        stranger_id = stranger.id
    client = _client(app, stranger_id)
    assert client.get(f"/staff/sittings/{other_sitting}/check-in").status_code == 200
    for url in ("check-in", "attendance", "attendance.csv"):
        assert client.get(f"/staff/sittings/{w.sitting}/{url}").status_code == 403
    tap = client.post(
        f"/staff/sittings/{w.sitting}/check-in/tap", data={"member": members[0], "action": "in"}
    )
    assert tap.status_code == 403 and _rows(app, w.sitting) == []
    # A sitting that does not exist: 403 too, so that ids cannot be probed.
    assert client.get(f"/staff/sittings/{w.sitting + 1000}/check-in").status_code == 403


def test_search_by_name_without_javascript(world: tuple[Flask, World, list[int]]) -> None:
    app, w, _members = world
    client = _client(app, w.facilitator)
    page = client.post(f"/staff/sittings/{w.sitting}/check-in", data={"q": "jose"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "José Pérez" in text and "María García" not in text
    everyone = client.get(f"/staff/sittings/{w.sitting}/check-in").get_data(as_text=True)
    assert "José Pérez" in everyone and "María García" in everyone
    nobody = client.post(f"/staff/sittings/{w.sitting}/check-in", data={"q": "zzz"})
    assert 'id="checkin-none" class="hint">' in nobody.get_data(as_text=True)
    too_long = client.post(f"/staff/sittings/{w.sitting}/check-in", data={"q": "x" * 101})
    assert too_long.status_code == 200 and "100 characters" in too_long.get_data(as_text=True)


def test_search_folds_accents_and_case() -> None:
    person = checkin.Person(
        1, "María García", "R1", MemberStatus.CONFIRMED, None, None, False, False
    )
    other = checkin.Person(
        2, "Jan de Vries", "R2", MemberStatus.CONFIRMED, None, None, False, False
    )
    assert checkin.search([person, other], "maria GARC") == [person]
    assert checkin.search([person, other], "r2") == [other]
    assert checkin.search([person, other], "") == [person, other]


def test_the_csv_neutralises_formulas_and_lists_the_absent(
    world: tuple[Flask, World, list[int]],
) -> None:
    app, w, members = world
    client = _client(app, w.facilitator)
    client.post(
        f"/staff/sittings/{w.sitting}/check-in/tap", data={"member": members[0], "action": "in"}
    )
    response = client.get(f"/staff/sittings/{w.sitting}/attendance.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_name = {r["name"]: r for r in rows}
    assert len(rows) == 5
    assert by_name["María García"]["attendance"] == "present"
    assert by_name["José Pérez"]["attendance"] == "absent"
    formula = [r["name"] for r in rows if "HYPERLINK" in r["name"]]
    assert formula and not formula[0].startswith("=")


def test_the_sitting_page_links_the_desk(world: tuple[Flask, World, list[int]]) -> None:
    app, w, _members = world
    facilitator = (
        _client(app, w.facilitator).get(f"/staff/sittings/{w.sitting}").get_data(as_text=True)
    )
    assert "/check-in" in facilitator and "/tables" not in facilitator
    organiser = _client(app, w.organiser).get(f"/staff/sittings/{w.sitting}").get_data(as_text=True)
    assert f"/staff/juries/{w.jury}/sittings/{w.sitting}/tables" in organiser
