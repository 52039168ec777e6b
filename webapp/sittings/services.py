"""Sittings of a jury: the calendar (one sitting or a series), its edits, the venues and the
proposals on the agenda. Functions flush; the request commits. A problem the organiser can
fix is a :class:`SittingProblem` naming the form field and what is wrong.

Times are naive local wall-clock times in the municipality's time zone, like the rows."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import format_datetime

from webapp.config import SITTING_FORMAT
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Attendance, Jury, Reply, Sitting, Venue
from webapp.models.proposals import Proposal, ProposalStatus

SATURDAY = 5  # date.weekday()
# A series longer than this is a typing mistake (a jury meets for months, not decades).
MAX_SERIES = 60


class SittingProblem(ValueError):
    """Something the organiser must change: ``field`` is the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _when(moment: datetime) -> str:
    """The moment as the pages show it; outside a request (a command) in ISO form."""
    if not has_request_context():
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(format_datetime(moment, SITTING_FORMAT, rebase=False))


def overlapping(
    jury: Jury, starts_at: datetime, ends_at: datetime, *, except_id: int | None = None
) -> Sitting | None:
    """A sitting of the jury that shares time with [starts_at, ends_at), if any."""
    query = sa.select(Sitting).where(
        Sitting.jury_id == jury.id, Sitting.starts_at < ends_at, Sitting.ends_at > starts_at
    )
    if except_id is not None:
        query = query.where(Sitting.id != except_id)
    return db.session.scalars(query.order_by(Sitting.starts_at)).first()


def _check_times(jury: Jury, starts_at: datetime, ends_at: datetime, except_id: int | None) -> None:
    if ends_at <= starts_at:
        raise SittingProblem("ends_at", str(_l("The end must be after the start.")))
    other = overlapping(jury, starts_at, ends_at, except_id=except_id)
    if other is not None:
        raise SittingProblem(
            "starts_at",
            str(
                _l(
                    "This time overlaps the sitting of %(date)s.",
                    date=_when(other.starts_at),
                )
            ),
        )


def add_sitting(
    jury: Jury,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    venue: Venue | None = None,
    proposals: Sequence[Proposal] = (),
) -> Sitting:
    """A new sitting; :class:`SittingProblem` if it ends before it starts or overlaps another."""
    _check_times(jury, starts_at, ends_at, None)
    sitting = Sitting(
        jury=jury,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or (venue.name if venue else "")).strip(),
        venue=venue,
        proposals=list(proposals),
    )
    db.session.add(sitting)
    _on_agenda(proposals)
    db.session.flush()
    return sitting


def _on_agenda(proposals: Sequence[Proposal]) -> None:
    """Residents following a proposal see it move on: received -> on the agenda."""
    for proposal in proposals:
        if proposal.status == ProposalStatus.RECEIVED:
            proposal.status = ProposalStatus.ON_AGENDA


def series_dates(
    first_day: date, count: int, *, weeks_between: int = 1, skip: Collection[date] = ()
) -> list[date]:
    """``count`` dates from ``first_day`` on, every ``weeks_between`` weeks on the same
    weekday, passing over the dates in ``skip`` (a holiday moves the series on a step)."""
    found: list[date] = []
    day = first_day
    while len(found) < count:
        if day not in skip:
            found.append(day)
        day += timedelta(weeks=weeks_between)
    return found


def next_saturday(today: date) -> date:
    return today + timedelta(days=(SATURDAY - today.weekday()) % 7 or 7)


@dataclass(frozen=True, slots=True)
class Series:
    first_day: date
    count: int = 8
    weeks_between: int = 1
    starts: time = time(10)
    ends: time = time(17)
    skip: tuple[date, ...] = ()


def generate_series(
    jury: Jury,
    series: Series,
    *,
    place: str,
    venue: Venue | None = None,
    proposals: Sequence[Proposal] = (),
) -> list[Sitting]:
    """Add a sitting on each date of the series; none if any of them is a problem."""
    if series.ends <= series.starts:
        raise SittingProblem("ends", str(_l("The end must be after the start.")))
    if not 1 <= series.count <= MAX_SERIES:
        raise SittingProblem("count", str(_l("Give a number from 1 to %(most)d.", most=MAX_SERIES)))
    spans = [
        (datetime.combine(day, series.starts), datetime.combine(day, series.ends))
        for day in series_dates(
            series.first_day, series.count, weeks_between=series.weeks_between, skip=series.skip
        )
    ]
    for starts_at, ends_at in spans:
        other = overlapping(jury, starts_at, ends_at)
        if other is not None:
            raise SittingProblem(
                "first_day",
                str(
                    _l(
                        "The sitting of %(new)s would overlap the sitting of %(date)s.",
                        new=_when(starts_at),
                        date=_when(other.starts_at),
                    )
                ),
            )
    return [
        add_sitting(
            jury,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            venue=venue,
            proposals=proposals,
        )
        for starts_at, ends_at in spans
    ]


