"""The table plan of a sitting: made with the tables library (through webapp.lottery.tables)
from the members present or, before the sitting, the confirmed members; mixed on the jury's
categories; mixing with the plans of the jury's earlier sittings; moved by hand; facilitators
per table. Functions flush; the request commits.

Making a plan runs in the request, not the worker: one sitting of 49 members with seven
earlier plans took at most 0.47 CPU seconds (docs/benchmarks.md, "Table plan of one
sitting"), and the library's time limit (TABLE_PLAN_SECONDS) bounds it on a busy server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from webapp.categories.services import category_keys
from webapp.database import utcnow
from webapp.extensions import db
from webapp.lottery import tables as bridge
from webapp.models import (
    Breakout,
    Member,
    MemberStatus,
    Seat,
    Sitting,
    SittingAssignment,
    TablePlan,
    User,
)
from webapp.pool.services import reply_features
from webapp.sittings import checkin

UNKNOWN = "?"  # the value of a category a member did not answer (mixed like any other)


class Source(StrEnum):
    PRESENT = "present"  # the members checked in (and not gone)
    CONFIRMED = "confirmed"  # before the sitting: the confirmed members


class PlanError(Exception):
    """Nobody to seat, a table that does not exist, a member not in the plan ...; the message
    says what is wrong."""


class PlanChanged(Exception):
    """Someone else made or changed the plan at the same moment; theirs stands."""


def now() -> datetime:
    return utcnow()


def plan_of(sitting: Sitting, *, lock: bool = False) -> TablePlan | None:
    """The sitting's plan; ``lock`` holds its row until the request commits (on PostgreSQL),
    so that changes to one plan (making it again, moves, facilitators) run one after the
    other: two plans made at once would insert their seats in different orders and
    deadlock. SQLite runs one writer at a time anyway."""
    query = sa.select(TablePlan).filter_by(sitting_id=sitting.id)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def to_seat(sitting: Sitting, source: Source) -> list[int]:
    """Member ids to seat, in id order (a stable order: the seed then gives the same plan)."""
    if source == Source.PRESENT:
        return checkin.present_ids(sitting)
    return list(
        db.session.scalars(
            sa.select(Member.id)
            .where(Member.jury_id == sitting.jury_id, Member.status == MemberStatus.CONFIRMED)
            .order_by(Member.id)
        )
    )


def default_source(sitting: Sitting) -> Source:
    return Source.PRESENT if checkin.present_ids(sitting) else Source.CONFIRMED


def features(sitting: Sitting, member_ids: Sequence[int]) -> dict[str, dict[str, str]]:
    """{member id as text: {category: value}} for the jury's categories, unknown as "?"."""
    jury = sitting.jury
    reply_of = dict(
        db.session.execute(
            sa.select(Member.id, Member.reply_id).where(Member.id.in_(list(member_ids)))
        ).all()
    )
    year = sitting.starts_at.year
    values = reply_features(jury, reply_of.values(), year=year)
    keys = category_keys(jury)
    found = {}
    for member_id in member_ids:
        known = values.get(reply_of.get(member_id, -1), {})
        found[str(member_id)] = {k: known.get(k) or UNKNOWN for k in keys}
    return found


def history(sitting: Sitting) -> list[bridge.Earlier]:
    """The plans of the jury's sittings before this one, in order."""
    plans = db.session.scalars(
        sa.select(TablePlan)
        .join(Sitting, TablePlan.sitting_id == Sitting.id)
        .where(Sitting.jury_id == sitting.jury_id, Sitting.starts_at < sitting.starts_at)
        .order_by(Sitting.starts_at)
    ).all()
    return [_earlier(plan) for plan in plans]


def _earlier(plan: TablePlan) -> bridge.Earlier:
    tables = grouped(plan)
    by_number = {b.number: b.facilitator_id for b in plan.breakouts}
    return bridge.Earlier(
        tables=tuple(tuple(str(m) for m in tables[n]) for n in sorted(tables)),
        facilitators=tuple(str(by_number[n]) if by_number.get(n) else None for n in sorted(tables)),
    )


def grouped(plan: TablePlan) -> dict[int, list[int]]:
    """{table number: member ids}, every table of the plan (empty ones too)."""
    tables: dict[int, list[int]] = {n: [] for n in range(1, plan.tables + 1)}
    for seat in sorted(plan.seats, key=lambda s: s.member_id):
        tables.setdefault(seat.number, []).append(seat.member_id)
    return tables


