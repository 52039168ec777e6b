"""``flask --app webapp demo load``: a usable demo municipality, loaded once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import log_in_with_totp
from webapp.codes import find_invitation
from webapp.demo import DISTRICTS, LETTERS, LOGINS, PASSWORD
from webapp.extensions import db
from webapp.models import Invitation, InvitationStatus, Jury, PhaseKind, Reply, User
from webapp.pool.services import pool, quota_rows


def test_demo_load_fills_an_empty_database_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    for role, email, _name in LOGINS:
        assert re.search(rf"{role.value}\s+{re.escape(email)}", result.output)
    assert PASSWORD in result.output
    codes = re.findall(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.)$", result.output, re.M)
    assert len(codes) == 3
    with app.app_context():
        assert sorted(u.role for u in db.session.scalars(sa.select(User))) == sorted(
            r for r, _e, _n in LOGINS
        )
        (jury,) = db.session.scalars(sa.select(Jury)).all()

        assert jury.current_phase(date.today()).kind == PhaseKind.REPLIES
        assert len(jury.sittings) == 3
        invitations = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
        assert invitations == LETTERS
        replies = db.session.scalars(sa.select(Reply)).all()
        assert 200 <= len(replies) <= 600
        answers = Counter(r.answer for r in replies)
        channels = Counter(r.channel for r in replies)
        assert answers["no"] > 20 and answers["yes"] > 150
        assert channels["paper"] > 10 and channels["phone"] > 5
        assert {r.district for r in replies} == set(DISTRICTS)
        assert len({r.gender for r in replies if r.answer == "yes"}) >= 3
        # The fourth category: every volunteer answered it, and the pool uses it.
        people, left_out = pool(jury)
        assert left_out == 0 and len(people) == answers["yes"]
        assert {p.features["education"] for p in people} == {"low", "middle", "high"}
        assert [r.category for r in quota_rows(jury)].count("education") == 3
        replied = db.session.scalar(
            sa.select(sa.func.count()).where(Invitation.status == InvitationStatus.REPLIED)
        )
        assert replied == len(replies)
        with app.test_request_context():
            for code in codes:  # the printed codes open unanswered letters
                invitation = find_invitation(code)
                assert invitation.status == InvitationStatus.SENT
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not empty" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def test_demo_logins_work(app: Flask) -> None:
    app.test_cli_runner().invoke(args=["demo", "load"])
    client = app.test_client()
    email = LOGINS[1][1]
    assert log_in_with_totp(client, email, PASSWORD)  # organisers enrol a second factor
    page = client.get("/staff/").data.decode()
    assert "Observatorio de la Ciudad (demo)" in page
    jury_id = re.search(r"/staff/juries/(\d+)", page).group(1)
    pool = client.get(f"/staff/juries/{jury_id}/pool").data.decode()
    assert "volunteers can be drawn" in pool
