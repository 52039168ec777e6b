"""Table outcomes: the services (saving with a version, the straw vote against those present,
the reading side without names) and the pages (the facilitator's own table only, the JSON
saves of the script, a conflict shown with both texts, the staff page)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.outcomes_data import Tables, build_tables
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import AgendaItem, Sitting, TableOutcome, TablePlan, User
from webapp.sittings import outcomes


@pytest.fixture
def tables(tmp_path) -> tuple[Flask, Tables]:  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path / 'o.sqlite'}")
    return app, build_tables(app)


def _client(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    log_in_as(client, user_id)
    return client


def _url(t: Tables) -> str:
    return f"/staff/sittings/{t.world.sitting}/my-table"


def _form(item: int | str, version: int = 0, **fields: str) -> dict[str, str]:
    return {"item": str(item), "version": str(version), **fields}


JSON = {"Accept": "application/json"}


def test_present_counts_seated_and_checked_in(tables: tuple[Flask, Tables]) -> None:
    app, _t = tables
    with app.app_context():
        plan = db.session.scalar(sa.select(TablePlan))
        assert plan is not None
        assert outcomes.present_at_table(plan, 1) == 4  # member 4 never came
        assert outcomes.present_at_table(plan, 2) == 4  # member 9 left
        assert outcomes.present_at_table(plan, 3) == 0


def test_save_versions_and_conflicts(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    with app.app_context():
        sitting = db.session.get_one(Sitting, t.world.sitting)
        item = db.session.get_one(AgendaItem, t.round)
        user = db.session.get_one(User, t.world.facilitator)
        first = outcomes.save(
            sitting, 1, item, outcomes.Fields(summary="A"), base_version=0, present=4, user=user
        )
        db.session.commit()
        assert first.version == 1 and first.summary == "A"
        with pytest.raises(outcomes.Conflict) as made:
            outcomes.save(
                sitting, 1, item, outcomes.Fields(summary="B"), base_version=0, present=4, user=user
            )
        db.session.rollback()
        assert made.value.current is not None and made.value.current.summary == "A"
        second = outcomes.save(
            sitting,
            1,
            item,
            outcomes.Fields(summary="B", votes_for=2, votes_against=1, votes_abstain=1),
            base_version=1,
            present=4,
            user=user,
        )
        db.session.commit()
        assert second.version == 2
        with pytest.raises(outcomes.Conflict) as stale:
            outcomes.save(
                sitting, 1, item, outcomes.Fields(summary="C"), base_version=1, present=4, user=user
            )
        db.session.rollback()
        assert stale.value.current is not None and stale.value.current.summary == "B"
        with pytest.raises(outcomes.OutcomeError) as too_many:
            outcomes.save(
                sitting,
                1,
                item,
                outcomes.Fields(votes_for=3, votes_against=2),
                base_version=2,
                present=4,
                user=user,
            )
        assert too_many.value.message == "more than present"
        with pytest.raises(outcomes.OutcomeError):
            outcomes.check(outcomes.Fields(votes_for=-1), 4)
        with pytest.raises(outcomes.OutcomeError):
            outcomes.check(outcomes.Fields(summary="x" * (outcomes.MAX_TEXT + 1)), 4)
        # The whole sitting is one more record per table, unique like the others.
        outcomes.save(
            sitting,
            1,
            None,
            outcomes.Fields(summary="All day"),
            base_version=0,
            present=4,
            user=user,
        )
        with pytest.raises(outcomes.Conflict):
            outcomes.save(
                sitting,
                1,
                None,
                outcomes.Fields(summary="Twice"),
                base_version=0,
                present=4,
                user=user,
            )
        db.session.rollback()


def test_outcomes_of_sitting_in_agenda_order_without_names(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    fac = _client(app, t.world.facilitator)
    second = _client(app, t.second)
    assert fac.post(_url(t), data=_form("whole", summary="Day one")).status_code == 302
    assert (
        fac.post(_url(t), data=_form(t.round, summary="Lights", votes_for="3")).status_code == 302
    )
    assert second.post(_url(t), data=_form(t.round, summary="Benches")).status_code == 302
    assert second.post(_url(t), data=_form(t.plenary, summary="")).status_code == 302  # empty
    with app.app_context():
        sitting = db.session.get_one(Sitting, t.world.sitting)
        found = outcomes.outcomes_of_sitting(sitting)
        assert [(v.agenda_item_id, v.table_number, v.summary) for v in found] == [
            (t.round, 1, "Lights"),
            (t.round, 2, "Benches"),
            (None, 1, "Day one"),
        ]
        assert found[0].votes_for == 3 and found[0].votes_against is None
        assert found[0].item_title == {"en": "Parks at night"}
        assert not any(hasattr(v, "updated_by") or hasattr(v, "updated_by_id") for v in found)
        # The items a table records: the table round first, no break, the whole sitting last.
        assert [i.id if i else None for i in outcomes.outcome_items(sitting)] == [
            t.round,
            t.plenary,
            None,
        ]


def test_the_facilitator_sees_only_their_table(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    fac = _client(app, t.world.facilitator)
    second = _client(app, t.second)
    second.post(_url(t), data=_form(t.round, summary="Secret of table two"))
    page = fac.get(_url(t))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Table 1" in text and "Parks at night" in text
    assert "Secret of table two" not in text
    assert "4 members present at this table" in text
    assert text.index("Parks at night") < text.index("The vote")  # the table round first
    assert f'id="item-{t.brk}"' not in text  # no outcome for a break
    # An organiser leads no table: sent to the sitting with a message; a POST is 404.
    org = _client(app, t.world.organiser)
    away = org.get(_url(t))
    assert away.status_code == 302 and away.location.endswith(f"/staff/sittings/{t.world.sitting}")
    assert org.post(_url(t), data=_form(t.round, summary="x")).status_code == 404
    # Another jury's organiser, and a facilitator of another sitting: 403.
    other = _client(app, t.world.other_organiser)
    assert other.get(_url(t)).status_code == 403
    assert other.post(_url(t), data=_form(t.round, summary="x")).status_code == 403
    # An agenda item of another sitting cannot be written through this page.
    with app.app_context():
        sitting = Sitting(
            jury_id=t.world.other_jury,
            starts_at=db.session.get_one(Sitting, t.world.sitting).starts_at,
            ends_at=db.session.get_one(Sitting, t.world.sitting).ends_at,
            place="Elsewhere",
        )
        db.session.add(sitting)
        db.session.flush()
        alien = AgendaItem(
            sitting_id=sitting.id,
            kind="table_round",
            starts_at=sitting.starts_at,
            minutes=30,
            title={},
        )
        db.session.add(alien)
        db.session.commit()
        alien_id, alien_sitting = alien.id, sitting.id
    assert fac.post(_url(t), data=_form(alien_id, summary="x")).status_code == 404
    assert fac.get(f"/staff/sittings/{alien_sitting}/my-table").status_code == 403
    assert fac.post(_url(t), data=_form("nonsense", summary="x")).status_code == 404
    with app.app_context():
        rows = db.session.scalars(sa.select(TableOutcome)).all()
        assert [(r.table_number, r.summary) for r in rows] == [(2, "Secret of table two")]


def test_json_saves_errors_and_conflicts(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    fac = _client(app, t.world.facilitator)
    made = fac.post(_url(t), data=_form(t.round, summary="One"), headers=JSON)
    assert made.status_code == 200
    assert made.json is not None and made.json["ok"] and made.json["version"] == 1
    assert re.fullmatch(r"\d\d:\d\d", made.json["saved_at"])
    next_ = fac.post(_url(t), data=_form(t.round, 1, summary="Two"), headers=JSON)
    assert next_.json is not None and next_.json["version"] == 2
    stale = fac.post(_url(t), data=_form(t.round, 1, summary="Mine"), headers=JSON)
    assert stale.status_code == 409
    assert stale.json is not None and stale.json["conflict"]
    assert stale.json["current"] == {
        "version": 2,
        "fields": {
            "summary": "Two",
            "arguments_for": "",
            "arguments_against": "",
            "amendments": "",
            "votes_for": None,
            "votes_against": None,
            "votes_abstain": None,
        },
    }
    too_many = fac.post(
        _url(t), data=_form(t.round, 2, votes_for="3", votes_against="2"), headers=JSON
    )
    assert too_many.status_code == 400 and too_many.json is not None
    assert "counts 5, but 4 members are present" in too_many.json["message"]
    word = fac.post(_url(t), data=_form(t.round, 2, votes_for="three"), headers=JSON)
    assert word.status_code == 400 and word.json is not None
    assert "whole number" in word.json["message"]
    with app.app_context():
        row = db.session.scalar(sa.select(TableOutcome))
        assert row is not None and (row.summary, row.version, row.votes_for) == ("Two", 2, None)
        assert row.updated_by_id == t.world.facilitator


def test_form_posts_without_script(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    fac = _client(app, t.world.facilitator)
    saved = fac.post(_url(t), data=_form(t.round, summary="Plain form"), follow_redirects=True)
    assert saved.status_code == 200
    assert "Saved at" in saved.get_data(as_text=True)
    assert "Plain form" in saved.get_data(as_text=True)
    bad = fac.post(_url(t), data=_form(t.round, 1, summary="Kept text", votes_for="9"))
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "counts 9, but 4 members are present" in text and "Kept text" in text
    second_phone = _client(app, t.world.facilitator)
    second_phone.post(_url(t), data=_form(t.round, 1, summary="From the other phone"))
    clash = fac.post(_url(t), data=_form(t.round, 1, summary="From this phone"))
    assert clash.status_code == 409
    text = clash.get_data(as_text=True)
    assert "From the other phone" in text and "From this phone" in text
    assert "Saved by someone else" in text
    # The page now carries their version: saving again keeps this phone's text.
    assert 'name="version" value="2"' in text
    kept = fac.post(_url(t), data=_form(t.round, 2, summary="Merged by hand"))
    assert kept.status_code == 302
    with app.app_context():
        row = db.session.scalar(sa.select(TableOutcome))
        assert row is not None and (row.summary, row.version) == ("Merged by hand", 3)


def test_staff_page_lists_every_table(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    _client(app, t.world.facilitator).post(
        _url(t), data=_form(t.round, summary="<b>Lights</b>", votes_for="2")
    )
    _client(app, t.second).post(_url(t), data=_form(t.round, arguments_against="Cost"))
    url = f"/staff/juries/{t.world.jury}/sittings/{t.world.sitting}/outcomes"
    page = _client(app, t.world.organiser).get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Table 1" in text and "Table 2" in text and "Cost" in text
    assert "&lt;b&gt;Lights&lt;/b&gt;" in text  # escaped
    assert "For: 2" in text
    for user in (t.world.facilitator, t.second, t.world.other_organiser):
        assert _client(app, user).get(url).status_code == 403
    empty = _client(app, t.world.organiser).get(
        f"/staff/juries/{t.world.other_jury}/sittings/{t.world.sitting}/outcomes"
    )
    assert empty.status_code == 403


def test_an_item_with_outcomes_stays_on_the_agenda(tables: tuple[Flask, Tables]) -> None:
    app, t = tables
    _client(app, t.world.facilitator).post(_url(t), data=_form(t.round, summary="Kept"))
    org = _client(app, t.world.organiser)
    base = f"/staff/juries/{t.world.jury}/sittings/{t.world.sitting}/agenda"
    refused = org.post(f"{base}/{t.round}/remove", follow_redirects=True)
    assert "stays on the agenda" in refused.get_data(as_text=True)
    # An item no table wrote anything for goes as before.
    assert org.post(f"{base}/{t.plenary}/remove").status_code == 302
    with app.app_context():
        left = {i.id for i in db.session.get_one(Sitting, t.world.sitting).agenda}
        assert left == {t.round, t.brk}
        row = db.session.scalar(sa.select(TableOutcome))
        assert row is not None and row.summary == "Kept"
