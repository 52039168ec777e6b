"""Sittings: the calendar (a series, one sitting, edits), venues, proposals on the agenda,
the timed agenda, and bad input that gets form errors, never a 500."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.sittings_data import SittingWorld, build_sitting_world
from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.models import AgendaKind, Jury, Sitting, Venue
from webapp.models.proposals import Proposal, ProposalStatus
from webapp.sittings import agenda, services


def _organiser(app: Flask) -> tuple[SittingWorld, FlaskClient]:
    world = build_sitting_world(app)
    client = app.test_client()
    log_in_as(client, world.staff.organiser)
    return world, client


def _sittings(app: Flask, jury_id: int) -> list[Sitting]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Sitting).filter_by(jury_id=jury_id).order_by(Sitting.starts_at)
            )
        )


def test_series_dates_keep_the_weekday_and_pass_over_skipped_dates() -> None:
    first = date(2027, 1, 2)  # a Saturday
    skipped = {date(2027, 1, 16), date(2027, 2, 6)}
    days = services.series_dates(first, 8, skip=skipped)
    assert len(days) == 8 and not skipped & set(days)
    assert {d.weekday() for d in days} == {services.SATURDAY}
    assert days[-1] == date(2027, 3, 6)  # two skipped: the series runs two weeks longer
    assert services.series_dates(first, 3, weeks_between=4) == [
        date(2027, 1, 2),
        date(2027, 1, 30),
        date(2027, 2, 27),
    ]
    assert services.next_saturday(date(2027, 1, 1)) == date(2027, 1, 2)
    assert services.next_saturday(date(2027, 1, 2)) == date(2027, 1, 9)


def test_eight_saturdays_are_planned_with_the_top_proposal_suggested(app: Flask) -> None:
    world, client = _organiser(app)
    jury_url = f"/staff/juries/{world.staff.jury}"
    page = client.get(f"{jury_url}/calendar").data.decode()
    top = world.proposals[0]
    # The most supported proposal is ticked for a new series; the others are offered.
    assert f'value="{top}" checked' in page or 'checked id="proposals-0" name="proposals"' in page
    assert page.count('name="proposals"') >= 6 and page.count("checked") == 2
    form = {
        "first_day": "2027-01-02",
        "count": "8",
        "weeks_between": "1",
        "starts": "10:00",
        "ends": "17:00",
        "skip": "2027-01-16\n",
        "place": "Library",
        "venue_id": "0",
        "proposals": [str(top)],
    }
    made = client.post(f"{jury_url}/sittings/series", data=form)
    assert made.status_code == 302, made.data.decode()
    new = [s for s in _sittings(app, world.staff.jury) if s.place == "Library"]
    assert len(new) == 8
    assert all(s.starts_at.weekday() == 5 for s in new)
    assert {(s.starts_at.time(), s.ends_at.time()) for s in new} == {(time(10), time(17))}
    assert date(2027, 1, 16) not in {s.starts_at.date() for s in new}
    with app.app_context():
        first = db.session.get_one(Sitting, new[0].id)
        assert [p.id for p in first.proposals] == [top]
        # The proposal's traffic light moves on; the others stay received.
        assert first.proposals[0].status == ProposalStatus.ON_AGENDA
        statuses = db.session.scalars(
            sa.select(Proposal.status).where(Proposal.id.in_(world.proposals[1:]))
        ).all()
        assert set(statuses) == {ProposalStatus.RECEIVED}
    listed = client.get(f"{jury_url}/calendar").data.decode()
    assert listed.count("Library") >= 8


def test_bad_calendar_input_gets_form_errors_and_stores_nothing(app: Flask) -> None:
    world, client = _organiser(app)
    jury_url = f"/staff/juries/{world.staff.jury}"
    before = len(_sittings(app, world.staff.jury))
    # The world's sitting is on Saturday 2 May 2026, 10:00-17:00.
    overlap = {"starts_at": "2026-05-02T16:00", "ends_at": "2026-05-02T18:00", "place": "Hall"}
    response = client.post(f"{jury_url}/sittings", data=overlap)
    assert response.status_code == 400
    assert "Starts at: This time overlaps the sitting of Saturday 2 May 2026, 10:00." in (
        response.data.decode()
    )
    backwards = {**overlap, "starts_at": "2027-05-02T16:00", "ends_at": "2027-05-02T09:00"}
    assert (
        "Ends at: The end must be after the start."
        in client.post(f"{jury_url}/sittings", data=backwards).data.decode()
    )
    far = {**overlap, "starts_at": "3027-05-02T10:00", "ends_at": "3027-05-02T17:00"}
    assert (
        "Please give a year from 2000 to 2199."
        in client.post(f"{jury_url}/sittings", data=far).data.decode()
    )
    series = {
        "first_day": "2026-04-18",
        "count": "8",
        "weeks_between": "1",
        "starts": "10:00",
        "ends": "17:00",
        "place": "Hall",
        "venue_id": "0",
    }
    # The third Saturday of the series is the world's sitting: none of the eight is added.
    clash = client.post(f"{jury_url}/sittings/series", data=series).data.decode()
    assert "would overlap the sitting of Saturday 2 May 2026, 10:00." in clash
    bad_skip = client.post(f"{jury_url}/sittings/series", data={**series, "skip": "next week"})
    assert bad_skip.status_code == 400
    assert "Line 1: next week is not a date; write it as 2026-05-23." in bad_skip.data.decode()
    short = {**series, "first_day": "2030-01-05", "ends": "09:00"}
    assert (
        "The end must be after the start."
        in client.post(f"{jury_url}/sittings/series", data=short).data.decode()
    )
    too_many = {**series, "first_day": "2030-01-05", "count": "500"}
    assert client.post(f"{jury_url}/sittings/series", data=too_many).status_code == 400
    assert client.post(f"{jury_url}/sittings/series", data={"count": "x"}).status_code == 400
    assert len(_sittings(app, world.staff.jury)) == before


def test_editing_a_sitting_moves_its_agenda_and_refuses_a_clash(app: Flask) -> None:
    world, client = _organiser(app)
    sitting_id = world.staff.sitting
    with app.app_context():
        sitting = db.session.get_one(Sitting, sitting_id)
        agenda.add_item(
            sitting,
            kind=AgendaKind.WELCOME,
            starts_at=datetime(2026, 5, 2, 10),
            minutes=30,
            title={"en": "Welcome"},
        )
        agenda.add_item(
            sitting,
            kind=AgendaKind.PLENARY_VOTE,
            starts_at=datetime(2026, 5, 2, 15),
            minutes=60,
            title={},
        )
        other = services.add_sitting(
            sitting.jury,
            starts_at=datetime(2026, 6, 6, 10),
            ends_at=datetime(2026, 6, 6, 17),
            place="Library",
        )
        db.session.commit()
        other_id = other.id
    url = f"/staff/juries/{world.staff.jury}/sittings/{sitting_id}/edit"
    assert "City hall" in client.get(url).data.decode()
    clash = {"starts_at": "2026-06-06T09:00", "ends_at": "2026-06-06T12:00", "place": "Hall"}
    response = client.post(url, data=clash)
    assert response.status_code == 200 and "This time overlaps the sitting of" in (
        response.data.decode()
    )
    # Ending at 15:30 would cut the vote (15:00-16:00).
    cut = {"starts_at": "2026-05-02T10:00", "ends_at": "2026-05-02T15:30", "place": "Hall"}
    assert "The agenda runs until 16:00" in client.post(url, data=cut).data.decode()
    moved = {
        "starts_at": "2026-05-09T11:00",
        "ends_at": "2026-05-09T18:00",
        "place": "Town hall",
        "proposals": [str(world.proposals[1])],
    }
    assert client.post(url, data=moved).status_code == 302
    with app.app_context():
        sitting = db.session.get_one(Sitting, sitting_id)
        assert (sitting.starts_at, sitting.place) == (datetime(2026, 5, 9, 11), "Town hall")
        assert [i.starts_at for i in sitting.agenda] == [
            datetime(2026, 5, 9, 11),
            datetime(2026, 5, 9, 16),
        ]
        assert [p.id for p in sitting.proposals] == [world.proposals[1]]
        assert db.session.get(Sitting, other_id) is not None
    # Another jury's sitting cannot be edited through this jury.
    log_in_as(client, world.staff.admin)
    crossed = client.get(f"/staff/juries/{world.staff.other_jury}/sittings/{sitting_id}/edit")
    assert crossed.status_code == 404


def test_the_agenda_is_ordered_and_items_must_fit_in_the_sitting(app: Flask) -> None:
    world, client = _organiser(app)
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/agenda"

    def item(kind: str, starts: str, minutes: str, **titles: str) -> dict[str, str]:
        fields = {f"title_{lang}": text for lang, text in titles.items()}
        return {"kind": kind, "starts": starts, "minutes": minutes, **fields}

    assert (
        client.post(url, data=item("plenary_vote", "15:30", "90", en="The vote")).status_code == 302
    )
    assert (
        client.post(url, data=item("welcome", "10:00", "30", en="Welcome", nl="Welkom")).status_code
        == 302
    )
    assert client.post(url, data=item("table_round", "10:30", "120")).status_code == 302
    problems = {
        "This item would end at 17:30, after the sitting ends at 17:00.": item(
            "break", "16:30", "60"
        ),
        "This item overlaps the item from 10:30 to 12:30.": item("experts", "12:00", "30"),
        "Start between 10:00 and 17:00, while the sitting runs.": item("other", "08:00", "30"),
        "Number must be between 1 and 1440.": item("other", "13:00", "0"),
        "Not a valid choice.": item("party", "13:00", "10"),
        "Not a valid time value.": item("other", "25:99", "10"),
    }
    for message, data in problems.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, message
        assert message in response.data.decode(), message
    with app.app_context():
        items = db.session.get_one(Sitting, world.staff.sitting).agenda
        assert [i.kind for i in items] == ["welcome", "table_round", "plenary_vote"]
        item_ids = [i.id for i in items]
    page = client.get(url).data.decode()
    assert page.index("Welcome") < page.index("Table round") < page.index("The vote")
    # Edit: the vote moves earlier; a move onto the table round is refused.
    edit_url = f"{url}/{item_ids[2]}"
    assert "The vote" in client.get(edit_url).data.decode()
    assert (
        "overlaps the item from 10:30 to 12:30"
        in client.post(edit_url, data=item("plenary_vote", "12:00", "60")).data.decode()
    )
    assert (
        client.post(edit_url, data=item("plenary_vote", "14:00", "60", en="Vote")).status_code
        == 302
    )
    assert client.post(f"{url}/{item_ids[0]}/remove").status_code == 302
    assert client.post(f"{url}/999/remove").status_code == 404
    with app.app_context():
        items = db.session.get_one(Sitting, world.staff.sitting).agenda
        assert [(i.kind, i.starts_at.hour, i.title) for i in items] == [
            ("table_round", 10, {}),
            ("plenary_vote", 14, {"en": "Vote"}),
        ]
    client.post("/language", data={"lang": "nl"})
    dutch = client.get(url).data.decode()
    assert "Vote" in dutch  # no Dutch title: the English one


def test_venues_keep_accessibility_notes_per_language(app: Flask) -> None:
    world, client = _organiser(app)
    url = f"/staff/juries/{world.staff.jury}/venues"
    assert client.post(url, data={"name": ""}).status_code == 200  # the form, with its error
    assert "Name of the venue: This field is required." in client.post(url, data={}).data.decode()
    venue = {
        "name": "Community centre",
        "address": "Main street 1",
        "step_free": "y",
        "hearing_loop": "y",
        "accessibility_en": "Ramp at the side door.",
        "accessibility_es": "Rampa en la puerta lateral.",
        "accessibility_nl": "Oprit bij de zijdeur.",
        "directions_en": "Bus 8.",
    }
    assert client.post(url, data=venue).status_code == 302
    with app.app_context():
        saved = db.session.scalars(sa.select(Venue)).one()
        assert saved.accessibility["es"] == "Rampa en la puerta lateral."
        assert (saved.step_free, saved.hearing_loop, saved.childcare) == (True, True, False)
        venue_id = saved.id
    edit = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/edit"
    form = {
        "starts_at": "2026-05-02T10:00",
        "ends_at": "2026-05-02T17:00",
        "place": "",
        "venue_id": str(venue_id),
    }
    assert client.post(edit, data=form).status_code == 302
    renamed = {**venue, "name": "Neighbourhood centre"}
    assert client.post(f"{url}/{venue_id}", data=renamed).status_code == 302
    client.post("/language", data={"lang": "es"})
    page = client.get(f"/staff/sittings/{world.staff.sitting}").data.decode()
    assert "Neighbourhood centre" in page and "Rampa en la puerta lateral." in page
    assert "Bus 8." in page  # no Spanish text: the English one
    # Another jury's venue cannot be chosen or edited through this jury.
    log_in_as(client, world.staff.admin)
    assert (
        client.get(f"/staff/juries/{world.staff.other_jury}/venues/{venue_id}").status_code == 404
    )
    with app.app_context():
        other = db.session.get_one(Jury, world.staff.other_jury)
        assert services.jury_venue(other, venue_id) is None


def test_a_facilitator_sees_only_their_sittings(app: Flask) -> None:
    world = build_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        other = services.add_sitting(
            jury,
            starts_at=datetime(2026, 6, 6, 10),
            ends_at=datetime(2026, 6, 6, 17),
            place="Library",
        )
        db.session.commit()
        other_id = other.id
    client = app.test_client()
    log_in_as(client, world.facilitator)
    assert "City hall" in client.get(f"/staff/sittings/{world.sitting}").data.decode()
    assert client.get(f"/staff/sittings/{other_id}").status_code == 403
    assert client.get(f"/staff/juries/{world.jury}/calendar").status_code == 403
    mine = client.get(f"/staff/sittings/{world.sitting}").data.decode()
    assert "Edit the times, venue and proposals" not in mine  # organisers' links only


def test_overlap_and_agenda_checks_hold_on_postgresql(any_db_app: Flask) -> None:
    app = any_db_app
    world = build_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        with pytest.raises(services.SittingProblem) as found:
            services.add_sitting(
                jury,
                starts_at=datetime(2026, 5, 2, 16, 59),
                ends_at=datetime(2026, 5, 2, 20),
                place="x",
            )
        assert found.value.field == "starts_at"
        # Touching is not overlapping: a sitting may start when another ends.
        services.add_sitting(
            jury, starts_at=datetime(2026, 5, 2, 17), ends_at=datetime(2026, 5, 2, 20), place="x"
        )
        sitting = db.session.get_one(Sitting, world.sitting)
        agenda.add_item(
            sitting, kind=AgendaKind.BREAK, starts_at=datetime(2026, 5, 2, 12), minutes=60, title={}
        )
        with pytest.raises(services.SittingProblem):
            agenda.add_item(
                sitting,
                kind=AgendaKind.OTHER,
                starts_at=datetime(2026, 5, 2, 12, 59),
                minutes=5,
                title={},
            )
        db.session.commit()
        assert len(jury.sittings) == 2
