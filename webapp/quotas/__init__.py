"""Quotas from the census: population shares per category (typed or uploaded as CSV), the
tolerance that turns them into minimums and maximums, and the live feasibility check."""

from flask import Blueprint

bp = Blueprint("quotas", __name__)

from webapp.quotas import views  # noqa: E402,F401  (routes register on bp)
