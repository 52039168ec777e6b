"""The representativeness report: figures per category for staff and public, the histogram of
selection probabilities, and what the pages say while the jury is not drawn yet."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.selection_data import build_selection_world, select_and_draw
from tests.webapp.staff_data import log_in_as
from tests.webapp.test_quotas import census_app  # noqa: F401  (the fixture)
from webapp.extensions import db
from webapp.models import Jury, Member, MemberStatus
from webapp.pool.services import pool
from webapp.reports import services, sources


def test_the_staff_report_shows_every_category_before_the_draw(
    app: Flask,
    census_app: tuple[FlaskClient, int],  # noqa: F811
) -> None:
    client, jury_id = census_app
    page = client.get(f"/staff/juries/{jury_id}/report").get_data(as_text=True)
    for text in ("Education", "Gender", "District", "Age", "The jury has not been drawn yet"):
        assert text in page, text
    assert "The chances of selection are shown here once the jury has been drawn." in page
    women = page.split('<th scope="row">Women</th>', 1)[1].split("</tr>", 1)[0]
    # Census 50%; three of the six volunteers are women.
    assert "50.0%" in women and "(3)" in women
    assert "style=" not in page and '<svg class="bar-svg"' in page


def test_the_public_report_has_only_totals(app: Flask, census_app: tuple[FlaskClient, int]) -> None:  # noqa: F811
    _client, _jury_id = census_app
    public = app.test_client()
    page = public.get("/juries/parks/representation").get_data(as_text=True)
    assert "Who is in the jury?" in page and "Education" in page
    assert "REF" not in page and "(3)" not in page  # no references, no counts
    assert "College or university" in page  # groups named by their answers
    assert public.get("/juries/nothing/representation").status_code == 404
    nl = app.test_client()
    nl.post("/language", data={"lang": "nl"})
    assert "Wie zit er in de jury?" in nl.get("/juries/parks/representation").get_data(as_text=True)


def test_selected_confirmed_and_probabilities_appear_once_stored(
    app: Flask,
    census_app: tuple[FlaskClient, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, jury_id = census_app
    monkeypatch.setattr(sources, "_stored", _fake_outcome)
    page = client.get(f"/staff/juries/{jury_id}/report").get_data(as_text=True)
    assert "The jury has not been drawn yet" not in page
    # Selected REF0..REF3: women REF0 and REF2 -> 50%; confirmed REF0 and REF1 -> 50%.
    women = page.split('<th scope="row">Women</th>', 1)[1].split("</tr>", 1)[0]
    assert women.count("50.0%") == 4
    assert "Lowest: 50.0%. Highest: 80.0%. Volunteers: 6." in page
    assert '<svg class="histogram"' in page
    with app.test_request_context():
        jury = db.session.get_one(Jury, jury_id)
        people, _ = pool(jury)
        reports = services.representation(
            jury, people, selected=["REF0", "REF1", "REF2", "REF3"], confirmed=[]
        )
    education = next(r for r in reports if r.key == "education")
    assert [(r.value, r.counts["selected"]) for r in education.rows] == [("low", 3), ("high", 1)]
    assert all(r.shares["confirmed"] is None for r in education.rows)


def _fake_outcome(jury: Jury, name: str) -> list[str] | None:
    return {
        "selected": ["REF0", "REF1", "REF2", "REF3"],
        "confirmed": ["REF0", "REF1"],
        "probabilities": ["0.5", "0.8", "0.6", "0.7", "0.6", "0.8"],
    }[name]


def test_the_histogram_counts_every_probability_once() -> None:
    probabilities = [0.0, 0.01, 0.019, 0.02, 0.037, 0.05]
    bins = services.histogram(probabilities, bins=5)
    assert [round(b.high, 3) for b in bins] == [0.01, 0.02, 0.03, 0.04, 0.05]
    assert [b.count for b in bins] == [1, 2, 1, 1, 1]
    assert sum(b.count for b in services.histogram([0.3] * 7)) == 7
    assert services.histogram([]) == []


def test_the_report_reads_the_real_draw(app: Flask) -> None:
    world = build_selection_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    select_and_draw(app, client, world.jury_id)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        selected = sources.selected_references(jury)
        assert selected is not None and len(selected) == 6  # the alternates are not counted
        assert sources.confirmed_references(jury) == []
        member = db.session.scalars(
            sa.select(Member).filter_by(jury_id=jury.id, status=MemberStatus.SELECTED)
        ).first()
        assert member is not None
        member.status = MemberStatus.CONFIRMED
        db.session.commit()
        assert sources.confirmed_references(jury) == [member.reply.reference]
        probabilities = sources.selection_probabilities(jury)
        # One per volunteer, the panel's share of the 100 panels: they add up to the seats.
        assert probabilities is not None and len(probabilities) == 24
        assert sum(probabilities) == pytest.approx(6)
    page = client.get(f"/staff/juries/{world.jury_id}/report").get_data(as_text=True)
    assert "The jury has not been drawn yet" not in page
    assert '<svg class="histogram"' in page and "Volunteers: 24." in page
    public = app.test_client().get("/juries/city-jury/representation").get_data(as_text=True)
    assert all(ref not in public for ref in selected)


def test_before_the_draw_the_report_waits(app: Flask) -> None:
    world = build_selection_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        assert sources.selected_references(jury) is None
        assert sources.selection_probabilities(jury) is None
