"""The resident's name on the reply: asked on the form (online and keyed in by staff), shown to
staff wherever a person is (check-in, table cards, members, payments, the replies list),
never on public pages, erased with the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.attendance_data import add_members
from tests.webapp.replies_data import ReplyWorld, make_user, make_world, yes_form
from tests.webapp.staff_data import World, build_world, log_in_as
from tests.webapp.test_table_plan import MIX
from webapp.extensions import db
from webapp.models import Jury, Reply, Role, Sitting
from webapp.sittings import checkin


@pytest.fixture
def world(app: Flask) -> ReplyWorld:
    with app.app_context():
        return make_world(n=3)


def _sittings(app: Flask, jury_id: int) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, jury_id).sittings]


def _reply_online(client: FlaskClient, code: str, form: dict[str, object]) -> str:
    assert client.post("/reply", data={"code": code}).status_code == 302
    response = client.post("/reply/form", data=form)
    return "" if response.status_code == 302 else response.get_data(as_text=True)


def _stored(app: Flask) -> list[Reply]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Reply).order_by(Reply.id)))


def test_the_form_asks_for_the_names_with_autocomplete(
    client: FlaskClient, world: ReplyWorld
) -> None:
    client.post("/reply", data={"code": world.codes[0]})
    page = client.get("/reply/form").get_data(as_text=True)
    first = re.search(r"<input[^>]*id=\"first_name\"[^>]*>", page)
    last = re.search(r"<input[^>]*id=\"last_name\"[^>]*>", page)
    assert first and 'autocomplete="given-name"' in first.group(0)
    assert last and 'autocomplete="family-name"' in last.group(0)
    assert 'for="first_name"' in page and 'for="last_name"' in page
    assert "first_name-hint" in first.group(0)  # the hint is read out with the field


def test_a_yes_needs_both_names(app: Flask, client: FlaskClient, world: ReplyWorld) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), first_name="", last_name=" ")
    page = _reply_online(client, world.codes[0], form)
    assert "First name: please write your first name." in page
    assert "Last name: please write your last name." in page
    assert 'href="#first_name"' in page  # the error summary links the field
    assert _stored(app) == []


def test_a_no_needs_no_name(app: Flask, client: FlaskClient, world: ReplyWorld) -> None:
    assert _reply_online(client, world.codes[0], {"answer": "no", "first_name": "Ana"}) == ""
    (reply,) = _stored(app)
    assert reply.answer == "no" and reply.first_name is None and reply.last_name is None


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Ana", "García López"),
        ("José María", "van der Berg-Núñez"),
        ("Nguyễn", "Thị Minh Khai"),
        ("Zoë", "O'Brien"),
        ("李", "小龙"),
        ("Þórunn", "Ðặng"),
        ("ⅯⅯ", "Ωmega"),
        ("Anne-Sophie", "d'Ancona"),
    ],
)
def test_names_of_every_script_are_kept_as_typed(
    app: Flask, client: FlaskClient, world: ReplyWorld, first: str, last: str
) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), first_name=f"  {first} ")
    form["last_name"] = last.replace(" ", "   ")
    assert _reply_online(client, world.codes[0], form) == ""
    (reply,) = _stored(app)
    assert (reply.first_name, reply.last_name) == (first, last)


def test_decomposed_accents_are_stored_composed(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), first_name="Jose\u0301")
    assert _reply_online(client, world.codes[0], form) == ""
    assert _stored(app)[0].first_name == "Jos\u00e9"


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ("A" * 101, "First name: please use at most 100 letters."),
        ("Ana\x00", "First name: please use only letters"),
        ("Ana\x1b[31m", "First name: please use only letters"),
    ],
)
def test_too_long_or_control_characters_are_refused(
    app: Flask, client: FlaskClient, world: ReplyWorld, first: str, message: str
) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), first_name=first)
    assert message in _reply_online(client, world.codes[0], form)
    assert _stored(app) == []


def test_the_limit_itself_is_accepted(app: Flask, client: FlaskClient, world: ReplyWorld) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), last_name="B" * 100)
    assert _reply_online(client, world.codes[0], form) == ""
    assert _stored(app)[0].last_name == "B" * 100


def test_the_form_speaks_dutch_and_spanish(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), first_name="")
    client.post("/reply", data={"code": world.codes[0]})
    for lang, label, error in (
        ("nl", "Voornaam", "Voornaam: vul uw voornaam in."),
        ("es", "Apellidos", "Nombre: escriba su nombre."),
    ):
        page = client.post("/reply/form", data=form, headers={"Accept-Language": lang})
        text = page.get_data(as_text=True)
        assert label in text and error in text, lang


def test_staff_key_in_a_name_worded_for_staff(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    with app.app_context():
        user_id = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "paper"})
    sittings = _sittings(app, world.jury_id)
    page = client.post(f"{base}/form", data=yes_form(world.jury_id, sittings, first_name=""))
    text = page.get_data(as_text=True)
    assert "First name: please write the resident&#39;s first name." in text  # escaped
    assert 'autocomplete="given-name"' not in text  # the staff's browser suggests nothing
    hostile = "<script>alert(1)</script>"
    form = yes_form(world.jury_id, sittings, first_name="Ana", last_name=hostile)
    assert client.post(f"{base}/form", data=form).status_code == 302
    listing = client.get(base).get_data(as_text=True)
    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert hostile not in listing


# The check-in desk, the table cards and the members' pages.


@pytest.fixture
def sitting_world(tmp_path: Path) -> Iterator[tuple[Flask, World, list[int]]]:
    app = make_app(f"sqlite:///{tmp_path / 'n.sqlite'}")
    w = build_world(app)
    with app.app_context():
        # Letters to the household ("Familie ..."); the replies carry the members' own names.
        given = [("María José", "Núñez Ibáñez"), ("Pieter", "van den Berg"), ("Zoë", "Ölçer")]
        members = add_members(w.jury, w.batch, 3, names=[f"Familie {i}" for i in range(3)])
        members += add_members(w.jury, w.batch, 3, reply_names=given, seed=2)
        db.session.commit()
    yield app, w, members
    with app.app_context():
        db.engine.dispose()


def _staff(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, user_id)
    return client


def test_check_in_finds_the_name_from_the_reply_accents_aside(
    sitting_world: tuple[Flask, World, list[int]],
) -> None:
    app, w, _members = sitting_world
    client = _staff(app, w.facilitator)
    url = f"/staff/sittings/{w.sitting}/check-in"
    found = client.post(url, data={"q": "nunez ibanez"}).get_data(as_text=True)
    assert "María José Núñez Ibáñez" in found and "Pieter" not in found
    assert "Zoë Ölçer" in client.post(url, data={"q": "olcer"}).get_data(as_text=True)
    everyone = client.get(url).get_data(as_text=True)
    # Old replies without a name: the letter's addressee stands in.
    assert "Familie 0" in everyone and "Pieter van den Berg" in everyone
    with app.app_context():
        people = checkin.people(db.session.get_one(Sitting, w.sitting))
    by_reference = {p.name: p for p in people}
    assert by_reference["María José Núñez Ibáñez"].first_name == "María José"
    assert by_reference["Familie 1"].first_name == "Familie"


def test_the_attendance_csv_names_the_members(
    sitting_world: tuple[Flask, World, list[int]],
) -> None:
    app, w, _members = sitting_world
    csv_text = _staff(app, w.facilitator).get(f"/staff/sittings/{w.sitting}/attendance.csv")
    text = csv_text.get_data(as_text=True)
    assert "Pieter van den Berg" in text and "Zoë Ölçer" in text


def test_table_cards_show_the_first_name_only(
    sitting_world: tuple[Flask, World, list[int]],
) -> None:
    app, w, _members = sitting_world
    client = _staff(app, w.organiser)
    base = f"/staff/juries/{w.jury}/sittings/{w.sitting}/tables"
    made = client.post(
        base,
        data={"source": "confirmed", "table_size": "7", **MIX},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    cards = client.get(f"{base}/cards").get_data(as_text=True)
    assert "<li>María José</li>" in cards and "<li>Pieter</li>" in cards
    assert "Núñez" not in cards and "van den Berg" not in cards
    plan = client.get(base).get_data(as_text=True)
    assert "Pieter van den Berg" in plan  # the plan itself names people in full


def test_members_and_the_payments_ledger_show_names(
    sitting_world: tuple[Flask, World, list[int]],
) -> None:
    app, w, members = sitting_world
    client = _staff(app, w.organiser)
    page = client.get(f"/staff/juries/{w.jury}/members").get_data(as_text=True)
    assert "Pieter van den Berg" in page
    assert "Letter to:" in page and "Familie 0" in page  # an old reply, marked as such
    ledger = client.get(f"/staff/juries/{w.jury}/payments/members/{members[4]}")
    text = ledger.get_data(as_text=True)
    assert ledger.status_code == 200 and "Pieter van den Berg" in text
    holder = re.search(r"<input[^>]*id=\"holder\"[^>]*>", text)
    assert holder and 'value="Pieter van den Berg"' in holder.group(0)  # the default holder


def test_names_never_reach_public_pages(app: Flask) -> None:
    """Every public GET page of the demo (the jury, proposals, draws, the report...), walked
    without logging in: none shows a volunteer's name."""
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        slug = jury.slug
        named = db.session.scalars(
            sa.select(Reply).where(Reply.jury_id == jury.id, Reply.first_name.is_not(None))
        ).all()
        names = {r.full_name for r in named}
        draws = [d for (d,) in db.session.execute(sa.text("SELECT id FROM draws")).all()]
    assert len(names) > 50  # the demo's volunteers have names
    client = app.test_client()
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        args = set(rule.arguments)
        if not args <= {"slug", "draw_id"}:
            continue
        values = [{"slug": slug, "draw_id": d} for d in (draws or [0])]
        for value in values if "draw_id" in args else values[:1]:
            with app.test_request_context():
                url = url_for(rule.endpoint, **{k: v for k, v in value.items() if k in args})
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            walked += 1
            page = response.get_data(as_text=True)
            assert [n for n in names if n in page] == [], url
    assert walked >= 3


