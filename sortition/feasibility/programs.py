"""The integer programs behind :mod:`sortition.feasibility`, over volunteer types.

Column ``t`` is ``seats[t]``, how many of type ``t`` sit (``0 <= seats[t] <= size[t]``); rows are
``panel_size``, one ``quota[category=value]`` per quota and one ``household[i]`` per shared
address. Presolve is off: on these small programs it costs more than it saves (national_like_150:
0.13 s with, 0.05 s without, to the first panel).
"""

from __future__ import annotations

import functools
import os
import sys

import highspy
import numpy as np
import numpy.typing as npt

from sortition.errors import Relaxation, SolverError
from sortition.solver.highs import (
    INF,
    Deadline,
    MipSolver,
    Outcome,
    add_row,
    new_model,
    outcome,
    solve_mip,
)
from sortition.solver.panels import add_panel_rows
from sortition.solver.types import TypeModel

# A first panel found in this time is good enough to mark the types it seats; only a forced
# type's verdict needs a complete solve. Wall-clock, so it changes speed, never the answer.
QUICK_LOOK_SECONDS = 0.02

# Cells of the swap cube computed at once (int32: 4 bytes each).
SWAP_CELLS = 4_000_000

Ints = npt.NDArray[np.int64]


def is_feasible(
    model: TypeModel, *, time_limit: float | None, mip_solver: MipSolver = MipSolver.HIGHS
) -> bool:
    """True iff some composition meets the panel size, every quota and the household rule
    (solved with ``mip_solver``, see :func:`sortition.solver.highs.solve_mip`)."""
    h = _program(model, time_limit=time_limit)
    deadline = Deadline.after(time_limit)
    result = solve_mip(h, what="feasibility check", deadline=deadline, solver=mip_solver)
    return result.values is not None


def minimal_relaxation(
    model: TypeModel, *, time_limit: float | None, mip_solver: MipSolver = MipSolver.HIGHS
) -> tuple[Relaxation, ...]:
    """Bound changes of least total size that make a panel possible, one per changed bound.

    A minimum may go down to ``min_flex`` (else 0), a maximum up to ``max_flex`` (else k).
    Empty when nothing within those limits helps (for instance too few volunteers overall).
    """
    h = _program(model, time_limit=time_limit, relax=True)
    deadline = Deadline.after(time_limit)
    result = solve_mip(h, what="relaxation program", deadline=deadline, solver=mip_solver)
    if result.values is None:
        return ()
    values = result.values
    changes: list[Relaxation] = []
    for j, q in enumerate(model.quotas):
        down = round(values[len(model) + 2 * j])
        up = round(values[len(model) + 2 * j + 1])
        if down:
            changes.append(Relaxation(q.category, q.value, "min", q.min, q.min - down))
        if up:
            changes.append(Relaxation(q.category, q.value, "max", q.max, q.max + up))
    return tuple(changes)


def unselectable_types(model: TypeModel, *, time_limit: float | None) -> list[int]:
    """Selectable-looking types (every value has a quota) that sit on no valid panel.

    Assumes the quotas are feasible. Each round forces one undecided type onto the panel: an
    infeasible program proves it unselectable; a panel marks every type on it, or one swap
    away from it, as selectable. Favouring undecided types in the objective makes each panel
    settle many at once (national_like_150: 1,066 types settled in 17 rounds).
    """
    h = _program(model, time_limit=None)
    n = len(model)
    sizes = np.array(model.sizes, dtype=np.int64)
    swaps = _Swaps(model)
    settled = np.array([not model.selectable(t) for t in range(n)])
    dead: list[int] = []
    columns = np.arange(n, dtype=np.int32)
    # Each round settles at least its forced type (dead, or seated on the panel found), so n
    # rounds settle them all. Bounded rather than `while not settled.all()`: a round that
    # settles nothing (a wrong solver answer, or a bug) then fails instead of looping for ever.
    for _round in range(n + 1):
        if settled.all():
            return sorted(dead)
        todo = ~settled
        t = int(np.flatnonzero(todo)[0])
        h.changeColsCost(n, columns, np.where(todo, 1.0 / sizes, 0.0))
        h.changeColBounds(t, 1.0, float(sizes[t]))
        h.setOptionValue("time_limit", QUICK_LOOK_SECONDS)
        verdict = _verdict(h, what="selectability check", partial=True)
        if verdict is None:  # no panel yet: settle the forced type with a complete solve
            h.changeColsCost(n, columns, np.zeros(n))
            h.setOptionValue("time_limit", INF if time_limit is None else time_limit)
            verdict = _verdict(h, what="selectability check")
        h.changeColBounds(t, 0.0, float(sizes[t]))
        if verdict is Outcome.INFEASIBLE:
            dead.append(t)
            settled[t] = True
            continue
        panel = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)
        settled |= swaps.reachable(panel)
    raise SolverError(f"the selectability check left types unsettled after {n} rounds")


