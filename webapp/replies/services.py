"""Storing replies. One reply per invitation, enforced by the database (UNIQUE invitation_id):
a double submit or two tabs can never store two rows, on SQLite or on PostgreSQL.

Functions here flush; the request commits once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from webapp.extensions import db
from webapp.lottery.codes import DATA_ALPHABET
from webapp.models import (
    Answer,
    CategoryAnswer,
    Channel,
    Gender,
    Invitation,
    InvitationStatus,
    Jury,
    Reply,
    User,
)

log = logging.getLogger(__name__)


class AlreadyReplied(Exception):
    """This invitation has a reply already (perhaps from a second tab a moment ago)."""


class RepliesClosed(Exception):
    """The jury's reply deadline has passed: no new replies online, no replacements."""


@dataclass(frozen=True, slots=True)
class ReplyData:
    """The answers of one validated reply form. For a "no" only ``answer`` and ``language``."""

    answer: Answer
    language: str
    first_name: str | None = None
    last_name: str | None = None
    birth_year: int | None = None
    gender: Gender | None = None
    district: str | None = None
    email: str | None = None
    phone: str | None = None
    availability: Mapping[str, bool] = field(default_factory=dict)
    support_needs: tuple[str, ...] = ()
    support_other: str | None = None
    declarations: tuple[str, ...] = ()
    consent: bool = False
    categories: Mapping[int, str] = field(default_factory=dict)  # category id -> option key


def local_today() -> date:
    """Today in the municipality's time zone (deadlines are local dates)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).date()


def replies_open(jury: Jury, *, today: date) -> bool:
    """Whether replies may still be given or replaced (the deadline day included)."""
    return jury.reply_deadline is None or today <= jury.reply_deadline


def existing_reply(invitation: Invitation) -> Reply | None:
    return db.session.scalar(select(Reply).where(Reply.invitation_id == invitation.id))


def save_reply(
    invitation: Invitation,
    data: ReplyData,
    *,
    channel: Channel,
    today: date,
    replace: bool = False,
    entered_by: User | None = None,
) -> Reply:
    """The first reply, or with ``replace`` the replacement: see the two functions below."""
    store = replace_reply if replace else submit_reply
    return store(invitation, data, channel=channel, today=today, entered_by=entered_by)


def submit_reply(
    invitation: Invitation,
    data: ReplyData,
    *,
    channel: Channel,
    today: date,
    entered_by: User | None = None,
) -> Reply:
    """Store the first reply to ``invitation``.

    Raises :class:`AlreadyReplied` when a reply exists, also when another request stored it
    between our check and our insert (the UNIQUE constraint decides), and
    :class:`RepliesClosed` for an online reply after the deadline. Paper and phone replies
    keyed in by staff are accepted after the deadline: the post may be slow.
    """
    jury = db.session.get_one(Jury, invitation.jury_id)
    if channel == Channel.ONLINE and not replies_open(jury, today=today):
        raise RepliesClosed()
    if existing_reply(invitation) is not None:
        raise AlreadyReplied()
    _mark_replied(invitation)
    for _attempt in range(3):
        reply = Reply(
            invitation_id=invitation.id,
            jury_id=invitation.jury_id,
            reference=new_reference(),
            channel=channel,
            entered_by_id=entered_by.id if entered_by else None,
        )
        _fill(reply, data)
        try:
            # A savepoint: the failed insert is undone without losing the rest of the request.
            with db.session.begin_nested():
                db.session.add(reply)
                db.session.flush()
        except IntegrityError:
            if existing_reply(invitation) is not None:
                log.info("duplicate reply refused for invitation %s", invitation.id)
                raise AlreadyReplied() from None
            continue  # the reference collided (about once in 10^12): draw another
        log.info("reply %s stored for invitation %s (%s)", reply.id, invitation.id, channel)
        return reply
    raise RuntimeError("could not draw a unique reply reference")


def replace_reply(
    invitation: Invitation,
    data: ReplyData,
    *,
    channel: Channel,
    today: date,
    entered_by: User | None = None,
) -> Reply:
    """Replace the reply to ``invitation`` with ``data`` (a new reply when there is none).

    Raises :class:`RepliesClosed` after the deadline, for residents and staff alike.
    """
    jury = db.session.get_one(Jury, invitation.jury_id)
    if not replies_open(jury, today=today):
        raise RepliesClosed()
    reply = existing_reply(invitation)
    if reply is None:
        return submit_reply(invitation, data, channel=channel, today=today, entered_by=entered_by)
    # Lock the row first (counting the replacement in SQL), then read it afresh: a replacement
    # from another tab at the same moment waits until ours commits, and then writes over a
    # state it has read. Without the lock each request wrote only the columns that differ
    # from the state it had read, and two replacements at once could leave a mix of both
    # (the answer of one, the e-mail address of the other).
    table = Reply.__table__
    db.session.execute(
        update(table).where(table.c.id == reply.id).values(version=table.c.version + 1)
    )
    db.session.refresh(reply)
    _fill(reply, data)
    reply.channel = channel
    reply.entered_by_id = entered_by.id if entered_by else None
    db.session.flush()
    log.info("reply %s replaced for invitation %s (%s)", reply.id, invitation.id, channel)
    return reply


def _mark_replied(invitation: Invitation) -> None:
    # Always an UPDATE statement, and before the insert: it takes the write lock (SQLite) or
    # the row lock (PostgreSQL) first, so a second request for the same invitation waits here,
    # and on SQLite the savepoint below is nested in a real transaction (pysqlite would
    # otherwise let the savepoint open the transaction, and its RELEASE would commit early).
    table = Invitation.__table__
    db.session.execute(
        update(table).where(table.c.id == invitation.id).values(status=InvitationStatus.REPLIED)
    )
    set_committed_value(invitation, "status", InvitationStatus.REPLIED)


def _fill(reply: Reply, data: ReplyData) -> None:
    reply.answer = data.answer
    reply.language = data.language
    reply.first_name = data.first_name
    reply.last_name = data.last_name
    reply.birth_year = data.birth_year
    reply.gender = data.gender
    reply.district = data.district
    reply.email = data.email
    reply.phone = data.phone
    reply.availability = dict(data.availability)
    reply.support_needs = list(data.support_needs)
    reply.support_other = data.support_other
    reply.declarations = list(data.declarations)
    reply.consent = data.consent
    _fill_category_answers(reply, data.categories)


def _fill_category_answers(reply: Reply, answers: Mapping[int, str]) -> None:
    # Changed in place, never deleted and re-added: the flush would insert before it deletes
    # and trip the UNIQUE (reply, category) constraint.
    kept = []
    for answer in reply.category_answers:
        if answer.category_id in answers:
            answer.option = answers[answer.category_id]
            kept.append(answer)
    known = {a.category_id for a in kept}
    new = [CategoryAnswer(category_id=c, option=o) for c, o in answers.items() if c not in known]
    reply.category_answers = kept + new


def new_reference() -> str:
    """A reference for the confirmation page, like ``7KD2-M9QX``: random, 40 bits, no code."""
    symbols = "".join(secrets.choice(DATA_ALPHABET) for _ in range(8))
    return f"{symbols[:4]}-{symbols[4:]}"
