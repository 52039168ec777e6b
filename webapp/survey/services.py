"""Which sittings a member may still evaluate, storing an answer anonymously, the results,
and the invitations by e-mail (sent by the worker)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from webapp import tasks
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.mail import MAIL_ERRORS, mail_configured, mail_language, message, smtp
from webapp.models import Attendance, Jury, Member, Reply, Sitting
from webapp.models.members import SEATED, MemberStatus
from webapp.models.survey import SurveyAnswer, SurveyInvitation, SurveyTaker

log = logging.getLogger(__name__)

# The statements members rate from 1 (strongly disagree) to 5 (strongly agree).
QUESTIONS: tuple[tuple[str, LazyString], ...] = (
    ("spoke", _l("I could say what I wanted to say.")),
    ("understood", _l("I understood the information we were given.")),
    ("fair", _l("The facilitators were fair and did not take sides.")),
    ("listened", _l("The other members listened to me.")),
    ("overall", _l("Overall, I am satisfied with this sitting.")),
)
SCALE: tuple[tuple[int, LazyString], ...] = (
    (1, _l("Strongly disagree")),
    (2, _l("Disagree")),
    (3, _l("Neither agree nor disagree")),
    (4, _l("Agree")),
    (5, _l("Strongly agree")),
)
OPEN_DAYS = 14  # after the sitting's end
MIN_SHOWN = 3  # fewer answers than this are not shown: a member could be recognised
TICKET_SALT = "survey-ticket"
TICKET_AGE = 2 * 3600  # seconds to fill in the questions after typing the code


class AlreadyAnswered(Exception):
    pass


def local_now() -> datetime:
    """Now in the municipality's time zone, naive, like the sittings' times."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).replace(tzinfo=None)


def _took_part(member: Member, sitting: Sitting) -> bool:
    """Checked in when the sitting kept a list; else a seated (or since withdrawn) member."""
    attended = db.session.scalars(
        sa.select(Attendance.member_id).where(Attendance.sitting_id == sitting.id)
    ).all()
    if attended:
        return member.id in attended
    return member.status in (*SEATED, MemberStatus.WITHDRAWN)


def open_sittings(member: Member, now: datetime) -> list[Sitting]:
    """The member's sittings that have begun, closed less than OPEN_DAYS ago, that they took
    part in and have not evaluated yet; the latest first."""
    answered = sa.select(SurveyTaker.sitting_id).where(SurveyTaker.member_id == member.id)
    sittings = db.session.scalars(
        sa.select(Sitting)
        .where(
            Sitting.jury_id == member.jury_id,
            Sitting.starts_at <= now,
            Sitting.ends_at >= now - timedelta(days=OPEN_DAYS),
            Sitting.id.not_in(answered),
        )
        .order_by(Sitting.starts_at.desc())
    ).all()
    return [s for s in sittings if _took_part(member, s)]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TICKET_SALT)


def ticket(member: Member, sitting: Sitting) -> str:
    """A signed, short-lived proof that this member typed their code (a hidden form field,
    never in a URL)."""
    return str(_serializer().dumps([member.id, sitting.id]))


def read_ticket(value: str) -> tuple[Member, Sitting] | None:
    try:
        member_id, sitting_id = _serializer().loads(value, max_age=TICKET_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    member = db.session.get(Member, member_id)
    sitting = db.session.get(Sitting, sitting_id)
    if member is None or sitting is None or sitting.jury_id != member.jury_id:
        return None
    return member, sitting


def record(
    member: Member, sitting: Sitting, scores: Mapping[str, int | None], comment: str
) -> None:
    """Store who answered and, apart, what; one answer per member and sitting (the UNIQUE
    constraint holds under parallel submits). Commits; raises AlreadyAnswered."""
    db.session.add(SurveyTaker(sitting_id=sitting.id, member_id=member.id))
    db.session.add(
        SurveyAnswer(
            sitting_id=sitting.id,
            comment=comment.strip(),
            **{name: scores.get(name) for name, _label in QUESTIONS},
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered from None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    name: str
    label: LazyString
    answered: int
    mean: float | None
    counts: tuple[int, ...]  # how many chose 1, 2, 3, 4, 5


@dataclass(frozen=True, slots=True)
class Results:
    answers: int
    took_part: int
    shown: bool
    questions: tuple[QuestionResult, ...]
    comments: tuple[str, ...]


def results(sitting: Sitting) -> Results:
    rows = db.session.scalars(
        sa.select(SurveyAnswer)
        .where(SurveyAnswer.sitting_id == sitting.id)
        .order_by(SurveyAnswer.id)
    ).all()
    took_part = len(_participants(sitting))
    shown = len(rows) >= MIN_SHOWN
    questions = []
    for name, label in QUESTIONS:
        scores = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        questions.append(
            QuestionResult(
                name=name,
                label=label,
                answered=len(scores),
                mean=sum(scores) / len(scores) if scores and shown else None,
                counts=tuple(scores.count(v) for v, _l in SCALE) if shown else (),
            )
        )
    comments = tuple(r.comment for r in rows if r.comment) if shown else ()
    return Results(len(rows), took_part, shown, tuple(questions), comments)


def _participants(sitting: Sitting) -> list[Member]:
    """Who took part: the members checked in, or the seated members when no list was kept."""
    attended = sa.select(Attendance.member_id).where(Attendance.sitting_id == sitting.id)
    checked_in = list(
        db.session.scalars(sa.select(Member).where(Member.id.in_(attended)).order_by(Member.id))
    )
    if checked_in:
        return checked_in
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.jury_id == sitting.jury_id, Member.status.in_(SEATED))
            .order_by(Member.id)
        )
    )


def _invitation_mail(sitting: Sitting, jury: Jury, reply: Reply) -> EmailMessage:
    lang = mail_language(reply.language)
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    with force_locale(lang):
        subject = _("How was the sitting of %(jury)s?", jury=jury.name)
        body = render_template(
            "survey/invitation_mail.txt",
            jury=jury,
            sitting=sitting,
            link=f"{base}/survey",
            days=OPEN_DAYS,
        )
    return message(subject=subject, to=str(reply.email), body=body)


@tasks.periodic
def invite_to_surveys() -> int:
    """After a sitting ends, invite (once) every member who took part and has an e-mail
    address to its survey; returns how many were invited."""
    if not mail_configured():
        return 0
    now = local_now()
    ended = db.session.scalars(
        sa.select(Sitting).where(Sitting.ends_at <= now, Sitting.ends_at >= now - timedelta(days=2))
    ).all()
    sent = 0
    for sitting in ended:
        invited = set(
            db.session.scalars(
                sa.select(SurveyInvitation.member_id).where(
                    SurveyInvitation.sitting_id == sitting.id
                )
            )
        )
        to_invite = [m for m in _participants(sitting) if m.id not in invited and m.reply.email]
        if not to_invite:
            continue
        jury = db.session.get_one(Jury, sitting.jury_id)
        try:
            with smtp(timeout=30) as connection:
                for member in to_invite:
                    connection.send_message(_invitation_mail(sitting, jury, member.reply))
                    db.session.add(SurveyInvitation(sitting_id=sitting.id, member_id=member.id))
                    db.session.commit()  # sent is sent
                    sent += 1
        except MAIL_ERRORS as exc:
            log.warning("survey invitations of sitting %s: %s", sitting.id, type(exc).__name__)
    if sent:
        log.info("survey invitations: %s sent", sent)
    return sent
