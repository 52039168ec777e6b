"""Retention and erasure of residents' personal data.

- :func:`erase_replies` erases what identifies or contacts a resident (contact details, year
  of birth, support needs, the address the letter went to, free text) and keeps the answer,
  the channel, the district and the quota values that the aggregates count.
- :func:`erase_expired` runs it for every jury whose retention period has ended (the report
  phase's last day plus ``retention_days``; a jury without a report phase never expires by
  itself). ``flask --app webapp privacy erase-expired`` runs it; the worker runs it daily.
- :func:`erase_person` erases one resident on request, by the reference of their reply
  (``flask --app webapp privacy erase --reference R``); the staff page of a jury
  (:mod:`webapp.privacy.views`) shows what :func:`preview_erasure` finds, then
  :func:`erase_on_request` erases it and records who did, without personal data.
- Proposal authors' public names go at retention end, and on request by name.

Features that store more personal data about a resident register an eraser with
:func:`register_eraser`; each is called with the reply ids being erased, inside the same
transaction, so that an erasure is whole or not at all.
"""

from flask import Blueprint

from webapp.privacy.services import (
    ErasurePreview,
    ErasureReport,
    erase_expired,
    erase_on_request,
    erase_person,
    erase_replies,
    expiry_date,
    preview_erasure,
    register_eraser,
)

bp = Blueprint("privacy", __name__)

__all__ = [
    "ErasurePreview",
    "ErasureReport",
    "bp",
    "erase_expired",
    "erase_on_request",
    "erase_person",
    "erase_replies",
    "expiry_date",
    "preview_erasure",
    "register_eraser",
]

from webapp.privacy import views  # noqa: E402, F401  (the routes of the blueprint)
