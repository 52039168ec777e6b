"""The plenary vote in a real browser: staff put a proposal to the plenary and open the vote;
members vote on phone-sized screens (390 px) with the code from their letter, one in Spanish,
one taps twice; staff close the ballot; the result with its arithmetic is shown to staff and
on the jury's public page, which names nobody."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import log_in
from tests.webapp.verdicts_data import VerdictWorld, build_verdict_world
from webapp.extensions import db
from webapp.models import Jury, User

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "phone"
WIDE = """() => ({
  width: document.documentElement.scrollWidth,
  small: [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
    .map(b => b.getBoundingClientRect()).filter(r => r.width && (r.width < 24 || r.height < 24))
    .length,
})"""


@pytest.fixture
def world(live_server: LiveServer) -> VerdictWorld:
    with live_server.app.app_context():
        return build_verdict_world(seated=5, present=4, slug="plenary-jury")


@pytest.fixture
def phones(browser: Any) -> Iterator[list[Any]]:
    contexts = [
        browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True)
        for _ in range(3)
    ]
    for ctx in contexts:
        ctx.set_default_timeout(15_000)
    yield [ctx.new_page() for ctx in contexts]
    for ctx in contexts:
        ctx.close()


def _fits_a_phone(page: Any, shot: str | None = None) -> None:
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    measured = page.evaluate(WIDE)
    assert measured["width"] <= PHONE["width"], f"{page.url} is {measured['width']} px wide"
    assert measured["small"] == 0, f"{page.url}: radio buttons smaller than 24 px"


def _enter_code(page: Any, live: LiveServer, code: str) -> None:
    page.goto(f"{live.url}/vote")
    page.fill("#code", code)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/vote/ballot")


def test_members_vote_on_phones_staff_close_and_the_result_is_shown(
    live_server: LiveServer, world: VerdictWorld, page: Any, phones: list[Any]
) -> None:
    live = live_server
    with live.app.app_context():
        email = db.session.get_one(User, world.organiser).email
        slug = db.session.get_one(Jury, world.jury_id).slug
    # Staff (on a phone too): the rules, then the proposal to the plenary, then open.
    page.set_viewport_size(PHONE)
    log_in(page, live, email)
    page.goto(f"{live.url}/staff/juries/{world.jury_id}/verdicts/rules")
    page.check("#quorum_kind-0")  # a number of members
    page.fill("#quorum_value", "3")
    page.check("#majority-0")  # simple
    page.check("#secret")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/verdicts")
    _fits_a_phone(page)
    check_accessibility(page)
    page.check("#method-1")  # phones
    page.click("main form[action$='/verdicts/new'] button[type=submit]")
    page.wait_for_url("**/verdicts/*")
    page.fill("#amended_en", "Plant 40 trees in the park, not 100.")
    page.fill("#amended_nl", "Plant 40 bomen in het park, niet 100.")
    page.fill("#amended_es", "Plantar 40 árboles en el parque, no 100.")
    page.click("main form[action$='/amended'] button[type=submit]")
    page.click("main form[action$='/open'] button[type=submit]")
    assert "Votes cast so far: 0 of 4 present." in page.inner_text("#casts")
    _fits_a_phone(page)
    check_accessibility(page)

    # Members vote on their phones: two for the amended text, one abstains (in Spanish).
    first, second, third = phones
    _enter_code(first, live, world.codes[0])
    _fits_a_phone(first)
    check_accessibility(first)
    first.click("details summary")
    assert "Plant 40 trees" in first.inner_text("main")
    _fits_a_phone(first, "vote-ballot")
    first.check("main form input[value=amended]")
    first.click("main form button:has-text('Cast my vote')")
    first.wait_for_url("**/vote/done")
    assert "your vote is counted" in first.inner_text("main")
    _fits_a_phone(first)
    # The same phone, back to the ballot: it says the vote is in, and offers no second vote.
    with first.expect_navigation():  # the ballot page, loaded (not the one before it)
        first.click("main a.button")
    assert "You have voted. Your vote is counted." in first.inner_text("main")
    assert first.locator("main form input[type=radio]").count() == 0

    second.goto(f"{live.url}/vote")
    second.select_option("#lang-select", "es")
    second.click(".lang-switch button")
    second.wait_for_selector('html[lang="es"]')
    second.fill("#code", world.codes[1])
    second.click("main form button[type=submit]")
    second.wait_for_url("**/vote/ballot")
    assert "Su voto" in second.inner_text("h1")
    second.check("main form input[value=abstain]")
    second.click("main form button:has-text('Emitir mi voto')")
    second.wait_for_url("**/vote/done")
    assert "Gracias" in second.inner_text("main")
    _fits_a_phone(second)

    _enter_code(third, live, world.codes[2])
    # The same member in a second tab (or a second tap on a slow connection): both forms
    # are sent; the first counts, the second is told so.
    twin = third.context.new_page()
    twin.goto(f"{live.url}/vote/ballot")
    for tab in (third, twin):
        tab.check("main form input[value=amended]")
    third.click("main form button:has-text('Cast my vote')")
    third.wait_for_url("**/vote/done")
    twin.click("main form button:has-text('Cast my vote')")
    twin.wait_for_url("**/vote/already")
    assert "your first vote counts" in twin.inner_text("main")
    _fits_a_phone(twin)
    # Staff see the count, not the options, while a secret ballot is open; then close it.
    page.reload()
    assert "Votes cast so far: 3 of 4 present." in page.inner_text("#casts")
    assert "The count per option is shown when the vote is closed." in page.inner_text("main")
    page.click("main form[action$='/close'] button[type=submit]")
    result = page.inner_text(".verdict-result")
    assert "Send it on, amended" in result
    assert "Quorum: 3 members must take part. 3 took part: the quorum is met." in result
    assert "more than half of the 2 votes for an option" in result and "2 votes needed" in result
    _fits_a_phone(page, "verdict-result")
    check_accessibility(page)

    # A vote after the close: the ballot has nothing open any more.
    _enter_code(phones[0], live, world.codes[3])
    assert "No vote is open now" in phones[0].inner_text("main")

    # The public page: the result, the arithmetic, the amended text; no names or contacts.
    public = phones[1]
    public.goto(f"{live.url}/juries/{slug}")
    text = public.inner_text("main")
    assert "Plantar 40 árboles" in text and "Enviarla enmendada" in text
    for contact in world.emails:
        assert contact not in public.content()
    _fits_a_phone(public, "verdict-public")
    check_accessibility(public)
    with live.app.app_context():
        from webapp.models import PlenaryVote

        vote = db.session.scalars(sa.select(PlenaryVote)).one()
        assert (vote.votes_amended, vote.abstentions, vote.casts) == (2, 1, 3)
