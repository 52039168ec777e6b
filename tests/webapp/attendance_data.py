"""Factories for the attendance and table-plan tests: members with names (the addressee of
their letter) and answers, on top of the staff world (tests/webapp/staff_data.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from webapp.extensions import db
from webapp.models import (
    Answer,
    Channel,
    Gender,
    Invitation,
    Member,
    MemberStatus,
    Reply,
    Sitting,
)

FIRST = ["María", "José", "Ana", "Pieter", "Fatima", "Jan", "Lucía", "Said", "Emma", "Noah"]
LAST = ["García", "de Vries", "López", "Bakker", "El Amrani", "Jansen", "Pérez", "Visser"]
DISTRICTS = ["North", "South", "East", "West"]


def add_members(
    jury_id: int,
    batch_id: int,
    n: int,
    *,
    status: MemberStatus = MemberStatus.CONFIRMED,
    seed: int = 1,
    names: list[str] | None = None,
    reply_names: list[tuple[str, str]] | None = None,
) -> list[int]:
    """``n`` members with a name, a gender, a district and a year of birth; their ids. The
    name is the letter's addressee; ``reply_names`` (first, last) are the names the members
    gave on their replies (none otherwise, as for a reply from before names were asked)."""
    rng = random.Random(seed)
    start = db.session.query(Invitation).count()
    ids = []
    for i in range(n):
        k = start + i
        name = names[i] if names else f"{FIRST[k % len(FIRST)]} {LAST[k % len(LAST)]} {k}"
        invitation = Invitation(
            batch_id=batch_id,
            jury_id=jury_id,
            code_hash=f"{k:064x}",
            stratum=DISTRICTS[k % 4],
            address={"addressee": name, "lines": [f"Street {k}"]},
        )
        db.session.add(invitation)
        db.session.flush()
        reply = Reply(
            invitation_id=invitation.id,
            jury_id=jury_id,
            reference=f"R{k:05d}",
            channel=Channel.ONLINE,
            answer=Answer.YES,
            birth_year=rng.randint(1940, 2005),
            gender=rng.choice([Gender.FEMALE, Gender.MALE]),
            district=DISTRICTS[k % 4],
            consent=True,
            first_name=reply_names[i][0] if reply_names else None,
            last_name=reply_names[i][1] if reply_names else None,
        )
        db.session.add(reply)
        db.session.flush()
        member = Member(jury_id=jury_id, reply_id=reply.id, status=status)
        db.session.add(member)
        db.session.flush()
        ids.append(member.id)
    return ids


def add_sitting(jury_id: int, day: int, *, hour: int = 10) -> int:
    """A sitting of seven hours on day ``day`` counted from 1 May 2026 (the world's sitting
    is on 2 May)."""
    starts = datetime(2026, 5, 1, hour) + timedelta(days=day - 1)
    sitting = Sitting(
        jury_id=jury_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=7),
        place="City hall",
    )
    db.session.add(sitting)
    db.session.flush()
    return sitting.id
