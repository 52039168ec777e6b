"""What the erasure ledger's first version left open (issue 10), on SQLite and PostgreSQL:

- backups made before an erasure are rewritten with the ledger applied (the worker's task
  after each erasure, and ``flask privacy scrub-backups``), so that no backup file keeps the
  erased person until it is pruned;
- a restore of an older backup brings back the records of erasures on request (``erasures``);
- an older copy of the ledger put back over the current one is refused, by restore, reapply
  and the scrub, because the database and every backup know the ledger's length and hash.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import make_user
from tests.webapp.test_erasure_ledger import AUTHOR, _demo_with_volunteer, offline_copy
from tests.webapp.test_privacy import dump, past_retention
from webapp.extensions import db
from webapp.models import Jury, Reply, Role, User
from webapp.models.privacy import Erasure
from webapp.privacy import erase_on_request, ledger, scrub


def backup_text(path: Path) -> str:
    """All a backup holds, as SQL text (SQLite: iterdump; PostgreSQL: pg_restore's script)."""
    if path.read_bytes().startswith(b"SQLite format 3"):
        uri = f"file:{path}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return "\n".join(connection.iterdump())
    done = subprocess.run(
        ["pg_restore", "--file=-", str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout


def found_in(path: Path, secrets: list[str]) -> list[str]:
    """The secrets in the backup's SQL text and, for SQLite, in its raw bytes (free pages
    included; a PostgreSQL custom dump is compressed, its text is what a restore brings)."""
    text = backup_text(path)
    raw = path.read_bytes() if path.read_bytes().startswith(b"SQLite") else b""
    return [s for s in secrets if s in text or s.encode() in raw]


def _erase_on_request(app: Flask, reference: str) -> None:
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        user = make_user(Role.ORGANISER, "olga@example.org")
        record = erase_on_request(jury, reference=reference, author=AUTHOR, user=user)
        assert (record.replies, record.proposals) == (1, 1)
        db.session.commit()


# --- 1. backups made before an erasure no longer hold it --------------------------------------


def test_an_erasure_scrubs_the_backups_made_before_it(any_db_app: Flask, tmp_path: Path) -> None:
    app, runner = any_db_app, any_db_app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    folder = tmp_path / "backups"
    folder.mkdir()
    backups = [folder / "monday.backup", folder / "tuesday.backup"]
    for path in backups:
        assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    old = backups[0].stat().st_mtime_ns - 10 * 86400 * 10**9  # pruning counts from it
    os.utime(backups[0], ns=(old, old))
    offline = offline_copy(backups[1], tmp_path)
    assert found_in(backups[0], secrets) == secrets  # the check can fail

    _erase_on_request(app, reference)  # the worker's task runs at once in the tests

    for path in backups:
        assert found_in(path, secrets) == [], path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert backups[0].stat().st_mtime_ns == old
    assert sorted(p.name for p in folder.iterdir()) == ["monday.backup", "tuesday.backup"]
    with app.app_context():
        assert scrub.backup_state(backups[0]) == ledger.read().state
    # A second scrub finds every backup up to date and rewrites none.
    again = runner.invoke(args=["privacy", "scrub-backups"])
    assert again.exit_code == 0, again.output
    assert "Scrubbed 0 backups; 2 were up to date." in again.output
    # A folder named on the command line: the copy kept elsewhere.
    assert found_in(offline, secrets) == secrets
    named = runner.invoke(args=["privacy", "scrub-backups", str(offline.parent)])
    assert named.exit_code == 0, named.output
    assert "Scrubbed 1 backups; 2 were up to date." in named.output
    assert found_in(offline, secrets) == []
    # A scrubbed backup still restores whole.
    done = runner.invoke(args=["restore", "--yes", str(backups[0])])
    assert done.exit_code == 0, done.output
    assert [s for s in secrets if s in dump(app)] == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Erasure.id))) == 1


