"""Data for the selection and members tests (web, PostgreSQL, worker, browser): a jury of six
seats, 24 volunteers who reply with known codes, population targets and an organiser."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.webapp.replies_data import make_invitations, make_jury
from tests.webapp.staff_data import make_user
from webapp.extensions import db
from webapp.models import Draw, JuryMembership, PopulationTarget, Reply, Role

BIRTH_YEARS = (2004, 1990, 1975, 1950)  # one per default age band in 2026 and the years after
TARGETS = [
    ("gender", "F", 50),
    ("gender", "M", 50),
    ("district", "Centro", 34),
    ("district", "Norte", 33),
    ("district", "Sur", 33),
]


@dataclass(frozen=True)
class SelectionWorld:
    jury_id: int
    organiser: int
    codes: dict[str, str]  # reference -> the code on the letter


def build_selection_world(
    app: Flask, *, volunteers: int = 24, panel_size: int = 6, slug: str = "city-jury"
) -> SelectionWorld:
    with app.app_context():
        jury = make_jury(slug=slug)
        jury.panel_size = panel_size
        jury.quota_tolerance = 0  # exact shares: the tests count seats per quota
        organiser = make_user(Role.ORGANISER, f"organiser@{slug}.example")
        db.session.add(JuryMembership(jury_id=jury.id, user_id=organiser.id))
        codes = {}
        districts = ("Centro", "Norte", "Sur")
        for n, (code, invitation) in enumerate(make_invitations(jury, volunteers)):
            invitation.register_id = f"P{n:04d}"
            reference = f"R{jury.id}-{n:03d}"
            db.session.add(
                Reply(
                    invitation_id=invitation.id,
                    jury_id=jury.id,
                    reference=reference,
                    channel="online",
                    answer="yes",
                    district=districts[n % 3],
                    gender="female" if n % 2 else "male",
                    birth_year=BIRTH_YEARS[n % 4],
                    phone=f"+31 6 {n:08d}",
                    email=f"v{n}@example.org",
                    consent=True,
                    language=("nl", "es", "en")[n % 3],
                )
            )
            codes[reference] = code
        for category, value, percent in TARGETS:
            db.session.add(
                PopulationTarget(jury_id=jury.id, category=category, value=value, percent=percent)
            )
        db.session.commit()
        return SelectionWorld(jury.id, organiser.id, codes)


def meets_district_quotas(districts: list[str | None]) -> bool:
    """Six seats: Centro (34%) 2 or 3, Norte and Sur (33%) 1 or 2 each."""
    bounds = {"Centro": (2, 3), "Norte": (1, 2), "Sur": (1, 2)}
    return all(lo <= districts.count(d) <= hi for d, (lo, hi) in bounds.items())


SOURCE = "Three dice rolled at the public meeting"


def start_selection(client: FlaskClient, jury_id: int, *, panels: int = 100) -> TestResponse:
    """Start the selection (runs at once in the tests' immediate mode)."""
    return client.post(
        f"/staff/juries/{jury_id}/selection/start", data={"source": SOURCE, "panels": panels}
    )


def enter_randomness(client: FlaskClient, jury_id: int, draw_id: int, text: str) -> TestResponse:
    return client.post(
        f"/staff/juries/{jury_id}/draws/{draw_id}", data={"randomness": text, "checked": "y"}
    )


def latest_draw(app: Flask, jury_id: int) -> int:
    with app.app_context():
        found = db.session.scalars(
            sa.select(Draw.id).filter_by(jury_id=jury_id).order_by(Draw.id.desc())
        ).first()
        assert found is not None
        return found


def select_and_draw(
    app: Flask, client: FlaskClient, jury_id: int, randomness: str = "3 1 6"
) -> int:
    """The whole first draw: compute and commit, then the randomness. The draw's id."""
    assert start_selection(client, jury_id).status_code == 302
    draw_id = latest_draw(app, jury_id)
    assert enter_randomness(client, jury_id, draw_id, randomness).status_code == 302
    return draw_id
