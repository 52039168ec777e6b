"""Representativeness per category, and the histogram of selection probabilities: aggregate
figures only, so the same numbers serve the staff page and the public page."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from webapp.categories.services import Kind, categories_of, category_labels, value_labels
from webapp.models import Category, Jury
from webapp.pool.services import Volunteer, ordered_values, population_targets

STAGES = ("population", "pool", "selected", "confirmed")


@dataclass(frozen=True, slots=True)
class Row:
    value: str
    label: str
    shares: dict[str, float | None]  # stage -> percent; None: no figures for that stage
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class CategoryReport:
    key: str
    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    count: int


def representation(
    jury: Jury,
    people: Sequence[Volunteer],
    *,
    selected: Sequence[str] | None,
    confirmed: Sequence[str] | None,
) -> list[CategoryReport]:
    """Per category and group: the census share, and the share of the pool, of the selected
    and of the confirmed (None for a stage with no figures yet)."""
    targets, labels = population_targets(jury), category_labels(jury)
    groups = {
        "pool": list(people),
        "selected": _subset(people, selected),
        "confirmed": _subset(people, confirmed),
    }
    reports = []
    for category in categories_of(jury):
        key = category.key
        counts = {s: Counter(str(p.features[key]) for p in g or []) for s, g in groups.items()}
        values = set(targets.get(key, {})) | {v for c in counts.values() for v in c}
        names = _value_names(category.kind, category.row)
        rows = tuple(
            Row(
                value=value,
                label=names.get(value, value),
                shares={
                    "population": targets.get(key, {}).get(value),
                    **{s: _share(counts[s][value], g) for s, g in groups.items()},
                },
                counts={s: counts[s][value] for s in groups},
            )
            for value in ordered_values(values, key, jury)
        )
        reports.append(CategoryReport(key, labels[key], rows))
    return reports


def _subset(
    people: Sequence[Volunteer], references: Sequence[str] | None
) -> list[Volunteer] | None:
    if references is None:
        return None
    wanted = set(references)
    return [p for p in people if p.id in wanted]


def _share(count: int, group: Sequence[Volunteer] | None) -> float | None:
    return 100 * count / len(group) if group else None


def _value_names(kind: Kind, row: Category | None) -> dict[str, str]:
    """Names of the groups for residents: gender groups translated, own categories by the
    labels of their answers."""
    if kind == Kind.GENDER:
        return {"female": _("Women"), "male": _("Men"), "other": _("Other")}
    return value_labels(row) if row is not None else {}


def histogram(probabilities: Sequence[float], *, bins: int = 10) -> list[Bin]:
    """``bins`` equal bins from 0 to the largest probability (rounded up to a round number),
    each with how many volunteers fall in it; the last bin includes its upper edge."""
    if not probabilities:
        return []
    top = _round_up(max(probabilities))
    width = top / bins
    counts = [0] * bins
    for p in probabilities:
        counts[min(bins - 1, int(p / width))] += 1
    return [Bin(i * width, (i + 1) * width, counts[i]) for i in range(bins)]


def _round_up(value: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``value``: 0.037 -> 0.05."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power
