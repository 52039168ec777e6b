"""``flask backup`` and ``flask restore``: a restore drill on SQLite and on PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.extensions import db
from webapp.models import Jury, Reply, User


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two equal snapshots mean 0 differences."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        with db.engine.connect() as conn:
            return {
                t.name: sorted(tuple(map(repr, row)) for row in conn.execute(t.select()))
                for t in tables
            }


def differences(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> int:
    return sum(len(set(a[t]) ^ set(b[t])) + abs(len(a[t]) - len(b[t])) for t in a)


def test_restore_drill_gives_back_every_row(any_db_app: Flask, tmp_path: Path) -> None:
    runner = any_db_app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    before = snapshot(any_db_app)
    assert sum(map(len, before.values())) > 1000

    target = tmp_path / "backup.db"
    done = runner.invoke(args=["backup", str(target)])
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    with any_db_app.app_context():  # damage: a deleted jury (cascades) and a new user
        db.session.execute(sa.delete(Reply))
        db.session.execute(sa.delete(Jury))
        db.session.add(
            User(email="intruder@example.org", name="X", role="administrator", password_hash="x")
        )
        db.session.commit()
    assert differences(snapshot(any_db_app), before) > 100

    restored = runner.invoke(args=["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert differences(snapshot(any_db_app), before) == 0


def test_backup_never_overwrites_and_restore_checks_the_file(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    existing = tmp_path / "old.db"
    existing.write_bytes(b"keep me")
    refused = runner.invoke(args=["backup", str(existing)])
    assert refused.exit_code != 0
    assert "never written over" in refused.output
    assert existing.read_bytes() == b"keep me"

    wrong = runner.invoke(args=["restore", "--yes", str(existing)])
    assert wrong.exit_code != 0
    assert "not a backup of a sqlite database" in wrong.output


@pytest.mark.parametrize("answer", ["n\n"])
def test_restore_asks_first(app: Flask, tmp_path: Path, answer: str) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "b.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    asked = runner.invoke(args=["restore", str(target)], input=answer)
    assert "replaces everything" in asked.output
    assert asked.exit_code == 1  # aborted
