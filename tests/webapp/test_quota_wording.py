"""The engine's findings (a code and its parameters from the library) worded in the page's
language: the census page's live check and a failed selection job."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from tests.webapp.selection_data import build_selection_world, start_selection
from tests.webapp.staff_data import log_in_as
from webapp import lottery
from webapp.extensions import db
from webapp.models import JobStatus, PopulationTarget, SelectionJob
from webapp.quotas.wording import problem_html, problem_text, why_text

LABELS = {"gender": "Gender", "edu": "Education"}
PROBLEMS = [
    ({"code": "panel_size", "params": {"k": 0}}, "0"),
    ({"code": "household_seats", "params": {"seats": 3, "k": 5}}, "3"),
    ({"code": "minimums_above_panel", "params": {"category": "edu", "total": 7, "k": 5}}, "7"),
    ({"code": "maximums_below_panel", "params": {"category": "edu", "total": 4, "k": 5}}, "4"),
    (
        {
            "code": "minimum_above_pool",
            "params": {"category": "gender", "value": "f", "min": 4, "available": 3},
        },
        "Gender f",
    ),
    (
        {
            "code": "members_above_maximum",
            "params": {"category": "gender", "value": "m", "held": 3, "max": 2},
        },
        "Gender m",
    ),
    ({"code": "no_panel", "params": {}}, ""),
]


@pytest.mark.parametrize(("problem", "part"), PROBLEMS)
def test_every_problem_code_is_worded_in_every_language(
    app: Flask, problem: dict[str, object], part: str
) -> None:
    with app.test_request_context():
        texts = {}
        for lang in ("en", "nl", "es"):
            with force_locale(lang):
                texts[lang] = problem_text(problem, LABELS)
                assert part in texts[lang]
        assert len(set(texts.values())) == 3, texts  # three languages, three sentences


def test_an_unknown_code_falls_back_to_the_engines_english(app: Flask) -> None:
    with app.test_request_context():
        found = {"code": "other", "params": {}, "message": "no panel <meets> every quota"}
        html = str(problem_html(found, LABELS))
        assert html == '<span lang="en">no panel &lt;meets&gt; every quota</span>'
        # Broken parameters (a stored job from another version) never raise.
        assert "0" in problem_text({"code": "panel_size", "params": {"k": "x"}}, LABELS)
        assert problem_text({"code": "household_seats", "params": None}, LABELS)


def test_a_housemate_reason_is_worded(app: Flask) -> None:
    why = lottery.quotas.Unplaceable("R1", lottery.quotas.Why.NO_PANEL_HOUSEHOLD)
    with app.test_request_context(), force_locale("es"):
        assert "dirección" in why_text(why, LABELS)


def test_a_failed_job_names_the_problems_in_the_page_language(app: Flask) -> None:
    world = build_selection_world(app)
    with app.app_context():
        target = db.session.scalar(sa.select(PopulationTarget).filter_by(value="F"))
        assert target is not None
        target.percent = 200  # the minimums add up to more than the seats
        db.session.commit()
    client = app.test_client()
    log_in_as(client, world.organiser)
    started = start_selection(client, world.jury_id)
    with app.app_context():
        job = db.session.scalars(sa.select(SelectionJob)).one()
        assert job.status == JobStatus.FAILED and job.error is not None
        assert job.error["kind"] == "infeasible"
        problems = job.error["problems"]
        assert problems and all(p["code"] != "other" for p in problems)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = client.get(started.location).get_data(as_text=True)
    with app.test_request_context(), force_locale("es"):
        expected = [str(problem_html(p, {"gender": "Género"})) for p in problems]
    for text in expected:
        assert text in page, text
    assert 'lang="en"' not in page.split("<main", 1)[-1].split("</main>", 1)[0]
