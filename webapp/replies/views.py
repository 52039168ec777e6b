"""The resident's path: code, form, confirmation. Post/redirect/get throughout.

The code never travels in a URL: the code form POSTs, and the invitation is remembered through
an opaque token in the session under ``SESSION_KEY`` (:mod:`webapp.replies.visits`): the
cookie shows neither the code, nor the invitation, nor the reply's reference.
"""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from webapp.auth import limits
from webapp.extensions import db
from webapp.models import Channel, Invitation, Jury
from webapp.replies import bp, visits
from webapp.replies.forms import CodeForm, ReplyForm, sitting_labels
from webapp.replies.mail import queue_confirmation
from webapp.replies.services import (
    AlreadyReplied,
    RepliesClosed,
    existing_reply,
    local_today,
    replies_open,
    save_reply,
)

SESSION_KEY = "reply"


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"sitting_labels": sitting_labels}


@bp.route("/reply", methods=["GET", "POST"])
@limits.code_entry
def enter_code() -> str | Response:
    form = CodeForm()
    if form.validate_on_submit() and form.invitation is not None:
        token = visits.start(form.invitation)
        db.session.commit()
        session[SESSION_KEY] = {"visit": token}
        return redirect(url_for(".reply_form"))
    if form.is_submitted():
        limits.record_failure()
    return render_template("replies/code.html", form=form)


@bp.errorhandler(429)
def too_many_tries(_error: Exception) -> tuple[str, int]:
    return limits.too_many_tries(CodeForm, "replies/code.html")


@bp.route("/reply/form", methods=["GET", "POST"])
def reply_form() -> str | Response:
    invitation = _invitation_in_session()
    if invitation is None:
        return redirect(url_for(".enter_code"))
    jury, today = db.session.get_one(Jury, invitation.jury_id), local_today()
    replacing = bool(session[SESSION_KEY].get("replace"))
    if not replacing and existing_reply(invitation) is not None:
        return redirect(url_for(".already"))
    if not replies_open(jury, today=today):
        return render_template("replies/closed.html", jury=jury)
    form = ReplyForm(jury=jury, today=today, invitation=invitation)
    if form.validate_on_submit():
        try:
            reply = save_reply(
                invitation,
                form.to_data(language=str(get_locale())),
                channel=Channel.ONLINE,
                today=today,
                replace=replacing,
            )
        except AlreadyReplied:
            return redirect(url_for(".already"))
        except RepliesClosed:
            return render_template("replies/closed.html", jury=jury)
        db.session.commit()
        mailed = queue_confirmation(reply)
        session[SESSION_KEY] = {
            "visit": session[SESSION_KEY]["visit"],
            "mailed": mailed,
            "done": True,  # to replace it, the code must be typed again (a shared computer)
        }
        return redirect(url_for(".done"))
    return render_template(
        "replies/form.html",
        form=form,
        jury=jury,
        replacing=replacing,
        staff=False,
        draft=f"reply-{invitation.id}",
    )


@bp.get("/reply/done")
def done() -> str | Response:
    state = session.get(SESSION_KEY) or {}
    invitation = _invitation_in_session()
    reply = existing_reply(invitation) if invitation is not None else None
    if not state.get("done") or invitation is None or reply is None:
        return redirect(url_for(".enter_code"))
    jury = db.session.get(Jury, invitation.jury_id)
    shown = {
        "reference": reply.reference,
        "answer": str(reply.answer),
        "mailed": bool(state.get("mailed")),
    }
    return render_template("replies/done.html", state=shown, jury=jury)


@bp.get("/reply/already")
def already() -> str | Response:
    invitation = _invitation_in_session()
    if invitation is None:
        return redirect(url_for(".enter_code"))
    jury = db.session.get_one(Jury, invitation.jury_id)
    state = dict(session.get(SESSION_KEY) or {})
    reply = existing_reply(invitation)
    if state.get("done") and reply is not None:  # this browser sent it: show its reference
        state["reference"] = reply.reference
    return render_template(
        "replies/already.html",
        jury=jury,
        can_replace=replies_open(jury, today=local_today()),
        replace_url=url_for(".start_replacement"),
        state=state,
    )


@bp.post("/reply/replace")
def start_replacement() -> Response:
    """The explicit choice to replace a reply: the form then starts empty. Right after a reply
    the code must be typed again, so the next person at a shared computer cannot change it."""
    invitation = _invitation_in_session()
    if invitation is None or (session.get(SESSION_KEY) or {}).get("done"):
        return redirect(url_for(".enter_code"))
    session[SESSION_KEY] = {"visit": session[SESSION_KEY]["visit"], "replace": True}
    return redirect(url_for(".reply_form"))


def _invitation_in_session() -> Invitation | None:
    return visits.invitation_of((session.get(SESSION_KEY) or {}).get("visit"))
