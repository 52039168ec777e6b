"""The worker erases, once a day, the personal data of juries whose retention has ended; after
each erasure it rewrites the backups that still hold what was erased."""

from __future__ import annotations

import logging
from datetime import date

from webapp import tasks
from webapp.extensions import db
from webapp.privacy.services import erase_expired

log = logging.getLogger(__name__)


@tasks.daily
def erase_expired_daily() -> None:
    _check_ledger()
    report = erase_expired(today=date.today())
    db.session.commit()
    if report.juries:
        # Counts and jury ids only: never personal data in the logs.
        log.info("erased %d replies of juries %s", report.replies, list(report.juries))


@tasks.task
def scrub_backups_task() -> None:
    """Queued after every commit that wrote to the erasure ledger (webapp.privacy.ledger)."""
    from webapp.privacy import ledger, scrub

    try:
        report = scrub.scrub_backups(scrub.remembered_folders())
    except ledger.LedgerError as exc:
        log.error("backups not scrubbed: %s", exc)
        return
    # File names and counts only.
    log.info("scrubbed %d backups, %d were up to date", len(report.scrubbed), len(report.current))
    for path, why in report.failed:
        log.error("backup %s not scrubbed: %s", path, why)


def _check_ledger() -> None:
    """Loud every day while an older copy of the erasure ledger stands in for the newest
    (or the ledger is damaged); the day's erasure goes on all the same."""
    from webapp.privacy import ledger

    try:
        problem = ledger.behind(ledger.database_state(), ledger.read(), what="the database")
    except ledger.LedgerError as exc:
        problem = str(exc)
    if problem:
        log.error("%s: put the newest copy of the erasure ledger back", problem)
