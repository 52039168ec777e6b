"""Proposals: imported from Decidim or CONSUL, uploaded as CSV, or submitted on the app's own
board; staff choose which go on the jury's agenda."""

from flask import Blueprint

bp = Blueprint(
    "proposals",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/proposals/static",
)

from webapp.proposals import public, response, staff  # noqa: E402,F401  (routes register on bp)
