"""The draw set-up and the letters' promises in a real browser, in three languages."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import choose_language, log_in
from tests.webapp.replies_data import make_jury, make_user
from webapp.models import Role

pytestmark = pytest.mark.browser
_n = itertools.count()

WORDS = {
    "en": {
        "check": "Check what every letter will say",
        "mismatch": "The districts do not match the jury's",
        "refused": "The letters cannot be printed yet",
        "missing": "ORGANISER_PHONE (the phone number for questions and replies by phone) "
        "has no value for letters in Spanish.",
        "done": "The draw is done.",
        "phone": "or call us on 14 050.",
    },
    "nl": {
        "check": "Controleer wat er in elke brief komt",
        "mismatch": "De wijken passen niet bij die van de jury",
        "refused": "De brieven kunnen nog niet gemaakt worden",
        "missing": "ORGANISER_PHONE (het telefoonnummer voor vragen en antwoorden per "
        "telefoon) heeft geen waarde voor brieven in het Spaans.",
        "done": "De loting is gedaan.",
        "phone": "of ons bellen: 14 050.",
    },
    "es": {
        "check": "Compruebe lo que dirá cada carta",
        "mismatch": "Los distritos no coinciden con los del jurado",
        "refused": "Todavía no se pueden imprimir las cartas",
        "missing": "ORGANISER_PHONE (el teléfono para preguntas y respuestas por teléfono) no "
        "tiene valor para las cartas en español.",
        "done": "El sorteo está hecho.",
        "phone": "o llamarnos al 14 050.",
    },
}


def register(tmp_path: Path) -> Path:
    """A Madrid-style register: the district is not the first column, the address is split."""
    path = tmp_path / "padron.csv"
    lines = ["id,calle,numero,cp,ciudad,distrito"]
    districts = ["Centro", "Norte", "Sur"]
    for i in range(60):
        lines.append(f"P{i:03d},Calle {i % 9 + 1},{i % 30 + 1},28008,Madrid,{districts[i % 3]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def organiser(live: LiveServer, tmp_path: Path) -> tuple[int, str]:
    live.app.config["LETTERS_DIR"] = str(tmp_path / "letters")
    live.app.config["UPLOADS_DIR"] = str(tmp_path / "uploads")
    with live.app.app_context():
        jury = make_jury(slug=f"letters-{next(_n)}")  # districts Centro, Norte, Sur
        email = f"organiser{jury.id}@example.org"
        make_user(email, Role.ORGANISER, jury_id=jury.id)
        return jury.id, email


def start(page: Any, live: LiveServer, tmp_path: Path, lang: str) -> int:
    """A fresh jury with an organiser, logged in, in ``lang``; returns the jury's id."""
    jury_id, email = organiser(live, tmp_path)
    log_in(page, live, email)
    choose_language(page, lang)
    return jury_id


def upload(page: Any, live: LiveServer, jury_id: int, path: Path) -> None:
    page.goto(f"{live.url}/staff/juries/{jury_id}/invitations")
    page.set_input_files("#register", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/invitations/new/*")


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_a_draw_from_a_split_address_register(
    live_server: LiveServer, page: Any, tmp_path: Path, lang: str
) -> None:
    jury_id = start(page, live_server, tmp_path, lang)
    upload(page, live_server, jury_id, register(tmp_path))
    words = WORDS[lang]
    # The district column is guessed (not the first column), and the letters are summarised.
    assert page.input_value("#stratum") == "distrito"
    assert words["check"] in page.inner_text("#letters-check")
    assert "14 050" in page.inner_text("#letters-check")
    check_accessibility(page)
    # A wrong district column is flagged by the preview.
    page.select_option("#stratum", "id")
    page.fill("#n", "6")
    page.click("button[value=preview]")
    assert words["mismatch"] in page.inner_text("#district-check")
    assert "P000" in page.inner_text("#district-check")
    check_accessibility(page)
    # Columns are ticked with a plain click; address columns share lines.
    page.select_option("#stratum", "distrito")
    page.check("input[name=household][value=calle]")
    page.check("input[name=household][value=numero]")
    for column, line in (("1", "1"), ("2", "1"), ("3", "2"), ("4", "2")):
        page.select_option(f"#address_lines-{column}", line)
    page.select_option("#language", "es")
    with page.expect_navigation():  # an absence proves something only on the loaded page
        page.click("button[value=preview]")
    assert page.locator("#district-check").count() == 0
    page.check("#confirm")
    page.click("button[value=draw]")
    page.wait_for_url("**/invitations/*")
    assert words["done"] in page.inner_text(".flashes")
    check_accessibility(page)
    with page.expect_download() as download:
        page.click("a[href$='/csv']")
    printed = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert ",28008 Madrid," in printed and "Calle " in printed


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_no_letters_without_a_phone_number(
    live_server: LiveServer, page: Any, tmp_path: Path, lang: str
) -> None:
    jury_id = start(page, live_server, tmp_path, lang)
    phone = live_server.app.config["ORGANISER_PHONE"]
    live_server.app.config["ORGANISER_PHONE"] = None
    try:
        upload(page, live_server, jury_id, register(tmp_path))
        page.select_option("#language", "es")
        page.click("button[value=preview]")
        refusal = page.inner_text("#letters-refused")
        assert WORDS[lang]["refused"] in refusal and WORDS[lang]["missing"] in refusal
        page.check("#confirm")
        page.click("button[value=draw]")
        assert "/invitations/new/" in page.url  # refused: still on the draw page
        check_accessibility(page)
    finally:
        live_server.app.config["ORGANISER_PHONE"] = phone


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_the_reply_page_gives_the_phone_number(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    page.goto(f"{live_server.url}/reply")
    choose_language(page, lang)
    assert WORDS[lang]["phone"] in page.inner_text("#other-ways")
