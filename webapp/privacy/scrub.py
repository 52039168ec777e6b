"""The scrub of backups: after an erasure, the backups made before it are rewritten with the
erasure ledger applied, so that no backup file keeps what was erased until it is pruned.

Which backups: every file that starts like an SQLite or PostgreSQL backup in the folders
``flask backup`` has written to (remembered in ``instance/backup-folders.txt``, absolute paths
only) and in the folders named to ``flask privacy scrub-backups``; never the app's own
database file. Each backup carries the ledger's state it knew (:class:`ledger.State`); one
that knows the whole ledger already is left alone, so a second scrub rewrites nothing.

- SQLite: copy the backup (SQLite's backup API) to a private file in the same folder, apply
  the ledger there (``secure_delete``, journal in memory), ``VACUUM INTO`` a fresh file (no
  free pages), and move it over the backup.
- PostgreSQL: restore the dump into a temporary database on the app's server, apply the
  ledger, ``pg_dump`` it again into a private file in the same folder, move it over the
  backup, drop the temporary database (the app's database user must be allowed to create
  databases).

The new file keeps the backup's name, mode 600 and time of last change (``backup
--prune-older-than`` counts from it); ``os.replace`` makes the change atomic, so a backup is
whole before and after. A backup whose ledger state the ledger does not extend (an older
ledger was put back) is not touched, and is reported. Scrubs and backups take a lock in the
instance folder, so a scrub never reads a backup being written.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.pool import NullPool

from webapp.backup import (
    POSTGRESQL,
    SQLITE,
    BackupError,
    backup_kind,
    libpq_url,
    new_private_file,
    run_tool,
    sqlite_copy,
)
from webapp.extensions import db
from webapp.files import touch_private
from webapp.models.privacy import LedgerState
from webapp.privacy import ledger

FOLDERS_NAME = "backup-folders.txt"
LOCK_NAME = "backups.lock"


@dataclass
class ScrubReport:
    scrubbed: list[Path] = field(default_factory=list)  # rewritten with the ledger applied
    current: list[Path] = field(default_factory=list)  # knew the whole ledger already
    failed: list[tuple[Path, str]] = field(default_factory=list)  # left as they were: why


def _instance_file(name: str) -> Path:
    return Path(current_app.instance_path) / name


def remember_folder(folder: Path) -> None:
    """Note ``folder`` as one that holds backups (the scrub rewrites them)."""
    path = _instance_file(FOLDERS_NAME)
    folder = folder.resolve()
    if folder in remembered_folders():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{folder}\n".encode())
    finally:
        os.close(fd)


def remembered_folders() -> list[Path]:
    try:
        text = _instance_file(FOLDERS_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [Path(line) for line in text.splitlines() if line.strip()]


@contextmanager
def backups_lock() -> Iterator[None]:
    """One backup or scrub at a time (across processes)."""
    path = _instance_file(LOCK_NAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    touch_private(path)
    with path.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def backup_state(path: Path) -> ledger.State | None:
    """What the backup in ``path`` knew of the ledger (None: a schema before it was kept).
    Reads without changing the file."""
    kind = backup_kind(path)
    if kind is None:
        return None
    if kind == SQLITE:
        uri = f"file:{path.resolve()}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            try:
                row = connection.execute(
                    "SELECT lines, digest FROM erasure_ledger_state WHERE id = 1"
                ).fetchone()
            except sqlite3.DatabaseError:
                return None
        return None if row is None else ledger.State(int(row[0]), str(row[1]))
    return _dump_state(path)


def _dump_state(path: Path) -> ledger.State | None:
    """The ledger state in a pg_dump file: its table's rows as pg_restore prints them."""
    table = LedgerState.__tablename__
    script = run_tool(["pg_restore", "--data-only", f"--table={table}", "--file=-", str(path)])
    rows = script.split(f"COPY public.{table} (id, lines, digest) FROM stdin;\n", 1)
    if len(rows) < 2 or rows[1].startswith("\\."):
        return None
    _id, lines, digest = rows[1].split("\n", 1)[0].split("\t")
    return ledger.State(int(lines), digest)


def _is_candidate(path: Path, own: set[Path]) -> bool:
    if not path.is_file() or path.name.startswith(".") or path.resolve() in own:
        return False
    return backup_kind(path) is not None


def _own_files() -> set[Path]:
    """The app's live database files, never to be taken for backups."""
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != SQLITE or not url.database:
        return set()
    path = Path(url.database).resolve()
    return {path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))}


