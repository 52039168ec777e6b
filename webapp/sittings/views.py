"""Sitting dates of a jury, and the page of one sitting (for its facilitators too)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import (
    jury_for_staff,
    organiser_required,
    sitting_for_staff,
    staff_required,
)
from webapp.extensions import db
from webapp.juries import services
from webapp.juries.forms import SittingForm
from webapp.sittings import bp


@bp.post("/staff/juries/<int:jury_id>/sittings")
@organiser_required
def add_sitting(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = SittingForm()
    if not form.validate_on_submit():
        return render_template("sittings/sitting_form.html", form=form, jury=jury)
    services.add_sitting(
        jury, starts_at=form.starts_at.data, ends_at=form.ends_at.data, place=form.place.data
    )
    db.session.commit()
    flash(_("The sitting is added."), "success")
    return redirect(url_for("juries.overview", jury_id=jury.id))


@bp.route("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/remove", methods=["GET", "POST"])
@organiser_required
def remove_sitting(jury_id: int, sitting_id: int) -> str | Response:
    """GET asks for confirmation (it says how many residents' answers hang on the sitting);
    the confirmation page POSTs."""
    jury = jury_for_staff(jury_id)
    sitting = services.jury_sitting(jury, sitting_id)
    if sitting is None:
        abort(404)
    if request.method == "GET":
        return render_template(
            "sittings/remove_sitting.html",
            jury=jury,
            sitting=sitting,
            answers=services.sitting_answers(jury, sitting_id),
        )
    services.remove_sitting(jury, sitting_id)
    db.session.commit()
    flash(_("The sitting is removed."), "success")
    return redirect(url_for("juries.overview", jury_id=jury.id))


@bp.get("/staff/sittings/<int:sitting_id>")
@staff_required
def sitting(sitting_id: int) -> str:
    return render_template("sittings/sitting.html", sitting=sitting_for_staff(sitting_id))
