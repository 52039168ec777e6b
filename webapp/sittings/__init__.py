"""Sittings: the meetings of a jury (dates, and the page of one sitting for its staff and
facilitators), with what happens at them."""

from flask import Blueprint

bp = Blueprint("sittings", __name__)

# The route modules register on bp.
from webapp.sittings import attendance, table_plan, views  # noqa: E402,F401
