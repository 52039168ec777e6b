"""The table plan as people read it: each table with its members by name (and who has no
seat), the one table a facilitator leads, and the table cards (first names only)."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.extensions import db
from webapp.models import Member, Sitting, TablePlan, User
from webapp.sittings import checkin
from webapp.sittings.plans import facilitators, grouped, plan_of


@dataclass(frozen=True, slots=True)
class Card:
    """One table as the room sees it: its number, first names, facilitator."""

    number: int
    first_names: tuple[str, ...]
    facilitator: str | None


@dataclass(frozen=True, slots=True)
class TableView:
    number: int
    people: tuple[checkin.Person, ...]
    facilitator_id: int | None


def table_views(plan: TablePlan) -> tuple[list[TableView], list[checkin.Person]]:
    """The tables with their people (by name), and the members present or expected who have
    no seat (arrived after the plan was made, say)."""
    everyone = {p.member_id: p for p in checkin.people(plan.sitting)}
    missing = set(everyone)
    tables = grouped(plan)
    by_number = {b.number: b.facilitator_id for b in plan.breakouts}
    views = []
    for number in sorted(tables):
        seated = []
        for member_id in tables[number]:
            missing.discard(member_id)
            person = everyone.get(member_id) or _absent_person(member_id)
            seated.append(person)
        seated.sort(key=lambda p: (checkin.folded(p.name), p.reference))
        views.append(TableView(number, tuple(seated), by_number.get(number)))
    unseated = [everyone[m] for m in missing]
    unseated.sort(key=lambda p: (not p.present, checkin.folded(p.name), p.reference))
    return views, unseated


def facilitator_table(sitting: Sitting, user: User) -> TableView | None:
    """The one table ``user`` facilitates at ``sitting`` (for the facilitator's own view),
    None when they have none."""
    plan = plan_of(sitting)
    if plan is None:
        return None
    number = next((b.number for b in plan.breakouts if b.facilitator_id == user.id), None)
    views, _unseated = table_views(plan)
    return next((v for v in views if v.number == number), None)


def _absent_person(member_id: int) -> checkin.Person:
    """A seated member no longer expected (withdrawn since): shown, not dropped silently."""
    member = db.session.get_one(Member, member_id)
    name, reference, given = checkin.names([member_id]).get(member_id, checkin.NOBODY)
    return checkin.Person(
        member_id, name, reference, member.status, None, None, False, False, given=given
    )


def cards(plan: TablePlan) -> list[Card]:
    views, _unseated = table_views(plan)
    names = {u.id: u.name for u in facilitators(plan.sitting)}
    return [
        Card(
            v.number,
            tuple(p.first_name for p in v.people),
            checkin.first_name(names[v.facilitator_id]) if v.facilitator_id in names else None,
        )
        for v in views
    ]
