"""A sitting in the browser at phone width (390 px): a facilitator checks members in (search as
you type, one tap, undo, a late arrival), the same desk without JavaScript, then an organiser
makes the table plan from the members present, moves a member and prints the table cards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import log_in
from tests.webapp.attendance_data import add_members, add_sitting
from tests.webapp.staff_data import World, build_world
from webapp.extensions import db
from webapp.models import Attendance, Seat, SittingAssignment, TablePlan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NAMES = [
    "María García",
    "Mario Bakker",
    "José Pérez",
    "Jan de Vries",
    "Ana López",
    "Fatima El Amrani",
    "Pieter Jansen",
    "Lucía Visser",
    "Said Haddad",
    "Emma Smit",
]


@pytest.fixture(scope="module")
def sitting(live_server: LiveServer) -> Iterator[tuple[World, list[int], int]]:
    """The world's sitting, and a second one of the facilitator's (each test checks members
    in at a sitting of its own, so that they do not depend on their order)."""
    world = build_world(live_server.app)
    with live_server.app.app_context():
        members = add_members(world.jury, world.batch, len(NAMES), names=NAMES)
        second = add_sitting(world.jury, 9)
        db.session.add(SittingAssignment(sitting_id=second, user_id=world.facilitator))
        db.session.commit()
    yield world, members, second


SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "phone"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _width(page: Any) -> int:
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width


def _attendance(live: LiveServer, sitting_id: int) -> dict[int, Attendance]:
    with live.app.app_context():
        rows = db.session.scalars(sa.select(Attendance).filter_by(sitting_id=sitting_id)).all()
        return {r.member_id: r for r in rows}


def _row(page: Any, name: str) -> Any:
    return page.locator("#people li.person", has_text=name)


def test_check_in_on_a_phone(
    live_server: LiveServer, sitting: tuple[World, list[int], int], page: Any
) -> None:
    world, members, _second = sitting
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "fac@example.org")
    page.goto(f"{live_server.url}/staff/sittings/{world.sitting}")
    page.click("main >> text=Check-in")
    page.wait_for_url("**/check-in")
    assert _width(page) <= PHONE["width"]
    check_accessibility(page)
    # As you type: "mar" finds María and Mario, accents aside; "maria" only María.
    page.fill("#q", "mar")
    assert page.locator("#people li.person:visible").count() == 2
    page.fill("#q", "maria")
    assert page.locator("#people li.person:visible").count() == 1
    _row(page, "María García").locator("button.tap").click()
    page.wait_for_selector("#checkin-summary:has-text('1 of 10 checked in')")
    assert "María García is checked in." in page.inner_text(".flashes")
    assert page.input_value("#q") == ""  # ready for the next person
    assert page.locator("#people li.person:visible").count() == 10
    # The next one, with a double tap: one row.
    page.fill("#q", "jose")
    button = _row(page, "José Pérez").locator("button.tap")
    button.dblclick()
    page.wait_for_selector("#checkin-summary:has-text('2 of 10 checked in')")
    rows = _attendance(live_server, world.sitting)
    assert sorted(rows) == sorted(members[:1] + members[2:3])
    # A wrong tap taken back.
    page.fill("#q", "jose")
    _row(page, "José Pérez").locator("button", has_text="Undo").click()
    page.wait_for_selector("#checkin-summary:has-text('1 of 10 checked in')")
    # A late arrival who left early.
    page.fill("#q", "ana")
    row = _row(page, "Ana López")
    row.locator("summary").click()
    row.locator("input[name=arrived]").fill("10:25")
    row.locator("input[name=left]").fill("16:00")
    row.locator("button", has_text="Save the times").click()
    page.wait_for_selector(f"#member-{members[4]}:has-text('Late, left early')")
    assert _width(page) <= PHONE["width"]
    page.fill("#q", "")
    page.dispatch_event("#q", "input")
    _shot(page, "check-in-desk")
    ana = _attendance(live_server, world.sitting)[members[4]]
    assert ana.arrived_at is not None and ana.left_at is not None
    assert (ana.arrived_at.hour, ana.arrived_at.minute, ana.left_at.hour) == (10, 25, 16)
    # A departure before the arrival is refused with the reason, and nothing changes.
    page.fill("#q", "ana")
    row = _row(page, "Ana López")
    row.locator("summary").click()
    row.locator("input[name=left]").fill("09:00")
    row.locator("button", has_text="Save the times").click()
    page.wait_for_selector(".flash-error:has-text('the departure is before the arrival')")
    left_at = _attendance(live_server, world.sitting)[members[4]].left_at
    assert left_at is not None and left_at.hour == 16
    # The attendance list.
    page.click("main >> text=The attendance list")
    assert "Late, left early" in page.inner_text("table.attendance")
    assert _width(page) <= PHONE["width"]
    check_accessibility(page)


def test_check_in_without_javascript(
    live_server: LiveServer, sitting: tuple[World, list[int], int], browser: Any
) -> None:
    _world, members, second = sitting
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        log_in(page, live_server, "fac@example.org")
        page.goto(f"{live_server.url}/staff/sittings/{second}/check-in")
        page.fill("#q", "pieter")
        page.click("#checkin-search button")
        assert page.locator("#people li.person").count() == 1
        _row(page, "Pieter Jansen").locator("button.tap").click()
        page.wait_for_url("**/check-in")
        assert "Pieter Jansen is checked in." in page.inner_text(".flashes")
        assert set(_attendance(live_server, second)) == {members[6]}
    finally:
        context.close()


def test_make_and_move_the_table_plan(
    live_server: LiveServer, sitting: tuple[World, list[int], int], page: Any
) -> None:
    world, members, _second = sitting
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "org@example.org")
    page.goto(f"{live_server.url}/staff/sittings/{world.sitting}")
    page.click("main >> text=Table plan")
    page.wait_for_url("**/tables")
    check_accessibility(page)
    page.check("#source-1")  # the confirmed members: ten, at two tables of five
    page.fill("#table_size", "5")
    page.fill("#seed", "77")
    page.click(".plan-make button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator(".plan-table").count() == 2
    assert "with seed 77" in page.inner_text(".measures")
    assert _width(page) <= PHONE["width"]
    check_accessibility(page)
    with live_server.app.app_context():
        plan = db.session.scalars(sa.select(TablePlan)).one()
        seats = {s.member_id: s.number for s in plan.seats}
    assert sorted(seats) == sorted(members)
    # Move María to the other table: choose it, press Move.
    member = members[0]
    target = 2 if seats[member] == 1 else 1
    page.select_option(f"#move-{member}", str(target))
    page.locator(f"#move-{member} + button").click()
    page.wait_for_selector(f".flash-success:has-text('now sits at table {target}')")
    table = page.locator(".plan-table", has=page.locator(f"h3#table-{target}"))
    assert "María García" in table.inner_text()
    assert "1 move by hand since" in page.inner_text(".measures")
    _shot(page, "table-plan-made")
    with live_server.app.app_context():
        moved = db.session.scalars(sa.select(Seat).filter_by(member_id=member)).one()
        assert moved.number == target
    # The table cards, as printed: one card a table, first names only, no page furniture.
    with page.expect_navigation():  # the cards are counted once their page has loaded
        page.click("main >> text=Table cards to print")
    page.emulate_media(media="print")
    assert page.locator(".card").count() == 2
    cards = page.inner_text(".cards")
    assert "María" in cards and "García" not in cards
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display")
        == "none"
    )
    _shot(page, "table-cards-print")
    page.emulate_media(media="screen")
    assert _width(page) <= PHONE["width"]
    check_accessibility(page)
