"""Paper and phone replies keyed in by staff; the rate limit on code entry; the e-mail."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.replies_data import ReplyWorld, make_user, make_world, yes_form
from tests.webapp.staff_data import log_in_as
from webapp import tasks
from webapp.extensions import db
from webapp.models import Jury, Reply, Role


def sittings(app: Flask, jury_id: int) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, jury_id).sittings]


@pytest.fixture
def world(app: Flask) -> ReplyWorld:
    with app.app_context():
        return make_world(n=3)


def test_an_organiser_of_the_jury_keys_in_a_paper_reply(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        user_id = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    assert client.get(f"{base}/new").status_code == 200
    step = client.post(f"{base}/new", data={"code": world.codes[0], "channel": "phone"})
    assert step.headers["Location"] == f"{base}/form"
    done = client.post(f"{base}/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    assert done.headers["Location"] == f"{base}/new"
    with app.app_context():
        reply = db.session.scalars(sa.select(Reply)).one()
        assert (reply.channel, reply.entered_by_id, reply.answer) == ("phone", user_id, "yes")
    assert reply.reference in client.get(f"{base}/new").get_data(as_text=True)


def test_staff_forms_validate_like_the_resident_form(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        user_id = make_user("admin@example.org", Role.ADMINISTRATOR)
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    bad_code = client.post(f"{base}/new", data={"code": "0000-0000-0000-0", "channel": "paper"})
    assert "we do not know this code" in bad_code.get_data(as_text=True)
    bad_channel = client.post(f"{base}/new", data={"code": world.codes[0], "channel": "fax"})
    assert "How did the reply come: please choose" in bad_channel.get_data(as_text=True)
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "paper"})
    form = yes_form(world.jury_id, sittings(app, world.jury_id), consent=None)
    page = client.post(f"{base}/form", data=form).get_data(as_text=True)
    # The same check, worded for staff: the resident is not "you".
    assert "Agreement: tick the box if the resident agrees" in page
    assert "Does the resident want to take part" in page and "About you" not in page
    assert "Please check the answers" in page and "Please check your answers" not in page


def test_a_code_of_another_jury_is_refused(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        other = make_world(n=1, slug="other-jury")
        user_id = make_user("admin@example.org", Role.ADMINISTRATOR)
    log_in_as(client, user_id)
    page = client.post(
        f"/staff/juries/{world.jury_id}/replies/new",
        data={"code": other.codes[0], "channel": "paper"},
    ).get_data(as_text=True)
    assert "this code is for another jury" in page


def test_staff_may_enter_a_late_paper_reply_but_residents_may_not(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        world = make_world(n=1, deadline=date.today() - timedelta(days=3))
        user_id = make_user("admin@example.org", Role.ADMINISTRATOR)
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "paper"})
    assert client.post(f"{base}/form", data={"answer": "no"}).status_code == 302


@pytest.mark.parametrize(
    ("role", "member", "status"),
    [
        (Role.ORGANISER, False, 403),
        (Role.FACILITATOR, True, 403),
        (Role.ORGANISER, True, 200),
        (Role.ADMINISTRATOR, False, 200),
    ],
)
def test_who_may_key_in_replies(
    app: Flask,
    client: FlaskClient,
    world: ReplyWorld,
    role: Role,
    member: bool,
    status: int,
) -> None:
    with app.app_context():
        user_id = make_user("x@example.org", role, jury_id=world.jury_id if member else None)
    log_in_as(client, user_id)
    assert client.get(f"/staff/juries/{world.jury_id}/replies/new").status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client: FlaskClient, world: ReplyWorld) -> None:
    response = client.get(f"/staff/juries/{world.jury_id}/replies/new")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_code_entry_is_rate_limited(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'rl.sqlite'}",
        RATELIMIT_ENABLED=True,
        CODE_ENTRY_RATE_LIMIT="3 per minute",
    )
    client = app.test_client()
    statuses = [client.post("/reply", data={"code": "ABC"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = client.post("/reply", data={"code": "ABC"}).get_data(as_text=True)
    assert "you tried too many times" in page
    assert client.get("/reply").status_code == 200  # reading the page is not limited
    with app.app_context():
        db.engine.dispose()


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message and keep it on the server object."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line.strip().upper()
            if verb.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                lines = []
                while (body := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(body)
                self.server.messages.append(b"".join(lines).decode())  # type: ignore[attr-defined]
                self.wfile.write(b"250 stored\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_confirmation_mail_goes_out_from_the_worker_not_the_request(
    tmp_path: Path, smtp_sink: socketserver.ThreadingTCPServer
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'mail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    with app.app_context():
        world = make_world(n=1)
    client = app.test_client()
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    page = client.get("/reply/done").get_data(as_text=True)
    assert "We are also sending you an e-mail" in page
    assert smtp_sink.messages == []  # type: ignore[attr-defined]
    with app.app_context():
        assert tasks.queue().pending_count() == 1
        assert tasks.run_pending() == 1
        reference = db.session.scalars(sa.select(Reply.reference)).one()
        db.engine.dispose()
    [message] = smtp_sink.messages  # type: ignore[attr-defined]
    assert "To: ana@example.org" in message
    assert reference in message
    assert world.codes[0] not in message and world.codes[0].replace("-", "") not in message


def test_the_confirmation_mail_is_in_the_language_of_the_reply(
    tmp_path: Path, smtp_sink: socketserver.ThreadingTCPServer
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'mail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    with app.app_context():
        world = make_world(n=1)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    with app.app_context():
        assert db.session.scalars(sa.select(Reply.language)).one() == "nl"
        tasks.run_pending()
        db.engine.dispose()
    [message] = smtp_sink.messages  # type: ignore[attr-defined]
    assert "Subject: Uw antwoord aan de burgerjury" in message


def test_a_mail_failure_does_not_lose_the_reply(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'nomail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=9,
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    with app.app_context():
        world = make_world(n=1)
    client = app.test_client()
    client.post("/reply", data={"code": world.codes[0]})
    response = client.post(
        "/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id))
    )
    assert response.headers["Location"] == "/reply/done"
    assert client.get("/reply/done").status_code == 200
    with app.app_context():
        [queued] = [tasks.queue().dequeue()]
        assert tasks.queue().execute(queued) is False
        assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 1
        db.engine.dispose()


def test_no_mail_is_queued_without_smtp(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'nosmtp.sqlite'}",
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    with app.app_context():
        world = make_world(n=1)
    client = app.test_client()
    client.post("/reply", data={"code": world.codes[0]})
    client.post("/reply/form", data=yes_form(world.jury_id, sittings(app, world.jury_id)))
    assert "e-mail with this number" not in client.get("/reply/done").get_data(as_text=True)
    with app.app_context():
        assert tasks.queue().pending_count() == 0
        db.engine.dispose()


def test_staff_may_replace_a_reply_before_the_deadline(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        user_id = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    resident = app.test_client()
    resident.post("/reply", data={"code": world.codes[0]})
    resident.post("/reply/form", data={"answer": "no"})
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    step = client.post(f"{base}/new", data={"code": world.codes[0], "channel": "paper"})
    assert client.get(step.headers["Location"]).headers["Location"] == f"{base}/already"
    page = client.get(f"{base}/already").get_data(as_text=True)
    assert "We already have your reply" in page and f"{base}/replace" in page
    assert client.post(f"{base}/replace").headers["Location"] == f"{base}/form"
    form = yes_form(world.jury_id, sittings(app, world.jury_id))
    assert client.post(f"{base}/form", data=form).headers["Location"] == f"{base}/new"
    with app.app_context():
        reply = db.session.scalars(sa.select(Reply)).one()
        assert (reply.answer, reply.channel, reply.version) == ("yes", "paper", 2)
        assert reply.entered_by_id == user_id
