"""Staff pages of a jury's venues: the address and the accessibility notes residents read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.juries import texts
from webapp.models import Jury, Venue
from webapp.sittings import bp, services
from webapp.sittings.forms import VenueForm


def _details(form: VenueForm) -> services.VenueDetails:
    return services.VenueDetails(
        name=form.name.data or "",
        address=form.address.data or "",
        step_free=bool(form.step_free.data),
        hearing_loop=bool(form.hearing_loop.data),
        accessible_toilet=bool(form.accessible_toilet.data),
        childcare=bool(form.childcare.data),
        accessibility=texts.texts_of(form, "accessibility"),
        directions=texts.texts_of(form, "directions"),
    )


def _save(jury: Jury, form: VenueForm, venue: Venue | None) -> Response:
    services.save_venue(jury, _details(form), venue)
    db.session.commit()
    flash(_("The venue is saved."), "success")
    return redirect(url_for("sittings.venues", jury_id=jury.id))


@bp.route("/staff/juries/<int:jury_id>/venues", methods=["GET", "POST"])
@organiser_required
def venues(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = VenueForm()
    if form.validate_on_submit():
        return _save(jury, form, None)
    return render_template(
        "sittings/venues.html", jury=jury, form=form, venues=services.venues_of(jury)
    )


@bp.route("/staff/juries/<int:jury_id>/venues/<int:venue_id>", methods=["GET", "POST"])
@organiser_required
def edit_venue(jury_id: int, venue_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    venue = services.jury_venue(jury, venue_id)
    if venue is None:
        abort(404)
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        return _save(jury, form, venue)
    if not form.is_submitted():
        texts.fill_texts(form, "accessibility", venue.accessibility)
        texts.fill_texts(form, "directions", venue.directions)
    return render_template("sittings/venue_form.html", jury=jury, form=form, venue=venue)
