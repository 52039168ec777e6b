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
erased back. Before it replaces anything, restore checks that the ledger holds every line
that the database and the backup knew of (an older copy of the ledger put back would forget
erasures) and refuses otherwise. ``flask backup`` remembers the folder it wrote to, so that
the scrub after each erasure (:mod:`webapp.privacy.scrub`) rewrites the backups in it.
``flask backup --prune-older-than DAYS`` deletes the backups in the target's folder older
than DAYS (backups keep personal data: keep them no longer than the retention).
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
SQLITE, POSTGRESQL = "sqlite", "postgresql"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def _url() -> sa.URL:
    return sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def libpq_url(url: sa.URL) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def new_private_file(path: Path) -> None:
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
    new_private_file(target)
    try:
        if url.get_backend_name() == "sqlite":
            sqlite_copy(_sqlite_path(url), str(target))
            return "sqlite"
        if url.get_backend_name() == "postgresql":
            run_tool(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(url)]
            )
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
        sqlite_copy(str(source), _sqlite_path(url))
        return "sqlite"
    run_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={libpq_url(url)}",
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
        if backup_kind(path) is not None:
            path.unlink()
            deleted.append(path)
    return deleted


def backup_kind(path: Path) -> str | None:
    """``"sqlite"`` or ``"postgresql"`` by the file's first bytes; None for other files."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        return None
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    return POSTGRESQL if head.startswith(PG_MAGIC) else None


def sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def run_tool(command: list[str]) -> str:
    """Run pg_dump, pg_restore ...; their output. Raises :class:`BackupError` with their
    message when they fail or are missing."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # pg_dump's messages name the database, never its rows.
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


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
    from webapp.privacy import scrub

    try:
        # Never while a scrub rewrites the folder's backups; remembered, so that the next
        # erasure's scrub rewrites this backup too.
        with scrub.backups_lock():
            kind = backup(target)
            scrub.remember_folder(target.parent)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {kind} database to {target}.")
    if days is not None:
        with scrub.backups_lock():
            gone = prune(target.parent, older_than_days=days, suffix=target.suffix, keep=target)
        click.echo(f"Deleted {len(gone)} backups older than {days} days.")


ACCEPT_HELP = (
    "Go on although the erasure ledger is shorter than the database or the backup knew (the "
    "newest ledger is lost): the erasures it forgot must then be made again by hand."
)


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@click.option("--accept-shorter-ledger", "accept", is_flag=True, help=ACCEPT_HELP)
@with_appcontext
def restore_command(source: Path, yes: bool, accept: bool) -> None:
    """Replace the database with the backup in SOURCE (stop the server and worker first)."""
    problems = _ledger_problems(source)
    if problems and not accept:
        raise click.ClickException(ledger_refusal(problems))
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        kind = restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the {kind} database from {source}.")
    click.echo(_reapply_erasures())
    warn_accepted(problems)


def ledger_refusal(problems: list[str]) -> str:
    """The message of a refusal: what is wrong, and what to do."""
    return (
        "REFUSED: "
        + "; ".join(problems)
        + ". Put the newest copy of the erasure ledger back (ERASURE_LEDGER, default "
        "instance/erasure-ledger.jsonl) and try again. Only if it is lost for good, go on "
        "with --accept-shorter-ledger and make the erasures it forgot again by hand."
    )


def warn_accepted(problems: list[str]) -> None:
    for problem in problems:
        click.echo(
            f"WARNING: {problem}. Erasures missing from the ledger were NOT applied: make "
            "them again by hand.",
            err=True,
        )


def _ledger_problems(source: Path) -> list[str]:
    """Why the erasure ledger is older than the database or the backup knew (none: fine)."""
    from webapp.privacy import ledger, scrub

    try:
        snapshot = ledger.read()
        known_there = scrub.backup_state(source)
    except (ledger.LedgerError, BackupError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        known_here = ledger.database_state()
    except sa.exc.OperationalError:
        known_here = None  # no database yet to speak of (a new machine)
    found = [
        ledger.behind(known_here, snapshot, what="the database"),
        ledger.behind(known_there, snapshot, what=f"the backup {source.name}"),
    ]
    return [problem for problem in found if problem]


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
    return done.summary()
