"""The staff list of juries and each jury's dashboard."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import format_decimal, format_percent
from flask_login import current_user

from webapp.auth.access import jury_for_staff, organiser_required, visible_juries
from webapp.juries.forms import PHASE_LABELS
from webapp.progress import bp, services
from webapp.replies.services import local_today


@bp.context_processor
def _numbers() -> dict[str, object]:
    return {"format_number": format_decimal, "format_percent": format_percent}


@bp.get("/staff/juries")
@organiser_required
def juries() -> str:
    return render_template(
        "progress/juries.html",
        lines=services.jury_lines(visible_juries(current_user), today=local_today()),
        phase_labels=PHASE_LABELS,
    )


@bp.get("/staff/juries/<int:jury_id>/dashboard")
@organiser_required
def dashboard(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return render_template(
        "progress/dashboard.html",
        jury=jury,
        p=services.progress(jury, today=local_today(), zone=zone),
        phase_labels=PHASE_LABELS,
    )
