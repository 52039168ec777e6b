"""Paper and phone replies, keyed in by staff with the same forms and validation.

Routes follow the staff convention of :mod:`webapp.auth.access`: under ``/staff/``, with the
jury in the URL, loaded by :func:`jury_for_staff` first. The code typed from the paper form
must belong to that jury.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.access import jury_for_staff, organiser_required
from webapp.extensions import db
from webapp.models import Channel, Invitation, Jury
from webapp.replies import bp
from webapp.replies.forms import ReplyForm, StaffCodeForm
from webapp.replies.services import (
    AlreadyReplied,
    RepliesClosed,
    existing_reply,
    local_today,
    replies_open,
    save_reply,
)
from webapp.replies.staff_wording import staff_errors, word_for_staff

SESSION_KEY = "staff_reply"


@bp.route("/staff/juries/<int:jury_id>/replies/new", methods=["GET", "POST"])
@organiser_required
def staff_code(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    form = StaffCodeForm(jury=jury)
    if form.validate_on_submit() and form.invitation is not None:
        session[SESSION_KEY] = {
            "jury": jury.id,
            "invitation": form.invitation.id,
            "channel": form.channel.data,
        }
        return redirect(url_for(".staff_form", jury_id=jury.id))
    return render_template("replies/staff_code.html", form=form, jury=jury)


@bp.route("/staff/juries/<int:jury_id>/replies/form", methods=["GET", "POST"])
@organiser_required
def staff_form(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    invitation, state = _invitation_in_session(jury), session.get(SESSION_KEY) or {}
    if invitation is None:
        return redirect(url_for(".staff_code", jury_id=jury.id))
    replacing = bool(state.get("replace"))
    if not replacing and existing_reply(invitation) is not None:
        return redirect(url_for(".staff_already", jury_id=jury.id))
    today = local_today()
    form = ReplyForm(jury=jury, today=today, invitation=invitation)
    word_for_staff(form)
    if form.validate_on_submit():
        try:
            reply = save_reply(
                invitation,
                form.to_data(language=str(get_locale())),
                channel=Channel(state["channel"]),
                today=today,
                replace=replacing,
                entered_by=current_user,
            )
        except AlreadyReplied:
            return redirect(url_for(".staff_already", jury_id=jury.id))
        except RepliesClosed:
            return render_template("replies/closed.html", jury=jury)
        db.session.commit()
        session.pop(SESSION_KEY, None)
        flash(_("The reply is saved. Reference: %(ref)s", ref=reply.reference), "success")
        return redirect(url_for(".staff_code", jury_id=jury.id))
    staff_errors(form)
    return render_template(
        "replies/form.html",
        form=form,
        jury=jury,
        replacing=replacing,
        staff=True,
        draft=f"staff-{invitation.id}",
    )


@bp.get("/staff/juries/<int:jury_id>/replies/already")
@organiser_required
def staff_already(jury_id: int) -> str | Response:
    jury = jury_for_staff(jury_id)
    if _invitation_in_session(jury) is None:
        return redirect(url_for(".staff_code", jury_id=jury.id))
    return render_template(
        "replies/already.html",
        jury=jury,
        can_replace=replies_open(jury, today=local_today()),
        replace_url=url_for(".staff_replace", jury_id=jury.id),
        state={},
        staff=True,
    )


@bp.post("/staff/juries/<int:jury_id>/replies/replace")
@organiser_required
def staff_replace(jury_id: int) -> Response:
    jury = jury_for_staff(jury_id)
    if _invitation_in_session(jury) is not None:
        session[SESSION_KEY] = {**session[SESSION_KEY], "replace": True}
        return redirect(url_for(".staff_form", jury_id=jury.id))
    return redirect(url_for(".staff_code", jury_id=jury.id))


def _invitation_in_session(jury: Jury) -> Invitation | None:
    state = session.get(SESSION_KEY) or {}
    if state.get("jury") != jury.id or not isinstance(state.get("invitation"), int):
        return None
    invitation = db.session.get(Invitation, state["invitation"])
    return invitation if invitation is not None and invitation.jury_id == jury.id else None
