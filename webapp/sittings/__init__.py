"""Sittings: the meetings of a jury (dates, and the page of one sitting for its staff and
facilitators), with what happens at them."""

from flask import Blueprint

bp = Blueprint("sittings", __name__)

from webapp.sittings import views  # noqa: E402,F401  (routes register on bp)
