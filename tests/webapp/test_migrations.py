"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask_migrate import check, downgrade, upgrade

from webapp.extensions import db


def test_upgrade_then_check_finds_nothing_to_migrate(any_db_app: Flask) -> None:
    with any_db_app.app_context():
        check()  # raises (and prints the differences) when models and migrations disagree


def test_downgrade_to_base_and_up_again(any_db_app: Flask) -> None:
    with any_db_app.app_context():
        downgrade(revision="base")
        tables = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "replies" in db.inspect(db.engine).get_table_names()
