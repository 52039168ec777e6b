"""The resident's reply: code entry, the form, the confirmation, one reply per code."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.replies_data import ReplyWorld, make_world, yes_form
from webapp.extensions import db
from webapp.models import Invitation, InvitationStatus, Jury, Reply


@pytest.fixture
def world(app: Flask) -> ReplyWorld:
    with app.app_context():
        return make_world(n=3)


def sittings(app: Flask, world: ReplyWorld) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]


def enter(client: FlaskClient, code: str) -> str:
    response = client.post("/reply", data={"code": code})
    return response.headers.get("Location", "") if response.status_code == 302 else ""


def replies(app: Flask) -> list[Reply]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Reply)))


def test_code_entry_page_has_a_form_that_posts(client: FlaskClient) -> None:
    page = client.get("/reply").get_data(as_text=True)
    assert 'method="post"' in page
    assert 'id="code"' in page
    assert "js/reply-code.js" in page


def test_a_good_code_leads_to_the_form_without_the_code_in_any_url(
    client: FlaskClient, world: ReplyWorld
) -> None:
    code = world.codes[0]
    location = enter(client, code.lower().replace("-", " "))
    assert location == "/reply/form"
    page = client.get(location).get_data(as_text=True)
    assert "Year of birth" in page
    for text in (code, code.replace("-", "")):
        assert text not in page
        assert text not in location


def _with_typo(code: str) -> str:
    # Change one data symbol: the mod-37 check symbol catches every single change.
    first = "1" if code[0] != "1" else "2"
    return first + code[1:]


@pytest.mark.parametrize(
    ("make_text", "message"),
    [
        (lambda code: "", "please type the code"),
        (lambda code: "ABC", "13 letters and numbers"),
        (_with_typo, "there is a typo in the code"),
        (lambda code: "0000-0000-0000-0", "we do not know this code"),
    ],
)
def test_bad_codes_get_a_message_on_the_field(
    client: FlaskClient, world: ReplyWorld, make_text: object, message: str
) -> None:
    text = make_text(world.codes[0])  # type: ignore[operator]
    response = client.post("/reply", data={"code": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'href="#code"' in page  # the error summary links to the field


def test_a_yes_reply_is_stored_once_with_a_reference(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    ids = sittings(app, world)
    enter(client, world.codes[0])
    response = client.post("/reply/form", data=yes_form(world.jury_id, ids))
    assert response.headers["Location"] == "/reply/done"
    page = client.get("/reply/done").get_data(as_text=True)
    [reply] = replies(app)
    assert reply.reference in page
    assert (reply.answer, reply.birth_year, reply.gender, reply.district) == (
        "yes",
        1980,
        "female",
        "Sur",
    )
    assert reply.availability == {str(ids[0]): True, str(ids[1]): False}
    assert reply.support_needs == ["childcare"]
    assert reply.channel == "online" and reply.consent and reply.entered_by_id is None
    assert len(reply.declarations) == 2
    with app.app_context():
        invitation = db.session.get_one(Invitation, world.invitation_ids[0])
        assert invitation.status == InvitationStatus.REPLIED


def test_a_no_needs_only_the_answer(app: Flask, client: FlaskClient, world: ReplyWorld) -> None:
    enter(client, world.codes[1])
    response = client.post("/reply/form", data={"answer": "no", "email": "not an e-mail"})
    assert response.status_code == 302
    [reply] = replies(app)
    assert reply.answer == "no"
    assert reply.email is None and reply.birth_year is None and not reply.consent


def test_the_district_is_filled_in_from_the_invitation(
    client: FlaskClient, world: ReplyWorld
) -> None:
    enter(client, world.codes[0])
    page = client.get("/reply/form").get_data(as_text=True)
    assert re.search(r'<option selected value="Norte">|<option value="Norte" selected', page)


BAD_INPUT: list[tuple[dict[str, object], str]] = [
    ({"answer": None}, "Your answer: please choose yes or no"),
    ({"birth_year": ""}, "Year of birth: please write 4 numbers"),
    ({"birth_year": "80"}, "Year of birth: please write 4 numbers"),
    ({"birth_year": "1800"}, "Year of birth: please check the year"),
    ({"birth_year": "2999"}, "Year of birth: please check the year"),
    ({"gender": None}, "Gender: please choose one answer"),
    ({"gender": "robot"}, "Gender: please choose one answer"),
    ({"district": "Atlantis"}, "District: please choose the district"),
    ({"email": "", "phone": ""}, "E-mail address or phone number: please give at least one"),
    ({"email": "ana@"}, "E-mail address: please check it"),
    ({"phone": "call me"}, "Phone number: please use only numbers"),
    ({"support_needs": ["other"]}, "What else do you need: please tell us"),
    ({"support_other": "x" * 501}, "What else do you need: please use at most 500"),
    ({"declarations": ["0"]}, "Who can take part: please tick every sentence"),
    ({"consent": None}, "Agreement: please tick the box"),
    ({"availability": ["999999"]}, "Dates you can come: please choose from the list"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_input_names_the_field(
    app: Flask, client: FlaskClient, world: ReplyWorld, changes: dict[str, object], message: str
) -> None:
    enter(client, world.codes[0])
    response = client.post(
        "/reply/form", data=yes_form(world.jury_id, sittings(app, world), **changes)
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page
    assert replies(app) == []


def test_the_minimum_age_counts_at_the_first_sitting(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        first = min(s.starts_at.year for s in jury.sittings)
    enter(client, world.codes[0])
    young = yes_form(world.jury_id, sittings(app, world), birth_year=str(first - 15))
    assert "16 years or older" in client.post("/reply/form", data=young).get_data(as_text=True)
    ok = yes_form(world.jury_id, sittings(app, world), birth_year=str(first - 16))
    assert client.post("/reply/form", data=ok).status_code == 302


def test_without_a_code_in_the_session_the_form_sends_back_to_code_entry(
    client: FlaskClient, world: ReplyWorld
) -> None:
    assert client.get("/reply/form").headers["Location"] == "/reply"
    assert client.get("/reply/done").headers["Location"] == "/reply"
    assert client.get("/reply/already").headers["Location"] == "/reply"


def test_the_code_appears_in_no_log_line(
    client: FlaskClient, world: ReplyWorld, caplog: pytest.LogCaptureFixture, app: Flask
) -> None:
    caplog.set_level(logging.DEBUG)
    code = world.codes[0]
    enter(client, code)
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world)))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "reply" in logged  # the service logs ids
    for text in (code, code.replace("-", ""), "ana@example.org"):
        assert text not in logged


def test_a_jury_without_a_district_list_accepts_the_register_district(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        db.session.get_one(Jury, world.jury_id).districts = []
        db.session.commit()
    enter(client, world.codes[0])
    form = yes_form(world.jury_id, sittings(app, world), district="Norte")
    assert client.post("/reply/form", data=form).status_code == 302
    [reply] = replies(app)
    assert reply.district == "Norte"
