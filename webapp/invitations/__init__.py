"""Stage 1 in the browser: upload a register, preview the allocation, draw, make the letters."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from webapp.invitations import views  # noqa: E402,F401  (routes register on bp)
