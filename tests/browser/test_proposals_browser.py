"""Proposals in a real browser: an organiser imports the top proposal from recorded Decidim and
CONSUL answers (served from 127.0.0.1) and puts it on the agenda; a resident supports a board
proposal with the code from the letter. On a desktop and on a 390 px phone, with axe-core."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import choose_language
from tests.webapp.proposals_data import platform_server
from tests.webapp.replies_data import PASSWORD, make_user, make_world
from webapp.extensions import db
from webapp.models import Invitation, Jury, Role
from webapp.models.proposals import Proposal, ProposalBoard, ProposalStatus
from webapp.proposals import board as board_service

pytestmark = pytest.mark.browser
_slugs = itertools.count()
SIZES = [(1100, 900), (390, 844)]


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """As in conftest, with bypass_csp: the app's Content-Security-Policy (script-src 'self')
    would block the axe-core script that the accessibility check injects."""
    ctx = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="en-GB", bypass_csp=True
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def log_in(page: Any, live: LiveServer, email: str) -> None:
    """Password, then the second factor's enrolment with a real TOTP code."""
    page.goto(f"{live.url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/login/enrol")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    page.click("text=I have kept them: continue")
    page.wait_for_url("**/staff/")


def _world(live: LiveServer) -> Any:
    with live.app.app_context():
        return make_world(n=3, slug=f"proposals-{next(_slugs)}")


def _proposals(live: LiveServer, jury_id: int) -> list[Proposal]:
    with live.app.app_context():
        query = sa.select(Proposal).where(Proposal.jury_id == jury_id).order_by(Proposal.id)
        return list(db.session.scalars(query))


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["desktop", "phone"])
def test_import_the_top_proposal_from_decidim_and_consul(
    live_server: LiveServer, page: Any, width: int, height: int
) -> None:
    w = _world(live_server)
    email = f"importer{w.jury_id}@example.org"
    with live_server.app.app_context():
        make_user(email, Role.ORGANISER, jury_id=w.jury_id)
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, email)
    staff_url = f"{live_server.url}/staff/juries/{w.jury_id}/proposals"
    with platform_server() as platform:
        page.goto(staff_url)
        check_accessibility(page)
        page.fill("#decidim-api_url", f"{platform.url}/decidim/api")
        page.fill("#decidim-process_id", "12")
        page.fill("#decidim-component_id", "31")
        page.fill("#decidim-limit", "1")
        page.click("text=Import from Decidim >> nth=-1")
        page.wait_for_url(staff_url)
        assert "1 proposals added, 0 updated." in page.locator(".flashes").inner_text()
        first = page.locator(".proposal-table tbody tr").first
        assert "Shade trees on the market square" in first.inner_text()
        assert "873" in first.inner_text()
        first.locator("button", has_text="Put on the agenda").click()
        page.wait_for_url(staff_url)

        consul = page.locator("form[action$='/proposals/consul']")
        consul.locator("#consul-api_url").fill(f"{platform.url}/consul/graphql")
        consul.locator("#consul-limit").fill("1")
        consul.locator("button[type=submit]").click()
        page.wait_for_url(staff_url)
        top = page.locator(".proposal-table tbody tr").first
        assert "Madrid Central: clean air in the city centre" in top.inner_text()
        assert "23421" in top.inner_text()
        check_accessibility(page)
        # A broken answer: a message naming the problem, nothing stored changes.
        consul = page.locator("form[action$='/proposals/consul']")
        consul.locator("#consul-api_url").fill(f"{platform.url}/not-json")
        consul.locator("button[type=submit]").click()
        assert "is not JSON" in page.locator(".error-summary").inner_text()
        check_accessibility(page)
    stored = _proposals(live_server, w.jury_id)
    assert [(p.source, p.external_id, p.supports) for p in stored] == [
        ("decidim", "412", 873),
        ("consul", "1030", 23421),
    ]
    assert stored[0].status == ProposalStatus.ON_AGENDA


@pytest.mark.parametrize(
    ("lang", "width", "height"), [("en", 1100, 900), ("es", 390, 844)], ids=["desktop", "phone"]
)
def test_a_resident_supports_a_board_proposal_with_a_code(
    live_server: LiveServer, page: Any, lang: str, width: int, height: int
) -> None:
    w = _world(live_server)
    with live_server.app.app_context():
        jury = db.session.get_one(Jury, w.jury_id)
        db.session.add(ProposalBoard(jury_id=jury.id, is_open=True, support_threshold=2))
        author = db.session.get_one(Invitation, w.invitation_ids[0])
        proposal = board_service.submit(
            jury, title="A playground in the park", summary="Swings.", invitation=author
        )
        db.session.commit()
        slug, proposal_id = jury.slug, proposal.id
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/juries/{slug}/proposals")
    choose_language(page, lang)
    check_accessibility(page)
    page.click("text=A playground in the park")
    page.wait_for_url(f"**/proposals/{proposal_id}")
    check_accessibility(page)
    page.fill("#code-code", w.codes[1])
    page.click("form.reply-form button[type=submit] >> nth=0")
    page.wait_for_url(f"**/proposals/{proposal_id}")
    thanks = {"en": "your support is counted", "es": "su apoyo se ha contado"}[lang]
    assert thanks in page.locator(".flashes").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    check_accessibility(page)
    page.fill("#code-code", w.codes[1])  # the same code again: counted once
    page.click("form.reply-form button[type=submit] >> nth=0")
    page.wait_for_url(f"**/proposals/{proposal_id}")
    assert {"en": "already", "es": "Ya apoya"}[lang] in page.locator(".flashes").inner_text()
    [stored] = _proposals(live_server, w.jury_id)
    assert stored.supports == 2
    page.goto(f"{live_server.url}/juries/{slug}/proposals/new")
    check_accessibility(page)
