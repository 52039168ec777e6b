"""Table outcomes: what each table of a sitting concluded per agenda item (or for the whole
sitting): a summary, the arguments for and against, suggested amendments and a straw vote.

Saving is optimistic: a save names the version it started from (0 for a record not yet
made); when someone else saved in between, `Conflict` carries the text now stored and nothing
is written. The straw vote may not count more people than the members present at the table
(seated there and checked in, not gone). Functions flush; the request commits.

`outcomes_of_sitting` is the reading side for others (the public report, the staff page): it
gives numbers, items, texts and votes, never a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from webapp.database import utcnow
from webapp.extensions import db
from webapp.models import AgendaItem, AgendaKind, Attendance, Seat, Sitting, TablePlan, User
from webapp.models.outcomes import WHOLE_SITTING, TableOutcome

TEXT_FIELDS = ("summary", "arguments_for", "arguments_against", "amendments")
VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain")
MAX_TEXT = 20_000  # characters per field: a long summary, not a document


class OutcomeError(Exception):
    """Bad input (a straw vote larger than those present, a text too long ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(Exception):
    """Someone else saved this record since the version the save started from."""

    def __init__(self, current: OutcomeView | None) -> None:
        super().__init__("changed by someone else")
        self.current = current


@dataclass(frozen=True, slots=True)
class Fields:
    summary: str = ""
    arguments_for: str = ""
    arguments_against: str = ""
    amendments: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None

    @property
    def votes_cast(self) -> int:
        return sum(v or 0 for v in (self.votes_for, self.votes_against, self.votes_abstain))

    def as_dict(self) -> dict[str, str | int | None]:
        return {name: getattr(self, name) for name in TEXT_FIELDS + VOTE_FIELDS}


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """One table's outcome for one item, without names (who saved it is not part of it)."""

    table_number: int
    agenda_item_id: int | None  # None: the whole sitting
    item_kind: str | None
    item_title: Mapping[str, str]
    item_starts_at: datetime | None
    fields: Fields
    version: int
    updated_at: datetime

    @property
    def summary(self) -> str:
        return self.fields.summary

    @property
    def arguments_for(self) -> str:
        return self.fields.arguments_for

    @property
    def arguments_against(self) -> str:
        return self.fields.arguments_against

    @property
    def amendments(self) -> str:
        return self.fields.amendments

    @property
    def votes_for(self) -> int | None:
        return self.fields.votes_for

    @property
    def votes_against(self) -> int | None:
        return self.fields.votes_against

    @property
    def votes_abstain(self) -> int | None:
        return self.fields.votes_abstain

    @property
    def empty(self) -> bool:
        f = self.fields
        return not any(getattr(f, n).strip() for n in TEXT_FIELDS) and all(
            getattr(f, n) is None for n in VOTE_FIELDS
        )


def now() -> datetime:
    return utcnow()


def _fields(row: TableOutcome) -> Fields:
    return Fields(**{name: getattr(row, name) for name in TEXT_FIELDS + VOTE_FIELDS})


def view(row: TableOutcome) -> OutcomeView:
    item = row.agenda_item
    return OutcomeView(
        table_number=row.table_number,
        agenda_item_id=row.agenda_item_id,
        item_kind=str(item.kind) if item is not None else None,
        item_title=dict(item.title) if item is not None else {},
        item_starts_at=item.starts_at if item is not None else None,
        fields=_fields(row),
        version=row.version,
        updated_at=row.updated_at,
    )


def outcome_items(sitting: Sitting) -> list[AgendaItem | None]:
    """The items a table records something for: the table rounds first, then the other items
    where talk happens (no breaks), in their order; None (the whole sitting) last."""
    items = sorted(sitting.agenda, key=lambda i: (i.starts_at, i.id))
    rounds = [i for i in items if i.kind == AgendaKind.TABLE_ROUND]
    others = [i for i in items if i.kind not in (AgendaKind.TABLE_ROUND, AgendaKind.BREAK)]
    return [*rounds, *others, None]


def outcomes_of_sitting(sitting: Sitting) -> list[OutcomeView]:
    """Every table's outcome at ``sitting`` that holds something, by agenda item (in the
    agenda's order, the whole sitting last), then table number. No names."""
    rows = db.session.scalars(
        sa.select(TableOutcome).where(TableOutcome.sitting_id == sitting.id)
    ).all()
    order = {(i.id if i is not None else None): n for n, i in enumerate(outcome_items(sitting))}
    views = [view(r) for r in rows]
    views = [v for v in views if not v.empty]
    views.sort(key=lambda v: (order.get(v.agenda_item_id, len(order)), v.table_number))
    return views


def table_outcomes(sitting: Sitting, table_number: int) -> dict[int | None, OutcomeView]:
    """{agenda item id (None: whole sitting): outcome} for one table."""
    rows = db.session.scalars(
        sa.select(TableOutcome).where(
            TableOutcome.sitting_id == sitting.id, TableOutcome.table_number == table_number
        )
    ).all()
    return {r.agenda_item_id: view(r) for r in rows}


def current(sitting: Sitting, table_number: int, item: AgendaItem | None) -> OutcomeView | None:
    row = _row(sitting, table_number, item)
    return view(row) if row is not None else None


def _key(item: AgendaItem | None) -> int:
    return item.id if item is not None else WHOLE_SITTING


def _row(sitting: Sitting, table_number: int, item: AgendaItem | None) -> TableOutcome | None:
    db.session.expire_all()  # read what is stored now, not what this session saw before
    return db.session.scalar(
        sa.select(TableOutcome).where(
            TableOutcome.sitting_id == sitting.id,
            TableOutcome.table_number == table_number,
            TableOutcome.item_key == _key(item),
        )
    )


def present_at_table(plan: TablePlan, table_number: int) -> int:
    """Members seated at the table and checked in at the plan's sitting (not gone)."""
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Seat)
        .join(
            Attendance,
            sa.and_(
                Attendance.member_id == Seat.member_id,
                Attendance.sitting_id == plan.sitting_id,
                Attendance.left_at.is_(None),
            ),
        )
        .where(Seat.plan_id == plan.id, Seat.number == table_number)
    )
    return int(count or 0)


