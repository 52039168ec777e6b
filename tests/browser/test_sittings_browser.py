"""Sittings in a real browser, on a desktop and on a 390 px phone, with axe-core: an organiser
plans a series of Saturdays with the top proposal, gives it a venue, builds the agenda (an
item that overruns the sitting is refused with its error), shares a document; a member opens
their page with the code from the letter, reads the agenda, opens the document and takes
the calendar address, whose feed parses with icalendar and holds the sittings."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_proposals_browser import log_in
from tests.webapp.replies_data import make_user, make_world
from webapp.extensions import db
from webapp.models import Answer, Channel, Member, MemberStatus, Reply, Role, Sitting
from webapp.models.proposals import Proposal, ProposalSource

pytestmark = pytest.mark.browser
_slugs = itertools.count()
SIZES = [(1100, 900), (390, 844)]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """As in conftest, with bypass_csp for the injected axe-core script."""
    ctx = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="en-GB", bypass_csp=True
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def _world(live: LiveServer) -> dict[str, Any]:
    """A jury with an organiser, a confirmed member with a known code and two proposals."""
    n = next(_slugs)
    with live.app.app_context():
        world = make_world(n=2, slug=f"sittings-{n}")
        email = f"sittings-{n}@example.org"
        make_user(email, Role.ORGANISER, jury_id=world.jury_id)
        reply = Reply(
            invitation_id=world.invitation_ids[0],
            jury_id=world.jury_id,
            reference=f"S-{n:04d}",
            channel=Channel.ONLINE,
            answer=Answer.YES,
            language="en",
            consent=True,
        )
        db.session.add(reply)
        db.session.flush()
        db.session.add(
            Member(jury_id=world.jury_id, reply_id=reply.id, status=MemberStatus.CONFIRMED)
        )
        for external_id, title, supports in (
            ("a", "Safer bike lanes", 50),
            ("b", "More benches", 700),
        ):
            db.session.add(
                Proposal(
                    jury_id=world.jury_id,
                    source=ProposalSource.CSV,
                    external_id=external_id,
                    title=title,
                    supports=supports,
                )
            )
        db.session.commit()
    return {"jury": world.jury_id, "code": world.codes[0], "email": email}


def _no_sideways_scroll(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.slow
@pytest.mark.parametrize("width,height", SIZES, ids=["desktop", "phone"])
def test_an_organiser_schedules_a_sitting_and_a_member_reads_it(
    live_server: LiveServer, page: Any, browser: Any, width: int, height: int
) -> None:
    world = _world(live_server)
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, world["email"])
    jury = world["jury"]

    # A venue with its accessibility notes.
    page.goto(f"{live_server.url}/staff/juries/{jury}/venues")
    page.fill("#name", "Community centre")
    page.fill("#address", "Main street 1")
    page.check("#step_free")
    page.check("#hearing_loop")
    page.fill("#accessibility_en", "Ramp at the side door.")
    page.fill("#accessibility_es", "Rampa en la puerta lateral.")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/staff/juries/{jury}/venues")
    assert "The venue is saved." in page.inner_text("main")
    check_accessibility(page)
    _no_sideways_scroll(page, width)

    # Two Saturdays, the most supported proposal already ticked.
    page.goto(f"{live_server.url}/staff/juries/{jury}/calendar")
    check_accessibility(page)
    _no_sideways_scroll(page, width)
    series = page.locator("form[action$='/sittings/series']")
    checked = series.locator("input[name=proposals]:checked")
    assert checked.count() == 1
    assert (
        "More benches" in series.locator(f"label[for='{checked.get_attribute('id')}']").inner_text()
    )
    series.locator("#first_day").fill("2031-06-07")
    series.locator("#count").fill("2")
    series.locator("#skip").fill("2031-06-14")
    series.locator("#venue_id").select_option(label="Community centre")
    series.locator("button[type=submit]").click()
    page.wait_for_url(f"**/staff/juries/{jury}/calendar")
    assert "2 sittings are added." in page.inner_text("main")
    with live_server.app.app_context():
        new = db.session.scalars(
            sa.select(Sitting)
            .where(Sitting.jury_id == jury, Sitting.venue_id.is_not(None))
            .order_by(Sitting.starts_at)
        ).all()
        assert [s.starts_at.day for s in new] == [7, 21]  # the 14th skipped
        first = new[0].id

    # The agenda: two items fit, one that runs past 17:00 is refused with its reason.
    page.goto(f"{live_server.url}/staff/juries/{jury}/sittings/{first}/agenda")
    for kind, starts, minutes, title in (
        ("welcome", "10:00", "30", "Coffee and welcome"),
        ("plenary_vote", "16:30", "60", "The vote"),
    ):
        page.select_option("#kind", kind)
        page.fill("#starts", starts)
        page.fill("#minutes", minutes)
        page.fill("#title_en", title)
        page.click("form[action$='/agenda'] button[type=submit]")
        page.wait_for_load_state()
    assert "This item would end at 17:30, after the sitting ends at 17:00." in page.inner_text(
        ".error-summary"
    )
    check_accessibility(page)  # the page with its errors
    page.fill("#starts", "16:00")
    page.click("form[action$='/agenda'] button[type=submit]")
    page.wait_for_url(f"**/sittings/{first}/agenda")
    rows = page.locator("table.agenda tbody tr").all_inner_texts()
    assert len(rows) == 2 and "10:00–10:30" in rows[0] and "16:00–17:00" in rows[1]
    _no_sideways_scroll(page, width)

    # A document for the members.
    page.fill("#document_title", "Reading for the day")
    page.set_input_files(
        "#file", files=[{"name": "reading.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"**/sittings/{first}/agenda")
    assert "Reading for the day" in page.inner_text("#documents ~ ul")

    # The member, in a browser of their own: the code from the letter opens their page.
    member = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        mine = member.new_page()
        mine.goto(f"{live_server.url}/my-sittings")
        mine.fill("#code", world["code"])
        mine.click("main form button[type=submit]")
        mine.wait_for_url("**/my-sittings")
        text = mine.inner_text("main")
        assert "Coffee and welcome" in text and "More benches" in text
        assert "Ramp at the side door." in text and "Step-free access" in text
        assert world["code"] not in mine.url
        check_accessibility(mine)
        _no_sideways_scroll(mine, width)
        with mine.expect_download() as download:
            mine.click("text=Reading for the day")
        assert Path(download.value.path()).read_bytes() == PDF
        mine.click("text=Make my calendar address")
        mine.wait_for_url("**/my-sittings#calendar")
        feed_url = mine.locator("input.copy-field").input_value()
        feed = Calendar.from_ical(mine.request.get(feed_url).body())
        event_starts: list[datetime] = sorted(e.decoded("DTSTART") for e in feed.walk("VEVENT"))
        assert [s.day for s in event_starts if s.year == 2031] == [7, 21]
        assert all(str(s.tzinfo) == "Europe/Amsterdam" for s in event_starts)
    finally:
        member.close()
