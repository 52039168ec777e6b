"""Staff pages of the calendar: a jury's sittings (one, or a series), their edits and
reminders, and the page of one sitting (for its facilitators too)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypedDict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from webapp import tasks
from webapp.auth.access import (
    jury_for_staff,
    organiser_required,
    sitting_for_staff,
    staff_required,
)
from webapp.extensions import db
from webapp.mail import mail_configured
from webapp.models import Jury, Sitting, SittingReminder, Venue
from webapp.models.proposals import Proposal
from webapp.sittings import bp, calendar, documents, reminders, services
from webapp.sittings.agenda import KIND_LABELS
from webapp.sittings.forms import (
    ConfirmActionForm,
    ReminderSettingsForm,
    SeriesForm,
    SittingForm,
)


def _kept_for_attendance(n: int) -> str:
    return str(
        ngettext(
            "%(num)d member was checked in at this sitting: it cannot be removed, because "
            "attendance earns the stipend. Change its times or place instead.",
            "%(num)d members were checked in at this sitting: it cannot be removed, because "
            "attendance earns the stipend. Change its times or place instead.",
            n,
        )
    )


def _form_args(jury: Jury, sitting: Sitting | None = None) -> dict[str, object]:
    keep = sitting.proposals if sitting is not None else ()
    return {
        "venues": services.venues_of(jury),
        "proposals": services.jury_proposals(jury, keep=keep),
    }


def _calendar_page(
    jury: Jury,
    *,
    sitting_form: SittingForm | None = None,
    series_form: SeriesForm | None = None,
    settings_form: ReminderSettingsForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The calendar with its three forms: the one given (posted, with its errors) as it
    came back, the others fresh with their defaults (the top proposal ticked, the next
    Saturday as the first day of a series)."""
    args = _form_args(jury)
    suggested = [p.id for p in services.suggested_proposals(jury)]
    if sitting_form is None:
        sitting_form = SittingForm(formdata=None, **args)
        sitting_form.proposals.data = suggested
    if series_form is None:
        series_form = SeriesForm(formdata=None, **args)
        series_form.proposals.data = suggested
        series_form.first_day.data = services.next_saturday(reminders.local_now().date())
    settings_form = settings_form or ReminderSettingsForm(formdata=None, obj=jury)
    page = render_template(
        "sittings/calendar.html",
        jury=jury,
        sitting_form=sitting_form,
        series_form=series_form,
        settings_form=settings_form,
        feed_url=url_for("sittings.jury_feed", slug=jury.slug, _external=True),
        member_links=calendar.jury_links(jury),
        action_form=ConfirmActionForm(),
    )
    return page, status


@bp.get("/staff/juries/<int:jury_id>/calendar")
@organiser_required
def calendar_page(jury_id: int) -> tuple[str, int]:
    return _calendar_page(jury_for_staff(jury_id))


