"""Dutch, Spanish and English: complete catalogs, and pages (with their errors) in each language."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, cast

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.replies_data import ReplyWorld, make_world, yes_form
from webapp.extensions import db
from webapp.models import Jury

TRANSLATIONS = Path(__file__).resolve().parents[2] / "webapp" / "translations"
LANGUAGES = ("nl", "es")


def _catalog_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    """Compile a catalog whose .mo is missing or older than its .po (`make translations` does
    the same), so these tests never read stale translations."""
    for lang in LANGUAGES:
        po = _catalog_path(lang)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=lang)
            # Written aside, then renamed: a parallel test worker never reads half a file.
            partial = mo.with_name(f"messages.{os.getpid()}.mo.part")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(lang: str) -> None:
    with _catalog_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100  # the catalog was extracted from the whole web app
    untranslated = [m.id for m in messages if not m.string or not all(m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    # Placeholders like %(age)s must survive translation.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def _choose(client: FlaskClient, lang: str) -> None:
    response = client.post("/language", data={"lang": lang, "next": "/reply"})
    assert response.status_code == 302


CODE_PAGE = {
    "en": ("Reply to your invitation", "there is a typo in the code"),
    "nl": ("Antwoord op uw uitnodiging", "er zit een typefout in de code"),
    "es": ("Responda a su invitación", "hay un error al escribir el código"),
}


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_the_code_page_and_its_errors_speak_the_chosen_language(
    client: FlaskClient, lang: str
) -> None:
    _choose(client, lang)
    page = client.get("/reply").get_data(as_text=True)
    title, typo = CODE_PAGE[lang]
    assert f'<html lang="{lang}">' in page
    assert title in page
    # A code whose check symbol is wrong: 12 data symbols of zeros need check symbol 0.
    error_page = client.post("/reply", data={"code": "0000-0000-0000-1"}).get_data(as_text=True)
    assert typo in error_page


def test_the_browser_language_is_the_first_choice(client: FlaskClient) -> None:
    page = client.get("/reply", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert CODE_PAGE["es"][0] in page.get_data(as_text=True)


FORM_ERRORS = {
    "nl": (
        "Geboortejaar: schrijf 4 cijfers",
        "Toestemming: zet een vinkje",
        "Kijk uw antwoorden na",
    ),
    "es": (
        "Año de nacimiento: escriba 4 números",
        "Permiso: marque la casilla",
        "Revise sus respuestas",
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reply_form_errors_name_the_field_in_the_page_language(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    with app.app_context():
        world: ReplyWorld = make_world(n=1)
        ids = [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]
    _choose(client, lang)
    client.post("/reply", data={"code": world.codes[0]})
    bad = yes_form(world.jury_id, ids, birth_year="abc", consent=None)
    page = client.post("/reply/form", data=bad).get_data(as_text=True)
    for text in FORM_ERRORS[lang]:
        assert text in page


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_the_reply_is_stored_with_its_language(app: Flask, client: FlaskClient, lang: str) -> None:
    with app.app_context():
        world = make_world(n=1)
    _choose(client, lang)
    client.post("/reply", data={"code": world.codes[0]})
    assert client.post("/reply/form", data={"answer": "no"}).status_code == 302
    from webapp.models import Reply

    with app.app_context():
        assert db.session.scalars(db.select(Reply.language)).one() == lang


def test_the_catalogs_hold_every_string_of_the_web_app() -> None:
    """A fresh extraction (as `make translations-update` does) finds no string the catalogs
    lack: whoever adds a string also updates and translates the catalogs."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = TRANSLATIONS.parent.parent
    # Babel's parse_mapping_cfg is unannotated: its documented result, (pattern, method)
    # pairs and each pattern's options.
    parse = cast(
        Callable[[TextIO], tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]],
        parse_mapping_cfg,
    )
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root / "webapp"), method_map, options_map, keywords=keywords
        )
    }
    for lang in LANGUAGES:
        with _catalog_path(lang).open("rb") as source:
            known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source)}
        assert sorted(found - known) == [], f"run `make translations-update` ({lang})"


def _translation(lang: str, msgid: str) -> str:
    with _catalog_path(lang).open("rb") as source:
        message = read_po(source, locale=lang).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated ({lang})"
    return str(message.string)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_renders_in_the_language(app: Flask, lang: str) -> None:
    with app.app_context():
        world = make_world(n=1, slug="i18n-jury")
    client = app.test_client()
    _choose(client, lang)
    pages = {"/": 200, "/juries/i18n-jury": 200, "/reply": 200, "/staff/login": 200}
    pages["/no-such-page"] = 404
    skip_link = _translation(lang, "Skip to content")
    for path, status in pages.items():
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == status, path
        assert f'<html lang="{lang}">' in page, path
        assert skip_link in page, path
    client.post("/reply", data={"code": world.codes[0]})
    form = client.get("/reply/form").get_data(as_text=True)
    assert _translation(lang, "Year of birth") in form
    assert _translation(lang, "Send my reply") in form


ERROR_TEXT = re.compile(r'<span class="visually-hidden">[^<]*</span>([^<]+?)\s*(?=<span|</p>)')


def _errors(page: str) -> list[str]:
    return [html.unescape(text).strip() for text in ERROR_TEXT.findall(page)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_error_is_translated(app: Flask, lang: str) -> None:
    """Each bad input of the reply form (see test_replies.BAD_INPUT), first in English, then
    in ``lang``: the page shows the catalog's translation of every English message."""
    from tests.webapp.test_replies import BAD_INPUT

    with app.app_context():
        world = make_world(n=1)
        ids = [s.id for s in db.session.get_one(Jury, world.jury_id).sittings]
    with _catalog_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    checked = 0
    for changes, _message in BAD_INPUT:
        if "availability" in changes:
            continue  # its message carries the field's (translated) label as a placeholder
        bad = yes_form(world.jury_id, ids, **changes)
        texts = {}
        for language in ("en", lang):
            client = app.test_client()
            _choose(client, language)
            client.post("/reply", data={"code": world.codes[0]})
            texts[language] = _errors(client.post("/reply/form", data=bad).get_data(as_text=True))
        assert texts["en"], changes
        for english in texts["en"]:
            message = catalog.get(english)
            assert message is not None and message.string, english
            assert message.string in texts[lang], (english, texts[lang])
            checked += 1
    assert checked >= len(BAD_INPUT) - 1


def test_localised_picks_the_page_language_then_the_fallbacks(app: Flask) -> None:
    from flask_babel import force_locale

    from webapp.i18n import localised

    texts = {"en": "Hello", "nl": "Hallo", "es": ""}
    with app.test_request_context():
        with force_locale("nl"):
            assert localised(texts) == "Hallo"
        with force_locale("es"):
            assert localised(texts) == "Hello"
            assert localised(texts, "nl") == "Hallo"
            assert localised({"nl": "Alleen"}) == "Alleen"
            assert localised("plain") == "plain"
            assert localised(None) == ""
        rendered = app.jinja_env.from_string("{{ t | localised }}").render(t={"en": "<b>"})
        assert rendered == "&lt;b&gt;"
