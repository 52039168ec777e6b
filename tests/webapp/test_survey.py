"""The members' survey after each sitting (issue 14, part 5): members answer with their code,
once per sitting (also under parallel submits, on SQLite and PostgreSQL); who answered is kept
apart from what; staff see the results per sitting from three answers on; the invitation
e-mail goes out once, in the member's language."""

from __future__ import annotations

import re
import socketserver
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.races import PARALLEL, ROUNDS, at_once, posting, race_app
from tests.webapp.replies_data import make_jury, make_user
from tests.webapp.selection_data import build_selection_world
from tests.webapp.staff_data import log_in_as
from tests.webapp.test_replies_staff import smtp_sink  # noqa: F401  (a fixture)
from webapp.auth.services import assign_sitting
from webapp.extensions import db
from webapp.models import Attendance, Member, MemberStatus, Reply, Role, Sitting, User
from webapp.models.survey import SurveyAnswer, SurveyInvitation, SurveyTaker
from webapp.survey import services

ANSWERS = {"spoke": "5", "understood": "4", "fair": "5", "listened": "3", "overall": "4"}


def _world(app: Flask, volunteers: int = 6) -> dict[str, Any]:
    """All but the last two volunteers are confirmed members (R-000..R-003 by default), then
    an alternate and one who declined; a sitting that ended yesterday and one next month."""
    world = build_selection_world(app, volunteers=volunteers)
    statuses = [MemberStatus.CONFIRMED] * (volunteers - 2) + [
        MemberStatus.ALTERNATE,
        MemberStatus.DECLINED,
    ]
    with app.app_context():
        replies = db.session.scalars(
            sa.select(Reply).where(Reply.jury_id == world.jury_id).order_by(Reply.id)
        ).all()
        members = []
        for n, (reply, status) in enumerate(zip(replies, statuses, strict=False)):
            member = Member(
                jury_id=world.jury_id,
                reply_id=reply.id,
                status=status,
                alternate_rank=1 if status == MemberStatus.ALTERNATE else None,
            )
            db.session.add(member)
            members.append((reply.reference, member))
            assert n < len(statuses)
        now = services.local_now()  # naive, in the municipality's zone, as sittings are
        past = Sitting(
            jury_id=world.jury_id,
            starts_at=now - timedelta(days=1, hours=8),
            ends_at=now - timedelta(days=1, hours=1),
            place="Town hall",
        )
        future = Sitting(
            jury_id=world.jury_id,
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=7),
            place="Town hall",
        )
        db.session.add_all([past, future])
        db.session.commit()
        return {
            "jury": world.jury_id,
            "organiser": world.organiser,
            "codes": list(world.codes.values()),
            "members": [m.id for _ref, m in members],
            "past": past.id,
            "future": future.id,
        }


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    return _world(app)


def _ticket(client: FlaskClient, code: str) -> str:
    page = client.post("/survey", data={"code": code}).get_data(as_text=True)
    found = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="ticket" name="ticket" type="hidden" value="([^"]+)"', page
    )
    assert found, page
    return found.group(1)


def test_a_member_answers_once_and_the_answer_holds_no_trace_of_them(
    app: Flask, world: dict[str, Any]
) -> None:
    client = app.test_client()
    assert "How was the sitting?" in client.get("/survey").get_data(as_text=True)
    ticket = _ticket(client, world["codes"][0].lower())
    sent = client.post(
        "/survey/answer", data={"ticket": ticket, **ANSWERS, "comment": "More breaks, please."}
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/survey/thanks")
    again = client.post("/survey", data={"code": world["codes"][0]}).get_data(as_text=True)
    assert "No survey is open for you" in again  # the only sitting that ended is answered
    replay = client.post("/survey/answer", data={"ticket": ticket, **ANSWERS})
    assert "You have answered already" in replay.get_data(as_text=True)
    with app.app_context():
        takers = db.session.execute(sa.select(SurveyTaker.sitting_id, SurveyTaker.member_id))
        assert takers.all() == [(world["past"], world["members"][0])]
        (answer,) = db.session.scalars(sa.select(SurveyAnswer)).all()
        assert (answer.spoke, answer.listened, answer.comment) == (5, 3, "More breaks, please.")
        # What was answered names no member and no time, and its key does not count up.
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("survey_answers")}
        assert columns == {
            "id",
            "sitting_id",
            "spoke",
            "understood",
            "fair",
            "listened",
            "overall",
            "comment",
        }
        assert re.fullmatch(r"[0-9a-f]{32}", answer.id)


