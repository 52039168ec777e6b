"""``flask --app webapp privacy ...``: erasure from the command line (and from the worker)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.backup import ACCEPT_HELP, ledger_refusal, warn_accepted
from webapp.extensions import db
from webapp.privacy.services import erase_expired, erase_person

log = logging.getLogger(__name__)

privacy_cli = AppGroup("privacy", help="Retention and erasure of residents' personal data.")


@privacy_cli.command("erase-expired")
def erase_expired_command() -> None:
    """Erase the personal data of every jury whose retention period has ended."""
    report = erase_expired(today=date.today())
    _commit()
    # Counts and jury ids only: never personal data in the logs.
    log.info("erased %d replies of juries %s", report.replies, list(report.juries))
    click.echo(
        f"Erased the personal data of {report.replies} replies and {report.invitations} "
        f"letters in {len(report.juries)} juries."
    )


@privacy_cli.command("erase")
@click.option("--reference", required=True, help="The reference of the resident's reply.")
def erase_command(reference: str) -> None:
    """Erase one resident's personal data on their request."""
    if not erase_person(reference):
        raise click.ClickException("No reply has that reference.")
    _commit()
    click.echo("Erased.")


def _commit() -> None:
    """Commit an erasure; refused (nothing erased) while the ledger is an older copy."""
    from webapp.privacy import ledger

    try:
        db.session.commit()
    except ledger.LedgerError as exc:
        db.session.rollback()
        raise click.ClickException(ledger_refusal([str(exc)])) from None


@privacy_cli.command("reapply")
@click.option("--accept-shorter-ledger", "accept", is_flag=True, help=ACCEPT_HELP)
def reapply_command(accept: bool) -> None:
    """Apply every erasure of the erasure ledger again (flask restore does it by itself)."""
    from webapp.privacy import ledger

    try:
        snapshot = ledger.read()
    except ledger.LedgerError as exc:
        raise click.ClickException(str(exc)) from None
    problem = ledger.behind(ledger.database_state(), snapshot, what="the database")
    if problem and not accept:
        raise click.ClickException(ledger_refusal([problem]))
    done = ledger.reapply(snapshot)
    db.session.commit()
    log.info("applied %d erasures of the ledger again", done.erasures)
    click.echo(done.summary())
    warn_accepted([problem] if problem else [])


@privacy_cli.command("scrub-backups")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
def scrub_backups_command(folders: tuple[Path, ...]) -> None:
    """Rewrite the backups made before an erasure with the erasure ledger applied: those in
    the folders `flask backup` wrote to, and in FOLDERS (the worker does it after each
    erasure)."""
    from webapp.privacy import ledger, scrub

    try:
        report = scrub.scrub_backups([*scrub.remembered_folders(), *folders])
    except ledger.LedgerError as exc:
        raise click.ClickException(ledger_refusal([str(exc)])) from None
    for path in report.scrubbed:
        click.echo(f"Scrubbed {path}.")
    click.echo(f"Scrubbed {len(report.scrubbed)} backups; {len(report.current)} were up to date.")
    for path, why in report.failed:
        click.echo(f"NOT scrubbed: {path}: {why}", err=True)
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} backups were not scrubbed.")
