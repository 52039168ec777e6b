"""Reminder e-mails before a sitting: to confirmed members with an address, in their
language, once per member and sitting (the daily run, a second run and staff's "send now"
together send each one once), within the jury's window, and none when switched off."""

from __future__ import annotations

import email
import email.policy
import socketserver
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tests.conftest import make_app
from tests.webapp.sittings_data import build_sitting_world
from tests.webapp.staff_data import log_in_as
from tests.webapp.test_replies_staff import smtp_sink  # noqa: F401  (a fixture)
from webapp.extensions import db
from webapp.models import Jury, Member, MemberStatus, Sitting, SittingReminder
from webapp.sittings import reminders


def _mail_app(tmp_path: Path, sink: socketserver.ThreadingTCPServer) -> Flask:
    return make_app(
        f"sqlite:///{tmp_path / 'reminders.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=sink.server_address[1],
    )


def _parsed(raw: str) -> EmailMessage:
    parsed = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _move(app: Flask, sitting_id: int, starts_at: datetime) -> None:
    with app.app_context():
        sitting = db.session.get_one(Sitting, sitting_id)
        sitting.starts_at, sitting.ends_at = starts_at, starts_at + timedelta(hours=7)
        db.session.commit()


def test_reminders_go_out_once_in_the_members_language(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = _mail_app(tmp_path, smtp_sink)
    world = build_sitting_world(app)
    messages = smtp_sink.messages  # type: ignore[attr-defined]
    with app.app_context():
        now = reminders.local_now()
    # Four days ahead: outside the default window of three days.
    _move(app, world.staff.sitting, (now + timedelta(days=4)).replace(hour=10, minute=0))
    with app.app_context():
        assert reminders.send_due_reminders() == 0
    _move(app, world.staff.sitting, (now + timedelta(days=2)).replace(hour=10, minute=0))
    with app.app_context():
        assert reminders.send_due_reminders() == 2
        assert reminders.send_due_reminders() == 0  # the second run sends nothing
    # The two confirmed members with an address; not the selected, declined or alternate.
    assert len(messages) == 2
    mails = {m["To"]: m for m in map(_parsed, messages)}
    dutch, spanish = mails["anna@example.org"], mails["bea@example.org"]
    assert dutch["Subject"] == "Herinnering: Parks jury komt binnenkort bijeen"
    body = dutch.get_content()
    assert "De burgerjury Parks jury komt bijeen op " in body
    assert "City hall" in body and "http://127.0.0.1:5000/my-sittings" in body
    assert spanish["Subject"] == "Recordatorio: Parks jury se reúne pronto"
    assert "Si no puede venir" in spanish.get_content()
    # Staff's "send now" sends only to whom has not had it: a member confirmed since.
    with app.app_context():
        db.session.get_one(Member, world.member_ids[3]).status = MemberStatus.CONFIRMED
        db.session.commit()
    client = app.test_client()
    log_in_as(client, world.staff.organiser)
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/reminders"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert len(messages) == 3 and _parsed(messages[2])["To"] == "carl@example.org"
    page = client.get(f"/staff/sittings/{world.staff.sitting}").data.decode()
    assert "3 members have had the reminder for this sitting." in page
    with app.app_context():
        assert len(db.session.scalars(sa.select(SittingReminder)).all()) == 3
        db.engine.dispose()


def test_no_reminders_when_switched_off_past_or_without_mail(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = _mail_app(tmp_path, smtp_sink)
    world = build_sitting_world(app)
    with app.app_context():
        now = reminders.local_now()
    _move(app, world.staff.sitting, now + timedelta(days=1))
    client = app.test_client()
    log_in_as(client, world.staff.organiser)
    settings = f"/staff/juries/{world.staff.jury}/calendar/reminders"
    bad = client.post(settings, data={"reminder_days": "-1"})
    assert bad.status_code == 400 and "Number must be between 0 and 60." in bad.data.decode()
    assert client.post(settings, data={"reminder_days": "0"}).status_code == 302
    with app.app_context():
        assert db.session.get_one(Jury, world.staff.jury).reminder_days == 0
        assert reminders.send_due_reminders() == 0
    # A sitting that has begun gets none, even by the button.
    _move(app, world.staff.sitting, now - timedelta(hours=1))
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/reminders"
    page = client.get(client.post(url).location).data.decode()
    assert "This sitting has begun" in page
    assert smtp_sink.messages == []  # type: ignore[attr-defined]
    with app.app_context():
        db.engine.dispose()
    # Without a mail server the button says so, and nothing is recorded.
    plain = make_app(f"sqlite:///{tmp_path / 'plain.sqlite'}")
    world = build_sitting_world(plain)
    _move(plain, world.staff.sitting, now + timedelta(days=1))
    client = plain.test_client()
    log_in_as(client, world.staff.organiser)
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/reminders"
    page = client.get(client.post(url).location).data.decode()
    assert "No e-mail server is configured" in page
    with plain.app_context():
        assert reminders.send_due_reminders() == 0
        assert db.session.scalars(sa.select(SittingReminder)).all() == []
        db.engine.dispose()


def test_the_worker_runs_the_reminders_daily(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'queue.sqlite'}",
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    huey = app.extensions["huey"]
    [task] = [t for t in huey._registry.periodic_tasks if t.name == "send_due_reminders"]
    # Once a day, at 03:17 local time (webapp.tasks.DAILY).
    assert task.validate_datetime(datetime(2027, 1, 2, 3, 17))
    assert not task.validate_datetime(datetime(2027, 1, 2, 3, 18))
    assert not task.validate_datetime(datetime(2027, 1, 2, 10, 17))
    with app.app_context():
        db.engine.dispose()
