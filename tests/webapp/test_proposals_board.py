"""The proposal board: residents submit and support with a reply code or an e-mail link, once
each (also under parallel submits, on SQLite and PostgreSQL); organisers moderate, set the
threshold and put proposals on the agenda; another jury's records stay out of reach."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import base_config
from tests.webapp.races import at_once
from tests.webapp.replies_data import make_invitations, make_jury, make_user, make_world
from tests.webapp.staff_data import log_in_as
from webapp import create_app
from webapp.extensions import db
from webapp.models import Invitation, Jury
from webapp.models.proposals import Proposal, ProposalBoard, ProposalStatus, ProposalSupport
from webapp.models.users import Role
from webapp.proposals import board as board_service


def _open_board(app: Flask, jury_id: int, threshold: int = 2) -> None:
    with app.app_context():
        db.session.add(ProposalBoard(jury_id=jury_id, is_open=True, support_threshold=threshold))
        db.session.commit()


@pytest.fixture
def world(app: Flask) -> Any:
    with app.app_context():
        world = make_world(n=4)
    _open_board(app, world.jury_id)
    return world


def _submit(client: FlaskClient, code: str, title: str = "A playground in the park") -> Any:
    return client.post(
        "/juries/city-jury/proposals/new",
        data={"code": code, "title": title, "summary": "Swings and a sandpit."},
    )


def _only_proposal(app: Flask) -> tuple[int, int | None]:
    with app.app_context():
        proposal = db.session.scalars(sa.select(Proposal)).one()
        return proposal.id, proposal.supports


def test_resident_submits_and_others_support_once(
    app: Flask, client: FlaskClient, world: Any
) -> None:
    assert _submit(client, world.codes[0]).status_code == 302
    proposal_id, supports = _only_proposal(app)
    assert supports == 1  # the author supports it
    url = f"/juries/city-jury/proposals/{proposal_id}"
    response = client.post(url, data={"code-code": world.codes[1].lower()}, follow_redirects=True)
    assert "Thank you: your support is counted." in response.get_data(as_text=True)
    again = client.post(url, data={"code-code": world.codes[1]}, follow_redirects=True)
    assert "You support this proposal already" in again.get_data(as_text=True)
    author = client.post(url, data={"code-code": world.codes[0]}, follow_redirects=True)
    assert "You support this proposal already" in author.get_data(as_text=True)
    assert _only_proposal(app)[1] == 2
    board = client.get("/juries/city-jury/proposals").get_data(as_text=True)
    assert "A playground in the park" in board and "2 supports" in board


def test_wrong_codes_are_refused_with_the_reason(
    app: Flask, client: FlaskClient, world: Any
) -> None:
    with app.app_context():
        other = make_jury(slug="other-jury")
        ((other_code, _),) = make_invitations(other, 1)
        db.session.commit()
    text = _submit(client, other_code).get_data(as_text=True)
    assert "we do not know this code" in text  # a letter of another jury
    assert "there is a typo" in _submit(
        client, world.codes[0][:-1] + ("A" if world.codes[0][-1] != "A" else "B")
    ).get_data(as_text=True)
    empty = client.post("/juries/city-jury/proposals/new", data={"code": world.codes[0]})
    assert "Please give your proposal a title." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_closed_board_takes_nothing(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        world = make_world(n=1)
    page = client.get("/juries/city-jury/proposals/new")
    assert page.status_code == 200 and "The proposal board is closed" in page.get_data(as_text=True)
    assert _submit(client, world.codes[0]).status_code == 409


def test_support_by_email_link(
    app: Flask, client: FlaskClient, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _submit(client, world.codes[0])
    proposal_id, _ = _only_proposal(app)
    app.config["MAIL_SERVER"] = "smtp.invalid"
    sent: list[dict[str, str]] = []

    def fake_send(proposal: Proposal, jury: object, *, email: str, token: str) -> bool:
        sent.append({"email": email, "token": token})
        return True

    monkeypatch.setattr("webapp.proposals.public.send_support_link", fake_send)
    url = f"/juries/city-jury/proposals/{proposal_id}"
    bad = client.post(url, data={"email-email": "not an address"})
    assert bad.status_code == 400 and "This is not an e-mail address" in bad.get_data(as_text=True)
    client.post(url, data={"email-email": "Ana@Example.org"})
    token = sent[0]["token"]
    assert "ana" not in token.lower() and "example" not in token  # no address in the URL
    confirm = f"/proposals/confirm/{token}"
    assert client.get(confirm).status_code == 200  # a button only: link scanners count nothing
    assert _only_proposal(app)[1] == 1
    assert "your support is counted" in client.post(confirm, follow_redirects=True).get_data(
        as_text=True
    )
    client.post(url, data={"email-email": "ANA@example.org"})
    again = client.post(f"/proposals/confirm/{sent[1]['token']}", follow_redirects=True)
    assert "You support this proposal already" in again.get_data(as_text=True)
    assert _only_proposal(app)[1] == 2
    forged = client.get(f"/proposals/confirm/{token[:-2]}xx")
    assert forged.status_code == 400 and "This link does not work" in forged.get_data(as_text=True)


def test_moderation_threshold_and_agenda(app: Flask, client: FlaskClient, world: Any) -> None:
    _submit(client, world.codes[0], title="Rude proposal")
    proposal_id, _ = _only_proposal(app)
    with app.app_context():
        organiser = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    staff = app.test_client()
    log_in_as(staff, organiser)
    base = f"/staff/juries/{world.jury_id}/proposals"
    assert staff.post(f"{base}/{proposal_id}/hide").status_code == 302
    assert "Rude proposal" not in client.get("/juries/city-jury/proposals").get_data(as_text=True)
    assert client.get(f"/juries/city-jury/proposals/{proposal_id}").status_code == 404
    staff.post(f"{base}/{proposal_id}/hide")  # shown again
    assert "Rude proposal" in client.get("/juries/city-jury/proposals").get_data(as_text=True)
    client.post(f"/juries/city-jury/proposals/{proposal_id}", data={"code-code": world.codes[1]})
    assert "threshold reached" in staff.get(base).get_data(as_text=True)  # 2 of 2
    assert (
        staff.post(f"{base}/{proposal_id}/status", data={"status": "on_agenda"}).status_code == 302
    )
    assert "status-on_agenda" in client.get("/juries/city-jury/proposals").get_data(as_text=True)
    assert (
        staff.post(f"{base}/{proposal_id}/status", data={"status": "nonsense"}).status_code == 400
    )
    assert staff.post(f"{base}/board", data={"board-support_threshold": "0"}).status_code == 400
    assert staff.post(f"{base}/board", data={"board-support_threshold": "50"}).status_code == 302
    with app.app_context():
        assert db.session.get_one(Proposal, proposal_id).status == ProposalStatus.ON_AGENDA
        board = db.session.scalars(sa.select(ProposalBoard)).one()
        assert (board.is_open, board.support_threshold) == (False, 50)


def test_another_jurys_proposal_is_out_of_reach(
    app: Flask, client: FlaskClient, world: Any
) -> None:
    _submit(client, world.codes[0])
    proposal_id, _ = _only_proposal(app)
    with app.app_context():
        other = make_jury(slug="other-jury")
        db.session.commit()
        other_id = other.id
        organiser = make_user("admin@example.org", Role.ADMINISTRATOR)
    log_in_as(client, organiser)
    # The URL names the other jury: the proposal is not found there, and nothing changes.
    response = client.post(
        f"/staff/juries/{other_id}/proposals/{proposal_id}/status", data={"status": "on_agenda"}
    )
    assert response.status_code == 404
    assert client.get(f"/juries/other-jury/proposals/{proposal_id}").status_code == 404
    with app.app_context():
        assert db.session.get_one(Proposal, proposal_id).status == ProposalStatus.RECEIVED


def test_submits_are_rate_limited(tmp_path: Any) -> None:
    from tests.conftest import make_app

    app = make_app(
        f"sqlite:///{tmp_path / 'rl.sqlite'}",
        RATELIMIT_ENABLED=True,
        PROPOSAL_SUBMIT_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        make_world(n=1)
    client = app.test_client()
    statuses = [
        client.post("/juries/city-jury/proposals/new", data={"code": "x"}).status_code
        for _ in range(4)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


def test_csrf_protects_the_board_and_the_staff_forms(app: Flask, world: Any) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    strict = create_app(base_config(uri, WTF_CSRF_ENABLED=True))
    client = strict.test_client()
    response = client.post(
        "/juries/city-jury/proposals/new",
        data={"code": world.codes[0], "title": "T", "summary": "S"},
    )
    assert response.status_code == 400
    with strict.app_context():
        admin = make_user("admin@example.org", Role.ADMINISTRATOR)
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    log_in_as(client, admin)
    assert (
        client.post(
            f"/staff/juries/{world.jury_id}/proposals/board", data={"board-support_threshold": "5"}
        ).status_code
        == 400
    )
    with strict.app_context():
        db.engine.dispose()


def test_parallel_supports_count_once(any_db_app: Flask) -> None:
    """Eight parallel requests with the same code: one support stored, the others refused."""
    app = any_db_app
    with app.app_context():
        world = make_world(n=2)
        jury = db.session.get_one(Jury, world.jury_id)
        invitation = db.session.get_one(Invitation, world.invitation_ids[0])
        db.session.add(ProposalBoard(jury_id=jury.id, is_open=True, support_threshold=5))
        proposal = board_service.submit(
            jury, title="Trees", summary="More trees.", invitation=invitation
        )
        db.session.commit()
        proposal_id = proposal.id

    def one() -> str:
        response = app.test_client().post(
            f"/juries/city-jury/proposals/{proposal_id}",
            data={"code-code": world.codes[1]},
            follow_redirects=True,
        )
        text = response.get_data(as_text=True)
        return (
            "counted"
            if "your support is counted" in text
            else "already"
            if "already" in text
            else str(response.status_code)
        )

    statuses = at_once([one] * 8, failed=repr)
    assert sorted(statuses) == ["already"] * 7 + ["counted"], statuses
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProposalSupport.id))) == 2
        assert db.session.get_one(Proposal, proposal_id).supports == 2
