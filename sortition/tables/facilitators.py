"""Facilitators rotate: each sitting, facilitators go to tables so that as few members as
possible get a facilitator they had before (an assignment LP per sitting, whose optimum is a
whole assignment)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from sortition.feasibility.programs import silence_banner
from sortition.solver.highs import Deadline, Outcome, add_row, new_model, solve

Seating = Sequence[Sequence[Sequence[str]]]


def rotate_facilitators(
    seating: Seating,
    facilitators: Sequence[str],
    *,
    history: Sequence[Sequence[tuple[str, str]]] = (),
) -> list[list[str | None]]:
    """For each sitting the facilitator of each table (None when there are fewer
    facilitators than tables). ``history`` lists earlier (member, facilitator) pairs."""
    had: Counter[tuple[str, str]] = Counter(pair for sitting in history for pair in sitting)
    led: Counter[tuple[str, int]] = Counter()
    plan: list[list[str | None]] = []
    for sitting in seating:
        chosen = _assign(sitting, facilitators, had, led)
        for number, (table, facilitator) in enumerate(zip(sitting, chosen, strict=True)):
            if facilitator is not None:
                had.update((m, facilitator) for m in table)
                led[(facilitator, number)] += 1
        plan.append(chosen)
    _improve(seating, plan, history)
    return plan


def _improve(
    seating: Seating, plan: list[list[str | None]], history: Sequence[Sequence[tuple[str, str]]]
) -> None:
    """Swap the facilitators of two tables of one sitting while that lowers the repeats over
    all sittings (the assignment above sees only the sittings before)."""
    seen: Counter[tuple[str, str]] = Counter(pair for sitting in history for pair in sitting)
    for sitting, chosen in zip(seating, plan, strict=True):
        for table, facilitator in zip(sitting, chosen, strict=True):
            if facilitator is not None:
                seen.update((m, facilitator) for m in table)
    for _ in range(10):  # passes; each swap lowers the repeats, so this ends anyway
        better = False
        for sitting, chosen in zip(seating, plan, strict=True):
            for a in range(len(chosen)):
                for b in range(a + 1, len(chosen)):
                    if _gain(seen, sitting[a], sitting[b], chosen[a], chosen[b]) > 0:
                        _move(seen, sitting[a], chosen[a], chosen[b])
                        _move(seen, sitting[b], chosen[b], chosen[a])
                        chosen[a], chosen[b] = chosen[b], chosen[a]
                        better = True
        if not better:
            return


def _gain(
    seen: Counter[tuple[str, str]],
    first: Sequence[str],
    second: Sequence[str],
    f: str | None,
    g: str | None,
) -> int:
    """Repeats saved by giving ``first`` facilitator g and ``second`` facilitator f."""
    if f == g:
        return 0
    saved = 0
    for table, old, new in ((first, f, g), (second, g, f)):
        for m in table:
            if old is not None and seen[(m, old)] >= 2:
                saved += 1
            if new is not None and seen[(m, new)] >= 1:
                saved -= 1
    return saved


def _move(
    seen: Counter[tuple[str, str]], table: Sequence[str], old: str | None, new: str | None
) -> None:
    for m in table:
        if old is not None:
            seen[(m, old)] -= 1
        if new is not None:
            seen[(m, new)] += 1


def facilitator_repeats(seating: Seating, plan: Sequence[Sequence[str | None]]) -> int:
    """Times a member has a facilitator they had at an earlier sitting."""
    seen: Counter[tuple[str, str]] = Counter()
    for sitting, chosen in zip(seating, plan, strict=True):
        for table, facilitator in zip(sitting, chosen, strict=True):
            if facilitator is not None:
                seen.update((m, facilitator) for m in table)
    return sum(c - 1 for c in seen.values() if c > 1)


def _assign(
    sitting: Sequence[Sequence[str]],
    facilitators: Sequence[str],
    had: Counter[tuple[str, str]],
    led: Counter[tuple[str, int]],
) -> list[str | None]:
    tables = len(sitting)
    if not facilitators or not tables:
        return [None] * tables
    silence_banner()
    h = new_model()
    for f in facilitators:
        for t, table in enumerate(sitting):
            # members who had f before; a little for leading the same table number again
            cost = sum(had[(m, f)] for m in table) + 0.01 * led[(f, t)]
            h.addCol(cost, 0.0, 1.0, 0, np.empty(0, np.int32), np.empty(0))
    seats = min(tables, len(facilitators))
    for i, f in enumerate(facilitators):
        cols = [i * tables + t for t in range(tables)]
        add_row(h, name=f"facilitator_{f}", lower=0, upper=1, cols=cols, coefs=[1.0] * tables)
    for t in range(tables):
        cols = [i * tables + t for i in range(len(facilitators))]
        upper = 1.0
        add_row(h, name=f"table_{t + 1}", lower=0, upper=upper, cols=cols, coefs=[1.0] * len(cols))
    every = list(range(len(facilitators) * tables))
    add_row(h, name="seats", lower=seats, upper=seats, cols=every, coefs=[1.0] * len(every))
    if solve(h, what="facilitator rotation", deadline=Deadline(None)) is not Outcome.OPTIMAL:
        return [None] * tables
    values = np.asarray(h.getSolution().col_value).reshape(len(facilitators), tables)
    chosen: list[str | None] = [None] * tables
    for i, t in zip(*np.nonzero(values > 0.5), strict=True):
        chosen[int(t)] = facilitators[int(i)]
    return chosen
