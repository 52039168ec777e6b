"""``flask --app webapp demo load``: a usable demo municipality, loaded once."""

from __future__ import annotations

import re
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import log_in_with_totp
from webapp import lottery
from webapp.codes import find_invitation
from webapp.demo import (
    DEMO_DICE,
    DEMO_PANELS,
    DISTRICTS,
    LETTERS,
    LOGINS,
    PANEL,
    PASSWORD,
    UNANSWERED,
)
from webapp.demo_codes import CODES_FILE
from webapp.extensions import db
from webapp.models import (
    Answer,
    Channel,
    Draw,
    Invitation,
    InvitationBatch,
    InvitationStatus,
    Jury,
    Member,
    PhaseKind,
    Reply,
    TablePlan,
    User,
)
from webapp.pool.services import pool, quota_rows
from webapp.selection import draws
from webapp.sittings import outcomes


@pytest.fixture
def demo_app(app: Flask, tmp_path: Path) -> Flask:
    """The app with its instance folder (letters, demo codes) in the test's own folder."""
    app.instance_path = str(tmp_path / "instance")
    Path(app.instance_path).mkdir()
    return app


def test_demo_load_fills_an_empty_database_once(demo_app: Flask) -> None:
    app = demo_app
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    for role, email, _name in LOGINS:
        assert re.search(rf"{role.value}\s+{re.escape(email)}", result.output)
    assert PASSWORD in result.output
    codes = re.findall(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.)$", result.output, re.M)
    assert len(codes) == 3
    with app.app_context():
        assert sorted(u.role for u in db.session.scalars(sa.select(User))) == sorted(
            r for r, _e, _n in LOGINS
        )
        (jury,) = db.session.scalars(sa.select(Jury)).all()

        phase = jury.current_phase(date.today())
        assert phase is not None and phase.kind == PhaseKind.REPLIES
        assert len(jury.sittings) == 8
        assert {s.starts_at.weekday() for s in jury.sittings} == {5}  # Saturdays
        assert all(s.venue is not None and s.proposals for s in jury.sittings)
        assert [i.kind for i in jury.sittings[0].agenda][-1] == "plenary_vote"
        # One table of the first sitting wrote its outcome of the table round, and its straw
        # vote fits the members present at it.
        (outcome,) = outcomes.outcomes_of_sitting(jury.sittings[0])
        assert outcome.item_kind == "table_round" and outcome.summary
        plan = db.session.scalar(sa.select(TablePlan))
        assert plan is not None
        present = outcomes.present_at_table(plan, outcome.table_number)
        assert outcome.fields.votes_cast == present
        invitations = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
        assert invitations == LETTERS
        replies = db.session.scalars(sa.select(Reply)).all()
        assert 200 <= len(replies) <= 600
        answers = Counter(r.answer for r in replies)
        channels = Counter(r.channel for r in replies)
        assert answers[Answer.NO] > 20 and answers[Answer.YES] > 150
        assert channels[Channel.PAPER] > 10 and channels[Channel.PHONE] > 5
        assert {r.district for r in replies} == set(DISTRICTS)
        assert len({r.gender for r in replies if r.answer == "yes"}) >= 3
        # The fourth category: every volunteer answered it, and the pool uses it.
        people, left_out = pool(jury)
        assert left_out == 0 and len(people) == answers[Answer.YES]
        assert {p.features["education"] for p in people} == {"low", "middle", "high"}
        assert [r.category for r in quota_rows(jury)].count("education") == 3
        replied = db.session.scalar(
            sa.select(sa.func.count()).where(Invitation.status == InvitationStatus.REPLIED)
        )
        assert replied == len(replies)
        with app.test_request_context():
            for code in codes:  # the printed codes open unanswered letters
                invitation = find_invitation(code)
                assert invitation.status == InvitationStatus.SENT
        # A completed draw: committed, drawn with the dice, its bundle verifies; 49 members
        # (one declined, two still to answer, the rest confirmed) and their alternates.
        (draw,) = db.session.scalars(sa.select(Draw)).all()
        assert draw.drawn and draw.randomness == DEMO_DICE and draw.panels == DEMO_PANELS
        ok, problems = lottery.verify(draws.bundle(draw))
        assert ok, problems
        statuses = Counter(
            str(m.status) for m in db.session.scalars(sa.select(Member).filter_by(jury_id=jury.id))
        )
        assert statuses == {
            "confirmed": PANEL - 1 - UNANSWERED,
            "declined": 1,
            "selected": UNANSWERED,
            "alternate": 2 * PANEL,
        }
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not empty" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3
    # Every run prints the same unused codes, kept in a file only its owner can read.
    assert re.findall(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.)$", again.output, re.M) == codes
    kept = Path(app.instance_path) / CODES_FILE
    assert kept.read_text().split() == codes
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # The demo draw has its letters, each with its paper form; the codes are the last ones.
    with app.app_context():
        batch = db.session.scalars(sa.select(InvitationBatch)).one()
        pdf = Path(app.instance_path) / "letters" / str(batch.id) / "letters.pdf"
        assert pdf.is_file() and batch.letters_made_at is not None
        document = pdfium.PdfDocument(pdf)
        assert len(document) == 2 * LETTERS
        assert codes[-1] in document[len(document) - 1].get_textpage().get_text_range()
        document.close()
        with app.test_request_context():
            find_invitation(codes[0]).status = InvitationStatus.REPLIED  # someone tried it
        db.session.commit()
    # A used code is replaced by a fresh one for another unanswered letter.
    third = runner.invoke(args=["demo", "load", "--if-empty"])
    shown = re.findall(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.)$", third.output, re.M)
    assert len(shown) == 3 and shown[:2] == codes[1:] and shown[2] not in codes
    with app.test_request_context():
        assert find_invitation(shown[2]).status == InvitationStatus.SENT


def test_without_letter_settings_the_demo_says_what_to_set(tmp_path: Path) -> None:
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", ORGANISER_PHONE=None)
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "The demo draw has no letters: set ORGANISER_PHONE in instance/config.py." in (
        result.output
    )
    assert len(re.findall(r"^  [0-9A-Z]{4}-", result.output, re.M)) == 3


def test_demo_logins_work(demo_app: Flask) -> None:
    app = demo_app
    app.test_cli_runner().invoke(args=["demo", "load"])
    client = app.test_client()
    email = LOGINS[1][1]
    assert log_in_with_totp(client, email, PASSWORD)  # organisers enrol a second factor
    page = client.get("/staff/").data.decode()
    assert "Observatorio de la Ciudad (demo)" in page
    found = re.search(r"/staff/juries/(\d+)", page)
    assert found is not None
    jury_id = found.group(1)
    pool = client.get(f"/staff/juries/{jury_id}/pool").data.decode()
    assert "volunteers can be drawn" in pool
