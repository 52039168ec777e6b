"""The members' survey in a real browser, on a 390 px phone and on a desktop: the code, the
five statements as radio buttons, a comment, the thanks; axe-core on each page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_phone_width import MEASURE
from tests.webapp.test_survey import _world
from webapp.extensions import db
from webapp.models.survey import SurveyAnswer

pytestmark = pytest.mark.browser


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """bypass_csp: the app's script-src 'self' would block the injected axe-core script."""
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", bypass_csp=True
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def test_members_answer_the_survey_on_a_phone_and_a_desktop(
    live_server: LiveServer, page: Any
) -> None:
    world = _world(live_server.app)
    for n, width in enumerate((390, 1100)):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/survey")
        check_accessibility(page)
        page.fill("#code", world["codes"][n])
        page.click("main form button[type=submit]")
        page.wait_for_selector("text=Say how much you agree")
        page.wait_for_load_state()  # the stylesheet too: the boxes are measured with it
        measured = page.evaluate(MEASURE)
        assert measured["width"] <= width and measured["boxes"] == 25
        assert measured["small"] == []  # every radio button at least 24 x 24 px
        check_accessibility(page)
        page.check("#overall-3")  # the fourth choice: "Agree"
        page.check("#spoke-4")
        page.fill("#comment", f"Answer from the {width} px screen.")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/survey/thanks")
        assert "Your answers are saved, anonymously." in page.inner_text("main")
    with live_server.app.app_context():
        rows = db.session.scalars(sa.select(SurveyAnswer)).all()
        assert sorted((r.overall, r.spoke, r.comment) for r in rows) == [
            (4, 5, "Answer from the 1100 px screen."),
            (4, 5, "Answer from the 390 px screen."),
        ]
