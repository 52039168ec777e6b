"""HiGHS helpers: building models quietly, adding named rows, and THE one place that reads a
solver status.

Every solver module goes through :func:`require_optimal`, so a change in how highspy reports
statuses (it has changed between releases) is absorbed here and nowhere else. Integer programs
go through :func:`solve_mip`, which falls back to CBC (:mod:`sortition.solver.cbc`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

import highspy
import numpy as np

from sortition.errors import SolverError
from sortition.solver.search import FloatArray

INF = highspy.kHighsInf


class Outcome(Enum):
    """What a solve ended with, in the terms the algorithms care about."""

    OPTIMAL = "optimal"
    # A MIP stopped at its first solution (option mip_max_improving_sols), or at the first one
    # good enough for the caller (a callback's interrupt): feasible, not proven optimal.
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time limit"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A wall-clock limit shared by every solve of one selection (None: no limit)."""

    end: float | None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds)

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


def new_model(
    *, mip_gap: float | None = None, feasibility_tolerance: float | None = None
) -> highspy.Highs:
    """An empty, silent HiGHS instance; ``mip_gap`` sets the relative MIP gap when given,
    ``feasibility_tolerance`` the primal and dual feasibility tolerances (default 1e-7)."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no stubs for it
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    if feasibility_tolerance is not None:
        h.setOptionValue("primal_feasibility_tolerance", feasibility_tolerance)
        h.setOptionValue("dual_feasibility_tolerance", feasibility_tolerance)
    if mip_gap is not None:
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("mip_abs_gap", 1e-10)
    return h


def add_row(
    h: highspy.Highs,
    *,
    name: str,
    lower: float,
    upper: float,
    cols: Sequence[int],
    coefs: Sequence[float],
) -> int:
    """Add one named row; returns its index. Names make LP dumps and infeasibility reports
    readable."""
    h.addRow(
        lower,
        upper,
        len(cols),
        np.asarray(cols, dtype=np.int32),
        np.asarray(coefs, dtype=np.float64),
    )
    index = int(h.getNumRow()) - 1
    h.passRowName(index, name)
    return index


def outcome(h: highspy.Highs) -> Outcome:
    """Classify the status of the last solve (the only function that reads a model status)."""
    status = h.getModelStatus()
    statuses = highspy.HighsModelStatus
    if status == statuses.kOptimal:
        return Outcome.OPTIMAL
    if status == statuses.kSolutionLimit:
        return Outcome.FEASIBLE
    # Only our own callbacks interrupt, and only at a solution (PanelOracle.above).
    feasible = highspy.SolutionStatus.kSolutionStatusFeasible
    if status == statuses.kInterrupt and h.getInfo().primal_solution_status == feasible:
        return Outcome.FEASIBLE
    if status in (statuses.kInfeasible, statuses.kUnboundedOrInfeasible):
        return Outcome.INFEASIBLE
    if status == statuses.kUnbounded:
        return Outcome.UNBOUNDED
    if status == statuses.kTimeLimit:
        return Outcome.TIME_LIMIT
    return Outcome.OTHER


class MipSolver(StrEnum):
    """The solver of the integer programs (see :func:`solve_mip`): HIGHS, with CBC taking
    over when HiGHS ends without an answer, or CBC alone."""

    HIGHS = "highs"
    CBC = "cbc"


@dataclass(frozen=True, slots=True)
class MipResult:
    """The end of :func:`solve_mip`: the outcome, the column values (None when infeasible)
    and which solver found them."""

    outcome: Outcome
    values: FloatArray | None
    solver: MipSolver


def solve(h: highspy.Highs, *, what: str, deadline: Deadline, cap: float | None = None) -> Outcome:
    """Run the solver under the deadline; raises :class:`SolverError` unless it ends optimal,
    feasible at a solution limit the caller set, infeasible or unbounded (the caller decides
    what those mean). With ``cap`` (seconds) a solve that runs longer than ``cap`` before the
    deadline returns :attr:`Outcome.TIME_LIMIT`, so that the caller can restart it
    differently."""
    result = _run(h, what=what, deadline=deadline, cap=cap)
    if result is Outcome.OTHER:
        status = h.modelStatusToString(h.getModelStatus())
        raise SolverError(f"HiGHS could not solve the {what}: {status}")
    return result


def solve_mip(
    h: highspy.Highs, *, what: str, deadline: Deadline, solver: MipSolver = MipSolver.HIGHS
) -> MipResult:
    """Solve the integer program held by ``h`` as :func:`solve` does, but where HiGHS ends
    without an answer (a status :func:`solve` raises on, other than the time limit) solve the
    same model again with CBC. With ``solver=MipSolver.CBC`` CBC alone solves it, for
    installations whose HiGHS misbehaves.

    A CBC solve leaves ``h`` as it was: its solution and saved solutions are not CBC's."""
    if MipSolver(solver) is MipSolver.HIGHS:
        result = _run(h, what=what, deadline=deadline, cap=None)
        if result is Outcome.INFEASIBLE:
            return MipResult(result, None, MipSolver.HIGHS)
        if result not in (Outcome.OTHER, Outcome.UNBOUNDED):
            values = np.asarray(h.getSolution().col_value, dtype=np.float64)
            return MipResult(result, values, MipSolver.HIGHS)
    # Imported here: PuLP is loaded only when CBC runs (and cbc imports this module).
    from sortition.solver import cbc

    return MipResult(*cbc.solve_with_cbc(h, what=what, deadline=deadline), MipSolver.CBC)


def _run(h: highspy.Highs, *, what: str, deadline: Deadline, cap: float | None) -> Outcome:
    """Run HiGHS under the deadline and ``cap`` (see :func:`solve`); raises only when the
    deadline passes."""
    remaining = deadline.remaining()
    if remaining is not None and remaining <= 0:
        raise SolverError(f"time limit reached before solving the {what}")
    limits = [x for x in (remaining, cap) if x is not None]
    # HiGHS compares time_limit with its run clock, which keeps counting across re-solves of
    # the same model: the limit is set relative to the clock's current reading.
    h.setOptionValue("time_limit", h.getRunTime() + min(limits) if limits else INF)
    h.run()
    result = outcome(h)
    if result is Outcome.TIME_LIMIT and cap is not None and not deadline.expired():
        return result
    if result is Outcome.TIME_LIMIT:
        raise SolverError(f"time limit reached while solving the {what}")
    return result


def require_optimal(h: highspy.Highs, *, what: str, deadline: Deadline) -> None:
    """Solve and insist on an optimal answer."""
    if solve(h, what=what, deadline=deadline) is not Outcome.OPTIMAL:
        raise SolverError(f"the {what} has no solution (HiGHS reports it infeasible)")