def scrub_backups(folders: Iterable[Path]) -> ScrubReport:
    """Rewrite every backup in ``folders`` that does not know the whole ledger yet.
    Raises :class:`ledger.LedgerError` when the ledger is older than the database."""
    snapshot = ledger.read()
    if why := ledger.behind(ledger.database_state(), snapshot, what="the database"):
        raise ledger.LedgerError(why)
    report, own = ScrubReport(), _own_files()
    with backups_lock():
        for folder in dict.fromkeys(f.resolve() for f in folders):
            if not folder.is_dir():
                continue
            for path in sorted(p for p in folder.iterdir() if _is_candidate(p, own)):
                try:
                    _scrub_one(path, snapshot, report)
                except (BackupError, sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
                    report.failed.append((path, _reason(exc)))
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, sa.exc.SQLAlchemyError):
        # The statement's parameters are ids, but say no more than the kind of error.
        return f"the ledger could not be applied (an older schema?): {type(exc).__name__}"
    if isinstance(exc, sqlite3.Error):
        return f"not a readable SQLite backup: {exc}"
    return str(exc)


def _scrub_one(path: Path, snapshot: ledger.Snapshot, report: ScrubReport) -> None:
    known = backup_state(path)
    if known == snapshot.state:
        report.current.append(path)
        return
    if why := ledger.behind(known, snapshot, what=f"the backup {path.name}"):
        report.failed.append((path, why))
        return
    if backup_kind(path) == SQLITE:
        if not _sqlite_has_app_schema(path):
            return  # another SQLite file (a task queue, say): not a backup of this app
        _scrub_sqlite(path, snapshot)
    else:
        _scrub_dump(path, snapshot)
    report.scrubbed.append(path)


def _sqlite_has_app_schema(path: Path) -> bool:
    uri = f"file:{path.resolve()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    return {"alembic_version", "replies"} <= names


def _scratch(path: Path, ending: str) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.{ending}")


def _scrub_sqlite(path: Path, snapshot: ledger.Snapshot) -> None:
    work, fresh = _scratch(path, "scrub"), _scratch(path, "new")
    try:
        new_private_file(work)
        sqlite_copy(str(path), str(work))
        engine = sa.create_engine(f"sqlite:///{work}", poolclass=NullPool)
        sa.event.listen(engine, "connect", _scratch_pragmas)
        try:
            _apply(engine, snapshot)
        finally:
            engine.dispose()
        new_private_file(fresh)  # VACUUM INTO fills an empty file and keeps its mode
        with closing(sqlite3.connect(work)) as connection:
            connection.execute("VACUUM INTO ?", (str(fresh),))
        _replace(fresh, path)
    finally:
        work.unlink(missing_ok=True)
        fresh.unlink(missing_ok=True)


def _scratch_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    # The journal would hold the erased values in a file of its own.
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.close()


def _scrub_dump(path: Path, snapshot: ledger.Snapshot) -> None:
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != POSTGRESQL:
        raise BackupError("a PostgreSQL dump is scrubbed on the app's PostgreSQL server")
    name = f"kleroterion_scrub_{secrets.token_hex(6)}"
    scratch = url.set(database=name)
    fresh = _scratch(path, "new")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        _create_database(admin, name)
        restore = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
        run_tool([*restore, f"--dbname={libpq_url(scratch)}", str(path)])
        engine = sa.create_engine(scratch, poolclass=NullPool)
        try:
            _apply(engine, snapshot)
        finally:
            engine.dispose()
        new_private_file(fresh)
        run_tool(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={fresh}", libpq_url(scratch)]
        )
        _replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _create_database(admin: sa.Engine, name: str) -> None:
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.DBAPIError as exc:
        raise BackupError(
            "cannot create the temporary database that scrubs a dump (the app's database "
            f"user needs the right to create databases): {type(exc.orig).__name__}"
        ) from None


def _apply(engine: sa.Engine, snapshot: ledger.Snapshot) -> None:
    """Apply the ledger to the database behind ``engine``, with the app's own erasers: the
    app's session is pointed at it inside an app context of its own."""
    with current_app.app_context():
        session = orm.Session(bind=engine)
        # A plain session: Flask-SQLAlchemy's own would pick the app's engine, not ours.
        db.session.registry.set(session)  # type: ignore[arg-type]
        try:
            ledger.reapply(snapshot)
            session.commit()
        finally:
            session.close()
            db.session.registry.clear()


def _replace(fresh: Path, path: Path) -> None:
    """Move ``fresh`` over ``path`` atomically, keeping the backup's time of last change."""
    before = path.stat()
    with fresh.open("rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(fresh, 0o600)
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(fresh, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
