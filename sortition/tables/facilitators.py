"""Facilitators rotate: facilitators go to tables so that as few members as possible get a
facilitator they had before.

Each sitting's assignment is an LP (an assignment problem, whose optimum is a whole
assignment) priced by the meetings of members and facilitators at the other sittings: first
sitting by sitting, given those before; then, in rounds, each sitting again given all the
others, until a round changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from sortition.feasibility.programs import silence_banner
from sortition.solver.highs import Deadline, Outcome, add_row, new_model, solve

Seating = Sequence[Sequence[Sequence[str]]]
Plan = list[list[str | None]]
ROUNDS = 6


def rotate_facilitators(
    seating: Seating,
    facilitators: Sequence[str],
    *,
    history: Sequence[Sequence[tuple[str, str]]] = (),
) -> Plan:
    """For each sitting the facilitator of each table (None when there are fewer
    facilitators than tables). ``history`` lists earlier (member, facilitator) pairs."""
    seen: Counter[tuple[str, str]] = Counter(pair for sitting in history for pair in sitting)
    plan: Plan = []
    for sitting in seating:
        plan.append(_assign(sitting, facilitators, seen))
        _count(seen, sitting, plan[-1], +1)
    for _ in range(ROUNDS):
        changed = False
        for s, sitting in enumerate(seating):
            _count(seen, sitting, plan[s], -1)
            chosen = _assign(sitting, facilitators, seen)
            if _repeats_added(seen, sitting, chosen) < _repeats_added(seen, sitting, plan[s]):
                plan[s], changed = chosen, True
            _count(seen, sitting, plan[s], +1)
        if not changed:
            break
    return plan


def facilitator_repeats(seating: Seating, plan: Sequence[Sequence[str | None]]) -> int:
    """Times a member has a facilitator they had at an earlier sitting."""
    seen: Counter[tuple[str, str]] = Counter()
    for sitting, chosen in zip(seating, plan, strict=True):
        _count(seen, sitting, chosen, +1)
    return sum(c - 1 for c in seen.values() if c > 1)


def _count(
    seen: Counter[tuple[str, str]],
    sitting: Sequence[Sequence[str]],
    chosen: Sequence[str | None],
    sign: int,
) -> None:
    for table, facilitator in zip(sitting, chosen, strict=True):
        if facilitator is not None:
            for m in table:
                seen[(m, facilitator)] += sign


def _repeats_added(
    seen: Counter[tuple[str, str]], sitting: Sequence[Sequence[str]], chosen: Sequence[str | None]
) -> int:
    return sum(
        1
        for table, f in zip(sitting, chosen, strict=True)
        if f is not None
        for m in table
        if seen[(m, f)] >= 1
    )


def _assign(
    sitting: Sequence[Sequence[str]], facilitators: Sequence[str], seen: Counter[tuple[str, str]]
) -> list[str | None]:
    """The assignment that adds the fewest repeats given ``seen`` (empty tables get none)."""
    chosen: list[str | None] = [None] * len(sitting)
    seated = [t for t, table in enumerate(sitting) if table]
    tables = len(seated)
    if not facilitators or not tables:
        return chosen
    silence_banner()
    h = new_model()
    for f in facilitators:
        for t in seated:
            cost = sum(1 for m in sitting[t] if seen[(m, f)] >= 1)
            h.addCol(float(cost), 0.0, 1.0, 0, np.empty(0, np.int32), np.empty(0))
    seats = min(tables, len(facilitators))
    for i, f in enumerate(facilitators):
        cols = [i * tables + t for t in range(tables)]
        add_row(h, name=f"facilitator_{f}", lower=0, upper=1, cols=cols, coefs=[1.0] * tables)
    for t in range(tables):
        cols = [i * tables + t for i in range(len(facilitators))]
        name = f"table_{seated[t] + 1}"
        add_row(h, name=name, lower=0, upper=1, cols=cols, coefs=[1.0] * len(cols))
    every = list(range(len(facilitators) * tables))
    add_row(h, name="seats", lower=seats, upper=seats, cols=every, coefs=[1.0] * len(every))
    if solve(h, what="facilitator rotation", deadline=Deadline(None)) is not Outcome.OPTIMAL:
        return chosen
    values = np.asarray(h.getSolution().col_value).reshape(len(facilitators), tables)
    for i, t in zip(*np.nonzero(values > 0.5), strict=True):
        chosen[seated[int(t)]] = facilitators[int(i)]
    return chosen
