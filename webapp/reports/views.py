"""The representativeness report: for staff, and a public version with aggregate figures only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Jury
from webapp.pool.services import pool
from webapp.reports import bp, services, sources


def _report(jury: Jury, template: str, *, public: bool) -> str:
    people, _left_out = pool(jury)
    selected = sources.selected_references(jury)
    confirmed = sources.confirmed_references(jury)
    probabilities = sources.selection_probabilities(jury)
    return render_template(
        template,
        jury=jury,
        categories=services.representation(jury, people, selected=selected, confirmed=confirmed),
        stages=services.STAGES,
        has={"selected": selected is not None, "confirmed": confirmed is not None},
        probabilities=probabilities,
        bins=services.histogram(probabilities or []),
        equal_share=jury.panel_size / len(people) if people else None,
        public=public,
    )


@bp.get("/staff/juries/<int:jury_id>/report")
@organiser_required
def staff(jury_id: int) -> str:
    return _report(jury_for_staff(jury_id), "reports/staff.html", public=False)


@bp.get("/juries/<slug>/representation")
def public(slug: str) -> str:
    jury = db.first_or_404(sa.select(Jury).where(Jury.slug == slug))
    return _report(jury, "reports/public.html", public=True)
