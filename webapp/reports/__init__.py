"""Reports of representativeness: per category the population, the pool, the selected and the
confirmed side by side, and the selection probabilities; for staff and for the public."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from webapp.reports import proposal_views, views  # noqa: E402,F401  (routes register on bp)
