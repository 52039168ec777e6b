"""Where the parts of issue 13 meet (found by tests/browser/test_sittings_end_to_end.py): the
sitting's page leads to check-in, the table plan, the agenda and the payments; a proposal on
a sitting says so on the proposals page and cannot be taken off the agenda behind the
sitting's back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.staff_data import World, build_world, log_in_as
from webapp.extensions import db
from webapp.models import Sitting
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Flask, World, int]]:
    app = make_app(f"sqlite:///{tmp_path / 'j.sqlite'}")
    world = build_world(app)
    with app.app_context():
        proposal = Proposal(
            jury_id=world.jury,
            source=ProposalSource.CSV,
            external_id="1",
            title="Shade trees",
            supports=40,
            status=ProposalStatus.ON_AGENDA,
        )
        db.session.add(proposal)
        db.session.flush()
        db.session.get_one(Sitting, world.sitting).proposals = [proposal]
        db.session.commit()
        proposal_id = proposal.id
    yield app, world, proposal_id
    with app.app_context():
        db.engine.dispose()


def _client(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, user_id)
    return client


def test_the_sitting_page_leads_to_each_part(world: tuple[Flask, World, int]) -> None:
    app, w, _proposal = world
    organiser = _client(app, w.organiser).get(f"/staff/sittings/{w.sitting}")
    page = organiser.get_data(as_text=True)
    for href in (
        f"/staff/sittings/{w.sitting}/check-in",
        f"/staff/sittings/{w.sitting}/attendance",
        f"/staff/juries/{w.jury}/sittings/{w.sitting}/tables",
        f"/staff/juries/{w.jury}/sittings/{w.sitting}/agenda",
        f"/staff/juries/{w.jury}/payments",
    ):
        assert f'href="{href}"' in page, href
    # A facilitator runs the check-in; the money and the plan are the organisers'.
    facilitator = _client(app, w.facilitator).get(f"/staff/sittings/{w.sitting}")
    page = facilitator.get_data(as_text=True)
    assert f'href="/staff/sittings/{w.sitting}/check-in"' in page
    assert "/payments" not in page and "/tables" not in page


def test_the_proposals_page_names_the_sitting(world: tuple[Flask, World, int]) -> None:
    app, w, _proposal = world
    page = _client(app, w.organiser).get(f"/staff/juries/{w.jury}/proposals")
    text = page.get_data(as_text=True)
    assert f'href="/staff/sittings/{w.sitting}"' in text
    assert "Sitting of 2 May 2026" in text


def test_a_proposal_on_a_sitting_is_not_taken_off_the_agenda(
    world: tuple[Flask, World, int],
) -> None:
    app, w, proposal_id = world
    client = _client(app, w.organiser)
    url = f"/staff/juries/{w.jury}/proposals/{proposal_id}/status"
    answer = client.post(url, data={"status": "received"}, follow_redirects=True)
    assert answer.status_code == 200
    assert (
        "Shade trees is on the sitting of Saturday 2 May 2026, 10:00: take it off that "
        "sitting first." in answer.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.get_one(Proposal, proposal_id).status == ProposalStatus.ON_AGENDA
        # Off the sitting, it can be taken off the agenda.
        db.session.get_one(Sitting, w.sitting).proposals = []
        db.session.commit()
    client.post(url, data={"status": "received"})
    with app.app_context():
        assert db.session.get_one(Proposal, proposal_id).status == ProposalStatus.RECEIVED
