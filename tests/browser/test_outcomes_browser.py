"""Two facilitators record their tables on phones (390 px): saved as they type; one goes
offline mid-entry, keeps typing, is told the text is kept on the phone, comes back and the
text reaches the server whole; two phones on one record see the conflict instead of
overwriting each other; a straw vote larger than those present is refused with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import log_in
from tests.webapp.outcomes_data import Tables, build_tables
from webapp.extensions import db
from webapp.models import TableOutcome

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def tables(live_server: LiveServer) -> Tables:
    return build_tables(live_server.app)


@pytest.fixture
def phones(browser: Any) -> Iterator[Any]:
    """A factory of phone-sized browser profiles, each with its own storage and cookies."""
    made: list[Any] = []

    def make() -> Any:
        ctx = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
        ctx.set_default_timeout(15_000)
        made.append(ctx)
        page = ctx.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.blocked = blocked
        return ctx, page

    yield make
    for ctx in made:
        ctx.close()


def _stored(live: LiveServer, table: int, item: int | None) -> TableOutcome | None:
    with live.app.app_context():
        db.session.remove()
        return db.session.scalar(
            sa.select(TableOutcome).filter_by(table_number=table, agenda_item_id=item)
        )


def _state(page: Any, item: int | str) -> Any:
    return page.locator(f"#item-{item} .save-state")


def test_two_facilitators_offline_and_a_conflict(
    live_server: LiveServer, tables: Tables, phones: Any
) -> None:
    t = tables
    url = f"{live_server.url}/staff/sittings/{t.world.sitting}/my-table"
    one_ctx, one = phones()
    _two_ctx, two = phones()
    log_in(one, live_server, "fac@example.org")
    log_in(two, live_server, "fac2@example.org")
    one.goto(f"{live_server.url}/staff/sittings/{t.world.sitting}")
    one.click("main >> text=Your table: its outcomes")
    one.wait_for_url("**/my-table")
    assert one.locator("h1").inner_text() == "Table 1"
    assert one.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(one)
    two.goto(url)
    assert two.locator("h1").inner_text() == "Table 2"

    # Both record their table round; saved as they type.
    one.fill(f"#summary-{t.round}", "Table one wants lights in the park.")
    two.fill(f"#summary-{t.round}", "Table two wants benches.")
    for page in (one, two):
        _state(page, t.round).filter(has_text="Saved at").wait_for()
    first = _stored(live_server, 1, t.round)
    second = _stored(live_server, 2, t.round)
    assert first is not None and first.summary == "Table one wants lights in the park."
    assert second is not None and second.summary == "Table two wants benches."

    # Offline mid-entry: kept on the phone, said so, sent when the connection is back.
    one_ctx.set_offline(True)
    field = f"#for-{t.round}"
    one.fill(field, "Safer at night")
    one.locator(field).press_sequentially(", and cheaper with LEDs.")
    _state(one, t.round).filter(has_text="Offline: kept on this phone").wait_for()
    kept = one.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
    assert "Safer at night, and cheaper with LEDs." in kept
    one.wait_for_timeout(1500)  # the debounce has passed: a save was tried and failed
    stored = _stored(live_server, 1, t.round)
    assert stored is not None and stored.arguments_for == ""
    _state(one, t.round).filter(has_text="Offline: kept on this phone").wait_for()
    one_ctx.set_offline(False)
    _state(one, t.round).filter(has_text="Saved at").wait_for()
    stored = _stored(live_server, 1, t.round)
    assert stored is not None
    assert stored.arguments_for == "Safer at night, and cheaper with LEDs."
    assert stored.summary == "Table one wants lights in the park."
    assert one.evaluate("() => window.localStorage.length") == 0  # nothing left to send

    # A second phone of the same table opens the page, then both write the same item.
    _three_ctx, three = phones()
    log_in(three, live_server, "fac@example.org")
    three.goto(url)
    one.fill(f"#amend-{t.round}", "Lights off after midnight.")
    _state(one, t.round).filter(has_text="Saved at").wait_for()
    three.fill(f"#amend-{t.round}", "Motion sensors instead.")
    _state(three, t.round).filter(has_text="Someone else changed this item").wait_for()
    panel = three.locator(f"#item-{t.round} .js-theirs")
    assert "Lights off after midnight." in panel.inner_text()
    assert three.input_value(f"#amend-{t.round}") == "Motion sensors instead."
    stored = _stored(live_server, 1, t.round)
    assert stored is not None and stored.amendments == "Lights off after midnight."
    check_accessibility(three)
    # Merged by hand, then kept.
    three.fill(f"#amend-{t.round}", "Lights off after midnight, or motion sensors.")
    panel.locator("button.keep-mine").click()
    _state(three, t.round).filter(has_text="Saved at").wait_for()
    stored = _stored(live_server, 1, t.round)
    assert stored is not None
    assert stored.amendments == "Lights off after midnight, or motion sensors."
    assert stored.arguments_for == "Safer at night, and cheaper with LEDs."  # not lost
    # The first phone, now behind, gets the conflict too and takes the other text.
    one.fill(f"#amend-{t.round}", "Stale edit.")
    _state(one, t.round).filter(has_text="Someone else changed this item").wait_for()
    one.locator(f"#item-{t.round} .js-theirs button.take-theirs").click()
    assert one.input_value(f"#amend-{t.round}") == "Lights off after midnight, or motion sensors."
    stored = _stored(live_server, 1, t.round)
    assert stored is not None
    assert stored.amendments == "Lights off after midnight, or motion sensors."

    # A straw vote larger than the four present: refused with the reason.
    two.fill(f"#vfor-{t.round}", "3")
    two.fill(f"#vagainst-{t.round}", "2")
    two.locator(f"#item-{t.round} .js-error").filter(
        has_text="counts 5, but 4 members are present"
    ).wait_for()
    two.fill(f"#vagainst-{t.round}", "1")
    _state(two, t.round).filter(has_text="Saved at").wait_for()
    stored = _stored(live_server, 2, t.round)
    assert stored is not None and (stored.votes_for, stored.votes_against) == (3, 1)
    assert two.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for page in (one, two, three):
        assert not page.blocked, page.blocked

    # Offline, typed, and the page closed before the connection came back: opened again, the
    # text kept on the phone is put back and sent.
    one_ctx.set_offline(True)
    one.fill("#summary-whole", "The table agreed on lights, not on the cost.")
    _state(one, "whole").filter(has_text="Offline: kept on this phone").wait_for()
    one.close()
    early = _stored(live_server, 1, None)
    assert early is None, (early.summary, early.version, early.agenda_item_id, early.item_key)
    one_ctx.set_offline(False)
    again = one_ctx.new_page()
    again.goto(url)
    _state(again, "whole").filter(has_text="Saved at").wait_for()
    assert again.input_value("#summary-whole") == "The table agreed on lights, not on the cost."
    whole = _stored(live_server, 1, None)
    assert whole is not None and whole.summary == "The table agreed on lights, not on the cost."
    # Only what was written was sent: no empty records for the items nobody touched.
    with live_server.app.app_context():
        db.session.remove()
        made = {
            (r.table_number, r.agenda_item_id) for r in db.session.scalars(sa.select(TableOutcome))
        }
    assert made == {(1, t.round), (2, t.round), (1, None)}
