"""A standing body: renew a jury for a new year. The new jury copies the settings, the
population targets and the organisers; the members of earlier years are left out of its draw
for the number of years the organiser sets (see
:func:`webapp.members.services.excluded_references`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.juries import bp, services
from webapp.models import Jury, JuryMembership, User


class RenewForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name of the new jury"), [DataRequired(), Length(max=200)])
    exclusion_years = IntegerField(
        _l("Years that members may not be drawn again"),
        [InputRequired(_l("Give a whole number.")), NumberRange(0, 20, _l("Between 0 and 20."))],
        default=2,
    )


def renew(jury: Jury, *, name: str, exclusion_years: int, creator: User) -> Jury:
    """The jury of the next year (flushed)."""
    new = services.create_jury(
        services.JuryDetails(
            name=name,
            purpose=jury.purpose,
            decision=jury.decision,
            panel_size=jury.panel_size,
            minimum_age=jury.minimum_age,
            reply_deadline=None,
            retention_days=jury.retention_days,
            declarations=tuple(jury.declarations),
            districts=tuple(jury.districts),
            category_mapping=jury.category_mapping,
        ),
        creator=creator,
    )
    new.renews_id, new.exclusion_years = jury.id, exclusion_years
    services.set_targets(
        new,
        [services.Target(t.category, t.value, t.percent) for t in services.targets_of(jury)],
    )
    for membership in db.session.scalars(db.select(JuryMembership).filter_by(jury_id=jury.id)):
        if membership.user_id != creator.id:
            db.session.add(JuryMembership(jury_id=new.id, user_id=membership.user_id))
    db.session.flush()
    return new


@bp.route("/staff/juries/<int:jury_id>/renew", methods=["GET", "POST"])
@organiser_required
def renew_jury(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = RenewForm()
    if form.validate_on_submit():
        new = renew(
            jury,
            name=form.name.data,
            exclusion_years=form.exclusion_years.data,
            creator=current_user,
        )
        db.session.commit()
        flash(_("The jury of the new year is made. Add its phases and sittings."), "success")
        return redirect(url_for("juries.overview", jury_id=new.id))
    return render_template("juries/renew.html", jury=jury, form=form)
