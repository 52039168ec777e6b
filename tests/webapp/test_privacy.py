"""Retention and erasure: after erasure no trace of a resident is left in the database dump or
in the logs, and the aggregates stay."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.extensions import db
from webapp.models import Invitation, Jury, PhaseKind, Reply
from webapp.privacy import erase_expired, erase_person, expiry_date


def past_retention(jury: Jury) -> None:
    """Move the jury's report phase back so that its retention period ended two days ago (the
    caller commits)."""
    report = next(p for p in jury.phases if p.kind == PhaseKind.REPORT)
    report.starts_on = date.today() - timedelta(days=jury.retention_days + 30)
    report.ends_on = date.today() - timedelta(days=jury.retention_days + 2)


def dump(app: Flask) -> str:
    """The whole database as SQL text, as a backup would hold it."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        with app.app_context():
            db.engine.dispose()
        connection = sqlite3.connect(str(url.database))
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", libpq], capture_output=True, text=True, check=True)
    return done.stdout


def traces(reply: Reply) -> list[str]:
    """What would identify or contact this resident."""
    found = [reply.first_name, reply.last_name, reply.email, reply.phone]
    found.append((reply.invitation.address or {}).get("addressee"))
    found += (reply.invitation.address or {}).get("lines", [])
    # A house number alone ("14") is no trace: it stands anywhere in a dump.
    return [t for t in found if t and len(t) >= 5]


def _volunteer(jury: Jury) -> Reply:
    """A volunteer of the demo, given a name and a phone number that appear nowhere else."""
    reply = db.session.scalars(
        sa.select(Reply)
        .where(Reply.jury_id == jury.id, Reply.email.is_not(None))
        .order_by(Reply.id)
    ).first()
    assert reply is not None
    reply.phone = "+34 600 918 273"
    reply.first_name, reply.last_name = "Zoraida", "Quintanilla Oyarzábal"
    db.session.commit()
    return reply


def _districts(jury: Jury) -> Counter[tuple[str, str | None]]:
    rows = db.session.execute(
        sa.select(Reply.answer, Reply.district).where(Reply.jury_id == jury.id)
    ).all()
    return Counter((str(a), d) for a, d in rows)


def test_expired_jury_leaves_no_trace(any_db_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    runner = any_db_app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with any_db_app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        reply = _volunteer(jury)
        secrets = traces(reply)
        assert len(secrets) >= 6
        before = _districts(jury)
        past_retention(jury)
        db.session.commit()
    assert all(s in dump(any_db_app) for s in secrets)  # the search can find them

    done = runner.invoke(args=["privacy", "erase-expired"])
    assert done.exit_code == 0, done.output
    assert "in 1 juries" in done.output

    text = dump(any_db_app) + "\n".join(r.getMessage() for r in caplog.records)
    assert [s for s in secrets if s in text] == []
    with any_db_app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        assert _districts(jury) == before  # the aggregates stay
        left = db.session.scalar(
            sa.select(sa.func.count()).where(
                sa.or_(
                    Reply.email.is_not(None),
                    Reply.phone.is_not(None),
                    Reply.first_name.is_not(None),
                    Reply.last_name.is_not(None),
                )
            )
        )
        assert left == 0
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Invitation.address.is_not(None)))
            == 0
        )


def test_a_jury_within_its_retention_keeps_its_data(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        expiry = expiry_date(jury)
        assert expiry is not None and expiry >= date.today()
        assert erase_expired(today=date.today()).replies == 0
        jury.phases = [p for p in jury.phases if p.kind != PhaseKind.REPORT]
        db.session.flush()
        assert expiry_date(jury) is None  # no report phase planned: never by itself
        assert erase_expired(today=date.today() + timedelta(days=10_000)).replies == 0


def test_one_person_is_erased_on_request(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        reply = _volunteer(jury)
        # Other residents share the street and maybe the name: e-mail and phone are this one's.
        secrets = [
            s
            for s in (reply.email, reply.phone, reply.first_name, reply.last_name)
            if s is not None
        ]
        assert len(secrets) == 4
        reference, other = reply.reference, reply.id + 1
        other_email = db.session.get_one(Reply, other).email
        other_name = db.session.get_one(Reply, other).full_name
        assert other_email and other_name
    assert runner.invoke(args=["privacy", "erase", "--reference", "NOPE"]).exit_code != 0
    done = runner.invoke(args=["privacy", "erase", "--reference", reference])
    assert done.exit_code == 0, done.output
    text = dump(app)
    assert [s for s in secrets if s in text] == []
    with app.app_context():
        assert db.session.get_one(Reply, other).email == other_email  # nobody else
        assert db.session.get_one(Reply, other).full_name == other_name
        erased = db.session.scalar(sa.select(Reply).filter_by(reference=reference))
        assert erased is not None
        assert (erased.first_name, erased.last_name) == (None, None)
    with app.app_context():
        assert erase_person(reference)  # twice is harmless


def test_dump_finds_what_is_there(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        jury = Jury(slug="x", name="A very particular jury name")
        db.session.add(jury)
        db.session.commit()
    assert "A very particular jury name" in dump(app)


def test_the_worker_erases_once_a_day_and_finds_nothing_twice(app: Flask) -> None:
    from webapp import tasks
    from webapp.privacy.tasks import erase_expired_daily

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        past_retention(jury)
        db.session.commit()

        def due(hour: int, minute: int) -> set[str]:
            at = datetime.combine(date.today(), time(hour, minute))
            return {t.name for t in tasks.queue().read_periodic(at)}

        assert "erase_expired_daily" in due(3, 17)  # once a day, at 03:17
        assert "erase_expired_daily" not in due(3, 18) | due(12, 17)
        erase_expired_daily()
        left = db.session.scalar(sa.select(sa.func.count()).where(Reply.email.is_not(None)))
        assert left == 0
        assert erase_expired(today=date.today()).replies == 0  # nothing left to erase
