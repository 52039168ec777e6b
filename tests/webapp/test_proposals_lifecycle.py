"""After the verdict: the traffic light residents follow, the municipality's response due 90
days later (configurable) with a warning to staff, the response published per language,
implementation, and feedback e-mails to everyone who took part, once each."""

from __future__ import annotations

import email
import email.policy
import socketserver
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import make_app
from tests.webapp.replies_data import make_jury, make_user
from tests.webapp.selection_data import build_selection_world
from tests.webapp.staff_data import log_in_as
from tests.webapp.test_replies_staff import smtp_sink  # noqa: F401  (a fixture)
from webapp.extensions import db
from webapp.models import Answer, Reply
from webapp.models.proposals import (
    Proposal,
    ProposalBoard,
    ProposalFeedback,
    ProposalSource,
    ProposalStatus,
    VerdictOutcome,
)
from webapp.models.users import Role
from webapp.proposals import feedback, lifecycle

DECIDED = datetime(2027, 3, 6, 16, 30)


def _proposal(jury_id: int, **fields: Any) -> int:
    proposal = Proposal(
        jury_id=jury_id,
        source=ProposalSource.CSV,
        external_id=f"p{fields.pop('n', 1)}",
        title=fields.pop("title", "More trees on the Grote Markt"),
        summary="Shade in summer.",
        supports=120,
        status=fields.pop("status", ProposalStatus.ON_AGENDA),
        **fields,
    )
    db.session.add(proposal)
    db.session.commit()
    return int(proposal.id)


def _status(proposal: Proposal) -> ProposalStatus:
    """The status now: each step of the lifecycle changes it (a plain ``proposal.status``
    would stay narrowed, for the type checker, to what an earlier assert compared)."""
    return proposal.status


@pytest.fixture
def world(app: Flask) -> Any:
    return build_selection_world(app, volunteers=6)


def test_the_verdict_sets_the_due_date_and_the_light_moves_step_by_step(
    app: Flask, world: Any
) -> None:
    with app.app_context():
        proposal = db.session.get_one(Proposal, _proposal(world.jury_id))
        assert [s.current for s in lifecycle.traffic_light(proposal)] == [0, 1, 0, 0, 0]
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.publish_response(proposal, {"en": "Yes."}, DECIDED)
        lifecycle.verdict_reached(proposal, VerdictOutcome.AMENDED, DECIDED)
        assert _status(proposal) == ProposalStatus.VERDICT
        assert proposal.response_due_on == date(2027, 6, 4)  # 90 days after 6 March
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.mark_implemented(proposal, DECIDED)
        lifecycle.publish_response(proposal, {"nl": " Ja. ", "en": "Yes.", "es": ""}, DECIDED)
        assert proposal.response_texts == {"nl": "Ja.", "en": "Yes."}
        assert _status(proposal) == ProposalStatus.RESPONSE_DUE
        lifecycle.mark_implemented(proposal, DECIDED + timedelta(days=200))
        steps = lifecycle.traffic_light(proposal)
        assert [s.done for s in steps] == [True, True, True, True, False]
        assert steps[-1].current and _status(proposal) == ProposalStatus.IMPLEMENTED


def test_the_days_the_municipality_has_are_set_per_jury(app: Flask, world: Any) -> None:
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury_id}/proposals/response-settings"
    bad = client.post(url, data={"response-response_days": "0", "response-warning_days": "7"})
    assert bad.status_code == 302
    page = client.get(f"/staff/juries/{world.jury_id}/proposals").get_data(as_text=True)
    assert "A whole number from 1 to 3,650." in page
    ok = client.post(url, data={"response-response_days": "30", "response-warning_days": "7"})
    assert ok.status_code == 302
    with app.app_context():
        proposal = db.session.get_one(Proposal, _proposal(world.jury_id))
        lifecycle.verdict_reached(proposal, VerdictOutcome.REJECTED, DECIDED)
        assert proposal.response_due_on == date(2027, 4, 5)
        board = db.session.scalars(sa.select(ProposalBoard)).one()
        assert (board.response_days, board.warning_days) == (30, 7)


