"""Where a jury stands, for its staff: the dashboard's figures, the replies list and its
search, the confirmation before a sitting goes, the form worded for staff."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.replies_data import make_jury, make_user, make_world
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import InvitationBatch, Jury, PopulationTarget, Reply, Role, Sitting
from webapp.progress import services
from webapp.replies.search import PER_PAGE, reference_prefix

ZONE = ZoneInfo("Europe/Amsterdam")


def _reply(jury_id: int, invitation_id: int, ref: str, **fields: object) -> Reply:
    values: dict[str, object] = {"channel": "online", "answer": "yes", "consent": True}
    values.update(fields)
    reply = Reply(invitation_id=invitation_id, jury_id=jury_id, reference=ref, **values)
    db.session.add(reply)
    return reply


def test_the_dashboard_counts_letters_replies_days_and_quotas(app: Flask) -> None:
    now = datetime(2026, 3, 10, 22, 30)  # UTC: 23:30 in Amsterdam, still 10 March there
    with app.app_context():
        world = make_world(n=6)
        jury = db.session.get_one(Jury, world.jury_id)
        batch = db.session.scalars(sa.select(InvitationBatch)).one()
        batch.letters_sent_at = datetime(2026, 3, 1, 9)
        jury.quota_tolerance = 0  # 50% of 12 seats is exactly 6
        db.session.add(
            PopulationTarget(jury_id=jury.id, category="district", value="Sur", percent=50)
        )
        db.session.add(
            PopulationTarget(jury_id=jury.id, category="district", value="Norte", percent=50)
        )
        plan = [
            ("phone", "yes", "Sur", now - timedelta(days=2)),
            ("online", "yes", "Sur", now - timedelta(days=2)),
            ("paper", "no", None, now),
            ("online", "yes", "Sur", now + timedelta(hours=1)),  # 00:30 on 11 March locally
        ]
        for i, (channel, answer, district, stamp) in enumerate(plan):
            _reply(
                jury.id,
                world.invitation_ids[i],
                f"REF{i}",
                channel=channel,
                answer=answer,
                district=district,
                birth_year=1980 if answer == "yes" else None,
                gender="female" if answer == "yes" else None,
                created_at=stamp,
            )
        db.session.commit()
        p = services.progress(jury, today=date(2026, 3, 11), zone=ZONE)
        assert (p.letters.drawn, p.letters.sent, p.letters.first_sent) == (6, 6, date(2026, 3, 1))
        assert (p.replies.total, p.replies.volunteers, p.replies.declined) == (4, 3, 1)
        assert p.replies.by_channel == {"online": 2, "paper": 1, "phone": 1}
        assert p.reply_rate == pytest.approx(100 * 4 / 6)
        assert [(d.day.day, d.replies) for d in p.days] == [(8, 2), (9, 0), (10, 1), (11, 1)]
        assert p.seats == 12 and p.pool == 3
        quotas = {q.value: (q.volunteers, q.min, q.max, q.short) for q in p.quotas}
        assert quotas == {"Norte": (0, 6, 6, True), "Sur": (3, 6, 6, True)}


def test_the_dashboard_and_the_jury_list_render(app: Flask) -> None:
    with app.app_context():
        world = make_world(n=2)
        _reply(world.jury_id, world.invitation_ids[0], "AAAA-BBBB")
        db.session.commit()
        admin = make_user("admin@example.org", Role.ADMINISTRATOR)
    client = app.test_client()
    log_in_as(client, admin)
    page = client.get(f"/staff/juries/{world.jury_id}/dashboard").get_data(as_text=True)
    assert "Replies per day" in page and 'class="day-bar today"' in page
    assert "style=" not in page
    listing = client.get("/staff/juries").get_data(as_text=True)
    assert f"/staff/juries/{world.jury_id}/dashboard" in listing
    home = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/juries"' in home  # the staff menu's "Juries"


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [("7kd2 m9qx", "7KD2-M9QX"), ("7KD2-M9", "7KD2-M9"), ("7kd", "7KD"), ("o1l-", "011"), ("", "")],
)
def test_a_reference_read_out_becomes_a_prefix(typed: str, prefix: str) -> None:
    assert reference_prefix(typed) == prefix


def test_the_replies_list_searches_filters_and_pages(app: Flask) -> None:
    with app.app_context():
        world = make_world(n=PER_PAGE + 5)
        other = make_world(n=1, slug="other")
        for i, invitation in enumerate(world.invitation_ids):
            _reply(
                world.jury_id,
                invitation,
                f"{i:04d}-ABCD",
                channel="phone" if i % 2 else "online",
                answer="no" if i == 3 else "yes",
                email=f"person{i}@example.org",
            )
        _reply(other.jury_id, other.invitation_ids[0], "0001-ZZZZ")
        db.session.commit()
        organiser = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    client = app.test_client()
    log_in_as(client, organiser)
    base = f"/staff/juries/{world.jury_id}/replies"
    page = client.get(base).get_data(as_text=True)
    assert f"{PER_PAGE + 5} replies found" in page and page.count("-ABCD<") == PER_PAGE
    assert "@example.org" not in page  # no contact details in the list
    assert "page=2" in page
    assert client.get(f"{base}?page=2").get_data(as_text=True).count("-ABCD<") == 5
    found = client.get(f"{base}?reference=0o01+abcd").get_data(as_text=True)
    assert "1 reply found" in found and "0001-ABCD" in found and "ZZZZ" not in found
    assert "1 reply found" in client.get(f"{base}?answer=no").get_data(as_text=True)
    phone = client.get(f"{base}?channel=phone").get_data(as_text=True)
    assert f"{(PER_PAGE + 5) // 2} replies found" in phone
    # A made-up choice in the URL lists everything rather than failing.
    assert client.get(f"{base}?channel=fax").status_code == 200
    # Another jury's organiser may not look.
    log_in_as(client, None)
    with app.app_context():
        stranger = make_user("stranger@example.org", Role.ORGANISER, jury_id=other.jury_id)
    log_in_as(client, stranger)
    assert client.get(base).status_code == 403


def test_a_sitting_goes_only_after_confirmation(app: Flask) -> None:
    with app.app_context():
        world = make_world(n=3)
        sitting_id = db.session.scalars(
            sa.select(Sitting.id).filter_by(jury_id=world.jury_id)
        ).first()
        _reply(world.jury_id, world.invitation_ids[0], "R0", availability={str(sitting_id): True})
        _reply(world.jury_id, world.invitation_ids[1], "R1", availability={str(sitting_id): False})
        db.session.commit()
        organiser = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    client = app.test_client()
    log_in_as(client, organiser)
    url = f"/staff/juries/{world.jury_id}/sittings/{sitting_id}/remove"
    calendar = client.get(f"/staff/juries/{world.jury_id}/calendar").get_data(as_text=True)
    assert f'href="{url}"' in calendar  # a link to the question, not a button that deletes
    asked = client.get(url).get_data(as_text=True)
    assert "2 residents said whether they can come to this sitting (1 can come)." in asked
    with app.app_context():
        assert db.session.get(Sitting, sitting_id) is not None
    assert client.post(url).status_code == 302
    with app.app_context():
        assert db.session.get(Sitting, sitting_id) is None
        assert all(
            str(sitting_id) not in r.availability for r in db.session.scalars(sa.select(Reply))
        )
    assert client.get(url).status_code == 404


def test_an_empty_reply_gets_every_message_at_once(app: Flask) -> None:
    with app.app_context():
        world = make_world(n=1)
    client = app.test_client()
    assert client.post("/reply", data={"code": world.codes[0]}).status_code == 302
    page = client.post("/reply/form", data={}).get_data(as_text=True)
    summary = page.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    for message in (
        "Your answer: please choose yes or no.",
        "Year of birth: please write 4 numbers",
        "Gender: please choose one answer.",
        "E-mail address or phone number: please give at least one",
        "Who can take part: please tick every sentence",
        "Agreement: please tick the box",
    ):
        assert message in summary
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reply)) == 0


def test_the_jury_form_is_filled_per_language(app: Flask) -> None:
    with app.app_context():
        jury = make_jury(slug="filled")
        db.session.commit()
        admin = make_user("admin@example.org", Role.ADMINISTRATOR)
        jury_id = jury.id
    client = app.test_client()
    log_in_as(client, admin)
    page = client.get(f"/staff/juries/{jury_id}/edit").get_data(as_text=True)
    assert 'lang="nl"' in page and "De raad adviseren." in page
    assert "Ik woon in de stad.\nIk heb geen politieke functie." in page
    assert "I live in the city.\nI hold no political office." in page