def test_questions_may_be_skipped_but_not_forged(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    ticket = _ticket(client, world["codes"][1])
    bad = client.post("/survey/answer", data={"ticket": ticket, "spoke": "9"})
    assert bad.status_code == 400
    assert "Not a valid choice" in bad.get_data(as_text=True)
    # The signature's last base64 character carries two unused bits, so a change there can keep
    # the signature valid; the fifth character from the end is made only of signature bits.
    other = "A" if ticket[-5] != "A" else "B"
    forged = client.post(
        "/survey/answer", data={"ticket": ticket[:-5] + other + ticket[-4:], **ANSWERS}
    )
    assert forged.status_code == 400
    assert "Please type your code again" in forged.get_data(as_text=True)
    long = client.post("/survey/answer", data={"ticket": ticket, "comment": "x" * 2001})
    assert "At most 2,000 characters." in long.get_data(as_text=True)
    skipped = client.post("/survey/answer", data={"ticket": ticket, "overall": "2"})
    assert skipped.status_code == 302
    with app.app_context():
        answer = db.session.scalars(sa.select(SurveyAnswer)).one()
        assert (answer.spoke, answer.overall, answer.comment) == (None, 2, "")


def test_only_members_who_took_part_can_answer(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    alternate = client.post("/survey", data={"code": world["codes"][4]})
    assert alternate.status_code == 400
    assert "this code belongs to nobody on the jury" in alternate.get_data(as_text=True)
    declined = client.post("/survey", data={"code": world["codes"][5]}).get_data(as_text=True)
    assert "No survey is open for you" in declined
    typo = client.post("/survey", data={"code": "ABCD-EFGH-JKMN-P"})
    assert typo.status_code == 400
    with app.app_context():  # the sitting kept an attendance list: member 0 came, 1 did not
        sitting = db.session.get_one(Sitting, world["past"])
        db.session.add(
            Attendance(
                sitting_id=sitting.id, member_id=world["members"][0], arrived_at=sitting.starts_at
            )
        )
        db.session.commit()
    absent = client.post("/survey", data={"code": world["codes"][1]}).get_data(as_text=True)
    assert "No survey is open for you" in absent
    assert _ticket(client, world["codes"][0])


def test_staff_see_results_from_three_answers_on(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    for n, comment in enumerate(["<script>alert(1)</script>", "Good coffee.", ""]):
        ticket = _ticket(client, world["codes"][n])
        data = {**ANSWERS, "overall": str(3 + min(n, 1)), "comment": comment}
        assert client.post("/survey/answer", data={"ticket": ticket, **data}).status_code == 302
        staff = app.test_client()
        log_in_as(staff, world["organiser"])
        page = staff.get(f"/staff/sittings/{world['past']}/survey").get_data(as_text=True)
        assert f"{n + 1} of 4 members answered" in page
        if n < 2:
            assert "The results are shown from 3 answers on" in page and "Good coffee" not in page
    assert "Good coffee." in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert re.search(r"Overall, I am satisfied with this sitting.</th>\s*<td[^>]*>3.7<", page)


def test_another_jury_or_sitting_cannot_see_the_results(app: Flask, world: dict[str, Any]) -> None:
    with app.app_context():
        other = make_jury(slug="other-jury").id
        outsider = make_user("outsider@example.org", Role.ORGANISER, jury_id=other)
        facilitator = make_user("facilitator@example.org", Role.FACILITATOR)
        assign_sitting(user=db.session.get_one(User, facilitator), sitting_id=world["future"])
        db.session.commit()
    client = app.test_client()
    url = f"/staff/sittings/{world['past']}/survey"
    log_in_as(client, outsider)
    assert client.get(url).status_code == 403
    log_in_as(client, facilitator)  # a facilitator of the jury's other sitting
    assert client.get(url).status_code == 403
    assert client.get(f"/staff/sittings/{world['future']}/survey").status_code == 200


def test_parallel_submits_store_one_answer(any_db_app: Flask) -> None:
    """32 parallel submits of one member's answers, 20 rounds (20 members), as issue 10 asks."""
    app = race_app(any_db_app)
    world = _world(app, volunteers=ROUNDS + 2)
    outcomes: Counter[str] = Counter()
    for n in range(ROUNDS):
        ticket = _ticket(app.test_client(), world["codes"][n])
        data = {"ticket": ticket, **ANSWERS}
        calls = [posting(app.test_client(), "/survey/answer", data) for _ in range(PARALLEL)]
        out = at_once(calls, failed=repr)
        outcomes.update(out)
        assert out.count("302 /survey/thanks") == 1, Counter(out)
        assert out.count("200 None") == PARALLEL - 1, Counter(out)  # "answered already"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyTaker)) == ROUNDS
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == ROUNDS
        db.session.remove()
        db.engine.dispose()


def test_members_are_invited_once_in_their_language(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'mail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
    )
    world = _world(app)
    with app.app_context():
        assert services.invite_to_surveys() == 4  # the four confirmed members
        assert services.invite_to_surveys() == 0
        invited = db.session.scalars(sa.select(SurveyInvitation.member_id)).all()
        assert sorted(invited) == sorted(world["members"][:4])
        db.engine.dispose()
    messages = smtp_sink.messages  # type: ignore[attr-defined]
    assert len(messages) == 4
    dutch = next(m for m in messages if "To: v0@example.org" in m)  # reply 0 is in Dutch
    assert "Subject: Hoe was de bijeenkomst van City Jury?" in dutch
    assert all("/survey" in m for m in messages)
    assert all(code not in "".join(messages) for code in world["codes"])
