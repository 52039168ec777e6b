"""Staff accounts: log in and out, the users command, and who may see which records."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.auth import admin, recovery, second_factor, views  # noqa: E402,F401  (the routes)
