"""Issue 13 end to end, in one browser at phone width (390 px), with axe-core on the main
pages: an organiser imports the top proposal from a recorded Decidim answer and from a
recorded CONSUL answer, schedules a sitting on the calendar (no venue, a place typed in) with
one of them, builds its agenda, checks members in, makes the table plan from the members
present, sets the stipend, enters IBANs; a member claims an expense with their code, the
organiser approves it and downloads the payment files (CSV and pain.001, validated against
the shipped schema); the jury's and the member's iCalendar feeds parse and hold the sitting.
The parts were built on separate branches: this walks the links between them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from lxml import etree

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import log_in
from tests.webapp.payments_data import DEBTOR_IBAN, IBAN_ES, IBAN_NL
from tests.webapp.proposals_data import platform_server
from tests.webapp.replies_data import make_invitations
from tests.webapp.staff_data import build_world
from webapp.extensions import db
from webapp.models import Answer, Channel, Jury, Member, MemberStatus, Reply, Sitting, TablePlan
from webapp.models.proposals import Proposal, ProposalStatus

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NAMES = ["María García", "José Pérez", "Ana López", "Pieter Jansen", "Emma Smit", "Said Haddad"]
XSD = Path(__file__).resolve().parents[1] / "webapp" / "data" / "sepa" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """As in conftest, with bypass_csp for the injected axe-core script."""
    ctx = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def _jury_with_members(live: LiveServer) -> tuple[int, list[int], list[str]]:
    """The staff world's jury (organiser org@example.org) with six confirmed members, each
    with the code of their letter and a name; their ids and codes."""
    world = build_world(live.app)
    with live.app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        ids, codes = [], []
        for i, ((code, invitation), name) in enumerate(
            zip(make_invitations(jury, len(NAMES)), NAMES, strict=True)
        ):
            invitation.address = {"addressee": name, "lines": [f"Street {i}"]}
            reply = Reply(
                invitation_id=invitation.id,
                jury_id=jury.id,
                reference=f"E2E-{i}",
                channel=Channel.ONLINE,
                answer=Answer.YES,
                birth_year=1960 + 5 * i,
                language="en",
                consent=True,
            )
            db.session.add(reply)
            db.session.flush()
            member = Member(jury_id=jury.id, reply_id=reply.id, status=MemberStatus.CONFIRMED)
            db.session.add(member)
            db.session.flush()
            ids.append(member.id)
            codes.append(code)
        db.session.commit()
        return world.jury, ids, codes


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _check(page: Any) -> None:
    _fits(page)
    check_accessibility(page)


@pytest.mark.slow
def test_the_whole_chain_of_issue_13(live_server: LiveServer, page: Any, browser: Any) -> None:
    jury, members, codes = _jury_with_members(live_server)
    url = live_server.url
    log_in(page, live_server, "org@example.org")

    # 1. The top proposal from Decidim and from CONSUL (recorded answers, served locally).
    proposals_url = f"{url}/staff/juries/{jury}/proposals"
    with platform_server() as platform:
        page.goto(proposals_url)
        page.fill("#decidim-api_url", f"{platform.url}/decidim/api")
        page.fill("#decidim-process_id", "12")
        page.fill("#decidim-component_id", "31")
        page.fill("#decidim-limit", "1")
        page.click("text=Import from Decidim >> nth=-1")
        page.wait_for_url(proposals_url)
        consul = page.locator("form[action$='/proposals/consul']")
        consul.locator("#consul-api_url").fill(f"{platform.url}/consul/graphql")
        consul.locator("#consul-limit").fill("1")
        consul.locator("button[type=submit]").click()
        page.wait_for_url(proposals_url)
    table = page.inner_text(".proposal-table")
    assert "Madrid Central: clean air in the city centre" in table
    assert "Shade trees on the market square" in table
    _check(page)
    with live_server.app.app_context():
        imported: dict[str, int] = {
            str(p.source): p.id
            for p in db.session.scalars(sa.select(Proposal).filter_by(jury_id=jury))
        }
    assert set(imported) == {"decidim", "consul"}

    # 2. A sitting from the calendar: no venue, a place typed in, the Decidim proposal on it.
    page.goto(f"{url}/staff/juries/{jury}/calendar")
    _check(page)
    one = page.locator("form[action$='/sittings']").last
    one.locator("#starts_at").fill("2031-06-07T10:00")
    one.locator("#ends_at").fill("2031-06-07T17:00")
    one.locator("#place").fill("Town hall, room 2")
    for box in one.locator("input[name=proposals]").all():
        box.uncheck()
    one.locator(f"input[name=proposals][value='{imported['decidim']}']").check()
    one.locator("button[type=submit]").click()
    page.wait_for_url(f"**/staff/juries/{jury}/calendar")
    with live_server.app.app_context():
        sitting = db.session.scalars(
            sa.select(Sitting).filter_by(jury_id=jury, place="Town hall, room 2")
        ).one()
        sitting_id = sitting.id
        assert [p.id for p in sitting.proposals] == [imported["decidim"]]
    # The proposals page says it is on the agenda.
    page.goto(proposals_url)
    row = page.locator(".proposal-table tbody tr", has_text="Shade trees on the market square")
    assert "On the jury's agenda" in row.inner_text()
    row.locator("a", has_text="Sitting of 7 Jun 2031").click()  # to the sitting's page
    page.wait_for_url(f"**/staff/sittings/{sitting_id}")
    with live_server.app.app_context():
        assert db.session.get_one(Proposal, imported["decidim"]).status == ProposalStatus.ON_AGENDA

    # 3. The sitting's page leads to everything done at and after it.
    _check(page)
    assert "Shade trees on the market square" in page.inner_text("main")
    page.click("main >> text=Agenda and documents")
    page.wait_for_url(f"**/sittings/{sitting_id}/agenda")
    for kind, starts, minutes, title in (
        ("welcome", "10:00", "30", "Coffee and welcome"),
        ("plenary_vote", "16:00", "60", "The vote"),
    ):
        page.select_option("#kind", kind)
        page.fill("#starts", starts)
        page.fill("#minutes", minutes)
        page.fill("#title_en", title)
        page.click("form[action$='/agenda'] button[type=submit]")
        page.wait_for_url(f"**/sittings/{sitting_id}/agenda")
    assert page.locator("table.agenda tbody tr").count() == 2
    _check(page)

    # 4. Check-in on the phone: four of the six members come.
    page.goto(f"{url}/staff/sittings/{sitting_id}")
    page.click("main >> text=Check-in")
    page.wait_for_url("**/check-in")
    _check(page)
    for n, name in enumerate(NAMES[:4], start=1):
        page.fill("#q", name.split()[0])
        page.locator("#people li.person", has_text=name).locator("button.tap").click()
        page.wait_for_selector(f"#checkin-summary:has-text('{n} of 6 checked in')")
    _fits(page)
    with page.expect_navigation():  # the rows are counted once the list has loaded
        page.click("main >> text=The attendance list")
    assert page.locator("table.attendance tbody tr").count() >= 4
    _check(page)

    # 5. The table plan from the members present.
    page.goto(f"{url}/staff/sittings/{sitting_id}")
    page.click("main >> text=Table plan")
    page.wait_for_url("**/tables")
    _check(page)
    page.check("input[name=source][value=present]")
    page.fill("#table_size", "2")
    page.fill("#seed", "13")
    page.click(".plan-make button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator(".plan-table").count() == 2
    _check(page)
    with live_server.app.app_context():
        plan = db.session.scalars(sa.select(TablePlan).filter_by(sitting_id=sitting_id)).one()
        assert sorted(s.member_id for s in plan.seats) == sorted(members[:4])

    # 6. Payments: the stipend (65 euro) and the municipality's account, reached from the
    #    sitting's page; two members' IBANs (a mistyped one refused first).
    page.goto(f"{url}/staff/sittings/{sitting_id}")
    page.click("main >> text=Stipends and expenses")
    base = f"{url}/staff/juries/{jury}/payments"
    page.wait_for_url(base)
    page.goto(f"{base}/settings")
    _check(page)
    page.fill("#stipend", "65")
    page.fill("#debtor_name", "Gemeente Teststad")
    page.fill("#debtor_iban", DEBTOR_IBAN)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "error-summary" not in page.content()
    for member_id, iban in zip(members[:4], (IBAN_ES, IBAN_NL, IBAN_ES, IBAN_NL), strict=True):
        page.goto(f"{base}/members/{member_id}")
        page.fill("#holder", "Account holder")
        if member_id == members[0]:
            page.fill("#iban", iban[:-1] + ("0" if iban[-1] != "0" else "1"))
            page.click("#account ~ form button[type=submit]")
            assert "check digits do not match" in page.inner_text(".error-summary")
        page.fill("#iban", iban)
        page.click("#account ~ form button[type=submit]")
        assert "The bank account is saved." in page.inner_text(".flashes")
    _check(page)

    # 7. A member claims childcare with the code of their letter; the organiser approves it.
    member_page = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    try:
        claim = member_page.new_page()
        claim.goto(f"{url}/expenses")
        claim.fill("#code", codes[1])
        claim.locator("input[name=kind]").first.check()
        claim.fill("#amount", "12,50")
        claim.fill("#spent_on", date.today().isoformat())
        claim.click("main form button[type=submit]")
        claim.wait_for_url("**/expenses/done")

        # The member's own calendar feed.
        claim.goto(f"{url}/my-sittings")
        claim.fill("#code", codes[0])
        claim.click("main form button[type=submit]")
        claim.wait_for_url("**/my-sittings")
        assert "Shade trees on the market square" in claim.inner_text("main")
        _check(claim)
        claim.click("text=Make my calendar address")
        claim.wait_for_url("**/my-sittings#calendar")
        member_feed = claim.request.get(claim.locator("input.copy-field").input_value()).body()
    finally:
        member_page.close()
    page.goto(base)
    _check(page)
    page.click("text=Approve")
    assert "The expense is approved." in page.inner_text(".flashes")

    # 8. The payment run and its files: four stipends of 65 and the expense.
    page.goto(f"{base}/runs/new")
    _check(page)
    page.fill("#execution_date", (date.today() + timedelta(days=1)).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/runs/*")
    assert "€272.50" in page.inner_text("main")  # 4 × 65 + 12.50
    _check(page)
    with page.expect_download() as csv_download:
        page.click("text=Download the CSV file")
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8"))))
    assert len(rows) == 1 + 4 and any("77.50" in r for r in rows), rows
    with page.expect_download() as xml_download:
        page.click("text=Download the SEPA file (pain.001)")
    document = etree.parse(xml_download.value.path())
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(document), schema.error_log
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "272.50"
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "4"

    # 9. The jury's feed (linked from the calendar) and the member's hold the sitting.
    page.goto(f"{url}/staff/juries/{jury}/calendar")
    jury_feed_url = page.locator("main a[href*='.ics'], main a[href*='calendar.ics']").first
    jury_feed = page.request.get(jury_feed_url.get_attribute("href")).body()
    for body in (jury_feed, member_feed):
        feed = Calendar.from_ical(body)
        events = feed.walk("VEVENT")
        begins = [e.decoded("DTSTART") for e in events if e.decoded("DTSTART").year == 2031]
        assert [(b.month, b.day, b.hour) for b in begins] == [(6, 7, 10)]
        [event] = [e for e in events if e.decoded("DTSTART").year == 2031]
        assert "Town hall, room 2" in str(event.get("LOCATION"))
