"""Juries: staff create and edit a jury, its phases, sittings and targets; the public page
explains the process."""

from flask import Blueprint

bp = Blueprint("juries", __name__)

from webapp.juries import public, renewal, sittings, views  # noqa: E402,F401  (routes register on bp)
