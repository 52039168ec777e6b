"""A small version of benchmarks/replies.py: 20 residents reply at once to the threaded live
server (HTTP only, no browser): every acknowledged reply is stored exactly once, no errors."""

from __future__ import annotations

import sqlalchemy as sa

from benchmarks._residents import run_residents
from tests.browser.conftest import LiveServer
from tests.webapp.replies_data import make_world
from webapp.extensions import db
from webapp.models import Reply


def test_twenty_residents_at_once(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        world = make_world(n=20, slug="load-smoke")
    result = run_residents(live_server.url, world.codes, timeout=120)
    assert result.errors == []
    assert len(result.acknowledged) == 20
    with live_server.app.app_context():
        stored = db.session.scalars(
            sa.select(Reply.reference).where(Reply.jury_id == world.jury_id)
        ).all()
    assert sorted(stored) == sorted(result.acknowledged)
    assert len(set(stored)) == 20
