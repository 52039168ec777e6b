"""Attendance at a sitting: who is expected, checking members in (one row per member and
sitting, whoever taps first), late arrivals and early departures, and the attendance list.

Functions flush; the request commits. Times are naive local times, like the sitting's own.
A member's name is the one they gave on their reply (first name on the table cards); a reply
from before names were asked falls back on the letter's addressee, and where the register gave
none, or it has been erased, the reply reference stands in for it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from webapp import lottery
from webapp.extensions import db
from webapp.models import Attendance, Invitation, Member, MemberStatus, Reply, Sitting, User
from webapp.models.replies import full_name


class State(StrEnum):
    EXPECTED = "expected"  # not checked in (absent once the sitting is over)
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    LATE_LEFT_EARLY = "late_left_early"


class AttendanceError(Exception):
    """A time that cannot be right (a departure before the arrival, say), or a member who is
    not expected at this sitting; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Person:
    """A member as the check-in desk sees them."""

    member_id: int
    name: str
    reference: str
    status: MemberStatus
    arrived_at: datetime | None
    left_at: datetime | None
    late: bool
    left_early: bool
    given: str = ""  # the first name from the reply ("" for an old reply: the name's first word)

    @property
    def present(self) -> bool:
        return self.arrived_at is not None

    @property
    def first_name(self) -> str:
        return self.given or first_name(self.name)

    @property
    def state(self) -> State:
        if self.arrived_at is None:
            return State.EXPECTED
        if self.late and self.left_early:
            return State.LATE_LEFT_EARLY
        if self.late:
            return State.LATE
        return State.LEFT_EARLY if self.left_early else State.PRESENT


def first_name(name: str) -> str:
    """The first word of a name ("María García López" -> "María")."""
    words = name.split()
    return words[0] if words else name


def folded(text: str) -> str:
    """Lower case without accents, for searching ("Jose" finds "José")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def local_now() -> datetime:
    """Now on the municipality's wall clock (naive, like the sitting's times)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def tap_time(sitting: Sitting, now: datetime) -> datetime:
    """The arrival time a tap records: now on the sitting's day; the start when the list is
    kept on another day (typed in afterwards from a paper list)."""
    return now if now.date() == sitting.starts_at.date() else sitting.starts_at


def at_time(sitting: Sitting, clock: time) -> datetime:
    """A time of day on the sitting's day."""
    return datetime.combine(sitting.starts_at.date(), clock.replace(second=0, microsecond=0))


class Named(NamedTuple):
    name: str  # "First Last", else the letter's addressee, else the reference
    reference: str
    given: str  # the first name from the reply, "" without one


def names(member_ids: Iterable[int]) -> dict[int, Named]:
    """{member id: (name, reply reference, first name)}."""
    ids = list(member_ids)
    rows = db.session.execute(
        sa.select(Member.id, Reply.reference, Reply.first_name, Reply.last_name, Invitation.address)
        .join(Reply, Member.reply_id == Reply.id)
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Member.id.in_(ids))
    ).all()
    found = {}
    for member_id, reference, first, last, address in rows:
        addressee = (address or {}).get("addressee") if isinstance(address, dict) else None
        name = full_name(first, last) or str(addressee or "").strip() or reference
        found[member_id] = Named(name, reference, (first or "").strip())
    return found


NOBODY = Named("", "", "")


def people(sitting: Sitting) -> list[Person]:
    """The members expected (selected or confirmed) and anyone checked in, by name."""
    rows = {
        a.member_id: a
        for a in db.session.scalars(sa.select(Attendance).filter_by(sitting_id=sitting.id))
    }
    members = db.session.scalars(
        sa.select(Member).where(
            Member.jury_id == sitting.jury_id,
            sa.or_(
                Member.status.in_([MemberStatus.SELECTED, MemberStatus.CONFIRMED]),
                Member.id.in_(list(rows)),
            ),
        )
    ).all()
    known = names(m.id for m in members)
    found = []
    for member in members:
        name, reference, given = known.get(member.id, NOBODY)
        row = rows.get(member.id)
        found.append(
            Person(
                member_id=member.id,
                name=name,
                reference=reference,
                status=member.status,
                arrived_at=row.arrived_at if row else None,
                left_at=row.left_at if row else None,
                late=bool(row and row.arrived_at > sitting.starts_at),
                left_early=bool(row and row.left_at and row.left_at < sitting.ends_at),
                given=given,
            )
        )
    return sorted(found, key=lambda p: (folded(p.name), p.reference))


