"""Members and alternates: confirmations by code (public) or by staff (the confirmation
caller), letters and e-mails to the selected and the others, the member list."""

from flask import Blueprint

bp = Blueprint("members", __name__, template_folder="templates")

from webapp.members import public, views  # noqa: E402,F401  (routes register on bp)
