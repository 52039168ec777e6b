"""Kleroterion's sortition library: fair, verifiable selection of citizens' juries.

Framework-free: it never imports flask, sqlalchemy or wtforms. The web app reaches it through
``webapp/lottery.py``.
"""

from sortition.errors import (
    ImpossibleRules,
    InfeasibleQuotas,
    InputErrors,
    InputProblem,
    InvalidPanel,
    ProblemCode,
    QuotaProblem,
    Relaxation,
    RuleProblem,
    SolverError,
    SortitionError,
)
from sortition.model import Person, Pool, Quota, Quotas
from sortition.result import Algorithm, Distribution, SelectionReport, SelectionResult
from sortition.selection import select_panel
from sortition.solver.highs import MipSolver

__version__ = "0.1.0"

__all__ = [
    "Algorithm",
    "Distribution",
    "ImpossibleRules",
    "InfeasibleQuotas",
    "InputErrors",
    "InputProblem",
    "InvalidPanel",
    "MipSolver",
    "Person",
    "Pool",
    "ProblemCode",
    "Quota",
    "QuotaProblem",
    "Quotas",
    "Relaxation",
    "RuleProblem",
    "SelectionReport",
    "SelectionResult",
    "SolverError",
    "SortitionError",
    "__version__",
    "select_panel",
]
