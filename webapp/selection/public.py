"""The public side of a draw: the commitment (from the moment it is computed), the result and
the audit bundle (after the draw). Pseudonyms only: no name, reference or contact."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, render_template

from webapp.extensions import db
from webapp.models import Draw, Jury
from webapp.selection import bp, draws

TYPES = {".csv": "text/csv", ".json": "application/json"}


def _public_draw(slug: str, draw_id: int) -> tuple[Jury, Draw]:
    jury = db.first_or_404(sa.select(Jury).where(Jury.slug == slug))
    draw = db.session.get(Draw, draw_id)
    if draw is None or draw.jury_id != jury.id:
        abort(404)
    return jury, draw


@bp.get("/juries/<slug>/draws/<int:draw_id>")
def public_draw(slug: str, draw_id: int) -> str:
    jury, draw = _public_draw(slug, draw_id)
    return render_template(
        "selection/public_draw.html",
        jury=jury,
        draw=draw,
        panel=draws.published_panel(draw),
        alternates=draws.published_alternates(draw),
    )


@bp.get("/juries/<slug>/draws/<int:draw_id>/files/<name>")
def public_file(slug: str, draw_id: int, name: str) -> Response:
    _jury, draw = _public_draw(slug, draw_id)
    if name not in draw.files:
        abort(404)
    kind = next((t for ext, t in TYPES.items() if name.endswith(ext)), "text/plain")
    return Response(draw.files[name], mimetype=kind, headers={"Cache-Control": "no-cache"})


@bp.get("/juries/<slug>/draws/<int:draw_id>/bundle.zip")
def public_bundle(slug: str, draw_id: int) -> Response:
    jury, draw = _public_draw(slug, draw_id)
    if not draw.drawn:
        abort(404)
    name = f"{jury.slug}-draw-{draw.id}-bundle.zip"
    return Response(
        draws.bundle(draw),
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
