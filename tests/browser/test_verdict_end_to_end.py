"""Issue 14 end to end on a live server: one sitting, two facilitators on 390 px phones record
their tables' outcomes for the table round (one goes offline mid-entry, keeps typing, is told
the text is kept on the phone, comes back and the text reaches the database whole); staff set
a quorum and a two-thirds majority and enter the plenary's tally (a tally above those present
refused first); the public report shows the traffic light at the verdict, the table outcomes
and the vote, and its PDF (read with pypdfium2) holds the outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_outcomes_browser import PHONE, _state, _stored, phones  # noqa: F401  (a fixture)
from tests.browser.test_replies_browser import log_in
from tests.webapp.outcomes_data import Tables, build_tables
from tests.webapp.test_proposal_report import _flat, _pdf_text
from webapp.extensions import db
from webapp.models import Sitting
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus

pytestmark = pytest.mark.browser
TITLE = "Lights in the park at night"


@pytest.fixture(scope="module")
def sitting(live_server: LiveServer) -> tuple[Tables, int]:
    """The outcomes world (two tables, two facilitators, eight present) with a proposal on
    the sitting's agenda."""
    t = build_tables(live_server.app)
    with live_server.app.app_context():
        proposal = Proposal(
            jury_id=t.world.jury,
            source=ProposalSource.BOARD,
            external_id="lights",
            title=TITLE,
            summary="Light the park's paths at night.",
            author_name="A resident",
            status=ProposalStatus.ON_AGENDA,
        )
        db.session.add(proposal)
        meeting = db.session.get_one(Sitting, t.world.sitting)
        meeting.proposals.append(proposal)
        db.session.commit()
        return t, proposal.id


def test_a_sitting_from_the_tables_to_the_published_report(
    live_server: LiveServer,
    sitting: tuple[Tables, int],
    phones: Any,  # noqa: F811  (the fixture of the outcomes test, imported above)
    page: Any,
) -> None:
    live = live_server
    t, proposal_id = sitting
    r = t.round

    # 1. Two facilitators on phones, each at their own table.
    one_ctx, one = phones()
    _two_ctx, two = phones()
    log_in(one, live, "fac@example.org")
    log_in(two, live, "fac2@example.org")
    url = f"{live.url}/staff/sittings/{t.world.sitting}/my-table"
    one.goto(url)
    two.goto(url)
    assert one.locator("h1").inner_text() == "Table 1"
    assert two.locator("h1").inner_text() == "Table 2"
    one.fill(f"#summary-{r}", "Table one wants lights on the main paths.")
    two.fill(f"#summary-{r}", "Table two wants lights, but only until midnight.")
    two.fill(f"#vfor-{r}", "3")
    two.fill(f"#vagainst-{r}", "1")
    for phone in (one, two):
        _state(phone, r).filter(has_text="Saved at").wait_for()

    # One goes offline mid-entry and keeps typing: kept on the phone, said so.
    one_ctx.set_offline(True)
    one.fill(f"#for-{r}", "Safer walks home")
    one.locator(f"#for-{r}").press_sequentially(", and LEDs cost little.")
    _state(one, r).filter(has_text="Offline: kept on this phone").wait_for()
    one.wait_for_timeout(1200)  # past the debounce: a save was tried and failed
    stored = _stored(live, 1, r)
    assert stored is not None and stored.arguments_for == ""
    one_ctx.set_offline(False)
    _state(one, r).filter(has_text="Saved at").wait_for()
    stored = _stored(live, 1, r)
    assert stored is not None
    assert stored.arguments_for == "Safer walks home, and LEDs cost little."
    assert stored.summary == "Table one wants lights on the main paths."
    assert one.evaluate("() => window.localStorage.length") == 0
    for phone in (one, two):
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert not phone.blocked, phone.blocked

    # 2. The plenary: a quorum of 6 members, two thirds; the tally counted in the room.
    page.set_viewport_size(PHONE)
    log_in(page, live, "org@example.org")
    page.goto(f"{live.url}/staff/juries/{t.world.jury}/verdicts/rules")
    page.check("#quorum_kind-0")  # a number of members
    page.fill("#quorum_value", "6")
    page.check("#majority-1")  # two thirds
    page.click("main form button[type=submit]")
    page.wait_for_url("**/verdicts")
    page.select_option("#proposal", str(proposal_id))
    page.check("#method-0")  # a tally entered by staff
    page.click("main form[action$='/verdicts/new'] button[type=submit]")
    page.wait_for_url("**/verdicts/*")
    page.fill("#amended_en", "Light the main paths until midnight.")
    page.click("main form[action$='/amended'] button[type=submit]")
    tally = "main form[action$='/tally']"
    # Nine ballots with eight present (one left early): refused, with the reason.
    for field, n in (("city_vote", 1), ("amended", 7), ("rejected", 0), ("abstentions", 1)):
        page.fill(f"#{field}", str(n))
    with page.expect_navigation():  # the refusal is read once the page has loaded
        page.click(f"{tally} button[type=submit]")
    assert "The tally counts 9 ballots, but only 8 members are present." in page.inner_text("main")
    assert page.locator(".verdict-result").count() == 0
    page.fill("#amended", "6")
    page.click(f"{tally} button[type=submit]")
    result = page.inner_text(".verdict-result")
    assert "Seated members: 10. Present at the sitting: 8." in result
    assert "Quorum: 6 members must take part. 8 took part: the quorum is met." in result
    assert "two thirds of the 7 votes for an option" in result and "5 votes needed" in result
    assert "has 6: it carries" in result
    outcome = page.locator(".verdict-outcome").inner_text().strip()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(page)

    # 3. The public report: the traffic light at the verdict, the tables, the vote, the PDF.
    report = one.context.new_page()
    report.goto(f"{live.url}/juries/parks/proposals/{proposal_id}/report")
    steps = report.locator(".traffic-light .step")
    assert steps.count() == 5
    assert report.locator(".traffic-light .step-done").count() == 2
    current = report.locator(".traffic-light .step-current")
    assert current.get_attribute("aria-current") == "step"
    assert "verdict" in current.inner_text()
    body = report.inner_text("main")
    for text in (
        "Table one wants lights on the main paths.",
        "Safer walks home, and LEDs cost little.",
        "Table two wants lights, but only until midnight.",
        "Light the main paths until midnight.",
        outcome,
    ):
        assert text in body, text
    assert report.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    with report.expect_download() as info:
        report.locator("a[href$='/report.pdf']").first.click()
    text = _flat(_pdf_text(Path(info.value.path()).read_bytes()))
    assert TITLE in text and outcome in text
    assert "Table one wants lights on the main paths." in text
    assert "Safer walks home, and LEDs cost little." in text
