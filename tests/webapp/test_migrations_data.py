"""The standing-body migration (7edb888d71cd) downgraded and upgraded again with data in the
database: on SQLite its downgrade rebuilds the juries table (batch mode), which with foreign
keys on would cascade the drop to every row of every jury. Nothing that existed before the
migration may be lost, on SQLite or on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from webapp.extensions import db

BEFORE = "bcc86781d1b4"  # the revision before the standing body


def _counts(tables: set[str]) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
        }


def _jury_rows() -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                sa.text("SELECT id, slug, name, panel_size, retention_days FROM juries ORDER BY id")
            )
        ]


def test_the_standing_body_downgrade_keeps_every_row(any_db_app: Flask) -> None:
    runner = any_db_app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with any_db_app.app_context():
        with db.engine.begin() as conn:  # a renewal: the column the downgrade drops, in use
            conn.execute(
                sa.text(
                    "INSERT INTO juries (slug, name, purpose, decision, panel_size, minimum_age,"
                    " retention_days, declarations, category_mapping, districts, created_at,"
                    " renews_id, exclusion_years, language, quota_tolerance)"
                    " SELECT 'renewed', 'Renewed', purpose, decision, panel_size, minimum_age,"
                    " retention_days, declarations, category_mapping, districts, created_at,"
                    " id, 4, language, quota_tolerance FROM juries WHERE slug != 'renewed'"
                )
            )
        everything = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
        before = _counts(everything)
        juries_before = _jury_rows()
        db.session.remove()
        downgrade(revision=BEFORE)
        kept = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert {"members", "selection_jobs", "member_calls"}.isdisjoint(kept)
        assert kept <= everything
    with any_db_app.app_context():
        after_down = _counts(kept)
        juries_down = _jury_rows()
        upgrade()
        after_up = _counts(kept)
        juries_up = _jury_rows()
    assert after_down == {t: before[t] for t in kept} == after_up
    assert juries_before == juries_down == juries_up
    assert after_down["juries"] == 2
    # Every table of the jury kept its rows: the demo fills these.
    for table in ("phases", "sittings", "invitation_batches", "invitations", "replies"):
        assert after_down[table] > 0, table
