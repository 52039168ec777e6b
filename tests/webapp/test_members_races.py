"""Races on a real PostgreSQL: two answers for one member at once (the resident online and
staff on the phone), two entries of the randomness at once. One wins; the other is told."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import make_app
from tests.webapp.races import at_once
from tests.webapp.selection_data import build_selection_world, latest_draw, start_selection
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.members import services as members
from webapp.models import Draw, JobStatus, Member, MemberStatus, SelectionJob
from webapp.selection import draws

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    app = make_app(postgres_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _at_once(app: Flask, actions: list[Callable[[], str]]) -> list[str]:
    """Run each action in its own thread and app context, started together."""

    def in_context(action: Callable[[], str]) -> Callable[[], str]:
        def call() -> str:
            with app.app_context():
                try:
                    return action()
                finally:
                    db.session.remove()

        return call

    return sorted(at_once([in_context(a) for a in actions], failed=repr))


def _answer(member_id: int, action: str, via: str) -> Callable[[], str]:
    def act() -> str:
        member = db.session.get_one(Member, member_id)
        try:
            members.answer(member, action, via=via)
        except members.AnswerRefused:
            db.session.rollback()
            return "refused"
        db.session.commit()
        return action

    return act


def _randomness(draw_id: int, text: str) -> Callable[[], str]:
    def act() -> str:
        draw = db.session.get_one(Draw, draw_id)
        try:
            draws.enter_randomness(draw, text)
        except draws.AlreadyDrawn:
            db.session.rollback()
            return "already"
        db.session.commit()
        return text

    return act


def test_two_randomness_entries_and_two_answers_at_once(pg_app: Flask) -> None:
    world = build_selection_world(pg_app)
    client = pg_app.test_client()
    log_in_as(client, world.organiser)
    start_selection(client, world.jury_id)
    draw_id = latest_draw(pg_app, world.jury_id)
    outcome = _at_once(pg_app, [_randomness(draw_id, "1 2 3"), _randomness(draw_id, "4 5 6")])
    assert outcome.count("already") == 1 and len(set(outcome) & {"1 2 3", "4 5 6"}) == 1
    with pg_app.app_context():
        # One panel drawn (six members and twelve alternates), not two.
        assert db.session.scalar(sa.select(sa.func.count(Member.id))) == 6 + 12
        ids = list(
            db.session.scalars(
                sa.select(Member.id)
                .where(Member.status == MemberStatus.SELECTED)
                .order_by(Member.id)
            )
        )
    for member_id in ids:  # six races, each with a different winner possible
        outcome = _at_once(
            pg_app,
            [_answer(member_id, "confirm", "code"), _answer(member_id, "decline", "staff")],
        )
        assert outcome.count("refused") == 1 and len(set(outcome) & {"confirm", "decline"}) == 1
    with pg_app.app_context():
        statuses = db.session.scalars(
            sa.select(Member.status).where(Member.status != MemberStatus.ALTERNATE)
        ).all()
    assert len(statuses) == 6
    assert set(statuses) <= {MemberStatus.CONFIRMED, MemberStatus.DECLINED}


def test_one_active_job_per_jury_is_held_by_the_database(pg_app: Flask) -> None:
    """Two starts at once both pass the check in Python; the partial unique index lets one
    of them in (the view then shows the running job)."""
    world = build_selection_world(pg_app)
    with pg_app.app_context():
        db.session.add(SelectionJob(jury_id=world.jury_id, status=JobStatus.RUNNING, message=""))
        db.session.commit()
        db.session.add(SelectionJob(jury_id=world.jury_id, status=JobStatus.QUEUED, message=""))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(SelectionJob(jury_id=world.jury_id, status=JobStatus.DONE, message=""))
        db.session.commit()  # ended jobs do not count
