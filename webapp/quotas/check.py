"""The feasibility check of a jury's quotas against its pool, worded for the organiser in the
page's language: problems per category and per quota, the engine's smallest relaxation next to
the quota it concerns, and the volunteers who can be on no panel, with why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext

from webapp import lottery
from webapp.categories.services import categories_of, category_labels
from webapp.extensions import db
from webapp.models import Category, CategoryAnswer, Jury
from webapp.pool.services import QuotaRow, Volunteer, quota_bounds
from webapp.quotas.wording import problem_text, why_text

UNPLACEABLE_SHOWN = 100


class Status(StrEnum):
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_POOL = "no_pool"
    NO_QUOTAS = "no_quotas"
    TIMED_OUT = "timed_out"


@dataclass
class Outcome:
    status: Status
    general: list[str] = field(default_factory=list)
    by_category: dict[str, list[str]] = field(default_factory=dict)
    by_quota: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    unplaceable: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)
    unplaceable_count: int = 0


def rows_from_shares(
    jury: Jury, shares: dict[str, dict[str, float]], *, tolerance: int
) -> list[QuotaRow]:
    """The quotas the shares give for the jury's panel, in category order."""
    rows = []
    for category in categories_of(jury):
        for value, percent in shares.get(category.key, {}).items():
            low, high = quota_bounds(percent, jury.panel_size, tolerance=tolerance)
            rows.append(QuotaRow(category.key, value, low, high))
    return rows


def check(jury: Jury, people: Sequence[Volunteer], rows: Sequence[QuotaRow]) -> Outcome:
    """Problems found by counting first (each named), then the engine's verdict."""
    if not rows:
        return Outcome(Status.NO_QUOTAS)
    labels = category_labels(jury)
    outcome = Outcome(Status.FEASIBLE)
    _unanswered(jury, rows, labels, outcome)
    if not people:
        outcome.status = Status.NO_POOL
        return outcome
    _count_checks(jury, people, rows, labels, outcome)
    found = lottery.quotas.check(
        [(p.id, {k: str(v) for k, v in p.features.items()}) for p in people],
        rows,
        jury.panel_size,
        households={p.id: p.household for p in people},
    )
    if found.timed_out:
        outcome.status = Status.TIMED_OUT
        return outcome
    if not found.feasible:
        outcome.status = Status.INFEASIBLE
    for s in found.suggestions:
        outcome.by_quota.setdefault((s.category, s.value), []).append(_suggestion(s))
    if not found.feasible and not (outcome.general or outcome.by_category or outcome.by_quota):
        outcome.general += [problem_text(p, labels) for p in found.engine_problems] or [
            _("No change to a single quota makes a panel possible.")
        ]
    outcome.unplaceable_count = len(found.unplaceable)
    outcome.unplaceable = [
        (u.person_id, why_text(u, labels)) for u in found.unplaceable[:UNPLACEABLE_SHOWN]
    ]
    return outcome


def _count_checks(
    jury: Jury,
    people: Sequence[Volunteer],
    rows: Sequence[QuotaRow],
    labels: dict[str, str],
    outcome: Outcome,
) -> None:
    k = jury.panel_size
    if len(people) < k:
        outcome.general.append(
            _("The pool has %(n)d volunteers, fewer than the %(k)d seats.", n=len(people), k=k)
        )
    for key in dict.fromkeys(r.category for r in rows):
        mine = [r for r in rows if r.category == key]
        notes = outcome.by_category.setdefault(key, [])
        low, high = sum(r.min for r in mine), sum(r.max for r in mine)
        if low > k:
            notes.append(
                _(
                    "%(category)s: the minimums add up to %(n)d, more than the %(k)d seats.",
                    category=labels[key],
                    n=low,
                    k=k,
                )
            )
        if high < k:
            notes.append(
                _(
                    "%(category)s: the maximums add up to %(n)d, fewer than the %(k)d seats.",
                    category=labels[key],
                    n=high,
                    k=k,
                )
            )
    counts = Counter((c, str(v)) for p in people for c, v in p.features.items())
    # One seat per household: volunteers at one address count once.
    homes = {
        (c, str(v), p.household or f"person:{p.id}") for p in people for c, v in p.features.items()
    }
    seats = Counter((c, v) for c, v, _home in homes)
    for r in rows:
        group = (r.category, r.value)
        if r.min > counts[group]:
            outcome.by_quota.setdefault(group, []).append(
                _(
                    "Minimum %(min)d, but the pool has only %(n)d volunteers in this group.",
                    min=r.min,
                    n=counts[group],
                )
            )
        elif r.min > seats[group]:
            outcome.by_quota.setdefault(group, []).append(
                _(
                    "Minimum %(min)d, but only %(n)d volunteers in this group can sit together: "
                    "volunteers who share an address are never both drawn.",
                    min=r.min,
                    n=seats[group],
                )
            )
    outcome.by_category = {k: v for k, v in outcome.by_category.items() if v}
    if outcome.general or outcome.by_category or outcome.by_quota:
        outcome.status = Status.INFEASIBLE


def _unanswered(
    jury: Jury, rows: Sequence[QuotaRow], labels: dict[str, str], outcome: Outcome
) -> None:
    """A category of the jury's own with quotas that no volunteer has answered."""
    answered = _own_answer_counts(jury)
    for key in dict.fromkeys(r.category for r in rows):
        if answered.get(key, 1) == 0:
            outcome.by_category.setdefault(key, []).append(
                _(
                    "%(category)s: no volunteer has answered this question yet, so no panel "
                    "can meet its quotas.",
                    category=labels[key],
                )
            )


def _own_answer_counts(jury: Jury) -> dict[str, int]:
    """Replies that answered each of the jury's own questions (only volunteers answer them)."""
    rows = db.session.execute(
        sa.select(Category.key, sa.func.count(CategoryAnswer.id))
        .select_from(Category)
        .outerjoin(CategoryAnswer, CategoryAnswer.category_id == Category.id)
        .where(Category.jury_id == jury.id)
        .group_by(Category.key)
    ).all()
    return {key: int(n) for key, n in rows}


def _(text: str, **variables: object) -> str:
    return str(gettext(text, **variables))


def _suggestion(s: lottery.Relaxation) -> str:
    if s.bound == "min":
        return _(
            "The engine suggests: lower the minimum from %(old)d to %(new)d.",
            old=s.current,
            new=s.suggested,
        )
    return _(
        "The engine suggests: raise the maximum from %(old)d to %(new)d.",
        old=s.current,
        new=s.suggested,
    )
