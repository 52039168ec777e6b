"""The plenary verdict (issue 14, part 2): the jury's rules for a vote, each proposal put to
the plenary at a sitting, tallies entered by staff or votes cast on members' phones with their
member code (a secret ballot when the jury chooses one), and the result with its arithmetic."""

from flask import Blueprint

bp = Blueprint("verdicts", __name__, template_folder="templates")

from webapp.verdicts import ballot, views  # noqa: E402,F401  (routes register on bp)