def search(found: Sequence[Person], text: str) -> list[Person]:
    """Those whose name or reference holds every word of ``text`` (accents and case aside)."""
    words = folded(text).split()
    return [p for p in found if all(w in folded(f"{p.name} {p.reference}") for w in words)]


def expected_member(sitting: Sitting, member_id: int) -> Member:
    """A member of the sitting's jury who may be checked in (seated, or checked in already);
    :class:`AttendanceError` otherwise."""
    member = db.session.get(Member, member_id)
    if member is None or member.jury_id != sitting.jury_id:
        raise AttendanceError("not a member of this jury")
    seated = member.status in (MemberStatus.SELECTED, MemberStatus.CONFIRMED)
    if not seated and _row(sitting, member) is None:
        raise AttendanceError("not a sitting member of this jury")
    return member


def _row(sitting: Sitting, member: Member) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).filter_by(sitting_id=sitting.id, member_id=member.id)
    )


def check_in(sitting: Sitting, member: Member, *, at: datetime, user: User | None) -> bool:
    """Check a member in (flushed); False when they were checked in already, by this tap's
    twin or on another device: the unique constraint keeps one row, and the first time
    stands."""
    if _row(sitting, member) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                Attendance(
                    sitting_id=sitting.id,
                    member_id=member.id,
                    arrived_at=at,
                    checked_in_by_id=user.id if user else None,
                )
            )
    except IntegrityError:
        return False
    return True


def undo(sitting: Sitting, member: Member) -> bool:
    """Take a check-in back (a wrong tap); False when there was none."""
    result: sa.CursorResult[object] = db.session.execute(  # type: ignore[assignment]
        sa.delete(Attendance)
        .where(Attendance.sitting_id == sitting.id, Attendance.member_id == member.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return bool(result.rowcount)


def set_times(
    sitting: Sitting,
    member: Member,
    *,
    arrived: datetime,
    left: datetime | None,
    user: User | None,
) -> None:
    """Record when a member arrived (checking them in if need be) and left (None: stayed)."""
    if left is not None and left < arrived:
        raise AttendanceError("the departure is before the arrival")
    check_in(sitting, member, at=arrived, user=user)
    db.session.execute(
        sa.update(Attendance)
        .where(Attendance.sitting_id == sitting.id, Attendance.member_id == member.id)
        .values(arrived_at=arrived, left_at=left)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def present_ids(sitting: Sitting) -> list[int]:
    """Members checked in and not gone (whom a table plan seats)."""
    return list(
        db.session.scalars(
            sa.select(Attendance.member_id)
            .where(Attendance.sitting_id == sitting.id, Attendance.left_at.is_(None))
            .order_by(Attendance.member_id)
        )
    )


@dataclass(frozen=True, slots=True)
class Summary:
    expected: int
    present: int
    late: int
    left_early: int
    absent: int


def summary(found: Sequence[Person]) -> Summary:
    present = [p for p in found if p.present]
    return Summary(
        expected=len(found),
        present=len(present),
        late=sum(p.late for p in present),
        left_early=sum(p.left_early for p in present),
        absent=len(found) - len(present),
    )


CSV_HEADER = ("reference", "name", "status", "attendance", "arrived", "left")


def attendance_csv(found: Sequence[Person]) -> str:
    """The attendance list as CSV (formula-like cells neutralised: a name may begin "=")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for p in found:
        cells = (
            p.reference,
            p.name,
            str(p.status),
            str(p.state) if p.present else "absent",
            p.arrived_at.strftime("%H:%M") if p.arrived_at else "",
            p.left_at.strftime("%H:%M") if p.left_at else "",
        )
        writer.writerow([lottery.csv_cell(c) for c in cells])
    return out.getvalue()