def test_staff_find_replies_by_name_without_it_in_the_url(
    app: Flask, client: FlaskClient, world: ReplyWorld
) -> None:
    sittings = _sittings(app, world.jury_id)
    for code, first, last in zip(
        world.codes,
        ["María José", "Pieter", "Ana"],
        ["Núñez", "van den Berg", "García"],
        strict=True,
    ):
        resident = app.test_client()
        form = yes_form(world.jury_id, sittings, first_name=first, last_name=last)
        assert _reply_online(resident, code, form) == ""
    with app.app_context():
        user_id = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    log_in_as(client, user_id)
    url = f"/staff/juries/{world.jury_id}/replies/by-name"
    found = client.post(url, data={"name": "maria NUNEZ"})
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and "1 reply found." in text
    assert "María José Núñez" in text and "Pieter" not in text
    assert "nunez" not in url.lower()  # the name goes in the body, never in a URL
    assert 'method="post"' in text and 'action="/staff/juries/' in text
    empty = client.post(url, data={"name": ""})
    assert empty.status_code == 400 and "Name: please type a name" in empty.get_data(as_text=True)
    assert "0 replies found." in client.post(url, data={"name": "zzz"}).get_data(as_text=True)
    # The other jury's organiser finds nothing here.
    with app.app_context():
        other = make_user("other@example.org", Role.ORGANISER)
    stranger = app.test_client()
    log_in_as(stranger, other)
    assert stranger.post(url, data={"name": "maria"}).status_code in (403, 404)
