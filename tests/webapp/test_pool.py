"""The pool figures against numbers worked out by hand, and the exports for the selection."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.models import Invitation, InvitationBatch, Jury, PopulationTarget, Reply
from webapp.pool import services

# (reference, district of the invitation, reply district, answer, gender, birth year)
REPLIES = [
    ("R1", "North", "North", "yes", "female", 1990),  # 36 in 2026: 30-44
    ("R2", "North", "North", "yes", "male", 2000),  # 26: 16-29
    ("R3", "North", "North", "no", None, None),
    ("R4", "South", None, "yes", "non_binary", 1950),  # 76: 65+; district from the letter
    ("R5", "South", "South", "yes", "female", None),  # age unknown: not in the export
]


@pytest.fixture
def pool_app(any_db_app: Flask) -> tuple[Flask, int, int]:
    world = build_world(any_db_app)
    with any_db_app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        jury.panel_size = 10
        batch = db.session.get_one(InvitationBatch, world.batch)
        batch.register_counts = {
            "district": {"North": 60, "South": 40},
            "gender": {"female": 45, "male": 55},
        }
        batch.invited_counts = {"district": {"North": 6, "South": 4}}
        for n, (ref, stratum, district, answer, gender, born) in enumerate(REPLIES):
            invitation = Invitation(
                batch_id=batch.id, jury_id=jury.id, code_hash=f"{n:064d}", stratum=stratum
            )
            db.session.add(invitation)
            db.session.flush()
            db.session.add(
                Reply(
                    invitation_id=invitation.id,
                    jury_id=jury.id,
                    reference=ref,
                    channel="online",
                    answer=answer,
                    district=district,
                    gender=gender,
                    birth_year=born,
                    consent=answer == "yes",
                )
            )
        targets = [("gender", "female", 51), ("gender", "male", 48), ("gender", "other", 1)]
        targets += [("district", "North", 55), ("district", "South", 45)]
        for category, value, percent in targets:
            db.session.add(
                PopulationTarget(jury_id=jury.id, category=category, value=value, percent=percent)
            )
        db.session.commit()
    return any_db_app, world.jury, world.organiser


def _figures(app: Flask, jury_id: int) -> dict[str, services.CategoryFigures]:
    with app.app_context():
        jury = db.session.get_one(Jury, jury_id)
        return {f.category: f for f in services.pool_figures(jury, year=2026)}


def test_pool_figures_match_the_hand_count(pool_app: tuple[Flask, int, int]) -> None:
    app, jury_id, _ = pool_app
    figures = _figures(app, jury_id)
    district = {r.value: r for r in figures["district"].rows}
    assert list(district) == ["North", "South"]
    # The world's batch has one more invitation (North), outside the invited counts.
    assert district["North"].counts == {"register": 60, "invited": 6, "replied": 3, "volunteers": 2}
    assert district["South"].counts == {"register": 40, "invited": 4, "replied": 2, "volunteers": 2}
    assert district["North"].shares == {
        "register": 60.0,
        "invited": 60.0,
        "replied": 60.0,
        "volunteers": 50.0,
    }
    assert (district["North"].target, district["South"].target) == (55.0, 45.0)
    gender = {r.value: r for r in figures["gender"].rows}
    assert list(gender) == ["female", "male", "other"]
    # Replies with a gender: R1 female, R2 male, R4 non-binary -> other, R5 female.
    assert gender["female"].shares["volunteers"] == 50.0
    assert gender["male"].shares["volunteers"] == 25.0
    assert gender["other"].shares["volunteers"] == 25.0
    assert gender["female"].shares["register"] == 45.0
    assert gender["other"].shares["register"] == 0.0
    assert gender["female"].shares["invited"] is None  # no gender figures for the invited
    assert figures["gender"].totals == {
        "register": 100,
        "invited": 0,
        "replied": 4,
        "volunteers": 4,
    }
    age = {r.value: r.counts["volunteers"] for r in figures["age"].rows}
    assert age == {"16-29": 1, "30-44": 1, "65+": 1}


def test_pool_page_shows_table_and_chart(pool_app: tuple[Flask, int, int]) -> None:
    app, jury_id, organiser = pool_app
    client = app.test_client()
    log_in_as(client, organiser)
    page = client.get(f"/staff/juries/{jury_id}/pool").data.decode()
    assert "3 volunteers can be drawn." in page
    assert "Not in the export: 1 volunteers whose answer in some category is unknown." in page
    assert page.count("Not known for 1 volunteers: they are not in the export.") == 1  # R5's age
    north = page.split('<th scope="row">North</th>', 1)[1].split("</tr>", 1)[0]
    assert "60.0%" in north and "50.0%" in north and "55.0%" in north
    assert '<div class="chart" aria-hidden="true">' in page  # the table is the text version
    assert '<svg class="bar-svg"' in page and "style=" not in page  # CSP: no style attributes
    client.post("/language", data={"lang": "nl"})
    dutch = client.get(f"/staff/juries/{jury_id}/pool").data.decode()
    north = dutch.split('<th scope="row">North</th>', 1)[1].split("</tr>", 1)[0]
    assert "60,0%" in north and "55,0%" in north and "60.0%" not in north


def test_pool_and_quota_exports(pool_app: tuple[Flask, int, int]) -> None:
    app, jury_id, organiser = pool_app
    client = app.test_client()
    log_in_as(client, organiser)
    pool = client.get(f"/staff/juries/{jury_id}/pool/pool.csv")
    assert pool.mimetype == "text/csv"
    # The age column depends on today's year; the figures test fixes the year at 2026.
    lines = pool.data.decode().splitlines()
    assert lines[0] == "id,district,gender,age"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["R1", "North", "female"],
        ["R2", "North", "male"],
        ["R4", "South", "other"],
    ]
    quotas = client.get(f"/staff/juries/{jury_id}/pool/quotas.csv").data.decode()
    # Panel of 10: 55% -> 5.5 -> 5..6; 45% -> 4..5; 51% -> 5..6; 48% -> 4..5; 1% -> 0..1.
    assert quotas.splitlines() == [
        "feature,value,min,max",
        "district,North,5,6",
        "district,South,4,5",
        "gender,female,5,6",
        "gender,male,4,5",
        "gender,other,0,1",
    ]


def test_only_volunteers_who_consented_are_exported(pool_app: tuple[Flask, int, int]) -> None:
    app, jury_id, _ = pool_app
    with app.app_context():
        db.session.scalars(sa.select(Reply).filter_by(reference="R1")).one().consent = False
        db.session.commit()
        people, left_out = services.pool(db.session.get_one(Jury, jury_id), year=2026)
    assert ([p.id for p in people], left_out) == (["R2", "R4"], 1)


@pytest.mark.parametrize(
    ("percent", "panel", "bounds"),
    [(50, 10, (5, 5)), (51, 49, (24, 25)), (0, 49, (0, 0)), (100, 7, (7, 7)), (33.3, 3, (0, 1))],
)
def test_quota_bounds_round_down_and_up(
    percent: float, panel: int, bounds: tuple[int, int]
) -> None:
    assert services.quota_bounds(percent, panel) == bounds
