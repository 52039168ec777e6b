"""An organiser adds a category of the jury's own with its question in three languages, enters
census shares and watches the live feasibility check; a resident then answers the new question
in Dutch. At desktop and at phone width, with axe-core on the pages."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_replies_browser import choose_language, enter_code, fill_yes, log_in
from tests.webapp.categories_data import QUESTION, category_form
from tests.webapp.replies_data import make_invitations, make_jury, make_user
from webapp.extensions import db
from webapp.models import Category, CategoryAnswer, Invitation, Reply, Role
from webapp.quotas.census import share_field

pytestmark = pytest.mark.browser
_n = itertools.count()
# Six volunteers already in the pool: four answer low (o1, o2), two high (o3).
OPTIONS = ["o1", "o2", "o3", "o1", "o3", "o2"]


def _jury_with_code(live: LiveServer) -> tuple[int, str, str]:
    """A jury of 4 with seven invitations; returns its id, an unused code, an organiser."""
    n = next(_n)
    with live.app.app_context():
        jury = make_jury(slug=f"cat-jury-{n}")
        jury.panel_size = 4
        pairs = make_invitations(jury, len(OPTIONS) + 1)
        db.session.commit()
        email = f"cat{n}@example.org"
        make_user(email, Role.ORGANISER, jury_id=jury.id)
        return jury.id, pairs[-1][0], email


def _volunteers(live: LiveServer, jury_id: int) -> None:
    """Replies with answers to the category the organiser made, straight into the database."""
    with live.app.app_context():
        category = db.session.scalars(sa.select(Category).filter_by(jury_id=jury_id)).one()
        rows = db.session.scalars(
            sa.select(Invitation).filter_by(jury_id=jury_id).order_by(Invitation.id)
        ).all()
        for n, (invitation, option) in enumerate(zip(rows, OPTIONS, strict=False)):
            reply = Reply(
                invitation_id=invitation.id,
                jury_id=jury_id,
                reference=f"B{jury_id}-{n}",
                channel="paper",
                answer="yes",
                district="Norte",
                gender="female" if n % 2 else "male",
                birth_year=1950 + 7 * n,
                consent=True,
            )
            db.session.add(reply)
            db.session.flush()
            db.session.add(
                CategoryAnswer(reply_id=reply.id, category_id=category.id, option=option)
            )
        db.session.commit()


def _add_category(page: Any) -> None:
    for name, value in category_form().items():
        page.fill(f'[name="{name}"]', value)
    page.click("form.category-form button[type=submit]")


@pytest.mark.parametrize(("width", "height"), [(1100, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_category_from_its_question_to_the_feasibility_check_and_a_dutch_reply(
    live_server: LiveServer, browser: Any, width: int, height: int
) -> None:
    jury_id, code, email = _jury_with_code(live_server)
    staff = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = staff.new_page()
    log_in(page, live_server, email)
    page.goto(f"{live_server.url}/staff/juries/{jury_id}")
    page.click("text=Categories and their questions")
    check_accessibility(page)
    page.click("text=Add a category")
    check_accessibility(page)
    page.fill('[name="question_nl"]', "")
    page.click("form.category-form button[type=submit]")  # Dutch question missing
    assert "Question in Dutch: This field is required." in page.inner_text(".error-summary")
    _add_category(page)
    page.wait_for_url("**/quotas#cat-education")
    _volunteers(live_server, jury_id)
    page.reload()
    check_accessibility(page)

    low, high = share_field("education", "low"), share_field("education", "high")
    page.fill(f"#{high}", "100")
    page.fill(f"#{low}", "0")  # the live check runs as the organiser types
    notes = page.locator(f'[data-notes="{high}"]')
    notes.get_by_text("The engine suggests: lower the minimum from 3 to 2.").wait_for()
    assert "Minimum 3, but the pool has only 2 volunteers in this group." in notes.inner_text()
    assert page.inner_text(f'[data-quota="{high}"]') == "3–4"
    assert "No jury of 4 can meet every quota." in page.inner_text("#feasibility")
    page.fill(f"#{high}", "40")
    page.fill(f"#{low}", "60")
    page.get_by_text("A jury of 4 that meets every quota can be drawn from the pool.").wait_for()
    assert page.inner_text(f'[data-notes="{high}"]').strip() == ""
    page.click("button[value=save]")
    page.get_by_text("The population shares are saved.").wait_for()
    assert page.input_value(f"#{low}") == "60"
    staff.close()

    resident = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = resident.new_page()
    page.goto(f"{live_server.url}/reply")
    choose_language(page, "nl")
    enter_code(page, code)
    page.wait_for_url("**/reply/form")
    assert QUESTION["nl"] in page.inner_text("form.reply-form")
    assert QUESTION["en"] not in page.inner_text("form.reply-form")
    check_accessibility(page)
    fill_yes(page)
    page.click("form.reply-form button[type=submit]")  # the new question is not answered
    assert f"{QUESTION['nl']}: kies één antwoord." in page.inner_text(".error-summary")
    page.get_by_label("Hogeschool of universiteit").check()
    page.click("form.reply-form button[type=submit]")
    page.wait_for_url("**/reply/done")
    with live_server.app.app_context():
        answers = db.session.scalars(
            sa.select(CategoryAnswer.option)
            .join(Reply, CategoryAnswer.reply_id == Reply.id)
            .where(Reply.jury_id == jury_id, Reply.channel == "online")
        ).all()
    assert answers == ["o3"]
    resident.close()
