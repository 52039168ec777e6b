"""The pool overview and its CSV exports."""

from __future__ import annotations

from flask import Response, render_template

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.categories.services import category_keys
from webapp.pool import bp, services


@bp.get("/staff/juries/<int:jury_id>/pool")
@organiser_required
def overview(jury_id: int) -> str:
    jury = jury_for_staff(jury_id)
    people, left_out = services.pool(jury)
    return render_template(
        "pool/overview.html",
        jury=jury,
        figures=services.pool_figures(jury),
        sources=services.SOURCES,
        pool_size=len(people),
        left_out=left_out,
    )


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/staff/juries/<int:jury_id>/pool/pool.csv")
@organiser_required
def pool_csv(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    people, _left_out = services.pool(jury)
    return _csv(services.pool_csv(people, category_keys(jury)), f"pool-{jury.id}.csv")


@bp.get("/staff/juries/<int:jury_id>/pool/quotas.csv")
@organiser_required
def quotas_csv(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    return _csv(services.quotas_csv(jury), f"quotas-{jury.id}.csv")
