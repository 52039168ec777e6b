"""Domain errors. Each one says what to fix, in words an organiser understands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SortitionError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One thing wrong in an input file: where it is and what is wrong.

    ``row`` is the 1-based line number as a spreadsheet shows it (the header is row 1),
    or ``None`` when the problem concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class InputErrors(SortitionError):
    """All the problems found in the input files, reported at once."""

    def __init__(self, problems: Iterable[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Relaxation:
    """A suggested change to one quota bound that makes the quotas satisfiable.

    ``bound`` is ``"min"`` or ``"max"``; ``current`` is the bound as given, ``suggested`` the
    nearest value that can be met.
    """

    category: str
    value: str
    bound: str
    current: int
    suggested: int

    def __str__(self) -> str:
        if self.bound == "min":
            return (
                f"{self.category} {self.value}: minimum {self.current} cannot be met, "
                f"{self.suggested} can"
            )
        return (
            f"{self.category} {self.value}: maximum {self.current} is too low, "
            f"{self.suggested} works"
        )


class ProblemCode(StrEnum):
    """What a :class:`QuotaProblem` is about; its ``params`` are listed beside each code.

    Callers that word problems in other languages (the web app) use the code and the
    parameters; ``message`` is the English sentence the command line prints.
    """

    PANEL_SIZE = "panel_size"  # k: the panel size below 1
    HOUSEHOLD_SEATS = "household_seats"  # seats (one per household), k
    MINIMUMS_ABOVE_PANEL = "minimums_above_panel"  # category, total, k
    MAXIMUMS_BELOW_PANEL = "maximums_below_panel"  # category, total, k
    MINIMUM_ABOVE_POOL = "minimum_above_pool"  # category, value, min, available
    MEMBERS_ABOVE_MAXIMUM = "members_above_maximum"  # category, value, held, max
    NO_PANEL = "no_panel"  # (none): no panel meets every quota
    OTHER = "other"  # (none): see message


@dataclass(frozen=True, slots=True)
class QuotaProblem:
    """A reason the quotas cannot be met that no single bound change explains
    (for instance k outside the range the quotas of one category allow).

    ``message`` is the English sentence; ``code`` (a :class:`ProblemCode`) and ``params``
    (plain values: str and int) say the same for callers that word it themselves. Two
    problems are equal when their messages are.
    """

    message: str
    code: ProblemCode = field(default=ProblemCode.OTHER, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """``{code, params, message}`` (JSON-ready)."""
        return {"code": str(self.code), "params": dict(self.params), "message": self.message}


class InfeasibleQuotas(SortitionError):
    """No panel of size k meets every quota.

    ``relaxations`` is a smallest set of bound changes that makes a panel possible (empty when
    none exists within the flex limits); ``problems`` lists the reasons found by the quick checks.
    """

    def __init__(
        self,
        relaxations: Sequence[Relaxation] = (),
        problems: Sequence[QuotaProblem] = (),
    ) -> None:
        self.relaxations: tuple[Relaxation, ...] = tuple(relaxations)
        self.problems: tuple[QuotaProblem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems] + [str(r) for r in self.relaxations]
        super().__init__(
            "The quotas cannot be met."
            + ("\n" + "\n".join(lines) if lines else " No relaxation within the flex limits helps.")
        )


class SolverError(SortitionError):
    """The solver stopped without a usable answer (time limit, numerical trouble)."""


class InvalidPanel(SortitionError):
    """A panel produced by an algorithm breaks a quota or the household rule: this is a bug."""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One table rule that cannot hold, and why: ``rule`` names it as the organiser wrote it
    (for example ``"keep together A, B, C"``)."""

    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


class ImpossibleRules(SortitionError):
    """The table rules (keep apart, keep together, fixed to a table) cannot all hold."""

    def __init__(self, problems: Iterable[RuleProblem]) -> None:
        self.problems: tuple[RuleProblem, ...] = tuple(problems)
        super().__init__(
            "The table rules cannot all hold.\n" + "\n".join(str(p) for p in self.problems)
        )
