"""The figures of the staff dashboard. Read-only: nothing here writes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Answer, Channel, InvitationBatch, Jury, Phase, Reply
from webapp.pool.services import pool, quota_rows

CHART_DAYS = 42  # the replies chart shows at most the last six weeks


@dataclass(frozen=True, slots=True)
class Letters:
    drawn: int  # letters in every draw
    sent: int  # letters of the draws marked as sent
    first_sent: date | None


@dataclass(frozen=True, slots=True)
class Replies:
    total: int
    volunteers: int
    declined: int
    by_channel: dict[str, int]


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    replies: int


@dataclass(frozen=True, slots=True)
class QuotaProgress:
    """Volunteers in the pool with ``value`` in ``category``, against the seats its quota
    asks for (between ``min`` and ``max``)."""

    category: str
    value: str
    volunteers: int
    min: int
    max: int

    @property
    def short(self) -> bool:
        """Too few volunteers to fill even the quota's minimum."""
        return self.volunteers < self.min


@dataclass(frozen=True, slots=True)
class Progress:
    phase: Phase | None
    next_phase: Phase | None
    letters: Letters
    replies: Replies
    days: list[Day]
    seats: int
    pool: int  # volunteers who can be drawn (consent given, every category known)
    quotas: list[QuotaProgress]

    @property
    def reply_rate(self) -> float | None:
        """Replies per letter sent, in percent."""
        return 100 * self.replies.total / self.letters.sent if self.letters.sent else None

    @property
    def busiest_day(self) -> int:
        return max((d.replies for d in self.days), default=0)


@dataclass(frozen=True, slots=True)
class JuryLine:
    """A jury in the staff list of juries."""

    jury: Jury
    phase: Phase | None
    letters: Letters
    replies: Replies


def jury_lines(juries: list[Jury], *, today: date) -> list[JuryLine]:
    return [JuryLine(j, j.current_phase(today), letters(j), replies(j)) for j in juries]


def letters(jury: Jury) -> Letters:
    batches = db.session.scalars(sa.select(InvitationBatch).filter_by(jury_id=jury.id)).all()
    sent = [b for b in batches if b.letters_sent_at is not None]
    first = min((b.letters_sent_at for b in sent if b.letters_sent_at), default=None)
    return Letters(
        drawn=sum(b.n for b in batches),
        sent=sum(b.n for b in sent),
        first_sent=first.date() if first else None,
    )


def replies(jury: Jury) -> Replies:
    rows = db.session.execute(
        sa.select(Reply.answer, Reply.channel, sa.func.count())
        .where(Reply.jury_id == jury.id)
        .group_by(Reply.answer, Reply.channel)
    ).all()
    by_answer: Counter[str] = Counter()
    by_channel: Counter[str] = Counter({c.value: 0 for c in Channel})
    for answer, channel, count in rows:
        by_answer[str(answer)] += count
        by_channel[str(channel)] += count
    return Replies(
        total=sum(by_answer.values()),
        volunteers=by_answer[Answer.YES],
        declined=by_answer[Answer.NO],
        by_channel=dict(by_channel),
    )


def replies_per_day(jury: Jury, *, today: date, zone: ZoneInfo) -> list[Day]:
    """Replies received per local day, from the first reply (at most CHART_DAYS back) to
    today; days without replies included. Stored times are UTC."""
    stamps = db.session.scalars(sa.select(Reply.created_at).where(Reply.jury_id == jury.id))
    counts: Counter[date] = Counter(
        stamp.replace(tzinfo=UTC).astimezone(zone).date() for stamp in stamps
    )
    if not counts:
        return []
    start = max(min(counts), today - timedelta(days=CHART_DAYS - 1))
    end = max(today, max(counts))
    return [
        Day(start + timedelta(days=i), counts[start + timedelta(days=i)])
        for i in range((end - start).days + 1)
    ]


def quota_progress(jury: Jury) -> tuple[int, list[QuotaProgress]]:
    """The pool's size, and per quota its volunteers against its seats."""
    people, _left_out = pool(jury)
    have: Counter[tuple[str, str]] = Counter()
    for person in people:
        for category, value in person.features.items():
            if value is not None:
                have[(category, value)] += 1
    rows = [
        QuotaProgress(q.category, q.value, have[(q.category, q.value)], q.min, q.max)
        for q in quota_rows(jury)
    ]
    return len(people), rows


def progress(jury: Jury, *, today: date, zone: ZoneInfo) -> Progress:
    phase = jury.current_phase(today)
    later = [p for p in jury.phases if p.starts_on > today]
    size, quotas = quota_progress(jury)
    return Progress(
        phase=phase,
        next_phase=min(later, key=lambda p: p.starts_on) if later else None,
        letters=letters(jury),
        replies=replies(jury),
        days=replies_per_day(jury, today=today, zone=zone),
        seats=jury.panel_size,
        pool=size,
        quotas=quotas,
    )
