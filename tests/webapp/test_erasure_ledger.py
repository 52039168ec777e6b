"""The erasure ledger (webapp/privacy/ledger.py): a restore of a backup made before an
erasure applies the erasure again, on SQLite and PostgreSQL, so that neither the restored
database nor the logs hold the erased person; the ledger itself holds ids only; backups older
than a number of days are pruned."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.test_privacy import _volunteer, dump, past_retention, traces
from webapp.extensions import db
from webapp.models import Jury, Reply
from webapp.models.proposals import Proposal, ProposalSource
from webapp.privacy import ledger

AUTHOR = "Zoraida Quintanilla O."


def _demo_with_volunteer(app: Flask) -> tuple[str, list[str]]:
    """The demo, one volunteer with a name and phone found nowhere else, and a proposal under
    her name: (her reply's reference, what would identify her)."""
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        reply = _volunteer(jury)
        db.session.add(
            Proposal(
                jury_id=jury.id,
                source=ProposalSource.CSV,
                external_id="p-1",
                title="More benches",
                author_name=AUTHOR,
            )
        )
        db.session.commit()
        return reply.reference, [*traces(reply), AUTHOR]


def _ledger_text(app: Flask) -> str:
    with app.test_request_context():
        path = ledger.ledger_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text(encoding="utf-8")


def offline_copy(backup: Path, tmp_path: Path) -> Path:
    """A copy kept where no scrub looks (an offline disk): the backup as it was made."""
    folder = tmp_path / "offline"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy2(backup, folder / backup.name))


def _restore(app: Flask, backup: Path) -> str:
    done = app.test_cli_runner().invoke(args=["restore", "--yes", str(backup)])
    assert done.exit_code == 0, done.output
    return str(done.output)


def test_a_restore_of_an_older_backup_erases_again(
    any_db_app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app, runner = any_db_app, any_db_app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    assert len(secrets) >= 6
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    backup = offline_copy(backup, tmp_path)  # the erasure's scrub does not reach this copy

    # Erased on request, from the staff page's service: her reply and her proposal's author.
    from webapp.models import User
    from webapp.privacy import erase_on_request

    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        user = db.session.scalars(sa.select(User).order_by(User.id)).first()
        assert user is not None
        record = erase_on_request(jury, reference=reference, author=AUTHOR, user=user)
        assert (record.replies, record.proposals) == (1, 1)
        db.session.commit()
    assert [s for s in secrets if s in dump(app)] == []

    output = _restore(app, backup)
    assert "Applied 2 erasures of the ledger again (1 replies, 0 juries" in output, output
    assert "1 proposal authors" in output
    text = dump(app) + "\n".join(r.getMessage() for r in caplog.records) + output
    assert [s for s in secrets if s in text] == []
    with app.app_context():
        again = db.session.scalars(sa.select(Reply).where(Reply.reference == reference)).one()
        assert again.email is None
        erased = db.session.scalars(sa.select(Proposal).where(Proposal.external_id == "p-1")).one()
        assert erased.author_name is None and erased.author_erased_at is not None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # secure_delete: not even the file's free space keeps the old values.
        path = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or "")
        with app.app_context():
            db.engine.dispose()
        raw = path.read_bytes()
        assert [s for s in secrets if s.encode() in raw] == []

    # The ledger: ids only, never a name, an e-mail address, a phone number or the reference.
    kept = _ledger_text(app)
    assert [s for s in [*secrets, reference] if s in kept] == []
    kinds = [json.loads(line)["kind"] for line in kept.splitlines()]
    assert sorted(kinds) == [ledger.PROPOSAL_AUTHORS, ledger.RECORD, ledger.REPLIES]


def test_a_restore_erases_again_what_retention_erased(any_db_app: Flask, tmp_path: Path) -> None:
    app, runner = any_db_app, any_db_app.test_cli_runner()
    _reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        past_retention(jury)
        db.session.commit()
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    backup = offline_copy(backup, tmp_path)
    assert runner.invoke(args=["privacy", "erase-expired"]).exit_code == 0
    # Twice: the second run erases nothing and adds no line.
    assert runner.invoke(args=["privacy", "erase-expired"]).exit_code == 0
    assert len(_ledger_text(app).splitlines()) == 1

    output = _restore(app, backup)
    assert "Applied 1 erasures of the ledger again (0 replies, 1 juries" in output, output
    assert [s for s in secrets if s in dump(app)] == []
    again = runner.invoke(args=["privacy", "reapply"])  # safe to run any time
    assert again.exit_code == 0 and "Applied 1 erasures" in again.output


def test_without_the_ledger_the_backup_brings_the_erased_back(app: Flask, tmp_path: Path) -> None:
    """What the ledger is for (and that the test above can fail)."""
    runner = app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    backup = offline_copy(backup, tmp_path)
    assert runner.invoke(args=["privacy", "erase", "--reference", reference]).exit_code == 0
    with app.test_request_context():
        ledger.ledger_path().unlink()
    # The database knew of the ledger's line: only on with the flag for a lost ledger.
    refused = runner.invoke(args=["restore", "--yes", str(backup)])
    assert refused.exit_code != 0 and "has 0 lines, but the database knew of 1" in refused.output
    done = runner.invoke(args=["restore", "--yes", "--accept-shorter-ledger", str(backup)])
    assert done.exit_code == 0 and "Applied 0 erasures" in done.output
    assert [s for s in secrets if s in dump(app)] != []


def test_an_erasure_rolled_back_leaves_no_line(app: Flask) -> None:
    reference, _secrets = _demo_with_volunteer(app)
    from webapp.privacy import erase_person

    with app.app_context():
        assert erase_person(reference)
        db.session.rollback()
        assert list(ledger.entries()) == []
        assert erase_person(reference)
        db.session.commit()
        assert [e["kind"] for e in ledger.entries()] == [ledger.REPLIES]


def test_a_damaged_ledger_is_named_with_its_line(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    backup = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with app.test_request_context():
        path = ledger.ledger_path()
    path.write_text('{"kind": "replies", "ids": [1]}\nnot json\n', encoding="utf-8")
    done = runner.invoke(args=["restore", "--yes", str(backup)])
    assert done.exit_code != 0
    assert f"{path}, line 2: not an erasure ledger line" in done.output


def test_backups_older_than_the_retention_are_pruned(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent = folder / "old.db", folder / "recent.db"
    for path in (old, recent):
        assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    notes = folder / "notes.db"  # not a backup: never deleted
    notes.write_text("keep me", encoding="utf-8")
    long_ago = time.time() - 40 * 86400
    for path in (old, notes):
        os.utime(path, (long_ago, long_ago))
    os.utime(recent, (time.time() - 10 * 86400,) * 2)
    done = runner.invoke(args=["backup", str(folder / "today.db"), "--prune-older-than", "30"])
    assert done.exit_code == 0, done.output
    assert "Deleted 1 backups older than 30 days." in done.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.db", "recent.db", "today.db"]
    refused = runner.invoke(args=["backup", str(folder / "x.db"), "--prune-older-than", "0"])
    assert refused.exit_code != 0 and "0 is not in the range x>=1" in refused.output
