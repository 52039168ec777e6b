"""Races (issue 10, part 4) for the other one-per-person actions: a resident (or staff on
the phone) replacing a reply from 32 tabs at once, and a selected member confirming (or
declining) their seat 32 times at once, repeated 20 times, through the web app, on SQLite and
on PostgreSQL. Every request gets an ordinary answer, one row stays, nothing is half-written."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.races import PARALLEL, ROUNDS, at_once, clones, posting, race_app
from tests.webapp.replies_data import make_user, make_world, yes_form
from tests.webapp.selection_data import build_selection_world, select_and_draw
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.members.public import SESSION_KEY as MEMBER_KEY
from webapp.models import Jury, Member, MemberStatus, Reply, Role


def _resident_replacing(
    app: Flask, jury_id: int, code: str, form: dict[str, Any]
) -> tuple[FlaskClient, str, str]:
    first = app.test_client()
    first.post("/reply", data={"code": code})
    assert first.post("/reply/form", data=form).location == "/reply/done"
    browser = app.test_client()  # the code typed again, then "change my reply"
    browser.post("/reply", data={"code": code})
    assert browser.get("/reply/form").location == "/reply/already"
    assert browser.post("/reply/replace").location == "/reply/form"
    return browser, "/reply/form", "/reply/done"


def _staff_replacing(
    app: Flask, jury_id: int, code: str, form: dict[str, Any]
) -> tuple[FlaskClient, str, str]:
    base = f"/staff/juries/{jury_id}/replies"
    browser = app.test_client()
    log_in_as(browser, app.config["RACE_ADMIN"])
    browser.post(f"{base}/new", data={"code": code, "channel": "phone"})
    assert browser.post(f"{base}/form", data=form).location == f"{base}/new"
    browser.post(f"{base}/new", data={"code": code, "channel": "phone"})
    assert browser.get(f"{base}/form").location == f"{base}/already"
    assert browser.post(f"{base}/replace").location == f"{base}/form"
    return browser, f"{base}/form", f"{base}/new"


@pytest.mark.parametrize("flow", [_resident_replacing, _staff_replacing], ids=["resident", "staff"])
def test_parallel_replacements_of_one_reply_leave_one_whole_reply(
    any_db_app: Flask, flow: Any
) -> None:
    app = race_app(any_db_app)
    with app.app_context():
        world = make_world(n=ROUNDS)
        sittings = [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]
        app.config["RACE_ADMIN"] = make_user("racer@example.org", Role.ADMINISTRATOR)
    outcomes: Counter[str] = Counter()
    for round_no in range(ROUNDS):
        code = world.codes[round_no]
        browser, url, success = flow(app, world.jury_id, code, yes_form(world.jury_id, sittings))
        # Each tab sends a different reply: yes or no, its own e-mail address and district.
        forms = [
            yes_form(world.jury_id, sittings, email=f"tab{i}@example.org", district="Norte")
            if i % 2
            else yes_form(world.jury_id, sittings, answer="no", email=f"tab{i}@example.org")
            for i in range(PARALLEL)
        ]
        calls = [posting(c, url, f) for c, f in zip(clones(app, [browser]), forms, strict=True)]
        answers = at_once(calls, failed=repr)
        outcomes.update(answers)
        assert answers == [f"302 {success}"] * PARALLEL, Counter(answers)
    with app.app_context():
        rows = db.session.scalars(sa.select(Reply).order_by(Reply.id)).all()
        assert len(rows) == ROUNDS  # one reply per invitation, each replaced 32 times
        assert {r.version for r in rows} == {1 + PARALLEL}  # every replacement counted
        for reply in rows:
            # Whole: the fields of one tab's form, never a mix of two (a "no" keeps no
            # contact details).
            if reply.answer == "yes":
                tab = int((reply.email or "").removeprefix("tab").removesuffix("@example.org"))
                assert tab % 2 == 1 and reply.district == "Norte"
            else:
                assert reply.email is None and reply.district != "Norte"
        db.session.remove()
        db.engine.dispose()
    assert sum(outcomes.values()) == PARALLEL * ROUNDS


def test_parallel_answers_of_one_member_change_the_seat_once(any_db_app: Flask) -> None:
    app = race_app(any_db_app)
    world = build_selection_world(app, volunteers=40, panel_size=ROUNDS)
    organiser = app.test_client()
    log_in_as(organiser, world.organiser)
    select_and_draw(app, organiser, world.jury_id)
    with app.app_context():
        seated = {
            m.reply.reference: m.id
            for m in db.session.scalars(sa.select(Member).where(Member.alternate_rank.is_(None)))
        }
    assert len(seated) == ROUNDS
    changed_total = 0
    for reference, member_id in seated.items():
        code = world.codes[reference]
        clients = [app.test_client() for _ in range(PARALLEL)]
        forms = [
            {"code": code, "answer": "confirm" if i % 2 else "decline"} for i in range(PARALLEL)
        ]
        calls = [posting(c, "/confirm", f) for c, f in zip(clients, forms, strict=True)]
        answers = at_once(calls, failed=repr)
        assert answers == ["302 /confirm/done"] * PARALLEL, Counter(answers)
        changed = []
        for client, form in zip(clients, forms, strict=True):
            with client.session_transaction() as state:
                if state[MEMBER_KEY]["changed"]:
                    changed.append(form["answer"])
        assert len(changed) == 1, changed  # one request changed the seat, 31 were told
        with app.app_context():
            member = db.session.get_one(Member, member_id)
            wanted = MemberStatus.CONFIRMED if changed[0] == "confirm" else MemberStatus.DECLINED
            assert member.status == wanted and member.answered_via == "code"
        changed_total += 1
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    assert changed_total == ROUNDS
