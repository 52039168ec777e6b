"""Database set-up that Flask-SQLAlchemy does not do for us."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from webapp.extensions import db
from webapp.files import touch_private


def utcnow() -> datetime:
    """Now in UTC, without a time zone: how the database stores every time."""
    return datetime.now(UTC).replace(tzinfo=None)


def install_sqlite_pragmas(app: Flask) -> None:
    """WAL for concurrent readers, foreign keys on, a busy timeout instead of 'locked' errors;
    the database file owner-only (mode 0600)."""

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Owner-only from the start; SQLite gives the WAL and shared-memory files the
        # database file's mode.
        path = Path(database)
        touch_private(path)
        for suffix in ("-wal", "-shm"):
            if (wal := path.with_name(path.name + suffix)).exists():
                touch_private(wal)
    event.listen(engine, "connect", _sqlite_on_connect)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # SQLite enforces foreign keys only when asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Erased personal data is overwritten, not left in the file's free space.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def changed_rows(statement: sa.Update) -> int:
    """Run a conditional UPDATE in the session; how many rows it changed (0: the condition
    no longer held, e.g. someone else changed the row first)."""
    result: sa.CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
