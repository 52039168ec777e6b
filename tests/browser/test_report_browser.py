"""The public report on a proposal in a real browser on a 390 px phone, in Dutch: the page
passes axe-core, shows the traffic light at the municipality's response, and its PDF downloads
and holds the title, the outcome and the counts."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import choose_language
from tests.webapp.test_proposal_report import AMENDED, OUTCOME, _decide, _flat, _pdf_text
from tests.webapp.verdicts_data import build_verdict_world
from webapp.extensions import db
from webapp.models import Jury

pytestmark = pytest.mark.browser
_slugs = itertools.count()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """As in conftest, with bypass_csp for the axe-core script, and downloads accepted."""
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="en-GB",
        bypass_csp=True,
        accept_downloads=True,
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def test_the_report_on_a_phone_with_its_traffic_light_and_pdf(
    live_server: LiveServer, page: Any
) -> None:
    app = live_server.app
    with app.app_context():
        world = build_verdict_world(slug=f"report-{next(_slugs)}")
        slug = db.session.get_one(Jury, world.jury_id).slug
    _decide(app, world)
    page.goto(f"{live_server.url}/juries/{slug}/proposals/{world.proposal_id}")
    choose_language(page, "nl")
    page.click("text=Het verslag: hoe de jury tot haar besluit kwam")
    page.wait_for_url(f"**/proposals/{world.proposal_id}/report")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The traffic light: verdict and response passed, the response the current step.
    steps = page.locator(".traffic-light .step")
    assert steps.count() == 5
    assert page.locator(".traffic-light .step-done").count() == 3
    current = page.locator(".traffic-light .step-current")
    assert current.get_attribute("aria-current") == "step"
    assert "De gemeente plant de bomen" in page.locator(".traffic-light").inner_text()
    body = page.locator("main").inner_text()
    assert AMENDED["nl"] in body and OUTCOME["summary"] in body
    with page.expect_download() as info:
        page.click("a[href$='/report.pdf']")
    download = info.value
    assert download.suggested_filename.endswith("-nl.pdf")
    data = Path(download.path()).read_bytes()
    text = _flat(_pdf_text(data))
    assert "More trees in the park" in text
    assert AMENDED["nl"] in text
    assert "Pagina 1 van" in text
    outcome = page.locator(".verdict-outcome").first.inner_text().strip()
    assert outcome in text and ": 6" in text
