"""The home page: the juries and where each one stands."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template

from webapp.extensions import db
from webapp.juries.forms import PHASE_LABELS
from webapp.models import Jury

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    juries = db.session.scalars(sa.select(Jury).order_by(Jury.created_at.desc(), Jury.id)).all()
    today = date.today()
    return render_template(
        "public/home.html",
        juries=[(jury, jury.current_phase(today)) for jury in juries],
        phase_labels=PHASE_LABELS,
    )
