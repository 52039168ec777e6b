"""Stage 2 in the browser: the selection as a job of the task queue's worker, with its
progress, cancellation and outcome."""

from flask import Blueprint

bp = Blueprint("selection", __name__, template_folder="templates")

from webapp.selection import public, views  # noqa: E402,F401  (routes register on bp)
from webapp.selection.labels import labels  # noqa: E402

bp.app_context_processor(labels)
