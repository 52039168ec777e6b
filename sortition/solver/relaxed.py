"""LEXIMIN over the LP relaxation of the panel polytope: a guess that is often exact.

Every lottery's expected seat vector lies in the convex hull of the valid panels, which lies
inside the relaxation (seats may be fractional, every quota and household row holds). So the
LEXIMIN profile over the relaxation is at least as good as any lottery's, and when a lottery
reaches it, that lottery is LEXIMIN. The relaxation's LEXIMIN takes a few small LPs (no integer
program), and :func:`sortition.solver.leximin.leximin` then only has to find panels whose mix
reaches it (:mod:`sortition.solver.caratheodory`, or column generation when that falls short).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from sortition.solver.highs import INF, Deadline, add_row, new_model, require_optimal
from sortition.solver.panels import add_panel_rows
from sortition.solver.search import FloatArray
from sortition.solver.types import TypeModel

# A type is tight at a level when its row's dual weight exceeds this.
FIX_TOLERANCE = 1e-9
# Fixed rows sit this much below the level, so that round-off never makes the next LP
# infeasible.
SLACK = 1e-9
# The point is split into panels to within 1e-8 (see sortition.solver.leximin), so its rows
# must hold far more tightly than HiGHS's default 1e-7.
FEASIBILITY_TOLERANCE = 1e-10


@dataclass(frozen=True, slots=True)
class RelaxedPoint:
    """The relaxation's LEXIMIN: ``levels[t]`` is type ``t``'s probability (0 for a type that
    cannot sit), ``seats`` a point of the relaxation with ``seats[t] / size[t]`` at least
    ``levels[t] - SLACK``: expected seats that a lottery reaching the levels would have."""

    levels: FloatArray
    seats: FloatArray


def relaxed_leximin(
    model: TypeModel, *, deadline: Deadline, first_level_only: bool = False
) -> RelaxedPoint | None:
    """The LEXIMIN point of the relaxation, or None when the LPs end without a type to fix
    (round-off; the caller then goes level by level). With ``first_level_only`` the first LP
    alone: a MAXIMIN point, every type that can sit at the first level or above."""
    sizes = np.asarray(model.sizes, dtype=np.float64)
    n = len(model)
    h = new_model(feasibility_tolerance=FEASIBILITY_TOLERANCE)
    for t in range(n):
        upper = sizes[t] if model.selectable(t) else 0.0
        h.addCol(0.0, 0.0, upper, 0, np.empty(0, np.int32), np.empty(0, np.float64))
    z = n
    h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
    add_panel_rows(h, model)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    levels = np.zeros(n)
    seats = np.zeros(n)
    rows: dict[int, int] = {}
    for t in range(n):
        if model.selectable(t):
            rows[t] = add_row(
                h, name=f"level[{t}]", lower=0.0, upper=INF, cols=[t, z], coefs=[1 / sizes[t], -1]
            )
    while rows:
        require_optimal(h, what="relaxed LEXIMIN LP", deadline=deadline)
        solution = h.getSolution()
        value = float(solution.col_value[z])
        seats = np.asarray(solution.col_value[:n], dtype=np.float64)
        if first_level_only:
            levels[list(rows)] = max(0.0, value)
            break
        tight = [t for t, r in rows.items() if abs(solution.row_dual[r]) > FIX_TOLERANCE]
        if not tight:
            return None
        for t in tight:
            levels[t] = max(0.0, value)
            row = rows.pop(t)
            h.changeCoeff(row, z, 0.0)
            h.changeRowBounds(row, levels[t] - SLACK, INF)
    upper = np.where([model.selectable(t) for t in range(n)], sizes, 0.0)
    return RelaxedPoint(levels, np.clip(seats, 0.0, upper))
