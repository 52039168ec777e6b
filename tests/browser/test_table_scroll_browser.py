"""A table wider than a phone scrolls inside its box, and the labels hidden in its rows for
screen readers scroll with it: an absolutely placed ``.visually-hidden`` span whose nearest
positioned ancestor was the page escaped the box and widened the whole page (the members page
was 612 px wide at 390). ``.table-scroll { position: relative }`` holds them."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer
from tests.browser.test_replies_browser import log_in
from tests.conftest import make_app
from tests.webapp.selection_data import build_selection_world, select_and_draw
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import Member, MemberStatus, User

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
MEASURE = """() => {
  const box = document.querySelector('.table-scroll');
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    box: box.clientWidth,
    table: box.scrollWidth,
    hidden: box.querySelectorAll('tbody .visually-hidden').length,
  };
}"""


def _confirmed_members(live: LiveServer) -> tuple[int, str]:
    """A drawn jury whose six members confirmed (each row gets a Withdraw button that names
    the member in a hidden span); the jury and its organiser's e-mail address."""
    # The draw through the web app, by a client of an app on the same database without CSRF
    # (the live server checks it, as in production).
    setup = make_app(live.app.config["SQLALCHEMY_DATABASE_URI"])
    world = build_selection_world(setup, slug="wide-table")
    client = setup.test_client()
    log_in_as(client, world.organiser)
    select_and_draw(setup, client, world.jury_id)
    with setup.app_context():
        for member in db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.SELECTED)
        ):
            members.answer(member, "confirm", via="staff")
        db.session.commit()
        email = db.session.get_one(User, world.organiser).email
        db.engine.dispose()
    return world.jury_id, email


def test_hidden_labels_in_a_scrolling_table_do_not_widen_the_page(
    live_server: LiveServer, page: Any
) -> None:
    jury_id, email = _confirmed_members(live_server)
    log_in(page, live_server, email)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/staff/juries/{jury_id}/members")
    size = page.evaluate(MEASURE)
    assert size["hidden"] == 6  # a Withdraw button per confirmed member, named for them
    assert size["table"] > size["box"]  # the table is wider than the phone: its box scrolls
    assert size["page"] <= size["viewport"] == PHONE["width"], size