def _to_calendar(jury: Jury, message: str) -> Response:
    """Commit the change (one commit per request) and go back to the jury's calendar."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("sittings.calendar_page", jury_id=jury.id))


class _Where(TypedDict):
    place: str
    venue: Venue | None
    proposals: list[Proposal]


def _where(jury: Jury, form: SittingForm | SeriesForm, keep: Collection[Proposal] = ()) -> _Where:
    """The place, venue and proposals of a sitting (or series) form, as the services take them."""
    return {
        "place": form.place.data or "",
        "venue": services.jury_venue(jury, form.venue_id.data),
        "proposals": services.proposals_by_id(jury, form.proposals.data or (), keep=keep),
    }


def _problem(form: SittingForm | SeriesForm, problem: services.SittingProblem) -> None:
    """Undo the change and show the problem on its field (the form's first if it has none)."""
    db.session.rollback()
    field = form[problem.field] if problem.field in form else form[next(iter(form._fields))]
    field.errors = [*field.errors, problem.message]


@bp.post("/staff/juries/<int:jury_id>/sittings")
@organiser_required
def add_sitting(jury_id: int) -> tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    form = SittingForm(**_form_args(jury))
    if form.validate_on_submit():
        try:
            services.add_sitting(
                jury,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                **_where(jury, form),
            )
        except services.SittingProblem as problem:
            _problem(form, problem)
        else:
            return _to_calendar(jury, _("The sitting is added."))
    return _calendar_page(jury, sitting_form=form, status=400)


@bp.post("/staff/juries/<int:jury_id>/sittings/series")
@organiser_required
def add_series(jury_id: int) -> tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    form = SeriesForm(**_form_args(jury))
    if form.validate_on_submit():
        series = services.Series(
            first_day=form.first_day.data,
            count=form.count.data,
            weeks_between=form.weeks_between.data,
            starts=form.starts.data,
            ends=form.ends.data,
            skip=form.skip_dates,
        )
        try:
            made = services.generate_series(
                jury,
                series,
                **_where(jury, form),
            )
        except services.SittingProblem as problem:
            _problem(form, problem)
        else:
            added = ngettext("%(num)d sitting is added.", "%(num)d sittings are added.", len(made))
            return _to_calendar(jury, added)
    return _calendar_page(jury, series_form=form, status=400)


@bp.post("/staff/juries/<int:jury_id>/calendar/reminders")
@organiser_required
def reminder_settings(jury_id: int) -> tuple[str, int] | Response:
    jury = jury_for_staff(jury_id)
    form = ReminderSettingsForm()
    if not form.validate_on_submit():
        return _calendar_page(jury, settings_form=form, status=400)
    jury.reminder_days = form.reminder_days.data
    return _to_calendar(jury, _("The reminder setting is saved."))


@bp.post("/staff/juries/<int:jury_id>/calendar/links/revoke")
@organiser_required
def revoke_calendar_links(jury_id: int) -> Response:
    """Stop every member's private calendar address; members make a new one on their page."""
    jury = jury_for_staff(jury_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    calendar.revoke_all(jury)
    return _to_calendar(jury, _("The members' calendar addresses are stopped."))


def _jury_sitting(jury_id: int, sitting_id: int) -> tuple[Jury, Sitting]:
    jury = jury_for_staff(jury_id)
    sitting = services.jury_sitting(jury, sitting_id)
    if sitting is None:
        abort(404)
    return jury, sitting


@bp.route("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_sitting(jury_id: int, sitting_id: int) -> str | Response:
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    kept = list(sitting.proposals)
    form = SittingForm(obj=sitting, **_form_args(jury, sitting))
    if not form.is_submitted():
        form.proposals.data = [p.id for p in sitting.proposals]
    if form.validate_on_submit():
        try:
            services.update_sitting(
                sitting,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                **_where(jury, form, keep=kept),
            )
        except services.SittingProblem as problem:
            _problem(form, problem)
        else:
            db.session.commit()
            flash(_("The sitting is saved."), "success")
            return redirect(url_for("sittings.sitting", sitting_id=sitting.id))
    return render_template("sittings/sitting_form.html", form=form, jury=jury, sitting=sitting)


@bp.route("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/remove", methods=["GET", "POST"])
@organiser_required
def remove_sitting(jury_id: int, sitting_id: int) -> str | Response:
    """GET asks for confirmation (it says how many residents' answers hang on the sitting);
    the confirmation page POSTs."""
    jury, sitting = _jury_sitting(jury_id, sitting_id)
    checked_in = services.checked_in(sitting)
    if request.method == "GET":
        return render_template(
            "sittings/remove_sitting.html",
            jury=jury,
            sitting=sitting,
            answers=services.sitting_answers(jury, sitting_id),
            checked_in=checked_in,
        )
    if checked_in:
        # Their attendance earns their stipends (and may have been paid): it is kept.
        flash(_kept_for_attendance(checked_in), "error")
        return redirect(url_for("sittings.sitting", sitting_id=sitting.id))
    files = documents.files_of(sitting)
    services.remove_sitting(jury, sitting_id)
    db.session.commit()
    documents.delete_files(files)
    flash(_("The sitting is removed."), "success")
    return redirect(url_for("sittings.calendar_page", jury_id=jury.id))


@bp.post("/staff/juries/<int:jury_id>/sittings/<int:sitting_id>/reminders")
@organiser_required
def send_reminders(jury_id: int, sitting_id: int) -> Response:
    """Staff's "send now": the worker sends the reminders not yet sent."""
    _jury, sitting = _jury_sitting(jury_id, sitting_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    if not mail_configured():
        flash(_("No e-mail server is configured: reminders cannot be sent."), "error")
    elif sitting.starts_at <= reminders.local_now():
        flash(_("This sitting has begun: no reminders are sent for it."), "error")
    else:
        tasks.enqueue(reminders.send_sitting_reminders, sitting.id)
        flash(_("The reminders are being sent to the confirmed members."), "success")
    return redirect(url_for("sittings.sitting", sitting_id=sitting.id))


@bp.get("/staff/sittings/<int:sitting_id>")
@staff_required
def sitting(sitting_id: int) -> str:
    found = sitting_for_staff(sitting_id)
    return render_template(
        "sittings/sitting.html",
        sitting=found,
        jury=found.jury,
        kind_labels=KIND_LABELS,
        reminded=_reminded(found),
        action_form=ConfirmActionForm(),
    )


def _reminded(sitting: Sitting) -> int:
    """How many members have had this sitting's reminder."""
    return len(
        db.session.scalars(sa.select(SittingReminder.id).filter_by(sitting_id=sitting.id)).all()
    )


@bp.get("/staff/sittings/<int:sitting_id>/documents/<int:document_id>")
@staff_required
def staff_document(sitting_id: int, document_id: int) -> Response:
    document = documents.sitting_document(sitting_for_staff(sitting_id), document_id)
    if document is None:
        abort(404)
    return documents.download(document)