def _program(model: TypeModel, *, time_limit: float | None, relax: bool = False) -> highspy.Highs:
    """The panel program; with ``relax``, the quota bounds may move within the flex limits
    (see :func:`_relaxed_quotas`; its slack columns follow the seats, two per quota)."""
    silence_banner()
    # The relaxation's objective mixes two scales (see _relaxed_quotas): it must be exact.
    h = new_model(mip_gap=0.0 if relax else None)
    h.setOptionValue("presolve", "off")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    for t, size in enumerate(model.sizes):
        _column(h, f"seats[{t}]", upper=size if model.selectable(t) else 0, cost=0.0)
    add_panel_rows(h, model, quotas=not relax)
    if relax:
        _relaxed_quotas(h, model)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if not relax else highspy.ObjSense.kMinimize)
    return h


def _relaxed_quotas(h: highspy.Highs, model: TypeModel) -> None:
    """Quota rows whose bounds may move: columns ``lower_min[j]``, ``raise_max[j]`` per quota.

    The objective is lexicographic: least total change first, then the least largest single
    change (column ``largest_change``), so that a shortfall is spread over the quotas that
    can absorb it rather than dumped on one of them.
    """
    k, slacks = model.k, []
    spans = []
    for q in model.quotas:
        lowest = min(q.min, 0 if q.min_flex is None else q.min_flex)
        highest = max(q.max, k if q.max_flex is None else q.max_flex)
        spans.append((q.min - lowest, highest - q.max))
    weight = 1.0 + max((max(span) for span in spans), default=0)
    for j, (q, types, (down_span, up_span)) in enumerate(
        zip(model.quotas, model.quota_types, spans, strict=True)
    ):
        down = _column(h, f"lower_min[{j}]", upper=down_span, cost=weight)
        up = _column(h, f"raise_max[{j}]", upper=up_span, cost=weight)
        slacks += [down, up]
        name, cols, ones = f"quota[{q.category}={q.value}]", list(types), [1.0] * len(types)
        add_row(h, name=name + ".min", lower=q.min, upper=INF, cols=[*cols, down], coefs=[*ones, 1])
        add_row(h, name=name + ".max", lower=-INF, upper=q.max, cols=[*cols, up], coefs=[*ones, -1])
    largest = _column(h, "largest_change", upper=int(weight), cost=1.0)
    for slack in slacks:
        name = f"largest_change>={h.getColName(slack)[1]}"
        add_row(h, name=name, lower=-INF, upper=0, cols=[slack, largest], coefs=[1.0, -1.0])


def _column(h: highspy.Highs, name: str, *, upper: int, cost: float) -> int:
    """Add one named integer column ``0 <= x <= upper``; returns its index."""
    h.addCol(cost, 0.0, float(upper), 0, np.empty(0, np.int32), np.empty(0, np.float64))
    index = int(h.getNumCol()) - 1
    h.passColName(index, name)
    h.changeColIntegrality(index, highspy.HighsVarType.kInteger)
    return index


def _verdict(h: highspy.Highs, *, what: str, partial: bool = False) -> Outcome | None:
    """Run and classify. With ``partial``, a time limit with a panel in hand counts as
    OPTIMAL (the panel is valid, just not the best) and one without a panel gives None."""
    h.run()
    result = outcome(h)
    if result is Outcome.TIME_LIMIT and partial:
        has_panel = (
            h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        )
        return Outcome.OPTIMAL if has_panel else None
    if result in (Outcome.OPTIMAL, Outcome.INFEASIBLE):
        return result
    raise SolverError(
        f"the {what} stopped without an answer ({h.modelStatusToString(h.getModelStatus())})"
    )


class _Swaps:
    """Which types sit on a panel, or on a panel one swap (one member out, one in) away."""

    def __init__(self, model: TypeModel) -> None:
        n = len(model)
        self.incidence = np.zeros((n, len(model.quotas)), dtype=np.int32)
        for j, types in enumerate(model.quota_types):
            self.incidence[list(types), j] = 1
        self.low = np.array([q.min for q in model.quotas], dtype=np.int32)
        self.high = np.array([q.max for q in model.quotas], dtype=np.int32)
        self.room = np.array(
            [size if model.selectable(t) else 0 for t, size in enumerate(model.sizes)]
        )
        self.house = np.full(n, -1)
        for i, group in enumerate(model.households):
            self.house[list(group)] = i

    def reachable(self, panel: Ints) -> npt.NDArray[np.bool_]:
        inside = np.flatnonzero(panel > 0)
        counts = (panel @ self.incidence).astype(np.int32)
        # a type whose housemate sits may join only in that housemate's place
        occupant = np.full(len(panel), -1)
        for member in inside:
            if self.house[member] >= 0:
                occupant[self.house == self.house[member]] = member
        occupant[inside] = -1
        found = (panel > 0).copy()
        open_types = panel < self.room
        # chunks of leaving members bound the memory of the (leaving, joining, quota) cube
        step = max(1, SWAP_CELLS // max(1, self.incidence.size))
        for start in range(0, len(inside), step):
            leaving = inside[start : start + step]
            after = counts - self.incidence[leaving][:, None, :] + self.incidence[None, :, :]
            fits = ((after >= self.low) & (after <= self.high)).all(axis=2) & open_types
            fits &= (occupant == -1)[None, :] | (occupant[None, :] == leaving[:, None])
            found |= fits.any(axis=0)
        return found


@functools.cache
def silence_banner() -> None:
    # HiGHS prints its banner on stdout when a process builds its first solver, whatever the
    # options; that would corrupt the output of the command line, so build one with fd 1 shut.
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
