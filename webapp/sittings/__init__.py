"""Sittings: the meetings of a jury (the calendar, venues, the proposals and the agenda of
each, documents for members, calendar feeds and reminders), with what happens at them."""

from flask import Blueprint

bp = Blueprint("sittings", __name__)

from webapp.sittings import (  # noqa: E402,F401  (routes register on bp)
    agenda_views,
    attendance,
    outcome_views,
    public,
    table_plan,
    venue_views,
    views,
)
