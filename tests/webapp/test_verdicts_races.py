"""Races (issue 14, the bar): 32 parallel votes by the same member code, repeated 20 times, on
SQLite and on PostgreSQL: one vote each time (held by the primary key of ``ballot_casts``),
and every request gets an ordinary answer ("counted" or "you had voted already"), never an
error. And a close racing with votes: every vote taken before the close is counted, none
after it."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.races import PARALLEL, ROUNDS, at_once, clones, posting, race_app
from tests.webapp.staff_data import log_in_as
from tests.webapp.verdicts_data import build_verdict_world
from webapp.extensions import db
from webapp.models import Ballot, BallotCast, PlenaryVote

SESSIONS = 4  # phones (each entered the code); the rest are their double taps and tabs


def _phones(app: Flask, code: str) -> list[FlaskClient]:
    phones = []
    for _ in range(SESSIONS):
        phone = app.test_client()
        assert phone.post("/vote", data={"code": code}).status_code == 302
        phones.append(phone)
    return clones(app, phones)


def _open_vote(app: Flask, organiser: int, jury_id: int, proposal_id: int, sitting_id: int) -> int:
    staff = app.test_client()
    log_in_as(staff, organiser)
    base = f"/staff/juries/{jury_id}/verdicts"
    created = staff.post(
        f"{base}/new", data={"proposal": proposal_id, "sitting": sitting_id, "method": "phones"}
    )
    vote_id = int(created.location.rsplit("/", 1)[1])
    assert staff.post(f"{base}/{vote_id}/open").status_code == 302
    return vote_id


@pytest.mark.slow
def test_parallel_votes_of_one_code_count_once(any_db_app: Flask) -> None:
    app = race_app(any_db_app)
    with app.app_context():
        world = build_verdict_world(seated=ROUNDS, present=ROUNDS)
    vote_id = _open_vote(app, world.organiser, world.jury_id, world.proposal_id, world.sitting_id)
    done, already = "302 /vote/done", "302 /vote/already"
    outcomes: Counter[str] = Counter()
    choices = ["city_vote", "amended", "rejected", "abstain"]
    for round_no in range(ROUNDS):
        clients = _phones(app, world.codes[round_no])
        # Each tap may pick another option: whichever comes first is the vote.
        calls = [
            posting(c, "/vote/ballot", {"vote": str(vote_id), f"v{vote_id}-choice": choices[i % 4]})
            for i, c in enumerate(clients)
        ]
        answers = at_once(calls, failed=repr)
        outcomes.update(answers)
        assert set(answers) <= {done, already}, Counter(answers)
        assert answers.count(done) == 1, Counter(answers)
    with app.app_context():
        casts = db.session.execute(
            sa.select(BallotCast.member_id, sa.func.count()).group_by(BallotCast.member_id)
        ).all()
        ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
        vote = db.session.get_one(PlenaryVote, vote_id)
        assert len(casts) == ROUNDS and {n for _, n in casts} == {1}
        assert ballots == ROUNDS and vote.casts == ROUNDS
        db.session.remove()
        db.engine.dispose()
    assert sum(outcomes.values()) == PARALLEL * ROUNDS


@pytest.mark.slow
def test_closing_while_members_vote_counts_exactly_the_votes_taken(any_db_app: Flask) -> None:
    app = race_app(any_db_app)
    with app.app_context():
        world = build_verdict_world(seated=24, present=24)
    vote_id = _open_vote(app, world.organiser, world.jury_id, world.proposal_id, world.sitting_id)
    phones = []
    for code in world.codes:
        phone = app.test_client()
        phone.post("/vote", data={"code": code})
        phones.append(phone)
    staff = app.test_client()
    log_in_as(staff, world.organiser)
    answers: list[str] = []

    def close() -> str:
        # Close in the middle of the votes: once a few are in, the rest still in flight.
        deadline = time.monotonic() + 10
        while answers.count("302 /vote/done") < 3 and time.monotonic() < deadline:
            time.sleep(0.001)
        response = staff.post(f"/staff/juries/{world.jury_id}/verdicts/{vote_id}/close")
        return f"close {response.status_code}"

    votes = [
        posting(p, "/vote/ballot", {"vote": str(vote_id), f"v{vote_id}-choice": "amended"})
        for p in phones
    ]
    at_once([*votes, close], failed=repr, answers=answers)
    assert "close 302" in answers
    taken = answers.count("302 /vote/done")
    refused = answers.count("302 /vote/ballot")  # "this vote is closed already"
    assert taken + refused == len(phones), Counter(answers)
    assert taken >= 3
    with app.app_context():
        vote = db.session.get_one(PlenaryVote, vote_id)
        ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
        # Every vote taken is in the count, and nothing came in after it.
        assert vote.votes_amended == taken == vote.casts == ballots
        db.session.remove()
        db.engine.dispose()
