"""The resident's path in a real browser, in three languages, with axe-core on every page."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, check_accessibility
from tests.webapp.replies_data import PASSWORD, make_user, make_world
from webapp.extensions import db
from webapp.models import Jury, Reply, Role

pytestmark = pytest.mark.browser
_slugs = itertools.count()
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


def world(live: LiveServer, **args: Any) -> Any:
    with live.app.app_context():
        return make_world(n=3, slug=f"jury-{next(_slugs)}", **args)


def replies_of(live: LiveServer, jury_id: int) -> list[Reply]:
    with live.app.app_context():
        return list(db.session.scalars(sa.select(Reply).where(Reply.jury_id == jury_id)))


def choose_language(page: Any, lang: str) -> None:
    page.select_option("#lang-select", lang)
    page.click(".lang-switch button")
    page.wait_for_selector(f'html[lang="{lang}"]')
    # The new page's scripts (the reply form's draft is restored by one) have run by its load
    # event; the html element is there before them.
    page.wait_for_load_state("load")


def enter_code(page: Any, code: str) -> None:
    page.fill("#code", code)
    page.click("main form button[type=submit]")


def fill_yes(page: Any) -> None:
    page.check("#answer-0")
    page.fill("#first_name", "Ana")
    page.fill("#last_name", "García López")
    page.fill("#birth_year", "1980")
    page.check("#gender-0")
    page.select_option("#district", "Sur")
    page.fill("#email", "ana@example.org")
    page.check("#availability-0")
    page.check("#declarations-0")
    page.check("#declarations-1")
    page.check("#consent")


def submit_reply(page: Any) -> None:
    page.click("form.reply-form button[type=submit]")


DONE = {
    "en": "Thank you! We have your reply",
    "nl": "Bedankt! We hebben uw antwoord",
    "es": "¡Gracias! Tenemos su respuesta",
}


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_from_a_letter_code_to_the_confirmation(
    live_server: LiveServer, page: Any, lang: str
) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    choose_language(page, lang)
    check_accessibility(page)
    enter_code(page, w.codes[0].lower())
    page.wait_for_url("**/reply/form")
    check_accessibility(page)
    fill_yes(page)
    submit_reply(page)
    page.wait_for_url("**/reply/done")
    assert page.locator("h1").inner_text() == DONE[lang]
    [reply] = replies_of(live_server, w.jury_id)
    assert page.locator(".reference").inner_text() == reply.reference
    assert (reply.language, reply.answer, reply.district) == (lang, "yes", "Sur")
    check_accessibility(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"done-{lang}.png"), full_page=True)


def test_the_qr_code_fragment_fills_the_field_and_leaves_the_address_bar(
    live_server: LiveServer, page: Any
) -> None:
    w = world(live_server)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/reply#code={w.codes[1]}")
    assert page.input_value("#code") == w.codes[1]
    assert "#" not in page.url and "code=" not in page.url
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reply/form")
    assert not any(w.codes[1] in url for url in requested)  # the code never went in a URL


def test_a_mistyped_code_is_named_on_the_field(live_server: LiveServer, page: Any) -> None:
    w = world(live_server)
    code = w.codes[0]
    typo = ("1" if code[0] != "1" else "2") + code[1:]
    page.goto(f"{live_server.url}/reply")
    enter_code(page, typo)
    error = page.locator("#code-error")
    assert "there is a typo in the code" in error.inner_text()
    assert page.get_attribute("#code", "aria-invalid") == "true"
    assert "code-error" in (page.get_attribute("#code", "aria-describedby") or "")
    check_accessibility(page)
    enter_code(page, "0000-0000-0000-0")
    assert "we do not know this code" in page.locator("#code-error").inner_text()


def test_form_errors_are_summarised_and_linked(live_server: LiveServer, page: Any) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    enter_code(page, w.codes[0])
    page.wait_for_url("**/reply/form")
    page.check("#answer-0")
    submit_reply(page)
    summary = page.locator(".error-summary")
    assert "Year of birth: please write 4 numbers" in summary.inner_text()
    check_accessibility(page)
    page.set_viewport_size({"width": 390, "height": 844})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "form-errors-phone.png"), full_page=True)
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "first_name"


def test_two_tabs_store_one_reply(live_server: LiveServer, context: Any) -> None:
    w = world(live_server)
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.bring_to_front()  # Chromium throttles background tabs
        tab.goto(f"{live_server.url}/reply")
        enter_code(tab, w.codes[0])
        tab.wait_for_url("**/reply/form")
        fill_yes(tab)
    tabs[0].bring_to_front()
    submit_reply(tabs[0])
    tabs[0].wait_for_url("**/reply/done")
    tabs[1].bring_to_front()
    submit_reply(tabs[1])
    tabs[1].wait_for_url("**/reply/already")
    assert "We already have your reply" in tabs[1].locator("h1").inner_text()
    check_accessibility(tabs[1])
    assert len(replies_of(live_server, w.jury_id)) == 1


def test_a_no_hides_the_other_questions(live_server: LiveServer, page: Any) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    enter_code(page, w.codes[1])
    page.wait_for_url("**/reply/form")
    assert page.is_visible("#birth_year")
    page.check("#answer-1")
    assert not page.is_visible("#birth_year")
    page.check("#answer-0")
    assert page.is_visible("#birth_year")
    page.check("#answer-1")
    submit_reply(page)
    page.wait_for_url("**/reply/done")
    [reply] = replies_of(live_server, w.jury_id)
    assert reply.answer == "no"


def test_a_double_click_stores_one_reply(live_server: LiveServer, page: Any) -> None:
    w = world(live_server)
    page.goto(f"{live_server.url}/reply")
    enter_code(page, w.codes[2])
    page.wait_for_url("**/reply/form")
    fill_yes(page)
    page.dblclick("form.reply-form button[type=submit]")
    # The second click aborts the first click's navigation (net::ERR_ABORTED), which makes
    # wait_for_url fail at random; expect() retries across navigations until the last one lands.
    expect(page).to_have_url(re.compile(r"/reply/(done|already)$"), timeout=15_000)
    page.wait_for_load_state()
    assert len(replies_of(live_server, w.jury_id)) == 1


def log_in(page: Any, live: LiveServer, email: str) -> None:
    """Password, then (administrators and organisers) the second factor: enrolment with a
    real TOTP code at the first login."""
    page.goto(f"{live.url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/staff/login/enrol"):
        check_accessibility(page)
        secret = page.inner_text("#totp-secret")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("main form button[type=submit]")
        page.click('main a.button[href$="/staff/"]')  # "I have kept them", in any language
    page.wait_for_url("**/staff/")


def test_staff_log_in(live_server: LiveServer, page: Any) -> None:
    with live_server.app.app_context():
        make_user("login@example.org", Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/staff/login")
    check_accessibility(page)
    page.fill("#email", "login@example.org")
    page.fill("#password", "wrong password")
    page.click("main form button[type=submit]")
    assert "/staff/login" in page.url
    log_in(page, live_server, "login@example.org")
    assert page.url.endswith("/staff/")


def test_staff_key_in_a_paper_reply(live_server: LiveServer, page: Any) -> None:
    w = world(live_server)
    with live_server.app.app_context():
        user_id = make_user(f"paper{w.jury_id}@example.org", Role.ORGANISER, jury_id=w.jury_id)
    log_in(page, live_server, f"paper{w.jury_id}@example.org")
    page.goto(f"{live_server.url}/staff/juries/{w.jury_id}/replies/new")
    check_accessibility(page)
    page.check("#channel-1")  # by phone
    enter_code(page, w.codes[0])
    page.wait_for_url("**/replies/form")
    fill_yes(page)
    submit_reply(page)
    page.wait_for_url("**/replies/new")
    [reply] = replies_of(live_server, w.jury_id)
    assert reply.reference in page.locator(".flashes").inner_text()
    assert (reply.channel, reply.entered_by_id) == ("phone", user_id)


@pytest.mark.parametrize(
    ("lang", "width", "height"), [("en", 1100, 900), ("nl", 390, 844)], ids=["desktop", "phone"]
)
def test_every_public_page_passes_axe(
    live_server: LiveServer, page: Any, lang: str, width: int, height: int
) -> None:
    """Home, jury page, code entry (empty and with an error), reply form (with errors), the
    confirmation, the "already" page, the closed page and an error page."""
    open_jury = world(live_server)
    closed = world(live_server, deadline=date.today() - timedelta(days=1))
    with live_server.app.app_context():
        slug = db.session.get_one(Jury, open_jury.jury_id).slug
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/")
    choose_language(page, lang)
    check_accessibility(page)
    for path in (f"/juries/{slug}", "/no-such-page", "/reply"):
        page.goto(live_server.url + path)
        check_accessibility(page)
    enter_code(page, "ABC")
    check_accessibility(page)
    enter_code(page, closed.codes[0])
    page.wait_for_url("**/reply/form")
    check_accessibility(page)  # the closed page
    page.goto(f"{live_server.url}/reply")
    enter_code(page, open_jury.codes[0])
    page.wait_for_url("**/reply/form")
    page.check("#answer-0")
    submit_reply(page)
    check_accessibility(page)
    page.check("#answer-1")
    submit_reply(page)
    page.wait_for_url("**/reply/done")
    check_accessibility(page)
    page.goto(f"{live_server.url}/reply")
    enter_code(page, open_jury.codes[0])
    page.wait_for_url("**/reply/already")
    check_accessibility(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"already-{lang}-{width}.png"), full_page=True)
