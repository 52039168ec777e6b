"""The pool: who was invited, who replied, who volunteers, against the population targets."""

from flask import Blueprint

bp = Blueprint("pool", __name__)

from webapp.pool import views  # noqa: E402,F401  (routes register on bp)
