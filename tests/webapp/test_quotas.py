"""Quotas from the census: shares typed or uploaded, with every bad input named in the page's
language and nothing stored lost; the tolerance; the feasibility check in the page and as JSON."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.categories_data import add_education
from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.lottery.selection import to_pool
from webapp.models import (
    CategoryAnswer,
    Invitation,
    InvitationBatch,
    Jury,
    PopulationTarget,
    Reply,
)
from webapp.pool import services as pool_services
from webapp.quotas.census import share_field

# (district, gender, birth year, education option): o1 and o2 count as low, o3 as high.
PEOPLE = [
    ("North", "female", 1950, "o1"),
    ("North", "male", 1960, "o2"),
    ("North", "female", 1970, "o3"),
    ("South", "male", 1980, "o1"),
    ("South", "female", 1990, "o3"),
    ("South", "non_binary", 2000, "o2"),
]


@pytest.fixture
def census_app(app: Flask) -> tuple[FlaskClient, int]:
    """A jury of 4 with six volunteers who answered the education question."""
    world = build_world(app)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        jury.panel_size, jury.districts = 4, ["North", "South"]
        cid = add_education(jury.id).id
        batch = db.session.get_one(InvitationBatch, world.batch)
        for n, (district, gender, born, option) in enumerate(PEOPLE):
            invitation = Invitation(
                batch_id=batch.id, jury_id=jury.id, code_hash=f"{n:064d}", stratum=district
            )
            db.session.add(invitation)
            db.session.flush()
            reply = Reply(
                invitation_id=invitation.id,
                jury_id=jury.id,
                reference=f"REF{n}",
                channel="paper",
                answer="yes",
                district=district,
                gender=gender,
                birth_year=born,
                consent=True,
            )
            db.session.add(reply)
            db.session.flush()
            db.session.add(CategoryAnswer(reply_id=reply.id, category_id=cid, option=option))
        db.session.add(
            PopulationTarget(jury_id=jury.id, category="gender", value="female", percent=50)
        )
        db.session.add(
            PopulationTarget(jury_id=jury.id, category="gender", value="male", percent=50)
        )
        db.session.commit()
    client = app.test_client()
    log_in_as(client, world.organiser)
    return client, world.jury


def _form(**shares: float | str) -> dict[str, str]:
    """The census form: ``education_low=60`` sets the share of education low."""
    data = {"tolerance": "1", "action": "save"}
    for name, percent in shares.items():
        category, value = name.split("_", 1)
        data[share_field(category, value)] = str(percent)
    return data


def _stored(app: Flask) -> list[tuple[str, str, float]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PopulationTarget).order_by(PopulationTarget.id))
        return sorted((t.category, t.value, t.percent) for t in rows)


def test_the_page_shows_groups_shares_quotas_and_the_check(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    page = client.get(f"/staff/juries/{jury_id}/quotas").get_data(as_text=True)
    for text in ("Education", "low", "high", "16-29", "North", 'value="50"'):
        assert text in page, text
    assert "A jury of 4 that meets every quota can be drawn from the pool." in page
    # Gender has quotas for female and male only: the non-binary volunteer is on no jury.
    assert "Volunteers who can be on no jury (1)" in page
    assert "<td>REF5</td><td>Gender: their group other has no quota.</td>" in page
    assert "style=" not in page and "<script>" not in page


def test_saving_shares_and_the_tolerance(app: Flask, census_app: tuple[FlaskClient, int]) -> None:
    client, jury_id = census_app
    data = _form(education_low="60", education_high="40,0", gender_female=50, gender_male=50)
    data["tolerance"] = "0"
    assert client.post(f"/staff/juries/{jury_id}/quotas", data=data).status_code == 302
    assert _stored(app) == [
        ("education", "high", 40.0),
        ("education", "low", 60.0),
        ("gender", "female", 50.0),
        ("gender", "male", 50.0),
    ]
    with app.app_context():
        rows = pool_services.quota_rows(db.session.get_one(Jury, jury_id))
    # No tolerance: 60% of 4 is 2.4 -> 2..3, 40% is 1.6 -> 1..2, 50% is exactly 2.
    assert [(r.category, r.value, r.min, r.max) for r in rows] == [
        ("gender", "female", 2, 2),
        ("gender", "male", 2, 2),
        ("education", "low", 2, 3),
        ("education", "high", 1, 2),
    ]


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (
            {"education_low": 60, "education_high": 30},
            "Education: the shares add up to 90.0%, not 100%. Please check them.",
        ),
        (
            {"education_low": "sixty", "education_high": 40},
            "Education low: Write a number from 0 to 100, like 12.5.",
        ),
        ({"education_low": 160}, "Education low: Write a number from 0 to 100"),
    ],
)
def test_wrong_shares_are_named_and_nothing_is_lost(
    app: Flask, census_app: tuple[FlaskClient, int], shares: dict[str, float | str], message: str
) -> None:
    client, jury_id = census_app
    before = _stored(app)
    response = client.post(f"/staff/juries/{jury_id}/quotas", data=_form(**shares))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _stored(app) == before


def test_errors_come_in_the_page_language(app: Flask, census_app: tuple[FlaskClient, int]) -> None:
    client, jury_id = census_app
    client.post("/language", data={"lang": "es"})
    data = _form(education_low=60, education_high=30)
    page = client.post(f"/staff/juries/{jury_id}/quotas", data=data).get_data(as_text=True)
    assert "Estudios: las proporciones suman 90.0%, no 100%." in page


def test_a_census_file_replaces_the_shares_of_its_categories(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    text = "category,value,percent\neducation,low,65\neducation,high,35\n"
    response = client.post(
        f"/staff/juries/{jury_id}/quotas/upload",
        data={"file": (io.BytesIO(text.encode()), "census.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _stored(app) == [
        ("education", "high", 35.0),
        ("education", "low", 65.0),
        ("gender", "female", 50.0),
        ("gender", "male", 50.0),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("category,value\ngender,female", "census.csv, row 1: the columns category, value and"),
        ("category,value,percent\ncolour,red,5", "census.csv, row 2, column category: 'colour'"),
        ("category,value,percent\ngender,female,50\ngender,robot,50", "row 3, column value"),
        ("category,value,percent\ngender,female,half", "row 2, column percent: write a number"),
        ("category,value,percent\ngender,female,60\ngender,male,30", "Gender: the shares add"),
        ("category,value,percent\ngender,female,50\ngender,female,50", "row 3: this group is"),
    ],
)
def test_a_malformed_census_file_is_named_and_changes_nothing(
    app: Flask, census_app: tuple[FlaskClient, int], text: str, message: str
) -> None:
    client, jury_id = census_app
    before = _stored(app)
    response = client.post(
        f"/staff/juries/{jury_id}/quotas/upload",
        data={"file": (io.BytesIO(text.encode()), "census.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert message in page
    assert "The file was not used. Nothing was changed." in page
    assert _stored(app) == before


def test_a_file_that_is_not_text_is_refused(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    response = client.post(
        f"/staff/juries/{jury_id}/quotas/upload",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "census.csv")},
        content_type="multipart/form-data",
    )
    assert "census.csv: the file is not UTF-8 text." in response.get_data(as_text=True)


def test_the_live_check_names_a_quota_above_the_pool_and_suggests_a_relaxation(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    # 100% high of 4 seats: minimum 3 (one seat of tolerance), but only 2 volunteers are high;
    # 0% low: maximum 1, but four are low.
    data = _form(education_high=100, education_low=0)
    response = client.post(f"/staff/juries/{jury_id}/quotas/check", data=data)
    assert response.status_code == 200
    found = response.get_json()
    assert found["status"] == "infeasible"
    high = share_field("education", "high")
    assert found["quotas"][high] == "3–4"
    notes = " ".join(found["notes"][high])
    assert "Minimum 3, but the pool has only 2 volunteers in this group." in notes
    assert "The engine suggests: lower the minimum from 3 to 2." in notes
    low = " ".join(found["notes"][share_field("education", "low")])
    assert "The engine suggests: raise the maximum from 1 to 2." in low
    assert _stored(app) == [("gender", "female", 50.0), ("gender", "male", 50.0)]


def _same_address(app: Flask, references: list[str]) -> None:
    with app.app_context():
        for reference in references:
            reply = db.session.scalars(sa.select(Reply).filter_by(reference=reference)).one()
            invitation = db.session.get_one(Invitation, reply.invitation_id)
            name = f"Resident {reference}"
            invitation.address = {"addressee": name, "lines": ["Calle Mayor  1", "28001 Madrid"]}
        db.session.commit()


def test_the_live_check_keeps_housemates_apart(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    # Two seats for education high and two for low, two women and two men: REF2 and REF4 are
    # the only two high, so both must sit, and cannot once they share an address.
    data = _form(education_high=50, education_low=50) | {"tolerance": "0"}
    url = f"/staff/juries/{jury_id}/quotas/check"
    assert client.post(url, data=data).get_json()["status"] == "feasible"
    _same_address(app, ["REF2", "REF4"])
    found = client.post(url, data=data).get_json()
    assert found["status"] == "infeasible"
    notes = " ".join(found["notes"][share_field("education", "high")])
    assert "Minimum 2, but only 1 volunteers in this group can sit together" in notes
    assert "The engine suggests: lower the minimum from 2 to 1." in notes
    # The same address written differently is the same household.
    with app.app_context():
        reply = db.session.scalars(sa.select(Reply).filter_by(reference="REF4")).one()
        invitation = db.session.get_one(Invitation, reply.invitation_id)
        invitation.address = {"addressee": "X", "lines": ["calle mayor 1,", "28001  MADRID"]}
        db.session.commit()
    assert client.post(url, data=data).get_json()["status"] == "infeasible"


def test_the_selection_pool_carries_households(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    _client, jury_id = census_app
    _same_address(app, ["REF0", "REF1"])
    with app.app_context():
        people, _left_out = pool_services.pool(db.session.get_one(Jury, jury_id))
    homes = {p.id: p.household for p in people}
    assert homes["REF0"] is not None and homes["REF0"] == homes["REF1"]
    assert homes["REF2"] is None
    assert "Calle" not in str(homes["REF0"])  # a hash, never the address
    # The selection job's pool (the bridge's to_pool) keeps them.
    pool = to_pool(people)
    assert pool["REF0"].household == pool["REF1"].household == homes["REF0"]


def test_the_check_works_without_script(app: Flask, census_app: tuple[FlaskClient, int]) -> None:
    client, jury_id = census_app
    data = _form(education_high=100, education_low=0) | {"action": "check"}
    page = client.post(f"/staff/juries/{jury_id}/quotas", data=data).get_data(as_text=True)
    assert "No jury of 4 can meet every quota." in page
    assert "The engine suggests: lower the minimum from 3 to 2." in page
    assert _stored(app) == [("gender", "female", 50.0), ("gender", "male", 50.0)]


def test_a_category_nobody_answered_is_named(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    with app.app_context():
        db.session.execute(sa.delete(CategoryAnswer))
        db.session.commit()
    data = _form(education_low=50, education_high=50) | {"action": "check"}
    page = client.post(f"/staff/juries/{jury_id}/quotas", data=data).get_data(as_text=True)
    assert "No volunteers can be drawn yet" in page  # all six are left out now
    message = "Education: no volunteer has answered this question yet, so no panel can meet"
    assert page.count(message) == 2  # beside the category, and in the summary
    assert "Left out: 6 volunteers whose answer in some category is unknown." in page


def test_a_bad_live_check_answers_with_the_errors(
    app: Flask, census_app: tuple[FlaskClient, int]
) -> None:
    client, jury_id = census_app
    response = client.post(
        f"/staff/juries/{jury_id}/quotas/check", data=_form(education_low=20) | {"tolerance": ""}
    )
    assert response.status_code == 400
    errors = " ".join(response.get_json()["errors"])
    assert "Tolerance in seats" in errors and "Education: the shares add up to 20.0%" not in errors


@pytest.mark.parametrize(
    ("percent", "panel", "tolerance", "bounds"),
    [
        (50, 10, 1, (4, 6)),
        (51, 49, 1, (24, 25)),
        (51, 49, 2, (23, 26)),
        (0, 49, 1, (0, 1)),
        (100, 7, 1, (6, 7)),
        (33.3, 3, 0, (0, 1)),
    ],
)
def test_quota_bounds_with_a_tolerance(
    percent: float, panel: int, tolerance: int, bounds: tuple[int, int]
) -> None:
    assert pool_services.quota_bounds(percent, panel, tolerance=tolerance) == bounds
