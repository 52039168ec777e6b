"""The members' page (opened with the code from the letter, never a code in a URL) and the
iCalendar feeds: the jury's (public, no personal data) and a member's own behind a secret,
revocable token. The feeds are read back with the icalendar library."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from tests.conftest import make_app
from tests.webapp.sittings_data import MEMBERS, SittingWorld, build_sitting_world
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import (
    AgendaKind,
    CalendarLink,
    Jury,
    Member,
    MemberStatus,
    Reply,
    Sitting,
)
from webapp.privacy import erase_replies
from webapp.sittings import agenda, services

PDF = b"%PDF-1.4\n%%EOF\n"
ZONE = ZoneInfo("Europe/Amsterdam")


def _world_with_agenda(app: Flask) -> SittingWorld:
    world = build_sitting_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, world.staff.jury)
        venue = services.save_venue(
            jury,
            services.VenueDetails(
                name="Community centre",
                address="Main street 1",
                step_free=True,
                hearing_loop=False,
                accessible_toilet=True,
                childcare=False,
                accessibility={"en": "Ramp at the side door.", "nl": "Oprit bij de zijdeur."},
                directions={},
            ),
        )
        sitting = db.session.get_one(Sitting, world.staff.sitting)
        sitting.venue = venue
        sitting.proposals = services.suggested_proposals(jury)
        agenda.add_item(
            sitting,
            kind=AgendaKind.TABLE_ROUND,
            starts_at=datetime(2026, 5, 2, 11),
            minutes=90,
            title={"en": "Tables on the parks", "nl": "Tafels over de parken"},
        )
        services.add_sitting(
            jury,
            starts_at=datetime(2026, 11, 7, 10),  # winter time: UTC+1, May is UTC+2
            ends_at=datetime(2026, 11, 7, 17),
            place="Library",
        )
        db.session.commit()
    return world


def _events(body: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return [
        {
            "uid": str(e["UID"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "location": str(e.get("LOCATION", "")),
            "description": str(e.get("DESCRIPTION", "")),
        }
        for e in calendar.walk("VEVENT")
    ]


def _personal(app: Flask) -> list[str]:
    with app.app_context():
        emails = [e for e in db.session.scalars(sa.select(Reply.email)) if e]
        references = list(db.session.scalars(sa.select(Reply.reference)))
    return emails + references


def test_the_jury_feed_holds_the_sittings_in_the_local_zone(app: Flask) -> None:
    world = _world_with_agenda(app)
    response = app.test_client().get("/juries/parks/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]
    events = sorted(_events(response.data), key=lambda e: e["start"])  # type: ignore[arg-type, return-value]
    assert len(events) == 2
    may, november = events
    assert may["start"] == datetime(2026, 5, 2, 10, tzinfo=ZONE)
    assert may["end"] == datetime(2026, 5, 2, 17, tzinfo=ZONE)
    assert may["start"].utcoffset().total_seconds() == 7200  # type: ignore[attr-defined]
    assert november["start"].utcoffset().total_seconds() == 3600  # type: ignore[attr-defined]
    assert may["uid"] == f"sitting-{world.staff.sitting}@127.0.0.1:5000"
    assert may["location"] == "Community centre, Main street 1"
    assert "More trees in the parks" in may["description"]  # type: ignore[operator]
    assert "11:00-12:30 Tables on the parks" in may["description"]  # type: ignore[operator]
    assert "Ramp at the side door." in may["description"]  # type: ignore[operator]
    assert november["location"] == "Library"
    text = response.data.decode()
    assert not any(p in text for p in _personal(app))
    assert app.test_client().get("/juries/nothing/calendar.ics").status_code == 404


def _open_page(client: FlaskClient, code: str) -> str:
    response = client.post("/my-sittings", data={"code": code})
    page: str
    if response.status_code == 302:
        page = client.get(response.location).data.decode()
    else:
        page = response.data.decode()
    return page


def test_members_open_their_page_with_their_code(app: Flask) -> None:
    world = _world_with_agenda(app)
    staff = app.test_client()
    log_in_as(staff, world.staff.organiser)
    upload = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/documents"
    staff.post(
        upload,
        data={"document_title": "Reading for the day", "file": (io.BytesIO(PDF), "reading.pdf")},
        content_type="multipart/form-data",
    )
    client = app.test_client()
    assert "Type the code from your first letter" in client.get("/my-sittings").data.decode()
    assert "Your code:" in _open_page(client, "ABCD-EFGH-JKMN-P")
    declined = MEMBERS.index(next(m for m in MEMBERS if m[0] == MemberStatus.DECLINED))
    assert "this code belongs to no member of a jury" in _open_page(client, world.codes[declined])
    page = _open_page(client, world.codes[0])
    assert "Your sittings: Parks jury" in page
    assert "Community centre" in page and "Step-free access" in page
    assert "Tables on the parks" in page and "More trees in the parks" in page
    assert "Reading for the day" in page
    link = re.search(r'href="(/my-sittings/documents/\d+)"', page)
    assert link is not None
    with client.get(link.group(1)) as document:
        assert document.data == PDF
    # The Dutch page: the agenda title and the venue's note in Dutch.
    client.post("/language", data={"lang": "nl"})
    dutch = client.get("/my-sittings").data.decode()
    assert "Tafels over de parken" in dutch and "Oprit bij de zijdeur." in dutch
    # Closing the page asks for the code again; documents are then out of reach.
    client.post("/my-sittings/leave")
    with client.get(link.group(1)) as document:
        assert document.status_code == 302
    # A member of another jury cannot reach this jury's document.
    with app.app_context():
        other = db.session.get_one(Member, world.member_ids[1])
        other.jury_id = world.staff.other_jury
        db.session.commit()
    _open_page(client, world.codes[1])
    with client.get(link.group(1)) as document:
        assert document.status_code == 404


def test_a_members_feed_is_secret_and_revocable(app: Flask) -> None:
    world = _world_with_agenda(app)
    client = app.test_client()
    page = _open_page(client, world.codes[0])
    assert "Make my calendar address" in page
    client.post("/my-sittings/calendar")
    page = client.get("/my-sittings").data.decode()
    found = re.search(r'value="http://[^/]+(/calendar/([^".]+)\.ics)"', page)
    assert found is not None
    url, token = found.group(1), found.group(2)
    assert token not in world.codes[0] and len(token) >= 40
    public = app.test_client()  # no session: the token alone opens it
    response = public.get(url)
    assert response.status_code == 200
    events = _events(response.data)
    assert len(events) == 2 and all(e["uid"] for e in events)
    assert not any(p in response.data.decode() for p in _personal(app))
    # A new address stops the old one.
    client.post("/my-sittings/calendar")
    assert public.get(url).status_code == 404
    with app.app_context():
        new_token = db.session.scalars(sa.select(CalendarLink.token)).one()
    new_url = f"/calendar/{new_token}.ics"
    assert public.get(new_url).status_code == 200
    # A member who withdraws keeps the address but sees no sittings.
    with app.app_context():
        db.session.get_one(Member, world.member_ids[0]).status = MemberStatus.WITHDRAWN
        db.session.commit()
    assert _events(public.get(new_url).data) == []
    with app.app_context():
        db.session.get_one(Member, world.member_ids[0]).status = MemberStatus.CONFIRMED
        db.session.commit()
    _open_page(client, world.codes[0])
    client.post("/my-sittings/calendar/stop")
    assert public.get(new_url).status_code == 404
    # Erasing the resident's personal data stops their address too.
    client.post("/my-sittings/calendar")
    with app.app_context():
        token = db.session.scalars(sa.select(CalendarLink.token)).one()
        erase_replies([db.session.get_one(Member, world.member_ids[0]).reply_id])
        db.session.commit()
    assert public.get(f"/calendar/{token}.ics").status_code == 404
    # Staff stop every member's address at once (after a leak, say).
    client.post("/my-sittings/calendar")
    staff = app.test_client()
    log_in_as(staff, world.staff.organiser)
    calendar_page = f"/staff/juries/{world.staff.jury}/calendar"
    assert "1 member has a private calendar address." in staff.get(calendar_page).data.decode()
    assert staff.post(f"{calendar_page}/links/revoke").status_code == 302
    assert "0 members have a private calendar address." in (staff.get(calendar_page).data.decode())
    assert public.get("/calendar/short.ics").status_code == 404
    with app.app_context():
        assert db.session.scalars(sa.select(CalendarLink)).all() == []


def test_guessing_codes_on_the_members_page_is_slowed_down(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'limit.sqlite'}",
        RATELIMIT_ENABLED=True,
        CODE_ENTRY_RATE_LIMIT="3 per minute",
    )
    client = app.test_client()
    answers = [client.post("/my-sittings", data={"code": "ABCD-EFGH-JKMN-P"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "you tried too many times" in answers[-1].data.decode()
    with app.app_context():
        db.engine.dispose()
