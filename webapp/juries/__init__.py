"""Juries: staff create and edit a jury, its phases, sittings and targets; the public page
explains the process (the sittings have a blueprint of their own)."""

from flask import Blueprint

bp = Blueprint("juries", __name__)

from webapp.juries import public, renewal, views  # noqa: E402,F401  (routes register on bp)
