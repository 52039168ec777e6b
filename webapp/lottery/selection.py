"""Stage 2's inputs and errors for the web app: volunteers as ``(id, features)`` and quotas as
``(category, value, min, max)`` rows become the library's types; infeasible quotas come back as
:class:`Infeasible`, whose ``relaxations`` name the quota, the bound and the nearest value that
works; :func:`relax` puts the suggested bounds in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sortition import InfeasibleQuotas, Person, Pool, Quota, Quotas
from sortition.solver.draw import replacement
from sortition.solver.tree import warm_up as compile_search


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
    """The quotas cannot be met: ``problems`` as dicts ``{code, params, message}`` (worded in
    the page's language by :mod:`webapp.quotas.wording`; ``message`` is the engine's English),
    ``relaxations`` as dicts ``{category, value, bound, current, suggested}``."""

    problems: tuple[dict[str, Any], ...]
    relaxations: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"problems": list(self.problems), "relaxations": list(self.relaxations)}


class SelectionFailed(Exception):
    """The solver gave up (time limit, numerical trouble): the message says how far it got."""


def to_pool(people: Iterable[Volunteer]) -> Pool:
    """The library's pool; a volunteer's ``household`` (when the object has one) keeps
    housemates off the same panel."""
    return Pool(
        tuple(
            Person(
                id=p.id,
                features={c: str(v) for c, v in p.features.items() if v is not None},
                household=getattr(p, "household", None),
            )
            for p in people
        )
    )


def to_quotas(rows: Iterable[QuotaLike]) -> Quotas:
    return Quotas(tuple(Quota(r.category, r.value, r.min, r.max) for r in rows))


def infeasible(exc: InfeasibleQuotas) -> Infeasible:
    return Infeasible(
        problems=tuple(p.as_dict() for p in exc.problems),
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
class QuotaRow:
    category: str
    value: str
    min: int
    max: int


def relax(quotas: Sequence[QuotaLike], relaxations: Iterable[Mapping[str, Any]]) -> list[QuotaRow]:
    """``quotas`` with the engine's suggested bounds put in (as accepted by the organiser)."""
    changed = {(r["category"], r["value"], r["bound"]): int(r["suggested"]) for r in relaxations}
    return [
        QuotaRow(
            q.category,
            q.value,
            changed.get((q.category, q.value, "min"), q.min),
            changed.get((q.category, q.value, "max"), q.max),
        )
        for q in quotas
    ]


def next_alternate(
    people: Iterable[Volunteer],
    quotas: Iterable[QuotaLike],
    *,
    panel: Sequence[str],
    dropout: str,
    alternates: Sequence[str],
) -> str | None:
    """The alternate (id) to call for ``dropout`` of ``panel`` by the documented rule
    (:func:`sortition.solver.draw.replacement`): the first in rank order with the dropout's
    quota values whose housemates are not on the panel, else the first whose seat keeps every
    quota, else the one sharing the most values; None when no alternate can sit."""
    pool = to_pool(people)
    known = set(pool.ids)
    if dropout not in known:
        return None
    return replacement(
        pool,
        to_quotas(quotas),
        panel=[p for p in panel if p in known],
        dropout=dropout,
        alternates=[a for a in alternates if a in known],
    )


def warm_up() -> None:
    """Compile the library's pricing search (or load it from numba's cache): about 6 s the
    first time on a machine, 0.2 s after. A worker does it when it starts, not inside the
    first selection and its time limit."""
    compile_search()
