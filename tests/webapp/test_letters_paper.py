"""Letters keep their promises: a sender in the letter's language, a phone number, a paper reply
form with a prepaid return address; no letters while any of these is missing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.categories_data import OPTIONS, QUESTION, add_education
from tests.webapp.staff_data import organiser_client, register_csv
from tests.webapp.test_invitations_web import FORM, _batches, _upload, register_rows
from webapp.extensions import db
from webapp.invitations import paper
from webapp.models import Jury, Sitting


@pytest.fixture
def staff(app: Flask, tmp_path: Path) -> tuple[Flask, FlaskClient, int]:
    app, client, jury_id = organiser_client(app, tmp_path)
    with app.app_context():
        jury = db.session.get_one(Jury, jury_id)
        jury.declarations = [{"en": "I live in Teststad."}, {"en": "I hold no political office."}]
        db.session.commit()
    return app, client, jury_id


def _draw(client: FlaskClient, jury: int, **changes: str) -> tuple[str, str]:
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    done = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y", **changes})
    return draw_url, done.location if done.status_code == 302 else done.data.decode()


def _pdf(app: Flask) -> pdfium.PdfDocument:
    batch = _batches(app)[-1]
    return pdfium.PdfDocument(Path(app.config["LETTERS_DIR"]) / str(batch.id) / "letters.pdf")


def _text(page: pdfium.PdfPage) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


@pytest.mark.parametrize(
    ("lang", "sender", "call", "title", "question"),
    [
        ("nl", "Gemeente Teststad", "Bel 14 050.", "Antwoordformulier", "Geboortejaar"),
        (
            "es",
            "Ayuntamiento de Teststad",
            "Llame al 14 050.",
            "Formulario de respuesta",
            "Año de nacimiento",
        ),
        ("en", "City of Teststad", "Call 14 050.", "Reply form", "Year of birth"),
    ],
)
def test_each_letter_has_its_paper_form_sender_and_phone_in_its_language(
    staff: tuple[Flask, FlaskClient, int],
    lang: str,
    sender: str,
    call: str,
    title: str,
    question: str,
) -> None:
    app, client, jury = staff
    _draw(client, jury, language=lang)
    document = _pdf(app)
    assert len(document) == 2 * 12  # a letter and its form per household
    letter, form = _text(document[0]), _text(document[1])
    assert sender in letter and call in letter
    assert "City of Teststad" not in letter or lang == "en"
    assert title in form and question in form
    assert "Antwoordnummer 1234" in form and "I live in Teststad." in form
    (result,) = zxingcpp.read_barcodes(document[1].render(scale=150 / 72).to_pil())
    code = result.text.split("#code=", 1)[1]
    assert code in form and code in letter


@pytest.mark.parametrize("setting", ["ORGANISER_NAME", "ORGANISER_PHONE", "REPLY_ADDRESS"])
def test_no_letters_while_a_setting_is_missing(
    staff: tuple[Flask, FlaskClient, int], setting: str
) -> None:
    app, client, jury = staff
    app.config[setting] = None
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    page = client.get(draw_url).data.decode()
    assert "The letters cannot be printed yet" in page and setting in page
    refused = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"})
    assert refused.status_code == 200
    assert "The letters cannot be printed yet: see above." in refused.data.decode()
    assert len(_batches(app)) == 1  # the world's own batch only: nothing was stored


def test_a_sender_without_the_letters_language_is_missing_not_english(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    app, client, jury = staff
    app.config["ORGANISER_NAME"] = {"en": "City of Teststad"}
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    refused = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"})
    assert "ORGANISER_NAME (the sender printed above the address)" in refused.data.decode()
    assert len(_batches(app)) == 1
    ok = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y", "language": "en"})
    assert ok.status_code == 302


def test_the_draw_page_shows_what_the_letters_will_say(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    _app, client, jury = staff
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    page = client.get(draw_url).data.decode()
    assert "Check what every letter will say" in page
    assert "City of Teststad" in page and "14 050" in page
    assert "Gemeente Teststad, Antwoordnummer 1234, 9700 VB Teststad" in page


def test_making_the_pdf_again_is_refused_while_a_setting_is_missing(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    app, client, jury = staff
    _url, batch_url = _draw(client, jury)
    app.config["ORGANISER_PHONE"] = ""
    response = client.post(f"{batch_url}/letters", follow_redirects=True)
    assert "ORGANISER_PHONE (the phone number for questions and replies by phone)" in (
        response.data.decode()
    )


@pytest.mark.parametrize("lang", ["nl", "es", "en"])
@pytest.mark.parametrize("sittings", [4, 8, 12])
def test_a_year_of_sittings_fits_on_the_letter(
    staff: tuple[Flask, FlaskClient, int], lang: str, sittings: int
) -> None:
    app, client, jury = staff
    with app.app_context():
        first = datetime(2026, 9, 5, 10)
        for week in range(sittings - 1):  # the world has one sitting already
            start = first + timedelta(weeks=4 * week)
            db.session.add(
                Sitting(
                    jury_id=jury,
                    starts_at=start,
                    ends_at=start + timedelta(hours=7),
                    place="City hall",
                )
            )
        db.session.commit()
    _url, batch_url = _draw(client, jury, language=lang)
    assert batch_url.startswith("/staff/"), batch_url[:2000]
    with app.test_request_context():
        jury_row = db.session.get_one(Jury, jury)
        lines = paper.sitting_lines(jury_row)
    assert lines.count("\n") + 1 == (sittings if sittings <= 4 else -(-sittings // 3) + 1)
    assert len(_pdf(app)) == 24


def test_the_reply_page_gives_the_phone_number(app: Flask) -> None:
    page = app.test_client().get("/reply", headers={"Accept-Language": "nl"}).data.decode()
    assert "of ons bellen: 14 050." in page
    app.config["ORGANISER_PHONE"] = None
    page = app.test_client().get("/reply").data.decode()
    assert "call us" not in page and "paper reply form" in page


def test_sitting_lines_hold_every_date(app: Flask) -> None:
    with app.test_request_context():
        jury = Jury(slug="x", name="X")
        jury.sittings = [
            Sitting(
                starts_at=datetime(2026, 3, d, 10),
                ends_at=datetime(2026, 3, d, 17),
                place="Town hall" if d % 2 else "Library",
            )
            for d in range(1, 8)
        ]
        lines = paper.sitting_lines(jury)
    assert lines.count("\n") == 2  # seven dates, three a line, places differ: no place line
    assert lines.count("Library") == 3 and lines.count("Town hall") == 4


@pytest.mark.parametrize("lang", ["nl", "es", "en"])
def test_the_paper_form_asks_the_jurys_own_questions(
    staff: tuple[Flask, FlaskClient, int], lang: str
) -> None:
    app, client, jury = staff
    with app.app_context():
        add_education(jury)
        db.session.commit()
    _draw(client, jury, language=lang)
    document = _pdf(app)
    form = _text(document[1])
    assert QUESTION[lang] in form
    labels = {"nl": 0, "es": 1, "en": 2}[lang]
    assert all(option[labels] in form for option in OPTIONS)
    document.close()
