"""Stipends and expenses: the stipend per sitting attended, expense claims and their approval,
a ledger per member, payment runs (CSV and SEPA pain.001) and members' bank accounts, which
are erased with the member's other personal data."""

from collections.abc import Sequence

import sqlalchemy as sa
from flask import Blueprint
from flask_babel import format_currency

from webapp.privacy import register_eraser

bp = Blueprint("payments", __name__, template_folder="templates")


@bp.app_template_filter("cents")
def cents_filter(cents: int, currency: str = "EUR") -> str:
    return str(format_currency(cents / 100, currency))


def erase_members_of_replies(reply_ids: Sequence[int]) -> None:
    """The privacy eraser: bank accounts, claim notes and receipts, and the run files that
    hold the IBANs of the members drawn from these replies."""
    from webapp.models import Member
    from webapp.payments import accounts, claims, runs

    members = sa.select(Member.id).where(Member.reply_id.in_(reply_ids))
    runs.erase_run_files(members)
    accounts.erase_accounts(members)
    claims.erase_claims(members)


register_eraser(erase_members_of_replies)

from webapp.payments import claim_views, public, run_views, views  # noqa: E402,F401  (routes)