def test_staff_are_warned_as_the_due_date_nears(app: Flask, world: Any) -> None:
    with app.app_context():
        soon = db.session.get_one(Proposal, _proposal(world.jury_id, n=1, title="Soon"))
        later = db.session.get_one(Proposal, _proposal(world.jury_id, n=2, title="Later"))
        answered = db.session.get_one(Proposal, _proposal(world.jury_id, n=3, title="Answered"))
        eighty_days_ago = datetime.now() - timedelta(days=80)  # due in about ten days
        lifecycle.verdict_reached(soon, VerdictOutcome.CITY_VOTE, eighty_days_ago)
        lifecycle.verdict_reached(later, VerdictOutcome.CITY_VOTE, datetime.now())
        lifecycle.verdict_reached(answered, VerdictOutcome.REJECTED, eighty_days_ago)
        lifecycle.publish_response(answered, {"en": "We agree."}, eighty_days_ago)
        db.session.commit()
        due = soon.response_due_on
        assert due is not None
        assert lifecycle.responses_due(due - timedelta(days=15)) == []
        assert [p.title for p in lifecycle.responses_due(due - timedelta(days=14))] == ["Soon"]
        assert [p.title for p in lifecycle.responses_due(due + timedelta(days=80))] == [
            "Soon",
            "Later",
        ]
        assert lifecycle.days_left(soon, due + timedelta(days=2)) == -2
        assert lifecycle.responses_due(due, jury_ids=[world.jury_id + 1]) == []
        other = make_jury(slug="other-jury").id
        outsider = make_user("outsider@example.org", Role.ORGANISER, jury_id=other)
    client = app.test_client()
    log_in_as(client, world.organiser)
    page = client.get("/staff/").get_data(as_text=True)
    assert "Municipal responses due" in page and "Soon" in page and "Later" not in page
    log_in_as(client, outsider)  # another jury's organiser sees none of it
    assert "Municipal responses due" not in client.get("/staff/").get_data(as_text=True)


def test_the_response_is_published_in_every_language_and_shown_to_residents(
    app: Flask, world: Any
) -> None:
    with app.app_context():
        proposal_id = _proposal(world.jury_id)
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury_id}/proposals/{proposal_id}/response"
    texts = {"response_nl": "De gemeente plant 40 bomen.", "response_en": "We plant 40 trees."}
    early = client.post(url, data=texts)
    assert early.status_code == 400  # no verdict yet
    assert "has not given its verdict on this proposal yet" in early.get_data(as_text=True)
    with app.app_context():
        lifecycle.verdict_reached(
            db.session.get_one(Proposal, proposal_id), VerdictOutcome.AMENDED, DECIDED
        )
        db.session.commit()
    empty = client.post(url, data={"response_nl": " ", "response_en": ""})
    assert empty.status_code == 400
    assert "Please write the response in one language at least." in empty.get_data(as_text=True)
    assert client.post(url, data=texts).status_code == 302
    public = f"/juries/city-jury/proposals/{proposal_id}"
    resident = app.test_client()
    page = resident.get(public).get_data(as_text=True)
    assert "We plant 40 trees." in page and "Sent on, amended" in page
    resident.post("/language", data={"lang": "nl"})
    assert "De gemeente plant 40 bomen." in resident.get(public).get_data(as_text=True)
    resident.post("/language", data={"lang": "es"})  # no Spanish text: the jury's own (nl)
    assert "De gemeente plant 40 bomen." in resident.get(public).get_data(as_text=True)
    implemented = f"/staff/juries/{world.jury_id}/proposals/{proposal_id}/implemented"
    assert client.post(implemented).status_code == 302
    assert client.post(implemented).status_code == 302  # twice is harmless
    with app.app_context():
        proposal = db.session.get_one(Proposal, proposal_id)
        assert proposal.status == ProposalStatus.IMPLEMENTED


def test_the_status_is_set_by_hand_only_on_and_off_the_agenda(app: Flask, world: Any) -> None:
    with app.app_context():
        proposal_id = _proposal(world.jury_id, status=ProposalStatus.RECEIVED)
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury_id}/proposals/{proposal_id}/status"
    assert client.post(url, data={"status": "implemented"}).status_code == 400
    assert client.post(url, data={"status": "on_agenda"}).status_code == 302
    assert client.post(url, data={"status": "received"}).status_code == 302
    with app.app_context():
        assert db.session.get_one(Proposal, proposal_id).status == ProposalStatus.RECEIVED


