"""``flask --app webapp privacy ...``: erasure from the command line (and from the worker)."""

from __future__ import annotations

import logging
from datetime import date

import click
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.privacy.services import erase_expired, erase_person

log = logging.getLogger(__name__)

privacy_cli = AppGroup("privacy", help="Retention and erasure of residents' personal data.")


@privacy_cli.command("erase-expired")
def erase_expired_command() -> None:
    """Erase the personal data of every jury whose retention period has ended."""
    report = erase_expired(today=date.today())
    db.session.commit()
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
    db.session.commit()
    click.echo("Erased.")


@privacy_cli.command("reapply")
def reapply_command() -> None:
    """Apply every erasure of the erasure ledger again (flask restore does it by itself)."""
    from webapp.privacy import ledger

    try:
        done = ledger.reapply()
    except ledger.LedgerError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    log.info("applied %d erasures of the ledger again", done.erasures)
    click.echo(
        f"Applied {done.erasures} erasures of the ledger again ({done.replies} replies, "
        f"{done.juries} juries at retention end, {done.proposals} proposal authors)."
    )