def update_sitting(
    sitting: Sitting,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    venue: Venue | None,
    proposals: Sequence[Proposal],
) -> None:
    """Change a sitting's times, place and proposals. Its agenda moves with its start; an
    agenda that would then run past the end is a :class:`SittingProblem`."""
    _check_times(sitting.jury, starts_at, ends_at, sitting.id)
    shift = starts_at - sitting.starts_at
    for item in sitting.agenda:
        if item.ends_at + shift > ends_at:
            raise SittingProblem(
                "ends_at",
                str(
                    _l(
                        "The agenda runs until %(time)s: end the sitting later or shorten "
                        "the agenda first.",
                        time=(item.ends_at + shift).strftime("%H:%M"),
                    )
                ),
            )
    for item in sitting.agenda:
        item.starts_at += shift
    sitting.starts_at, sitting.ends_at = starts_at, ends_at
    sitting.venue = venue
    sitting.place = (place or (venue.name if venue else "")).strip()
    sitting.proposals = list(proposals)
    _on_agenda(proposals)
    db.session.flush()


def jury_sitting(jury: Jury, sitting_id: int) -> Sitting | None:
    sitting = db.session.get(Sitting, sitting_id)
    return sitting if sitting is not None and sitting.jury_id == jury.id else None


@dataclass(frozen=True, slots=True)
class SittingAnswers:
    """How many residents answered whether they can come to a sitting, and how many can."""

    answered: int
    can_come: int


def _replies_answering(jury: Jury, sitting_id: int) -> list[Reply]:
    replies = db.session.scalars(sa.select(Reply).where(Reply.jury_id == jury.id))
    return [r for r in replies if str(sitting_id) in (r.availability or {})]


def sitting_answers(jury: Jury, sitting_id: int) -> SittingAnswers:
    replies = _replies_answering(jury, sitting_id)
    can_come = sum(1 for r in replies if r.availability[str(sitting_id)])
    return SittingAnswers(answered=len(replies), can_come=can_come)


def checked_in(sitting: Sitting) -> int:
    """How many members were checked in at ``sitting`` (their stipends hang on it)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Attendance.id)).where(Attendance.sitting_id == sitting.id)
        )
        or 0
    )


def remove_sitting(jury: Jury, sitting_id: int) -> bool:
    """Delete one of the jury's sittings, and the residents' answers about coming to it;
    False if it is not one of the jury's sittings."""
    sitting = jury_sitting(jury, sitting_id)
    if sitting is None:
        return False
    for reply in _replies_answering(jury, sitting_id):
        reply.availability = {k: v for k, v in reply.availability.items() if k != str(sitting_id)}
    db.session.delete(sitting)
    db.session.flush()
    return True


def jury_proposals(jury: Jury, *, keep: Collection[Proposal] = ()) -> list[Proposal]:
    """The jury's proposals that are not moderated away, most supported first (a count the
    platform hides comes last); with those in ``keep`` (a sitting's own) even if hidden, so
    that editing the sitting does not drop them unseen."""
    kept = [p.id for p in keep]
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.jury_id == jury.id,
                sa.or_(Proposal.hidden.is_(False), Proposal.id.in_(kept)),
            )
            .order_by(Proposal.supports.is_(None), Proposal.supports.desc(), Proposal.id)
        )
    )


def suggested_proposals(jury: Jury) -> list[Proposal]:
    """The default for a new sitting: the top-supported proposal, if there is one."""
    return jury_proposals(jury)[:1]


def proposals_by_id(
    jury: Jury, ids: Collection[int], *, keep: Collection[Proposal] = ()
) -> list[Proposal]:
    """The jury's proposals among ``ids`` (another jury's ids are ignored; hidden ones only
    if in ``keep``)."""
    return [p for p in jury_proposals(jury, keep=keep) if p.id in set(ids)]


# Venues


@dataclass(frozen=True, slots=True)
class VenueDetails:
    name: str
    address: str
    step_free: bool
    hearing_loop: bool
    accessible_toilet: bool
    childcare: bool
    accessibility: Mapping[str, str]  # per language
    directions: Mapping[str, str]


def venues_of(jury: Jury) -> list[Venue]:
    return list(
        db.session.scalars(sa.select(Venue).filter_by(jury_id=jury.id).order_by(Venue.name))
    )


def jury_venue(jury: Jury, venue_id: int | None) -> Venue | None:
    if not venue_id:
        return None
    venue = db.session.get(Venue, venue_id)
    return venue if venue is not None and venue.jury_id == jury.id else None


def save_venue(jury: Jury, details: VenueDetails, venue: Venue | None = None) -> Venue:
    """A new venue of the jury, or ``venue`` changed. Sittings at it keep their place name
    in step with the venue's."""
    if venue is None:
        venue = Venue(jury_id=jury.id)
        db.session.add(venue)
    old_name = venue.name
    venue.name = details.name.strip()
    venue.address = details.address.strip()
    venue.step_free = details.step_free
    venue.hearing_loop = details.hearing_loop
    venue.accessible_toilet = details.accessible_toilet
    venue.childcare = details.childcare
    venue.accessibility = {k: v.strip() for k, v in details.accessibility.items() if v.strip()}
    venue.directions = {k: v.strip() for k, v in details.directions.items() if v.strip()}
    db.session.flush()
    if old_name:
        for sitting in jury.sittings:
            if sitting.venue_id == venue.id and sitting.place == old_name:
                sitting.place = venue.name
        db.session.flush()
    return venue
