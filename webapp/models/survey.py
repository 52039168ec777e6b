"""The members' satisfaction survey after each sitting, anonymous by construction.

Who answered (``survey_takers``: one row per member and sitting, UNIQUE, so one answer each
under parallel submits) is stored apart from what was answered (``survey_answers``: no member,
no time, a random key instead of a counting id), both in one transaction: no one, staff
included, can link an answer to a member. The mails that invite members to the survey are
recorded in ``survey_invitations`` so each goes out once."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


def _random_key() -> str:
    return uuid.uuid4().hex


class SurveyTaker(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "survey_takers"
    __table_args__ = (UniqueConstraint("sitting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)


class SurveyAnswer(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "survey_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    # One score per question, 1 (strongly disagree) to 5 (strongly agree); None: skipped.
    spoke: Mapped[int | None]
    understood: Mapped[int | None]
    fair: Mapped[int | None]
    listened: Mapped[int | None]
    overall: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")


class SurveyInvitation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("sitting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
