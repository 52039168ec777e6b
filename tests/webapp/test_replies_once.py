"""One reply per code: double submits, two tabs, racing requests, replacement and the deadline."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.replies_data import ReplyWorld, make_world, yes_form
from webapp.extensions import db
from webapp.models import Answer, Channel, Invitation, Jury, Reply
from webapp.replies import services
from webapp.replies.services import AlreadyReplied, ReplyData, submit_reply


def sittings(app: Flask, jury_id: int) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, jury_id).sittings]


def count_replies(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count(Reply.id))) or 0)


def the_reply(app: Flask) -> Reply:
    with app.app_context():
        return db.session.scalars(sa.select(Reply)).one()


@pytest.fixture
def world(app: Flask) -> ReplyWorld:
    with app.app_context():
        return make_world(n=2)


def test_a_double_submit_stores_one_reply_and_says_we_have_it(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    client.post("/reply", data={"code": world.codes[0]})
    form = yes_form(world.jury_id, sittings(app, world.jury_id))
    first = client.post("/reply/form", data=form)
    second = client.post("/reply/form", data=form, follow_redirects=True)
    assert first.headers["Location"] == "/reply/done"
    assert "We already have your reply" in second.get_data(as_text=True)
    assert second.status_code == 200
    assert count_replies(app) == 1


def test_two_tabs_each_entering_the_code_store_one_reply(app: Flask, world: ReplyWorld) -> None:
    # Two browsers (separate sessions) with the same code, both with the form open.
    tabs = [app.test_client(), app.test_client()]
    for tab in tabs:
        assert tab.post("/reply", data={"code": world.codes[0]}).status_code == 302
        assert tab.get("/reply/form").status_code == 200
    form = yes_form(world.jury_id, sittings(app, world.jury_id))
    assert tabs[0].post("/reply/form", data=form).headers["Location"] == "/reply/done"
    late = tabs[1].post("/reply/form", data=form, follow_redirects=True)
    assert "We already have your reply" in late.get_data(as_text=True)
    assert count_replies(app) == 1


def test_entering_the_code_again_never_shows_the_old_answers(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    other = app.test_client()
    page = other.post("/reply", data={"code": world.codes[0]}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "We already have your reply" in text
    assert "ana@example.org" not in text
    assert the_reply(app).reference not in text  # another browser does not see the reference
    form_page = other.post("/reply/replace", follow_redirects=True).get_data(as_text=True)
    assert "Change your reply" in form_page
    assert "ana@example.org" not in form_page and 'value="1980"' not in form_page


def test_a_replacement_before_the_deadline_replaces_the_reply(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    ids = sittings(app, world.jury_id)
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, ids))
    first = the_reply(app)
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/replace")
    response = client.post("/reply/form", data={"answer": "no"})
    assert response.headers["Location"] == "/reply/done"
    replaced = the_reply(app)
    assert (replaced.id, replaced.version, replaced.answer) == (first.id, 2, "no")
    assert replaced.email is None and replaced.reference == first.reference


def test_right_after_a_reply_a_change_needs_the_code_again(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    page = client.get("/reply/already").get_data(as_text=True)
    assert "type your code again" in page
    assert client.post("/reply/replace").headers["Location"] == "/reply"
    assert client.get("/reply/form").headers["Location"] == "/reply/already"
    assert the_reply(app).version == 1


@pytest.mark.parametrize("days", [-1, -30])
def test_no_replacement_after_the_deadline(
    app: Flask, client: FlaskClient, world: ReplyWorld, days: int
) -> None:
    client.post("/reply", data={"code": world.codes[0]})
    client.post(
        "/reply/form",
        data={"answer": "yes"} | yes_form(world.jury_id, sittings(app, world.jury_id)),
    )
    with app.app_context():
        db.session.get_one(Jury, world.jury_id).reply_deadline = date.today() + timedelta(days)
        db.session.commit()
    client.post("/reply", data={"code": world.codes[0]})
    page = client.get("/reply/already").get_data(as_text=True)
    assert "The time to change your reply has ended" in page
    assert "/reply/replace" not in page
    # Forcing the way in still changes nothing.
    client.post("/reply/replace")
    response = client.post("/reply/form", data={"answer": "no"})
    assert "The time to reply has ended" in response.get_data(as_text=True)
    assert the_reply(app).answer == "yes" and the_reply(app).version == 1


def test_no_new_online_reply_after_the_deadline(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        world = make_world(n=1, deadline=date.today() - timedelta(days=1))
    client.post("/reply", data={"code": world.codes[0]})
    page = client.get("/reply/form").get_data(as_text=True)
    assert "The time to reply has ended" in page
    assert client.post("/reply/form", data={"answer": "no"}).status_code == 200
    assert count_replies(app) == 0


def test_the_deadline_day_itself_is_open(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        world = make_world(n=1, deadline=date.today() + timedelta(days=1))
    client.post("/reply", data={"code": world.codes[0]})
    assert client.post("/reply/form", data={"answer": "no"}).status_code == 302


@pytest.mark.parametrize("skip_check", [False, True], ids=["as-is", "insert-decides"])
def test_racing_requests_store_one_reply(
    any_db_app: Flask, monkeypatch: pytest.MonkeyPatch, skip_check: bool
) -> None:
    """Eight threads submit for the same invitation at once, on SQLite and on PostgreSQL:
    exactly one succeeds, every other one is told the reply exists; nothing else goes wrong.
    With ``skip_check`` the look-up before the insert finds nothing, as when all requests
    pass it at the same moment: the UNIQUE constraint alone must decide."""
    app = any_db_app
    if skip_check:
        real = services.existing_reply
        seen: set[int] = set()

        def first_time_nothing(invitation: Invitation) -> Reply | None:
            if threading.get_ident() not in seen:
                seen.add(threading.get_ident())
                return None
            return real(invitation)

        monkeypatch.setattr(services, "existing_reply", first_time_nothing)
    with app.app_context():
        world = make_world(n=1)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def one() -> None:
        with app.app_context():
            invitation = db.session.get_one(Invitation, world.invitation_ids[0])
            barrier.wait()
            try:
                submit_reply(
                    invitation,
                    ReplyData(answer=Answer.NO, language="en"),
                    channel=Channel.ONLINE,
                    today=date.today(),
                )
                db.session.commit()
                outcomes.append("stored")
            except AlreadyReplied:
                db.session.rollback()
                outcomes.append("already")
            except Exception as exc:  # any other failure is what this test looks for
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already"] * 7 + ["stored"]
    assert count_replies(app) == 1
