"""Backups of the database and their restore: ``flask --app webapp backup FILE`` and
``flask --app webapp restore FILE``.

- SQLite (the embedded default): SQLite's online backup API copies a consistent snapshot while
  the app keeps running; restore copies the file back page by page the same way.
- PostgreSQL: ``pg_dump --format=custom``; restore with ``pg_restore --clean --if-exists
  --single-transaction``, so that a failed restore leaves the database as it was.

A backup holds personal data: the file is created with mode 600, and it is never written over.
Stop the web server and the worker before a restore (docs/deployment.md).

A restore then applies again every erasure of the erasure ledger (:mod:`webapp.privacy.ledger`,
a file outside the database), so that a backup made before an erasure does not bring the
erased back. ``flask backup --prune-older-than DAYS`` deletes the backups in the target's
folder older than DAYS (backups keep personal data: keep them no longer than the retention).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def _url() -> sa.URL:
    return sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq(url: sa.URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _new_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 600; refuse to overwrite an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} exists already; a backup is never written over") from None
    os.close(fd)


def backup(target: Path) -> str:
    """Write a backup of the app's database to ``target`` (a new file). Returns the kind:
    ``"sqlite"`` or ``"postgresql"``."""
    url = _url()
    _new_private_file(target)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(url), str(target))
            return "sqlite"
        if url.get_backend_name() == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
            return "postgresql"
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    target.unlink(missing_ok=True)
    raise BackupError(f"no backup for the database kind {url.get_backend_name()!r}")


def restore(source: Path) -> str:
    """Replace the app's database with the backup in ``source``. Returns the kind."""
    url = _url()
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    kind = url.get_backend_name()
    expected = SQLITE_MAGIC if kind == "sqlite" else PG_MAGIC
    if not head.startswith(expected):
        raise BackupError(f"{source} is not a backup of a {kind} database")
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _sqlite_copy(str(source), _sqlite_path(url))
        return "sqlite"
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq(url)}",
            str(source),
        ]
    )
    return "postgresql"


def prune(folder: Path, *, older_than_days: int, suffix: str, keep: Path) -> list[Path]:
    """Delete the backups in ``folder`` (files ending in ``suffix`` that start like an SQLite
    or PostgreSQL backup) last changed more than ``older_than_days`` ago; never ``keep``.
    Returns the deleted files."""
    cutoff = time.time() - older_than_days * 86400
    deleted = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix != suffix or path.resolve() == keep.resolve():
            continue
        if path.stat().st_mtime >= cutoff:
            continue
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
        if head.startswith(SQLITE_MAGIC) or head.startswith(PG_MAGIC):
            path.unlink()
            deleted.append(path)
    return deleted


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # pg_dump's messages name the database, never its rows.
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--prune-older-than",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="Then delete the backups in TARGET's folder (same file ending) older than DAYS days.",
)
@with_appcontext
def backup_command(target: Path, days: int | None) -> None:
    """Write a backup of the database to TARGET (a new file, mode 600)."""
    try:
        kind = backup(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {kind} database to {target}.")
    if days is not None:
        gone = prune(target.parent, older_than_days=days, suffix=target.suffix, keep=target)
        click.echo(f"Deleted {len(gone)} backups older than {days} days.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with the backup in SOURCE (stop the server and worker first)."""
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        kind = restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the {kind} database from {source}.")
    click.echo(_reapply_erasures())


def _reapply_erasures() -> str:
    from webapp.privacy import ledger

    try:
        done = ledger.reapply()
        db.session.commit()
    except ledger.LedgerError as exc:
        db.session.rollback()
        raise click.ClickException(f"the erasures were not applied again: {exc}") from None
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(
            "the erasures were not applied again (is the restored database's schema older? "
            "run `flask --app webapp db upgrade`, then `flask --app webapp privacy reapply`): "
            f"{type(exc).__name__}"
        ) from None
    return (
        f"Applied {done.erasures} erasures of the ledger again ({done.replies} replies, "
        f"{done.juries} juries at retention end, {done.proposals} proposal authors)."
    )
