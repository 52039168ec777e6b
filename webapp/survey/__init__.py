"""Evaluation: a short anonymous satisfaction survey for members after each sitting (with
their reply code, no login), an invitation to it by e-mail, and the results per sitting on a
staff page."""

from flask import Blueprint

bp = Blueprint("survey", __name__, template_folder="templates")

from webapp.survey import views  # noqa: E402,F401  (routes register on bp)
