"""What members and the public reach without a login: the jury's calendar feed (public
sittings, no personal data), a member's own feed behind a secret token, and the members'
page (their sittings, venues, agenda and documents) opened with the code from their letter,
which is posted, never put in a URL. The code page is rate-limited like the reply page
(:func:`webapp.auth.limits.code_entry`); the member's feed by address, every fetch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db, limiter
from webapp.i18n import lazy_gettext as _l
from webapp.members import services as members
from webapp.models import Jury, Member, SittingDocument
from webapp.models.members import SEATED
from webapp.replies.forms import CodeForm
from webapp.sittings import bp, calendar, documents
from webapp.sittings.agenda import KIND_LABELS
from webapp.sittings.forms import ConfirmActionForm

SESSION_KEY = "my_sittings"  # the member's id, once their code is checked
ICS = "text/calendar; charset=utf-8"


def _feed(body: bytes, name: str) -> Response:
    response = Response(body, mimetype=ICS)
    response.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/juries/<slug>/calendar.ics")
def jury_feed(slug: str) -> Response:
    jury = db.session.scalar(sa.select(Jury).filter_by(slug=slug))
    if jury is None:
        abort(404)
    return _feed(calendar.jury_feed(jury), jury.slug)


@bp.get("/calendar/<token>.ics")
@limiter.limit(limits.code_entry_limit)
def member_feed(token: str) -> Response:
    member = calendar.member_for_token(token)
    if member is None:
        abort(404)
    return _feed(calendar.member_feed(member), "sittings")


def _member() -> Member | None:
    """The member whose code was given in this browser, while they serve."""
    member_id = session.get(SESSION_KEY)
    member = db.session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None or member.status not in SEATED:
        session.pop(SESSION_KEY, None)
        return None
    return member


@bp.route("/my-sittings", methods=["GET", "POST"])
@limits.code_entry
def my_sittings() -> str | Response:
    member = _member()
    if member is not None:
        jury = db.session.get_one(Jury, member.jury_id)
        link = calendar.link_of(member)
        return render_template(
            "sittings/my_sittings.html",
            jury=jury,
            kind_labels=KIND_LABELS,
            action_form=ConfirmActionForm(),
            feed_url=url_for("sittings.member_feed", token=link.token, _external=True)
            if link
            else None,
        )
    form = CodeForm()
    if form.validate_on_submit() and form.invitation is not None:
        found = members.member_for_invitation(form.invitation)
        if found is None or found.status not in SEATED:
            form.code.errors = [_l("Your code: this code belongs to no member of a jury.")]
        else:
            session[SESSION_KEY] = found.id
            return redirect(url_for(".my_sittings"))
    if form.is_submitted():
        limits.record_failure()
    return render_template("sittings/my_sittings_code.html", form=form)


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    # A code counts; a calendar app's fetches of the feed do not.
    code = request.endpoint == "sittings.my_sittings"
    return limits.too_many_tries(CodeForm, "sittings/my_sittings_code.html", count=code)


@bp.get("/my-sittings/documents/<int:document_id>")
def my_document(document_id: int) -> Response:
    member = _member()
    if member is None:
        return redirect(url_for(".my_sittings"))
    document = db.session.get(SittingDocument, document_id)
    if document is None or document.sitting.jury_id != member.jury_id:
        abort(404)
    return documents.download(document)


@bp.post("/my-sittings/calendar")
def my_calendar_link() -> Response:
    """A new secret feed address (the old one stops working)."""
    member = _member()
    if member is not None and ConfirmActionForm().validate_on_submit():
        calendar.new_link(member)
        db.session.commit()
    return redirect(url_for(".my_sittings") + "#calendar")


@bp.post("/my-sittings/calendar/stop")
def stop_calendar_link() -> Response:
    member = _member()
    if member is not None and ConfirmActionForm().validate_on_submit():
        calendar.revoke(member)
        db.session.commit()
    return redirect(url_for(".my_sittings") + "#calendar")


@bp.post("/my-sittings/leave")
def leave_my_sittings() -> Response:
    """Close the page on a shared computer: the code is asked again."""
    if ConfirmActionForm().validate_on_submit():
        session.pop(SESSION_KEY, None)
    return redirect(url_for(".my_sittings"))
