"""The check-in desk of a sitting (staff, or a facilitator assigned to it, on a phone) and the
attendance list with its CSV.

The desk works without JavaScript: the search is a POST (a name never goes into an address
or a log), each tap a small form that redirects back. static/js/check-in.js filters the list
as you type and sends taps without reloading the page (the answer carries the new row).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import sitting_for_staff, staff_required
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Sitting
from webapp.sittings import bp, checkin
from webapp.sittings.attendance_forms import CheckInForm, SearchForm, TimesForm

STATE_LABELS = {
    checkin.State.EXPECTED: _l("Not checked in"),
    checkin.State.PRESENT: _l("Present"),
    checkin.State.LATE: _l("Late"),
    checkin.State.LEFT_EARLY: _l("Left early"),
    checkin.State.LATE_LEFT_EARLY: _l("Late, left early"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"state_labels": STATE_LABELS}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(sitting: Sitting, found: list[checkin.Person], search: SearchForm) -> str:
    everyone = checkin.people(sitting)
    return render_template(
        "sittings/check_in.html",
        sitting=sitting,
        people=found,
        summary=checkin.summary(everyone),
        search=search,
    )


@bp.route("/staff/sittings/<int:sitting_id>/check-in", methods=["GET", "POST"])
@staff_required
def check_in(sitting_id: int) -> str:
    """The desk: every member expected, or (POST) those whose name matches the search."""
    sitting = sitting_for_staff(sitting_id)
    search = SearchForm()
    everyone = checkin.people(sitting)
    if search.validate_on_submit():
        return _page(sitting, checkin.search(everyone, search.q.data or ""), search)
    return _page(sitting, everyone, search)


def _answer(sitting: Sitting, member_id: int, message: str, *, ok: bool) -> Any:
    """JSON for the script (the new row and a message), else a flash and back to the desk."""
    if _wants_json():
        everyone = checkin.people(sitting)
        person = next((p for p in everyone if p.member_id == member_id), None)
        row = (
            render_template(
                "sittings/_check_in_row.html",
                sitting=sitting,
                p=person,
            )
            if person
            else ""
        )
        counts = _counts(checkin.summary(everyone))
        return jsonify(
            ok=ok,
            message=message,
            row=row,
            summary=_("%(present)s of %(expected)s checked in", **counts),
        ), (200 if ok else 400)
    flash(message, "success" if ok else "error")
    return redirect(url_for(".check_in", sitting_id=sitting.id))


def _counts(summary: checkin.Summary) -> dict[str, int]:
    return {"present": summary.present, "expected": summary.expected}


def _member(sitting: Sitting, text: str | None) -> Any:
    try:
        return checkin.expected_member(sitting, int(text or ""))
    except (ValueError, checkin.AttendanceError):
        abort(404)


@bp.post("/staff/sittings/<int:sitting_id>/check-in/tap")
@staff_required
def check_in_tap(sitting_id: int) -> Any:
    """One tap: check in (a double tap, or two devices at once, gives one row) or undo."""
    sitting = sitting_for_staff(sitting_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    member = _member(sitting, form.member.data)
    name = checkin.names([member.id]).get(member.id, checkin.NOBODY).name
    if form.action.data == "in":
        at = checkin.tap_time(sitting, checkin.local_now())
        fresh = checkin.check_in(sitting, member, at=at, user=current_user)
        db.session.commit()
        message = (
            _("%(name)s is checked in.", name=name)
            if fresh
            else _("%(name)s was checked in already.", name=name)
        )
    else:
        checkin.undo(sitting, member)
        db.session.commit()
        message = _("The check-in of %(name)s is taken back.", name=name)
    return _answer(sitting, member.id, message, ok=True)


@bp.post("/staff/sittings/<int:sitting_id>/check-in/times")
@staff_required
def check_in_times(sitting_id: int) -> Any:
    """A late arrival or an early departure, with the times."""
    sitting = sitting_for_staff(sitting_id)
    form = TimesForm()
    if not form.member.validate(form):
        abort(400)
    member = _member(sitting, form.member.data)
    name = checkin.names([member.id]).get(member.id, checkin.NOBODY).name
    if not form.validate_on_submit():
        errors = [e for field in (form.arrived, form.left) for e in field.errors]
        message = _("Times of %(name)s: %(error)s", name=name, error=" ".join(map(str, errors)))
        return _answer(sitting, member.id, message, ok=False)
    arrived = checkin.at_time(sitting, form.arrived.data)
    left = checkin.at_time(sitting, form.left.data) if form.left.data else None
    try:
        checkin.set_times(sitting, member, arrived=arrived, left=left, user=current_user)
    except checkin.AttendanceError:
        db.session.rollback()
        message = _("Times of %(name)s: the departure is before the arrival.", name=name)
        return _answer(sitting, member.id, message, ok=False)
    db.session.commit()
    return _answer(sitting, member.id, _("The times of %(name)s are saved.", name=name), ok=True)


@bp.get("/staff/sittings/<int:sitting_id>/attendance")
@staff_required
def attendance(sitting_id: int) -> str:
    """The attendance list: present, late, left early, absent (printable)."""
    sitting = sitting_for_staff(sitting_id)
    everyone = checkin.people(sitting)
    return render_template(
        "sittings/attendance.html",
        sitting=sitting,
        people=everyone,
        summary=checkin.summary(everyone),
    )


@bp.get("/staff/sittings/<int:sitting_id>/attendance.csv")
@staff_required
def attendance_csv(sitting_id: int) -> Response:
    sitting = sitting_for_staff(sitting_id)
    text = checkin.attendance_csv(checkin.people(sitting))
    name = f"attendance-{sitting.jury_id}-{sitting.starts_at:%Y-%m-%d}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
