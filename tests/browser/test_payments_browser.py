"""Stipends and expenses in a real browser at phone width (390 px): a member claims an
expense with their code, an organiser enters IBANs (a wrong one first), approves the expense,
makes a payment run and downloads both files; the SEPA file validates against its schema."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import log_in
from tests.webapp.payments_data import IBAN_ES, IBAN_NL, build_pay_world

pytestmark = pytest.mark.browser
WIDTH = 390
XSD = Path(__file__).resolve().parents[1] / "webapp" / "data" / "sepa" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def _fits(page: Any) -> None:
    """No sideways scrolling; the message names what sticks out (tables scroll on their own)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 390 && !e.closest('.table-scroll'))
            .slice(0, 5).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))"""
    )
    assert width <= WIDTH, f"{page.url} is {width} px wide: {wide}"


def test_claim_approve_pay_and_download_the_files(
    live_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    world = build_pay_world(live_server.app)
    url = live_server.url
    base = f"{url}/staff/juries/{world.jury_id}/payments"
    page.set_viewport_size({"width": WIDTH, "height": 844})

    # The member (Ben, late at the first sitting) claims his bus fare with his code.
    page.goto(f"{url}/expenses")
    _fits(page)
    check_accessibility(page)
    page.fill("#code", world.codes[1])
    page.check("#kind-1")  # travel
    page.fill("#amount", "-8")
    page.fill("#spent_on", date.today().isoformat())
    page.click("main form button[type=submit]")
    assert "The amount cannot be negative." in page.inner_text(".error-summary")
    page.fill("#amount", "8,40")
    page.set_input_files(
        "#receipt",
        files=[{"name": "bus.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\nx"}],
    )
    page.click("main form button[type=submit]")
    page.wait_for_url("**/expenses/done")
    assert "€8.40" in page.inner_text("main")
    _fits(page)

    # The organiser approves it (a second click on an old page changes nothing).
    log_in(page, live_server, "org@example.org")
    page.goto(base)
    _fits(page)
    check_accessibility(page)
    page.click("text=Approve")
    assert "The expense is approved." in page.inner_text(".flashes")
    assert "No expenses are waiting." in page.inner_text("main")

    # IBANs: a mistyped one gets a clear error, the right ones are shown masked.
    for member_id, iban in ((world.member_ids[0], IBAN_ES), (world.member_ids[1], IBAN_NL)):
        page.goto(f"{base}/members/{member_id}")
        page.fill("#holder", "Ana García" if iban == IBAN_ES else "Ben de Vries")
        page.fill("#iban", iban[:-1] + ("0" if iban[-1] != "0" else "1"))
        page.click("#account ~ form button[type=submit]")
        assert "check digits do not match" in page.inner_text(".error-summary")
        _fits(page)
        page.fill("#iban", iban)
        page.click("#account ~ form button[type=submit]")
        assert "The bank account is saved." in page.inner_text(".flashes")
        assert "•••• " + iban.replace(" ", "")[-4:] in page.inner_text("main")
    check_accessibility(page)

    # The payment run: both members, paid tomorrow.
    page.goto(f"{base}/runs/new")
    _fits(page)
    check_accessibility(page)
    assert page.is_checked(f"#member-{world.member_ids[0]}")
    page.fill("#execution_date", (date.today() + timedelta(days=1)).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/runs/*")
    assert "€203.40" in page.inner_text("main")  # 130 + 65 + 8.40
    _fits(page)
    check_accessibility(page)
    with page.expect_download() as csv_download:
        page.click("text=Download the CSV file")
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert "R-BEN2" in csv_text and "73.40" in csv_text
    with page.expect_download() as xml_download:
        page.click("text=Download the SEPA file (pain.001)")
    document = etree.parse(xml_download.value.path())
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(document), schema.error_log
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "203.40"

    # Paid: the balances are zero and the same run cannot be sent again.
    page.goto(base)
    assert "€203.40" in page.inner_text("tfoot")
    assert page.inner_text("tfoot").count("€0.00") >= 1
    page.go_back()
    page.goto(f"{base}/runs/new")
    assert "Nobody has a balance to be paid." in page.inner_text("main")
