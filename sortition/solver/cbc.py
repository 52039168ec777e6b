"""CBC, through PuLP, as the fallback solver for a model built in HiGHS.

The solver modules build every model in highspy; when HiGHS cannot solve one (or the user asks
for CBC, see :func:`sortition.solver.highs.solve_mip`), the model HiGHS holds is copied into
PuLP as it stands (costs, bounds, rows, integrality and sense) and solved with CBC, so no
algorithm needs a second formulation of its programs.
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np
import pulp

from sortition.errors import SolverError
from sortition.solver.highs import Deadline, Outcome
from sortition.solver.search import FloatArray

# PULP_CBC_CMD warns that it is deprecated in PuLP 3.3; COIN_CMD runs the same bundled CBC
# binary without the warning (pyproject pins pulp below 4, which drops the binary).
CBC_PATH = pulp.PULP_CBC_CMD.pulp_cbc_path
_KINDS = {
    highspy.HighsVarType.kContinuous: pulp.LpContinuous,
    highspy.HighsVarType.kInteger: pulp.LpInteger,
}


def solve_with_cbc(
    h: highspy.Highs, *, what: str, deadline: Deadline
) -> tuple[Outcome, FloatArray | None]:
    """Solve the model held by ``h`` with CBC, to HiGHS's relative and absolute MIP gaps.

    Returns OPTIMAL with the column values, or INFEASIBLE with None. Raises
    :class:`SolverError` when the deadline passes first or CBC ends any other way, and for
    semi-continuous or semi-integer columns, which the copy does not carry over.
    """
    remaining = deadline.remaining()
    if remaining is not None and remaining <= 0:
        raise SolverError(f"time limit reached before solving the {what}")
    problem, columns = _copy(h, what=what)
    solver = pulp.COIN_CMD(
        path=CBC_PATH,
        msg=False,
        timeLimit=remaining,
        gapRel=h.getOptionValue("mip_rel_gap")[1],
        gapAbs=h.getOptionValue("mip_abs_gap")[1],
    )
    try:
        problem.solve(solver)
    except pulp.PulpSolverError as error:
        raise SolverError(f"CBC could not solve the {what}: {error}") from error
    if problem.status == pulp.LpStatusOptimal and problem.sol_status == pulp.LpSolutionOptimal:
        return Outcome.OPTIMAL, np.array([c.varValue for c in columns], dtype=np.float64)
    if problem.status == pulp.LpStatusInfeasible:
        return Outcome.INFEASIBLE, None
    if deadline.expired():
        raise SolverError(f"time limit reached while solving the {what}")
    raise SolverError(f"CBC could not solve the {what}: {pulp.LpStatus[problem.status]}")


def _copy(h: highspy.Highs, *, what: str) -> tuple[Any, list[Any]]:
    """The model of ``h`` as a PuLP problem, and its variables in HiGHS's column order."""
    lp = h.getLp()
    sense = pulp.LpMaximize if lp.sense_ == highspy.ObjSense.kMaximize else pulp.LpMinimize
    problem = pulp.LpProblem("highs_model", sense)
    integrality = list(lp.integrality_) or [highspy.HighsVarType.kContinuous] * lp.num_col_
    if any(kind not in _KINDS for kind in integrality):
        raise SolverError(f"CBC cannot solve the {what}: it has semi-continuous columns")
    columns = [
        problem.add_variable(f"x{j}", _finite(low), _finite(high), cat=_KINDS[kind])
        for j, (low, high, kind) in enumerate(
            zip(lp.col_lower_, lp.col_upper_, integrality, strict=True)
        )
    ]
    # Every column enters the objective, zero costs included: PuLP leaves out of the problem
    # (and gives no value to) a variable that appears nowhere.
    problem.setObjective(
        pulp.LpAffineExpression(zip(columns, map(float, lp.col_cost_), strict=True))
    )
    for i, terms in enumerate(_row_terms(lp.a_matrix_, lp.num_row_)):
        expression = pulp.LpAffineExpression([(columns[j], value) for j, value in terms])
        low, high = float(lp.row_lower_[i]), float(lp.row_upper_[i])
        if low == high:
            problem.addConstraint(pulp.LpConstraint(expression, pulp.LpConstraintEQ, rhs=low))
            continue
        if low > -highspy.kHighsInf:
            problem.addConstraint(pulp.LpConstraint(expression, pulp.LpConstraintGE, rhs=low))
        if high < highspy.kHighsInf:
            problem.addConstraint(pulp.LpConstraint(expression, pulp.LpConstraintLE, rhs=high))
    return problem, columns


def _row_terms(matrix: Any, rows: int) -> list[list[tuple[int, float]]]:
    """The (column, coefficient) pairs of each row. HiGHS holds the matrix row-wise or
    column-wise depending on how the model was built and whether it has been solved since."""
    starts = np.asarray(matrix.start_, dtype=np.int64)
    outer = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    inner = np.asarray(matrix.index_, dtype=np.int64)[: len(outer)]
    row_of, col_of = (
        (inner, outer) if matrix.format_ == highspy.MatrixFormat.kColwise else (outer, inner)
    )
    values = np.asarray(matrix.value_, dtype=np.float64)[: len(outer)]
    terms: list[list[tuple[int, float]]] = [[] for _ in range(rows)]
    for i, j, value in zip(row_of.tolist(), col_of.tolist(), values.tolist(), strict=True):
        terms[i].append((j, value))
    return terms


def _finite(bound: float) -> float | None:
    """PuLP's spelling of a bound: None for an infinite one."""
    return float(bound) if np.isfinite(bound) else None
