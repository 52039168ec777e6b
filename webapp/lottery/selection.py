"""The selection (stage 2) for the web app: plain rows in, plain data out.

The job hands over the volunteers as ``(id, features)`` and the quotas as
``(category, value, min, max)`` rows; it gets back a JSON-ready dict. Infeasible quotas come
back as :class:`Infeasible`, whose ``relaxations`` name the quota, the bound and the nearest
value that works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sortition import (
    InfeasibleQuotas,
    Person,
    Pool,
    Quota,
    Quotas,
    SolverError,
    select_panel,
)

Progress = Callable[[str, float | None], None]


class Volunteer(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def features(self) -> Mapping[str, str | None]: ...


class QuotaLike(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def min(self) -> int: ...
    @property
    def max(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Infeasible(Exception):
    """The quotas cannot be met: ``lines`` in the engine's words, ``relaxations`` as dicts
    ``{category, value, bound, current, suggested}``."""

    lines: tuple[str, ...]
    relaxations: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"lines": list(self.lines), "relaxations": list(self.relaxations)}


class SelectionFailed(Exception):
    """The solver gave up (time limit, numerical trouble): the message says how far it got."""


def to_pool(people: Iterable[Volunteer]) -> Pool:
    return Pool(
        tuple(
            Person(id=p.id, features={c: str(v) for c, v in p.features.items() if v is not None})
            for p in people
        )
    )


def to_quotas(rows: Iterable[QuotaLike]) -> Quotas:
    return Quotas(tuple(Quota(r.category, r.value, r.min, r.max) for r in rows))


def select(
    people: Sequence[Volunteer],
    quotas: Sequence[QuotaLike],
    k: int,
    *,
    progress: Progress,
    seed: int | None = None,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """Run the LEXIMIN selection: ``{"panel", "alternates", "probabilities", "report"}``.

    Raises :class:`Infeasible` or :class:`SelectionFailed`; whatever ``progress`` raises (a
    cancellation) goes through unchanged.
    """
    try:
        result = select_panel(
            to_pool(people),
            to_quotas(quotas),
            k,
            seed=seed,
            time_limit=time_limit,
            progress=progress,
        )
    except InfeasibleQuotas as exc:
        raise infeasible(exc) from exc
    except SolverError as exc:
        raise SelectionFailed(str(exc)) from exc
    return {
        "panel": list(result.panel),
        "alternates": list(result.alternates),
        "probabilities": dict(result.probabilities),
        "report": result.report.as_dict(),
    }


def infeasible(exc: InfeasibleQuotas) -> Infeasible:
    return Infeasible(
        lines=tuple(str(p) for p in exc.problems),
        relaxations=tuple(
            {
                "category": r.category,
                "value": r.value,
                "bound": r.bound,
                "current": r.current,
                "suggested": r.suggested,
            }
            for r in exc.relaxations
        ),
    )


@dataclass(frozen=True, slots=True)
class OpenQuota:
    category: str
    value: str
    min: int
    max: int


def open_seat_quotas(
    quotas: Sequence[QuotaLike], seated: Sequence[Mapping[str, str | None]], *, seats: int
) -> list[OpenQuota]:
    """The quotas for the seats left open, given the features of the members who keep
    their seats: each bound less the members who already count towards it (never below 0,
    never above the open seats)."""
    rows = []
    for q in quotas:
        taken = sum(1 for features in seated if features.get(q.category) == q.value)
        rows.append(
            OpenQuota(
                q.category,
                q.value,
                min(seats, max(0, q.min - taken)),
                min(seats, max(0, q.max - taken)),
            )
        )
    return rows


def relax(quotas: Sequence[OpenQuota], relaxations: Iterable[Mapping[str, Any]]) -> list[OpenQuota]:
    """``quotas`` with the engine's suggested bounds put in (as accepted by the organiser)."""
    changed = {(r["category"], r["value"], r["bound"]): int(r["suggested"]) for r in relaxations}
    return [
        OpenQuota(
            q.category,
            q.value,
            changed.get((q.category, q.value, "min"), q.min),
            changed.get((q.category, q.value, "max"), q.max),
        )
        for q in quotas
    ]
