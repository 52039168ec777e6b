"""Recovery codes renewed by their owner, in a real browser at phone width (390 px): the
account page links to the page of the codes, the password and a current TOTP code make ten
new ones, shown once, downloaded as a text file and printed without the menus."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.browser.conftest import LiveServer, check_accessibility
from tests.webapp.replies_data import PASSWORD, make_user
from webapp.models import Role

pytestmark = pytest.mark.browser
WIDTH = 390
CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


def _width(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def test_a_staff_member_renews_the_codes_on_a_phone(live_server: LiveServer, page: Any) -> None:
    with live_server.app.app_context():
        make_user("renew@example.org", Role.ORGANISER)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{live_server.url}/staff/login")
    page.fill("#email", "renew@example.org")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/login/enrol")
    secret = page.locator("#totp-secret").inner_text().strip()
    # The previous step's code: the current one stays unused for the renewal below.
    page.fill("#code", pyotp.TOTP(secret).at(time.time() - 30))
    page.click("main form button[type=submit]")
    first = CODE.findall(page.locator("#recovery-codes").inner_text())
    assert len(first) == 10
    page.click("text=I have kept them: continue")
    page.wait_for_url("**/staff/")

    page.goto(f"{live_server.url}/staff/account")
    assert "You have 10 unused recovery codes." in page.inner_text("main")
    page.click("text=See or renew your recovery codes")
    page.wait_for_url("**/staff/account/recovery-codes")
    assert _width(page) <= WIDTH
    check_accessibility(page)

    page.fill("#password", "not my password")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    assert "Your password: this is not your password." in page.inner_text("main")

    page.fill("#password", PASSWORD)
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    shown = CODE.findall(page.locator("#recovery-codes").inner_text())
    assert len(shown) == 10 and not set(shown) & set(first)
    assert _width(page) <= WIDTH
    check_accessibility(page)

    with page.expect_download() as download:
        page.click("text=Download them as a text file")
    assert download.value.suggested_filename == "kleroterion-recovery-codes.txt"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert CODE.findall(saved) == shown

    assert page.is_visible("button[data-print]")  # its script ran (the CSP allows it)
    page.emulate_media(media="print")
    assert page.is_hidden(".site-header") and page.is_hidden("button[data-print]")
    assert page.is_visible("#recovery-codes")
    page.emulate_media(media="screen")

    page.reload()  # shown once: a reload asks for the form again (no codes)
    assert "You have 10 unused recovery codes." in page.inner_text("main")
    assert page.locator("#recovery-codes").count() == 0