def test_the_scrub_is_a_task_for_the_worker(tmp_path: Path) -> None:
    """Outside the tests' immediate mode the erasure queues the scrub: the web request or
    the command returns at once, the worker rewrites the backups."""
    from tests.conftest import make_app
    from webapp import tasks

    app = make_app(
        f"sqlite:///{tmp_path / 'queue.sqlite'}",
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    runner = app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        tasks.run_pending()  # whatever the demo queued
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    assert runner.invoke(args=["privacy", "erase", "--reference", reference]).exit_code == 0
    assert found_in(backup, secrets) != []  # queued, not yet run
    with app.app_context():
        assert tasks.run_pending() == 1
        db.engine.dispose()
    assert [s for s in found_in(backup, secrets) if s != AUTHOR and s not in AUTHOR] == []


def test_retention_end_scrubs_the_backups(any_db_app: Flask, tmp_path: Path) -> None:
    app, runner = any_db_app, any_db_app.test_cli_runner()
    _reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        past_retention(jury)
        db.session.commit()
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    assert found_in(backup, secrets) == secrets
    assert runner.invoke(args=["privacy", "erase-expired"]).exit_code == 0
    assert found_in(backup, secrets) == []


def test_the_scrub_leaves_other_files_alone(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert runner.invoke(args=["backup", str(folder / "a.db")]).exit_code == 0
    notes = folder / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    other = folder / "queue.sqlite"  # an SQLite file that is no backup of the app
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    before = other.read_bytes()
    _erase_on_request(app, reference)
    assert found_in(folder / "a.db", secrets) == []
    assert notes.read_text(encoding="utf-8") == "keep me" and other.read_bytes() == before
    broken = folder / "broken.db"  # starts like a backup, is none: named, left as it is
    broken.write_bytes(b"SQLite format 3\x00" + b"\x07" * 200)
    done = runner.invoke(args=["privacy", "scrub-backups"])
    assert done.exit_code != 0
    assert f"NOT scrubbed: {broken}: not a readable SQLite backup" in done.output
    assert "1 backups were not scrubbed" in done.output
    assert broken.read_bytes() == b"SQLite format 3\x00" + b"\x07" * 200


# --- 2. a restore brings back the records of erasures on request --------------------------


def _records(app: Flask) -> list[tuple[object, ...]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Erasure.jury_id,
                Erasure.user_id,
                Erasure.replies,
                Erasure.proposals,
                Erasure.created_at,
                Erasure.ledger_key,
            ).order_by(Erasure.id)
        ).all()
        return [tuple(r) for r in rows]


def test_a_restore_brings_back_the_records_of_erasures(any_db_app: Flask, tmp_path: Path) -> None:
    app, runner = any_db_app, any_db_app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        make_user(Role.ORGANISER, "olga@example.org")  # the staff member, known to the backup
        db.session.commit()
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    backup = offline_copy(backup, tmp_path)  # as it was made: no scrub reaches it
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        organiser = db.session.scalars(
            sa.select(User).where(User.email == "olga@example.org")
        ).one()
        erase_on_request(jury, reference=reference, author=AUTHOR, user=organiser)
        db.session.commit()
    kept = _records(app)
    assert len(kept) == 1 and kept[0][1] is not None and kept[0][5]

    done = runner.invoke(args=["restore", "--yes", str(backup)])
    assert done.exit_code == 0, done.output
    assert "brought back 1 records of erasures on request" in done.output
    assert _records(app) == kept  # who erased, when, how much: as before
    assert [s for s in secrets if s in dump(app)] == []
    again = runner.invoke(args=["privacy", "reapply"])
    assert again.exit_code == 0 and "brought back 0 records" in again.output
    assert _records(app) == kept
    # The ledger line of the record: ids and counts, nothing about the resident.
    with app.app_context():
        text = ledger.ledger_path().read_text(encoding="utf-8")
    assert [s for s in [*secrets, reference] if s in text] == []


# --- 3. an older copy of the ledger put back is refused -------------------------------------


def test_an_older_ledger_put_back_is_refused(any_db_app: Flask, tmp_path: Path) -> None:
    app, runner = any_db_app, any_db_app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        path = ledger.ledger_path()
        second = db.session.scalars(
            sa.select(Reply.reference)
            .where(Reply.reference != reference, Reply.email.is_not(None))
            .order_by(Reply.id)
        ).first()
    _erase_on_request(app, reference)  # 3 lines: the reply, the author, the record
    older = path.read_bytes()
    assert runner.invoke(args=["privacy", "erase", "--reference", second]).exit_code == 0
    backup = tmp_path / "after.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    newest = path.read_bytes()
    with app.app_context():
        assert scrub.backup_state(backup) == ledger.read().state
        assert ledger.read().state.lines == 4

    path.write_bytes(older)  # last week's copy of instance/ put back
    refused = runner.invoke(args=["restore", "--yes", str(backup)])
    assert refused.exit_code != 0
    assert "REFUSED" in refused.output
    assert "has 3 lines, but the database knew of 4" in refused.output
    assert "has 3 lines, but the backup after.backup knew of 4" in refused.output
    reapply = runner.invoke(args=["privacy", "reapply"])
    assert reapply.exit_code != 0 and "the database knew of 4" in reapply.output
    scrubbed = runner.invoke(args=["privacy", "scrub-backups"])
    assert scrubbed.exit_code != 0 and "the database knew of 4" in scrubbed.output

    # The same length, other lines: another ledger, or an edited one.
    path.write_bytes(older + b'{"at": "2026-01-01T00:00:00+00:00", "ids": [1], "kind": "jury"}\n')
    edited = runner.invoke(args=["restore", "--yes", str(backup)])
    assert edited.exit_code != 0 and "are not those the database knew of" in edited.output

    # Lost for good: on with a loud warning.
    path.write_bytes(older)
    accepted = runner.invoke(args=["restore", "--yes", "--accept-shorter-ledger", str(backup)])
    assert accepted.exit_code == 0, accepted.output
    assert "WARNING: the erasure ledger" in accepted.output
    with app.app_context():
        assert ledger.database_state() == ledger.read().state  # accepted: the count follows

    path.write_bytes(newest)  # the newest copy found after all
    done = runner.invoke(args=["restore", "--yes", str(backup)])
    assert done.exit_code == 0, done.output
    assert "Applied 3 erasures" in done.output and "WARNING" not in done.output
    assert [s for s in secrets if s in dump(app)] == []


def test_a_longer_ledger_passes(app: Flask, tmp_path: Path) -> None:
    """The guard lets through what is normal: a backup older than the ledger."""
    runner = app.test_cli_runner()
    reference, _secrets = _demo_with_volunteer(app)
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    _erase_on_request(app, reference)
    done = runner.invoke(args=["restore", "--yes", str(backup)])
    assert done.exit_code == 0, done.output
    assert "REFUSED" not in done.output and "WARNING" not in done.output


def test_an_erasure_is_refused_while_the_ledger_is_older(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Fail closed: an erasure appended to an older copy would be lost when the newest copy
    is put back. Nothing is erased, the staff are told in their language, the daily run
    says so in the log; a damaged line at the end stops nothing."""
    from tests.webapp.staff_data import log_in_as
    from webapp.models import JuryMembership
    from webapp.privacy.tasks import erase_expired_daily

    runner = app.test_cli_runner()
    reference, secrets = _demo_with_volunteer(app)
    with app.app_context():
        path = ledger.ledger_path()
        jury = db.session.scalars(sa.select(Jury)).one()
        jury_id = jury.id
        organiser = make_user(Role.ORGANISER, "olga@example.org")
        db.session.add(JuryMembership(jury_id=jury.id, user_id=organiser.id))
        db.session.commit()
        organiser_id = organiser.id
        second = db.session.scalars(
            sa.select(Reply.reference)
            .where(Reply.reference != reference, Reply.email.is_not(None))
            .order_by(Reply.id)
        ).first()
    assert runner.invoke(args=["privacy", "erase", "--reference", second]).exit_code == 0
    newest = path.read_bytes()
    path.write_bytes(b"")  # an older copy: the database knew of 1 line

    refused = runner.invoke(args=["privacy", "erase", "--reference", reference])
    assert refused.exit_code != 0
    assert "has 0 lines, but the database knew of 1" in refused.output
    assert "the erasure was not made" in refused.output
    client = app.test_client()
    log_in_as(client, organiser_id)
    form = {"reference": reference, "author": "", "confirmed": "y"}
    for language, words in [
        ("en", "Nothing was erased: the erasure ledger on the server is an older copy."),
        ("nl", "Er is niets gewist: het wisregister op de server is een oudere kopie."),
        ("es", "No se ha borrado nada: el registro de borrados del servidor es una copia"),
    ]:
        page = client.post(
            f"/staff/juries/{jury_id}/erasure/confirm",
            data=form,
            headers={"Accept-Language": language},
            follow_redirects=True,
        )
        assert page.status_code == 200 and words in page.get_data(as_text=True), language
    assert [s for s in secrets if s in dump(app)] == secrets  # nothing erased, nothing lost
    assert path.read_bytes() == b""
    with app.app_context(), caplog.at_level(logging.ERROR):
        erase_expired_daily()
    assert "has 0 lines, but the database knew of 1" in caplog.text

    # The newest copy back, and a damaged line after it: the erasure goes through.
    path.write_bytes(newest + b"not json\n")
    assert runner.invoke(args=["privacy", "erase", "--reference", reference]).exit_code == 0
    with app.app_context():
        reply = db.session.scalars(sa.select(Reply).where(Reply.reference == reference)).one()
        assert (reply.email, reply.phone, reply.first_name) == (None, None, None)
        assert ledger.database_state() == ledger.state_of(path)