def check(fields: Fields, present: int) -> None:
    """Raise OutcomeError for a vote below zero or above those present, or a text too long."""
    for name in TEXT_FIELDS:
        if len(getattr(fields, name)) > MAX_TEXT:
            raise OutcomeError(name, "too long")
    for name in VOTE_FIELDS:
        value = getattr(fields, name)
        if value is not None and value < 0:
            raise OutcomeError(name, "negative")
    if fields.votes_cast > present:
        raise OutcomeError("votes", "more than present")


def save(
    sitting: Sitting,
    table_number: int,
    item: AgendaItem | None,
    fields: Fields,
    *,
    base_version: int,
    present: int,
    user: User | None,
) -> OutcomeView:
    """Store ``fields`` as the table's outcome for ``item`` if nobody saved it since
    ``base_version`` (0: not made yet); else raise Conflict with what is stored now."""
    check(fields, present)
    values = {**fields.as_dict(), "updated_by_id": user.id if user else None, "updated_at": now()}
    if base_version <= 0:
        try:
            with db.session.begin_nested():
                db.session.add(
                    TableOutcome(
                        sitting_id=sitting.id,
                        table_number=table_number,
                        agenda_item_id=item.id if item is not None else None,
                        item_key=_key(item),
                        version=1,
                        **values,
                    )
                )
        except IntegrityError:
            raise Conflict(current(sitting, table_number, item)) from None
    else:
        done = db.session.execute(
            sa.update(TableOutcome)
            .where(
                TableOutcome.sitting_id == sitting.id,
                TableOutcome.table_number == table_number,
                TableOutcome.item_key == _key(item),
                TableOutcome.version == base_version,
            )
            .values(version=TableOutcome.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(current(sitting, table_number, item))
    db.session.flush()
    saved = current(sitting, table_number, item)
    assert saved is not None
    return saved


def item_has_outcomes(item_id: int) -> bool:
    """Whether a table recorded anything for the agenda item (it is then kept, not removed)."""
    rows = db.session.scalars(
        sa.select(TableOutcome).where(TableOutcome.agenda_item_id == item_id)
    ).all()
    return any(not view(r).empty for r in rows)
