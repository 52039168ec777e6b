"""Replies to invitations: residents online (code, form, confirmation), staff on paper or phone."""

from flask import Blueprint

bp = Blueprint("replies", __name__, template_folder="templates")

from webapp.replies import errors, search, staff, views  # noqa: E402,F401  (routes register on bp)
