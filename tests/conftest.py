"""Shared fixtures: flaskr-style `app`, `client`, `runner`, on SQLite and on a real PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (the Makefile points it at 127.0.0.1:5432/test). Each
pytest-xdist worker gets a database of its own, created from that server. Under CI (CI=true) a
missing server is a failure; elsewhere the PostgreSQL tests are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from webapp import create_app
from webapp.extensions import db

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def base_config(database_uri: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "CODE_HMAC_KEY": "test-code-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,  # one suite (tests/webapp/test_csrf.py) runs with it on
        "RATELIMIT_ENABLED": False,  # the rate-limit tests switch it on
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # What every letter needs (webapp/invitations/paper.py); the tests of the refusal
        # take them away.
        "ORGANISER_NAME": {"nl": "Gemeente Teststad", "es": "Ayuntamiento de Teststad"}
        | {"en": "City of Teststad"},
        "ORGANISER_PHONE": "14 050",
        "REPLY_ADDRESS": "Gemeente Teststad\nAntwoordnummer 1234\n9700 VB Teststad",
        # Tasks run at once in the caller (huey's immediate mode); the queue tests switch it
        # off and run a worker.
        "TASK_QUEUE_IMMEDIATE": True,
    }
    config.update(overrides)
    return config


def make_app(database_uri: str, **overrides: Any) -> Flask:
    """An app whose schema comes from the migrations, as in production."""
    app = create_app(base_config(database_uri, **overrides))
    # Letters, uploads, demo codes and the task queue's file go to a folder of this app's own,
    # never to the checkout's instance/ (tests run in parallel).
    app.instance_path = tempfile.mkdtemp(prefix="kleroterion-instance-")
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session", autouse=True)
def compiled_search() -> None:
    """The pricing search is compiled by numba on first use (about 6 s, then loaded from its
    cache in 0.2 s): once per test worker, before any test whose selection has a time limit."""
    from sortition.solver.tree import warm_up

    warm_up()


@pytest.fixture(scope="session")
def postgres_url(worker_id: str, testrun_uid: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test worker."""
    base = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    url = sa.make_url(base)
    # One database per checkout, test run and worker: two checkouts, or two runs in one
    # checkout, testing at once never drop each other's database.
    checkout = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
    name = f"kleroterion_test_{checkout}_{testrun_uid[:8]}_{worker_id}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"PostgreSQL at {url.render_as_string(hide_password=True)} is required: {exc}"
            )
        pytest.skip(f"no PostgreSQL server at {url.render_as_string(hide_password=True)}")
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh SQLite file (the embedded default)."""
    app = make_app(f"sqlite:///{tmp_path / 'test.sqlite'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on SQLite and on PostgreSQL: for tests of database behaviour."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        uri = request.getfixturevalue("postgres_url")
    app = make_app(uri)
    yield app
    with app.app_context():
        if request.param == "postgresql":
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis server at REDIS_URL (a failure under CI when it is missing, else a skip)."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required under CI: {exc}")
        pytest.skip(f"no Redis at {url}")
    yield url