def facilitators(sitting: Sitting) -> list[User]:
    """The staff assigned to the sitting (who may facilitate a table), by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(SittingAssignment, SittingAssignment.user_id == User.id)
            .where(SittingAssignment.sitting_id == sitting.id)
            .order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True, slots=True)
class Settings:
    source: Source
    table_size: int
    categories: Mapping[str, str]  # key -> "strict" | "soft" | "off"
    seed: int | None = None  # None: a new one


def make(sitting: Sitting, settings: Settings, *, user: User | None) -> TablePlan:
    """Make the plan (again): raises :class:`PlanError` when there is nobody to seat and
    :class:`PlanChanged` when another plan was stored meanwhile (two people at once)."""
    ids = to_seat(sitting, settings.source)
    if not ids:
        raise PlanError("nobody to seat")
    seed = bridge.new_seed() if settings.seed is None else settings.seed
    found = features(sitting, ids)
    earlier = history(sitting)
    people = facilitators(sitting)
    made = bridge.make_plan(
        found,
        table_size=settings.table_size,
        categories=settings.categories,
        history=earlier,
        facilitators=[str(u.id) for u in people],
        seed=seed,
        time_limit=float(current_app.config["TABLE_PLAN_SECONDS"]),
    )
    # Read before the savepoint: on SQLite a transaction that reads before its first write
    # cannot take the write lock once another writer has committed ("database is locked").
    plan = plan_of(sitting, lock=True)
    try:
        with db.session.begin_nested():
            plan = _store(plan, sitting, settings, made, seed=seed, user=user)
    except IntegrityError:
        raise PlanChanged() from None
    db.session.refresh(plan)
    _measure(plan, sitting, earlier)
    return plan


def _store(
    plan: TablePlan | None,
    sitting: Sitting,
    settings: Settings,
    made: bridge.Made,
    *,
    seed: int,
    user: User | None,
) -> TablePlan:
    """The plan row (new, or emptied of its tables and seats) and the tables and seats made;
    the unique constraints refuse a plan or a seat stored meanwhile by someone else. Writes
    first: no read before the first write."""
    if plan is None:
        plan = TablePlan(sitting_id=sitting.id)
        db.session.add(plan)
    else:
        db.session.execute(sa.delete(Seat).where(Seat.plan_id == plan.id))
        db.session.execute(sa.delete(Breakout).where(Breakout.plan_id == plan.id))
        db.session.expire(plan, ["seats", "breakouts"])
    plan.source, plan.table_size = str(settings.source), settings.table_size
    plan.tables, plan.seed = len(made.tables), str(seed)
    plan.categories = dict(settings.categories)
    plan.report, plan.moves = made.report, 0
    plan.made_by_id, plan.made_at = (user.id if user else None), now()
    plan.changed_at = plan.made_at
    db.session.flush()
    tables = zip(made.tables, made.facilitators, strict=True)
    for number, (table, chosen) in enumerate(tables, start=1):
        facilitator = int(chosen) if chosen else None
        db.session.add(Breakout(plan_id=plan.id, number=number, facilitator_id=facilitator))
        for member in table:
            db.session.add(Seat(plan_id=plan.id, member_id=int(member), number=number))
    db.session.flush()
    return plan


def _measure(plan: TablePlan, sitting: Sitting, earlier: list[bridge.Earlier]) -> None:
    tables = grouped(plan)
    numbers = sorted(tables)
    members = [m for n in numbers for m in tables[n]]
    by_number = {b.number: b.facilitator_id for b in plan.breakouts}
    plan.measures = bridge.measures(
        [[str(m) for m in tables[n]] for n in numbers],
        features(sitting, members),
        categories=plan.categories,
        history=earlier,
        facilitators=[str(by_number[n]) if by_number.get(n) else None for n in numbers],
    )
    db.session.flush()


def move(plan: TablePlan, member_id: int, number: int) -> None:
    """Seat a member at table ``number`` (a member not in the plan, e.g. who came late,
    gets a seat) and measure the plan again."""
    sitting = plan.sitting
    if not 1 <= number <= plan.tables:
        raise PlanError("no such table")
    member = db.session.get(Member, member_id)
    if member is None or member.jury_id != sitting.jury_id:
        raise PlanError("not a member of this jury")
    seat = db.session.scalar(sa.select(Seat).filter_by(plan_id=plan.id, member_id=member_id))
    if seat is None:
        if member.status not in (MemberStatus.SELECTED, MemberStatus.CONFIRMED):
            raise PlanError("not a sitting member of this jury")
        try:
            with db.session.begin_nested():
                db.session.add(Seat(plan_id=plan.id, member_id=member_id, number=number))
        except IntegrityError:  # seated at this moment by someone else: move that seat
            seat = db.session.scalar(
                sa.select(Seat).filter_by(plan_id=plan.id, member_id=member_id)
            )
    if seat is not None and seat.number != number:
        seat.number = number
    plan.moves = TablePlan.moves + 1  # in SQL: two moves at once count two
    plan.changed_at = now()
    db.session.flush()
    db.session.expire(plan, ["seats"])
    _measure(plan, sitting, history(sitting))


def unseat(plan: TablePlan, member_id: int) -> None:
    """Take a member out of the plan (they left, or were seated by mistake)."""
    db.session.execute(sa.delete(Seat).where(Seat.plan_id == plan.id, Seat.member_id == member_id))
    plan.moves = TablePlan.moves + 1  # in SQL: two moves at once count two
    plan.changed_at = now()
    db.session.flush()
    db.session.expire(plan, ["seats"])
    _measure(plan, plan.sitting, history(plan.sitting))


def set_facilitators(plan: TablePlan, chosen: Mapping[int, int | None]) -> None:
    """Give tables their facilitators ({table number: user id or None}); one table each:
    :class:`PlanError` when someone is given two, or is not assigned to the sitting."""
    allowed = {u.id for u in facilitators(plan.sitting)}
    given = [u for u in chosen.values() if u is not None]
    if len(given) != len(set(given)):
        raise PlanError("a facilitator is given two tables")
    if not set(given) <= allowed:
        raise PlanError("not a facilitator of this sitting")
    for breakout in plan.breakouts:
        breakout.facilitator_id = None
    db.session.flush()  # free every facilitator first: a swap would clash on the way
    for breakout in plan.breakouts:
        breakout.facilitator_id = chosen.get(breakout.number)
    plan.changed_at = now()
    db.session.flush()
    _measure(plan, plan.sitting, history(plan.sitting))
