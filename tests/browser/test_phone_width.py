"""Every staff and public page at phone width (390 px), in Dutch (the longest words), on the
demo municipality: no page scrolls sideways, and every tick box and radio button is at least
24 x 24 px (WCAG 2.2 target size). A screenshot of each page goes to out/screenshots/phone/.

The test walks the pages as people reach them, then checks that it saw every page the app has
(every GET route that renders HTML), so a new page cannot slip past."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Response

from tests.browser.conftest import LiveServer, check_accessibility
from tests.webapp.staff_data import methods
from webapp.demo import LOGINS, PASSWORD
from webapp.extensions import db
from webapp.models import (
    AgendaItem,
    Draw,
    InvitationBatch,
    Jury,
    SelectionJob,
    Sitting,
    User,
    Venue,
)
from webapp.models.proposals import Proposal

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "phone"
WIDTH = 390
# GET routes that send a file, JSON or only redirect: no page to look at.
NOT_PAGES = {
    "static",
    "proposals.static",
    "invitations.download",
    "invitations.report",
    "pool.pool_csv",
    "pool.quotas_csv",
    "juries.targets",  # a redirect to the census page
    "selection.job_status",  # JSON
    "selection.public_bundle",  # a zip file
    "selection.public_file",  # a CSV or JSON file of the bundle
    "payments.receipt",  # an uploaded file
    "payments.run_csv",
    "payments.run_xml",
    "sittings.attendance_csv",  # a CSV file
    "members.paper_letter_file",  # a PDF or CSV of the paper letters
    "sittings.jury_feed",  # iCalendar
    "sittings.member_feed",  # iCalendar
    "sittings.staff_document",  # a document for the members
    "sittings.my_document",
    "reports.proposal_pdf",  # the report on a proposal as a PDF
}
# Pages that need a state the demo does not have (a running selection, a second login,
# an e-mail link): their own browser tests run them at 390 px (test_selection_browser,
# test_proposals_browser), this walk does not yet. A new page must be walked or listed here.
NOT_WALKED_YET = {
    # Only the facilitator of a table opens it: test_outcomes_browser walks it at 390 px.
    "sittings.my_table",
    "auth.second_factor",
    "members.confirmed",
    "proposals.confirm_support",
    # A vote and a member's ballot need a vote put to the plenary and a seated member's code:
    # test_verdicts_browser walks them at 390 px.
    "verdicts.vote",
    "verdicts.ballot",
    "verdicts.done",
    "verdicts.already",
    # The demo has no members: test_payments_browser walks these at 390 px.
    "payments.member",
    "payments.run",
    "payments.member_claim_done",
    "sittings.table_cards",  # needs a table plan: test_attendance_browser prints them at 390 px
}
# The pages this change made or changed get axe-core too (the others have their own tests).
AXE_PAGES = {
    "staff-juries",
    "jury-dashboard",
    "jury-edit",
    "replies-list",
    "sitting-remove",
    "reply-form-errors",
    "staff-form-errors",
    "pool",
    "users",
    "proposal-response",
    "survey",
    "survey-results",
    "proposal-public",
    "proposal-report",
    "payments",
    "payments-settings",
    "payments-claim-new",
    "expenses",
    "check-in",
    "attendance",
    "table-plan",
    "table-outcomes",
    "calendar",
    "venues",
    "agenda",
    "agenda-item",
    "sitting",
    "my-sittings",
    "recovery-codes",
}
MEASURE = """() => {
  const small = [];
  for (const box of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    const r = box.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // hidden (a "no" hides the questions)
    if (r.width < 24 || r.height < 24) small.push(`${box.id} ${r.width}x${r.height}`);
  }
  return {
    width: document.documentElement.scrollWidth,
    boxes: document.querySelectorAll('input[type=checkbox], input[type=radio]').length,
    small: small,
  };
}"""


@pytest.fixture(scope="module")
def demo(live_server: LiveServer) -> dict[str, Any]:
    """The demo municipality (as `make run` loads it); its three printed reply codes."""
    result = live_server.app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    codes = re.findall(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.)$", result.output, re.M)
    with live_server.app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        return {
            "codes": codes,
            "jury": jury.id,
            "slug": jury.slug,
            "sitting": db.session.scalars(sa.select(Sitting.id).order_by(Sitting.id)).first(),
            "venue": db.session.scalars(sa.select(Venue.id)).first(),
            "item": db.session.scalars(sa.select(AgendaItem.id).order_by(AgendaItem.id)).first(),
            "batch": db.session.scalars(sa.select(InvitationBatch.id)).first(),
            # The demo's completed members' draw (webapp/demo.py).
            "draw": db.session.scalars(sa.select(Draw.id)).one(),
            "job": db.session.scalars(sa.select(SelectionJob.id)).one(),
            "user": db.session.scalars(sa.select(User.id).filter_by(email=LOGINS[1][1])).one(),
            "proposal": db.session.scalars(
                sa.select(Proposal.id).filter_by(external_id="demo-2")
            ).one(),
        }


class Walk:
    """Visits pages at phone width and records what it measured on each."""

    def __init__(self, page: Any, live: LiveServer) -> None:
        self.page, self.live = page, live
        self.adapter = live.app.url_map.bind("127.0.0.1")
        self.seen: dict[str, dict[str, Any]] = {}
        self.failed: list[str] = []  # pages that answered with a server error

        def record_failure(r: Response) -> None:
            if r.status >= 500 and r.request.is_navigation_request():
                self.failed.append(r.url)

        page.on("response", record_failure)

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state()
        path = page.url.removeprefix(self.live.url).split("#")[0].split("?")[0]
        endpoint, _args = self.adapter.match(path, method="GET")
        assert self.failed == [], f"server errors: {self.failed}"
        measured = page.evaluate(MEASURE)
        self.seen.setdefault(endpoint, measured)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert measured["width"] <= WIDTH, f"{name} ({path}) is {measured['width']} px wide"
        assert measured["small"] == [], f"{name} ({path}): small boxes {measured['small']}"
        if name in AXE_PAGES:
            check_accessibility(page)

    def go(self, name: str, path: str) -> None:
        self.page.goto(self.live.url + path)
        self.check(name)


def test_no_page_scrolls_sideways_and_every_box_is_big_enough(
    live_server: LiveServer, demo: dict[str, Any], page: Any
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 844})
    walk = Walk(page, live_server)
    jury, codes = demo["jury"], demo["codes"]
    page.goto(live_server.url + "/")
    page.select_option("#lang-select", "nl")
    page.click(".lang-switch button")
    page.wait_for_selector('html[lang="nl"]')
    walk.check("home")
    walk.go("jury-public", f"/juries/{demo['slug']}")
    walk.go("reply-code", "/reply")
    page.fill("#code", codes[0])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reply/form")
    walk.check("reply-form")
    page.click("form.reply-form button[type=submit]")  # empty: every error at once
    walk.check("reply-form-errors")
    page.check("#answer-1")
    page.click("form.reply-form button[type=submit]")
    page.wait_for_url("**/reply/done")
    walk.check("reply-done")
    page.goto(live_server.url + "/reply")
    page.fill("#code", codes[0])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reply/already")
    walk.check("reply-already")

    walk.go("staff-login", "/staff/login")
    page.fill("#email", LOGINS[0][1])
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/login/enrol")  # the administrator's second factor, first time
    walk.check("staff-enrol")
    page.fill("#code", pyotp.TOTP(page.inner_text("#totp-secret")).now())
    page.click("main form button[type=submit]")
    walk.check("staff-recovery-codes")
    page.click('main a.button[href$="/staff/"]')
    page.wait_for_url("**/staff/")
    walk.check("staff-home")
    page.click("nav >> text=Jury's")
    walk.check("staff-juries")
    for name, path in [
        ("jury-dashboard", f"/staff/juries/{jury}/dashboard"),
        ("jury-overview", f"/staff/juries/{jury}"),
        ("jury-edit", f"/staff/juries/{jury}/edit"),
        ("jury-new", "/staff/juries/new"),
        ("jury-phases", f"/staff/juries/{jury}/phases"),
        ("jury-targets", f"/staff/juries/{jury}/targets"),
        ("sitting-remove", f"/staff/juries/{jury}/sittings/{demo['sitting']}/remove"),
        ("sitting", f"/staff/sittings/{demo['sitting']}"),
        ("check-in", f"/staff/sittings/{demo['sitting']}/check-in"),
        ("attendance", f"/staff/sittings/{demo['sitting']}/attendance"),
        ("table-plan", f"/staff/juries/{jury}/sittings/{demo['sitting']}/tables"),
        ("table-outcomes", f"/staff/juries/{jury}/sittings/{demo['sitting']}/outcomes"),
        ("calendar", f"/staff/juries/{jury}/calendar"),
        ("sitting-edit", f"/staff/juries/{jury}/sittings/{demo['sitting']}/edit"),
        ("agenda", f"/staff/juries/{jury}/sittings/{demo['sitting']}/agenda"),
        ("agenda-item", f"/staff/juries/{jury}/sittings/{demo['sitting']}/agenda/{demo['item']}"),
        ("venues", f"/staff/juries/{jury}/venues"),
        ("venue", f"/staff/juries/{jury}/venues/{demo['venue']}"),
        ("my-sittings", "/my-sittings"),
        ("pool", f"/staff/juries/{jury}/pool"),
        ("replies-list", f"/staff/juries/{jury}/replies"),
        ("replies-list-phone", f"/staff/juries/{jury}/replies?channel=phone&page=2"),
        ("invitations", f"/staff/juries/{jury}/invitations"),
        ("draw", f"/staff/juries/{jury}/invitations/{demo['batch']}"),
        ("users", "/staff/admin/users"),
        ("user", f"/staff/admin/users/{demo['user']}"),
        ("account", "/staff/account"),
        ("recovery-codes", "/staff/account/recovery-codes"),
        ("categories", f"/staff/juries/{jury}/categories"),
        ("category-new", f"/staff/juries/{jury}/categories/new"),
        ("category", f"/staff/juries/{jury}/categories/1"),  # the demo's education
        ("census", f"/staff/juries/{jury}/quotas"),
        ("report", f"/staff/juries/{jury}/report"),
        ("selection", f"/staff/juries/{jury}/selection"),
        ("members", f"/staff/juries/{jury}/members"),
        ("caller", f"/staff/juries/{jury}/members/calls"),
        ("selection-job", f"/staff/juries/{jury}/selection/jobs/{demo['job']}"),
        ("draw-page", f"/staff/juries/{jury}/draws/{demo['draw']}"),
        ("public-draw", f"/juries/{demo['slug']}/draws/{demo['draw']}"),
        ("renew", f"/staff/juries/{jury}/renew"),
        ("proposals", f"/staff/juries/{jury}/proposals"),
        ("verdicts", f"/staff/juries/{jury}/verdicts"),
        ("verdict-rules", f"/staff/juries/{jury}/verdicts/rules"),
        ("vote-code", "/vote"),
        ("payments", f"/staff/juries/{jury}/payments"),
        ("payments-settings", f"/staff/juries/{jury}/payments/settings"),
        ("payments-claim-new", f"/staff/juries/{jury}/payments/claims/new"),
        ("payments-run-new", f"/staff/juries/{jury}/payments/runs/new"),
        ("expenses", "/expenses"),
        ("erasure", f"/staff/juries/{jury}/erasure"),
        ("confirm", "/confirm"),
        ("representation", f"/juries/{demo['slug']}/representation"),
        ("proposals-board", f"/juries/{demo['slug']}/proposals"),
        ("proposal-new", f"/juries/{demo['slug']}/proposals/new"),
        ("survey", "/survey"),
        ("survey-thanks", "/survey/thanks"),
        ("survey-results", f"/staff/sittings/{demo['sitting']}/survey"),
        ("proposal-public", f"/juries/{demo['slug']}/proposals/{demo['proposal']}"),
        ("proposal-response", f"/staff/juries/{jury}/proposals/{demo['proposal']}/response"),
        ("proposal-report", f"/juries/{demo['slug']}/proposals/{demo['proposal']}/report"),
    ]:
        walk.go(name, path)

    # The draw set-up: upload a register.
    page.goto(f"{live_server.url}/staff/juries/{jury}/invitations")
    page.set_input_files(
        "#register",
        files=[
            {
                "name": "register-with-a-long-file-name-2026.csv",
                "mimeType": "text/csv",
                "buffer": b"person_id,district,street,number\n1,Centro,Calle Mayor,1\n"
                b"2,Usera,Calle de la Princesa de los Asturias,12\n",
            }
        ],
    )
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/invitations/new/**")
    walk.check("draw-setup")

    # Staff key in replies: the code, the form, and a code that has its reply already.
    page.goto(f"{live_server.url}/staff/juries/{jury}/replies/new")
    walk.check("staff-code")
    page.fill("#code", codes[1])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/replies/form")
    walk.check("staff-form")
    page.click("form.reply-form button[type=submit]")
    walk.check("staff-form-errors")
    page.goto(f"{live_server.url}/staff/juries/{jury}/replies/new")
    page.fill("#code", codes[0])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/replies/already")
    walk.check("staff-already")

    pages = {
        str(rule.endpoint)
        for rule in live_server.app.url_map.iter_rules()
        if "GET" in methods(rule) and rule.endpoint not in NOT_PAGES | NOT_WALKED_YET
    }
    assert pages - set(walk.seen) == set()
    checked = sum(m["boxes"] for m in walk.seen.values())
    assert checked > 30  # the reply forms, the user page, the draw: boxes were measured
