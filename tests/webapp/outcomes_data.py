"""A sitting ready for table outcomes, on top of the staff world: ten members, eight checked
in, a plan of two tables (five seats each; four present at table 1, four at table 2), two
facilitators (the world's at table 1, a second at table 2), and an agenda with a table round,
a break and the plenary vote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask

from tests.webapp.attendance_data import add_members
from tests.webapp.staff_data import World, build_world, make_user
from webapp.extensions import db
from webapp.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Breakout,
    Role,
    Seat,
    SittingAssignment,
    TablePlan,
)


@dataclass
class Tables:
    world: World
    second: int  # the second facilitator (table 2)
    round: int  # the table round's agenda item
    plenary: int
    brk: int  # the break (no outcome recorded for it)
    members: list[int]


def build_tables(app: Flask) -> Tables:
    w = build_world(app)
    with app.app_context():
        second = make_user(Role.FACILITATOR, "fac2@example.org")
        db.session.add(SittingAssignment(sitting_id=w.sitting, user_id=second.id))
        members = add_members(w.jury, w.batch, 10)
        plan = TablePlan(sitting_id=w.sitting, source="present", table_size=5, tables=2, seed="1")
        db.session.add(plan)
        db.session.flush()
        db.session.add_all(
            [
                Breakout(plan_id=plan.id, number=1, facilitator_id=w.facilitator),
                Breakout(plan_id=plan.id, number=2, facilitator_id=second.id),
            ]
        )
        for i, member_id in enumerate(members):
            db.session.add(Seat(plan_id=plan.id, member_id=member_id, number=1 + i // 5))
        # Members 0-3 and 5-8 checked in; 4 did not come, 9 left early.
        for i in (0, 1, 2, 3, 5, 6, 7, 8, 9):
            db.session.add(
                Attendance(
                    sitting_id=w.sitting,
                    member_id=members[i],
                    arrived_at=datetime(2026, 5, 2, 10),
                    left_at=datetime(2026, 5, 2, 12) if i == 9 else None,
                )
            )
        items = [
            AgendaItem(
                sitting_id=w.sitting,
                kind=AgendaKind.PLENARY_VOTE,
                starts_at=datetime(2026, 5, 2, 15),
                minutes=60,
                title={"en": "The vote"},
            ),
            AgendaItem(
                sitting_id=w.sitting,
                kind=AgendaKind.BREAK,
                starts_at=datetime(2026, 5, 2, 12),
                minutes=30,
                title={},
            ),
            AgendaItem(
                sitting_id=w.sitting,
                kind=AgendaKind.TABLE_ROUND,
                starts_at=datetime(2026, 5, 2, 13),
                minutes=90,
                title={"en": "Parks at night"},
            ),
        ]
        db.session.add_all(items)
        db.session.commit()
        return Tables(w, second.id, items[2].id, items[0].id, items[1].id, members)
