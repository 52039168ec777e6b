"""Juries: the staff forms (with their errors), phases, sittings, targets, the public pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.staff_data import build_world, log_in_as, make_user
from webapp.extensions import db
from webapp.models import Jury, JuryMembership, Phase, PhaseKind, Role, Sitting

GOOD = {
    "name": "Harbour jury",
    "language": "nl",
    "purpose_en": "What should the old harbour become?",
    "purpose_nl": "Wat moet de oude haven worden?",
    "decision_en": "The council decides on the harbour plan.",
    "panel_size": "30",
    "minimum_age": "16",
    "retention_days": "365",
    "declarations_en": "I live in the city.\n\nI hold no political office.\n",
    "declarations_nl": "Ik woon in de stad.\nIk heb geen politieke functie.",
    "districts": "North\nSouth",
    "age_bands": "16, 30,45,65",
    "gender_female": "F",
    "gender_male": "M",
    "gender_non_binary": "X",
    "gender_undisclosed": "X",
}


@pytest.fixture
def organiser(app: Flask) -> int:
    with app.app_context():
        user = make_user(Role.ORGANISER, "olga@example.org")
        db.session.commit()
        return user.id


def test_an_organiser_creates_a_jury_and_becomes_its_member(
    any_db_app: Flask,
) -> None:
    with any_db_app.app_context():
        user = make_user(Role.ORGANISER, "olga@example.org")
        db.session.commit()
        user_id = user.id
    client = any_db_app.test_client()
    log_in_as(client, user_id)
    for _ in range(2):  # the same name twice gets two slugs
        assert client.post("/staff/juries/new", data=GOOD).status_code == 302
    with any_db_app.app_context():
        juries = db.session.scalars(sa.select(Jury).order_by(Jury.id)).all()
        assert [j.slug for j in juries] == ["harbour-jury", "harbour-jury-2"]
        jury = juries[0]
        assert jury.declarations == [
            {"en": "I live in the city.", "nl": "Ik woon in de stad."},
            {"en": "I hold no political office.", "nl": "Ik heb geen politieke functie."},
        ]
        assert jury.purpose == {
            "en": "What should the old harbour become?",
            "nl": "Wat moet de oude haven worden?",
        }
        assert (jury.decision, jury.language) == (
            {"en": "The council decides on the harbour plan."},
            "nl",
        )
        assert jury.districts == ["North", "South"]
        assert jury.category_mapping == {
            "gender": {"female": "F", "male": "M", "non_binary": "X", "undisclosed": "X"},
            "age_bands": [16, 30, 45, 65],
        }
        members = db.session.scalars(sa.select(JuryMembership.user_id)).all()
        assert members == [user_id, user_id]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Este campo es obligatorio."),
        ("purpose_nl", "", "Escriba este texto al menos en un idioma."),
        ("declarations_nl", "Ik woon in de stad.", "Nederlands tiene 1"),
        ("panel_size", "many", "No es un valor entero válido."),
        ("panel_size", "0", "1"),
        ("minimum_age", "200", "120"),
        ("retention_days", "", "Este campo es obligatorio."),
        ("reply_deadline", "31-31-2026", "No es una fecha válida."),
        ("age_bands", "30,16", "16,30,45,65"),  # our own messages: any translation keeps this
        ("age_bands", "a,b", ""),
        ("gender_female", "", "Este campo es obligatorio."),
    ],
)
def test_each_bad_field_is_named_in_the_error(
    client: FlaskClient, organiser: int, field: str, value: str, message: str
) -> None:
    log_in_as(client, organiser)
    with client.session_transaction() as session:
        session["lang"] = "es"
    data = {**GOOD, field: value}
    if field == "purpose_nl":
        data["purpose_en"] = ""  # no language left
    response = client.post("/staff/juries/new", data=data)
    page = response.data.decode()
    assert response.status_code == 200
    assert f'href="#{field}"' in page
    error = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    label = page.split(f'<label for="{field}">', 1)[1].split("</label>", 1)[0]
    assert error.strip().startswith(f"{label}: ")
    assert message in error
    assert f'aria-describedby="{field}-error"' in page or f"{field}-hint {field}-error" in page


def test_editing_a_jury_changes_it(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    page = client.get(f"/staff/juries/{world.jury}/edit").data.decode()
    assert "Parks jury" in page and 'value="16,30,45,65"' in page
    response = client.post(f"/staff/juries/{world.jury}/edit", data={**GOOD, "name": "Parks 2"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(Jury, world.jury).name == "Parks 2"


def _phase_form(**dates: date | None) -> dict[str, str]:
    form = {}
    for kind in PhaseKind:
        for end in ("starts", "ends"):
            value = dates.get(f"{kind.value}_{end}")
            form[f"{kind.value}_{end}"] = value.isoformat() if value else ""
    return form


def test_phases_are_saved_replaced_and_removed(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    d = date(2027, 3, 1)
    form = _phase_form(
        invitations_starts=d,
        invitations_ends=d + timedelta(days=9),
        selection_starts=d + timedelta(days=30),
        selection_ends=d + timedelta(days=40),
    )
    assert client.post(f"/staff/juries/{world.jury}/phases", data=form).status_code == 302
    with app.app_context():
        phases = db.session.scalars(sa.select(Phase).filter_by(jury_id=world.jury)).all()
        spans = {p.kind: (p.starts_on, p.ends_on) for p in phases}
    assert spans == {
        PhaseKind.INVITATIONS: (d, d + timedelta(days=9)),
        PhaseKind.SELECTION: (d + timedelta(days=30), d + timedelta(days=40)),
    }


def test_phase_errors_name_the_date(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    d = date(2027, 3, 1)
    form = _phase_form(
        invitations_starts=d,
        replies_starts=d,
        replies_ends=d - timedelta(days=1),
    )
    page = client.post(f"/staff/juries/{world.jury}/phases", data=form).data.decode()
    assert "Invitations: last day: Give both dates, or neither." in page
    assert "Replies: last day: The last day cannot be before the first day." in page
    with app.app_context():  # nothing changed
        assert len(db.session.scalars(sa.select(Phase).filter_by(jury_id=world.jury)).all()) == 2


def test_sittings_are_added_checked_and_removed(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury}/sittings"
    good = {"starts_at": "2027-05-01T10:00", "ends_at": "2027-05-01T17:00", "place": "Library"}
    assert client.post(url, data=good).status_code == 302
    bad = client.post(url, data={**good, "ends_at": "2027-05-01T09:00", "place": ""})
    page = bad.data.decode()
    assert "Ends at: The end must be after the start." in page
    assert "Place: Give the place, or choose a venue." in page
    with app.app_context():
        sittings = db.session.scalars(sa.select(Sitting).filter_by(jury_id=world.jury)).all()
        assert sorted(s.place for s in sittings) == ["City hall", "Library"]
        new_id = next(s.id for s in sittings if s.place == "Library")
    # Another jury's sitting cannot be removed through this jury.
    log_in_as(client, world.admin)
    crossed = client.post(f"/staff/juries/{world.other_jury}/sittings/{new_id}/remove")
    assert crossed.status_code == 404
    with app.app_context():
        assert db.session.get(Sitting, new_id) is not None
    client.post(f"{url}/{new_id}/remove")
    with app.app_context():
        assert db.session.get(Sitting, new_id) is None


def test_the_old_targets_page_leads_to_the_census_page(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    response = client.get(f"/staff/juries/{world.jury}/targets")
    assert response.status_code == 302
    assert response.location.endswith(f"/staff/juries/{world.jury}/quotas")


def test_public_page_shows_the_phases_and_the_current_one(app: Flask) -> None:
    world = build_world(app)
    today = date.today()
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        jury.phases[0].starts_on, jury.phases[0].ends_on = today, today + timedelta(days=3)
        db.session.commit()
    client = app.test_client()
    page = client.get("/juries/parks").data.decode()
    assert "Advise on parks." in page and "The council votes." in page
    assert "Now: Invitations." in page
    current = page.split('aria-current="step"', 1)[1].split("</li>", 1)[0]
    assert "Invitations" in current and "Replies" not in current
    assert "City hall" in page
    home = client.get("/").data.decode()
    assert "Parks jury" in home and "Traffic jury" in home
    assert client.get("/juries/nothing-here").status_code == 404


def test_facilitator_sees_only_their_sittings(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.facilitator)
    page = client.get("/staff/").data.decode()
    assert f"/staff/sittings/{world.sitting}" in page
    assert "Start a new jury" not in page
    assert "City hall" in client.get(f"/staff/sittings/{world.sitting}").data.decode()


def test_the_public_page_and_the_reply_form_show_the_texts_in_the_page_language(
    app: Flask,
) -> None:
    """Organisers' texts per language, with the jury's language as the fallback."""
    from tests.webapp.replies_data import make_world

    with app.app_context():
        world = make_world(slug="texts")
    client = app.test_client()
    assert client.post("/reply", data={"code": world.codes[0]}).status_code == 302
    expected = {
        "nl": ("De raad adviseren.", "Ik heb geen politieke functie."),
        "es": ("Aconsejar.", "Ik heb geen politieke functie."),  # no Spanish: the jury's Dutch
        "en": ("Advise the council.", "I hold no political office."),
    }
    for lang, (purpose, statement) in expected.items():
        with client.session_transaction() as session:
            session["lang"] = lang
        assert purpose in client.get("/juries/texts").data.decode()
        form = client.get("/reply/form").data.decode()
        assert statement in form, lang
