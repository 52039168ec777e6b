"""Where a jury stands, for its staff: the phase, the letters, the replies per day, the
volunteers against the seats and the quotas; and the list of juries with the same figures."""

from flask import Blueprint

bp = Blueprint("progress", __name__)

from webapp.progress import views  # noqa: E402,F401  (routes register on bp)
