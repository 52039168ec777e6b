"""Where the parts of issue 13 meet (found by tests/browser/test_sittings_end_to_end.py): the
sitting's page leads to check-in, the table plan, the agenda and the payments; a proposal on
a sitting says so on the proposals page and cannot be taken off the agenda behind the
sitting's back."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.attendance_data import add_members
from tests.webapp.payments_data import IBAN_ES, IBAN_NL
from tests.webapp.proposals_data import platform_server
from tests.webapp.staff_data import World, build_world, log_in_as
from webapp.extensions import db
from webapp.models import Attendance, Sitting
from webapp.models.payments import BankAccount
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


# Bad input across the parts: a proposal already imported and put on a sitting, a member's
# account already stored; a failed import or a wrong IBAN names what is wrong and loses none
# of it.


def _on_the_sitting(app: Flask, w: World) -> list[tuple[str, str, int | None, str]]:
    with app.app_context():
        sitting = db.session.get_one(Sitting, w.sitting)
        return [(p.source, p.external_id, p.supports, p.status) for p in sitting.proposals]


def _refused(client: FlaskClient, url: str, data: dict[str, str], message: str) -> None:
    answer = client.post(url, data=data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400, url
    start = text.find("error-summary")
    assert message in text and "Nothing was imported or changed" in text, text[start : start + 800]


def test_failed_imports_keep_the_proposal_on_its_sitting(
    world: tuple[Flask, World, int],
) -> None:
    app, w, _proposal = world
    client = _client(app, w.organiser)
    with platform_server() as platform:
        decidim = {
            "decidim-api_url": f"{platform.url}/decidim/api",
            "decidim-process_id": "12",
            "decidim-component_id": "31",
            "decidim-limit": "1",
        }
        base = f"/staff/juries/{w.jury}/proposals"
        assert client.post(f"{base}/decidim", data=decidim).status_code == 302
        with app.app_context():
            sitting = db.session.get_one(Sitting, w.sitting)
            sitting.proposals = list(
                db.session.scalars(sa.select(Proposal).filter_by(jury_id=w.jury))
            )
            for p in sitting.proposals:
                p.status = ProposalStatus.ON_AGENDA
            db.session.commit()
        before = _on_the_sitting(app, w)
        assert len(before) == 2
        _refused(
            client,
            f"{base}/consul",
            {"consul-api_url": f"{platform.url}/not-json", "consul-limit": "3"},
            f"{platform.url}/not-json is not JSON",
        )
        _refused(
            client,
            f"{base}/decidim",
            decidim | {"decidim-api_url": f"{platform.url}/server-error"},
            "HTTP error 502",
        )
        assert _on_the_sitting(app, w) == before
        gone_url = f"{platform.url}/consul/graphql"
    # The platform has stopped: connection refused.
    _refused(
        client,
        f"{base}/consul",
        {"consul-api_url": gone_url, "consul-limit": "3"},
        f"Could not reach {gone_url}",
    )
    assert _on_the_sitting(app, w) == before
    csv = client.post(
        f"{base}/csv",
        data={"csv-file": (io.BytesIO(b"title,summary,link\nA,B,\n"), "mine.csv")},
        content_type="multipart/form-data",
    )
    assert csv.status_code == 400
    assert "mine.csv has no column supports" in csv.get_data(as_text=True)
    assert _on_the_sitting(app, w) == before
    page = client.get(f"/staff/sittings/{w.sitting}").get_data(as_text=True)
    assert "Shade trees on the market square" in page


def test_a_wrong_iban_keeps_the_stored_account(world: tuple[Flask, World, int]) -> None:
    app, w, _proposal = world
    with app.app_context():
        [member] = add_members(w.jury, w.batch, 1)
        db.session.commit()
    client = _client(app, w.organiser)
    url = f"/staff/juries/{w.jury}/payments/members/{member}"
    assert client.post(url, data={"holder": "Ana", "iban": IBAN_ES}).status_code == 302
    wrong = client.post(url, data={"holder": "Ana", "iban": IBAN_NL[:-1] + "1"})
    assert wrong.status_code == 400
    assert "IBAN: The check digits do not match" in wrong.get_data(as_text=True)
    with app.app_context():
        [account] = db.session.scalars(sa.select(BankAccount)).all()
        assert account.member_id == member
    assert "•••• 1332" in client.get(url).get_data(as_text=True)


def test_a_sitting_with_check_ins_is_not_removed(world: tuple[Flask, World, int]) -> None:
    """Removing it would take the attendance, and so the stipends (perhaps paid), with it."""
    app, w, _proposal = world
    with app.app_context():
        [member] = add_members(w.jury, w.batch, 1)
        sitting = db.session.get_one(Sitting, w.sitting)
        db.session.add(
            Attendance(sitting_id=w.sitting, member_id=member, arrived_at=sitting.starts_at)
        )
        db.session.commit()
    client = _client(app, w.organiser)
    url = f"/staff/juries/{w.jury}/sittings/{w.sitting}/remove"
    ask = client.get(url).get_data(as_text=True)
    assert "1 member was checked in at this sitting: it cannot be removed" in ask
    assert "Yes, remove this sitting" not in ask
    answer = client.post(url, follow_redirects=True)
    assert answer.status_code == 200
    assert "it cannot be removed, because attendance earns the stipend" in answer.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Sitting, w.sitting) is not None
        assert db.session.scalars(sa.select(Attendance)).one().member_id == member
        # Without check-ins it can go.
        db.session.execute(sa.delete(Attendance))
        db.session.commit()
    assert client.post(url).status_code == 302
    with app.app_context():
        assert db.session.get(Sitting, w.sitting) is None


def test_editing_a_sitting_keeps_its_hidden_proposal(world: tuple[Flask, World, int]) -> None:
    """A proposal hidden from the public board (moderation) stays on the sitting it is on when
    the sitting's times are changed; it was dropped unseen, as it was not among the choices."""
    app, w, proposal_id = world
    with app.app_context():
        db.session.get_one(Proposal, proposal_id).hidden = True
        db.session.commit()
    client = _client(app, w.organiser)
    url = f"/staff/juries/{w.jury}/sittings/{w.sitting}/edit"
    form = client.get(url).get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*name="proposals"[^>]*value="{proposal_id}"', form)
    data = {
        "starts_at": "2026-05-02T11:00",
        "ends_at": "2026-05-02T17:00",
        "place": "City hall",
        "venue_id": "0",
        "proposals": str(proposal_id),
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        sitting = db.session.get_one(Sitting, w.sitting)
        assert sitting.starts_at.hour == 11
        assert [p.id for p in sitting.proposals] == [proposal_id]
    # Unticked, it comes off; hidden, it is not offered for another sitting.
    unticked = {k: v for k, v in data.items() if k != "proposals"}
    assert client.post(url, data=unticked).status_code == 302
    with app.app_context():
        assert db.session.get_one(Sitting, w.sitting).proposals == []
    assert f'value="{proposal_id}"' not in client.get(url).get_data(as_text=True)
