"""The worker erases, once a day, the personal data of juries whose retention has ended."""

from __future__ import annotations

import logging
from datetime import date

from webapp import tasks
from webapp.extensions import db
from webapp.privacy.services import erase_expired

log = logging.getLogger(__name__)


@tasks.daily
def erase_expired_daily() -> None:
    report = erase_expired(today=date.today())
    db.session.commit()
    if report.juries:
        # Counts and jury ids only: never personal data in the logs.
        log.info("erased %d replies of juries %s", report.replies, list(report.juries))