def test_feedback_reaches_everyone_once_in_their_language(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'mail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        TASK_QUEUE_IMMEDIATE=True,
    )
    world = build_selection_world(app, volunteers=6)
    with app.app_context():
        # The author (their letter is known) did not volunteer, yet hears the outcome too.
        reply = db.session.scalars(sa.select(Reply).order_by(Reply.id.desc())).first()
        assert reply is not None
        reply.answer = Answer.NO
        proposal_id = _proposal(world.jury_id, author_invitation_id=reply.invitation_id)
        unrelated = _proposal(world.jury_id, n=2)  # its mails go to the five volunteers only
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury_id}/proposals/{proposal_id}/feedback"
    messages = smtp_sink.messages  # type: ignore[attr-defined]
    assert client.post(url).status_code == 302
    assert messages == []  # nothing to tell before the verdict
    with app.app_context():
        lifecycle.verdict_reached(
            db.session.get_one(Proposal, proposal_id), VerdictOutcome.CITY_VOTE, DECIDED
        )
        db.session.commit()
    assert client.post(url).status_code == 302
    assert len(messages) == 6  # five volunteers and the author
    assert any("To: v5@example.org" in m for m in messages)
    dutch = next(m for m in messages if "To: v0@example.org" in m)
    assert "Subject: Het oordeel van de jury over More trees on the Grote Markt" in dutch
    spanish = next(m for m in messages if "To: v1@example.org" in m)
    assert "veredicto" in spanish
    assert client.post(url).status_code == 302
    assert len(messages) == 6  # once each
    with app.app_context():
        lifecycle.publish_response(
            db.session.get_one(Proposal, proposal_id), {"en": "A vote on 1 June."}, DECIDED
        )
        db.session.commit()
    assert client.post(url).status_code == 302
    assert len(messages) == 12
    english = next(m for m in messages[6:] if "To: v2@example.org" in m)
    assert "A vote on 1 June." in english
    with app.app_context():
        counts = feedback.told(db.session.get_one(Proposal, proposal_id))
        assert counts == {"verdict": 6, "response": 6}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalFeedback)) == 12
        other = db.session.get_one(Proposal, unrelated)
        lifecycle.verdict_reached(other, VerdictOutcome.REJECTED, DECIDED)
        db.session.commit()
        assert [r.email for r in feedback.recipients(other, "verdict")] == [
            f"v{n}@example.org" for n in range(5)
        ]
        db.engine.dispose()


def test_organisers_get_one_mail_when_a_response_falls_due(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'due.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        TASK_QUEUE_IMMEDIATE=True,
    )
    world = build_selection_world(app, volunteers=3)
    with app.app_context():
        proposal = db.session.get_one(Proposal, _proposal(world.jury_id))
        recently = datetime.now() - timedelta(days=80)  # due in 10 days: within the 14
        lifecycle.verdict_reached(proposal, VerdictOutcome.REJECTED, recently)
        db.session.commit()
        assert lifecycle.warn_of_responses_due() == 1
        assert lifecycle.warn_of_responses_due() == 0  # once
        messages = smtp_sink.messages  # type: ignore[attr-defined]
        assert len(messages) == 1
        assert "To: organiser@city-jury.example" in messages[0]
        body = email.message_from_string(messages[0], policy=email.policy.default)
        text = body.get_content()
        assert "Subject: Antwoord nodig:" in messages[0]  # in the jury's language (nl)
        assert "over 10 dagen" in text or "over 9 dagen" in text
        assert f"/staff/juries/{world.jury_id}/proposals/{proposal.id}/response" in text
        db.engine.dispose()


def test_another_jurys_organiser_cannot_reach_these_pages(app: Flask, world: Any) -> None:
    with app.app_context():
        proposal_id = _proposal(world.jury_id)
        other = make_jury(slug="other-jury").id
        outsider = make_user("outsider@example.org", Role.ORGANISER, jury_id=other)
    client = app.test_client()
    log_in_as(client, outsider)
    base = f"/staff/juries/{world.jury_id}/proposals"
    assert client.get(f"{base}/{proposal_id}/response").status_code == 403
    assert client.post(f"{base}/{proposal_id}/implemented").status_code == 403
    assert client.post(f"{base}/{proposal_id}/feedback").status_code == 403
    settings = {"response-response_days": "1", "response-warning_days": "0"}
    assert client.post(f"{base}/response-settings", data=settings).status_code == 403
    # The other jury's own address with this proposal's id: not its proposal.
    assert client.get(f"/staff/juries/{other}/proposals/{proposal_id}/response").status_code == 404
