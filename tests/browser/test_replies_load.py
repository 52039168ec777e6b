"""A small version of benchmarks/replies.py: 20 residents reply at once to the threaded live
server (HTTP only, no browser), five of them posting twice at once: every acknowledged reply
is stored exactly once, every second post is told "already replied", no errors."""

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
    result = run_residents(live_server.url, world.codes, double_every=4, timeout=120)
    assert result.errors == []
    assert sum(r.refused_duplicate for r in result.residents) == 5  # residents 0, 4, 8, 12, 16
    assert len(result.acknowledged) == 20
    with live_server.app.app_context():
        stored = db.session.scalars(
            sa.select(Reply.reference).where(Reply.jury_id == world.jury_id)
        ).all()
    assert sorted(stored) == sorted(result.acknowledged)
    assert len(set(stored)) == 20
