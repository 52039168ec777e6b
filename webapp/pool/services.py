"""Pool figures per category, and the pool and quota files for ``sortition select``."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp import lottery
from webapp.categories.services import answers_by_reply, category_keys, own_categories
from webapp.extensions import db
from webapp.models import Answer, Invitation, InvitationBatch, Jury, PopulationTarget, Reply

SOURCES = ("register", "invited", "replied", "volunteers")


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One category value: counts per source, and shares (percent of the source's known
    values in this category; None when the source has no figures for the category)."""

    value: str
    counts: Mapping[str, int]
    shares: Mapping[str, float | None]
    target: float | None


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    category: str
    rows: tuple[FigureRow, ...]
    totals: Mapping[str, int]
    unanswered: int = 0  # volunteers whose value in this category is not known


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A volunteer as the selection sees them: the reply reference, the value in every
    category, and ``household``: a label shared by the volunteers whose invitations went to
    the same address (None: no address known), so that two of them are never both drawn."""

    id: str
    features: Mapping[str, str | None]
    household: str | None = None


def household_key(address: Mapping[str, object] | None) -> str | None:
    """The same label for the same address lines (case, spacing and punctuation aside; the
    addressee does not count); None without address lines. A hash: no address leaves the
    database this way."""
    lines = address.get("lines") if isinstance(address, Mapping) else None
    if not isinstance(lines, list):
        return None
    words = " ".join(str(line) for line in lines if line).casefold()
    text = " ".join("".join(c if c.isalnum() else " " for c in words).split())
    if not text:
        return None
    return "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def volunteers_and_replies(jury: Jury, *, year: int) -> list[tuple[bool, dict[str, str | None]]]:
    """(volunteers?, {category: value}) per reply, with the jury's mapping applied."""
    keys, mapping = category_keys(jury), lottery.category_mapping(jury.category_mapping)
    own = answers_by_reply(jury)
    rows = db.session.execute(
        sa.select(
            Reply.id,
            Reply.answer,
            Reply.district,
            Invitation.stratum,
            Reply.gender,
            Reply.birth_year,
        )
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Reply.jury_id == jury.id)
    ).all()
    return [
        (
            answer == Answer.YES,
            _features(keys, mapping, district or stratum, gender, birth_year, year, own.get(id_)),
        )
        for id_, answer, district, stratum, gender, birth_year in rows
    ]


def reply_features(
    jury: Jury, reply_ids: Iterable[int], *, year: int
) -> dict[int, dict[str, str | None]]:
    """{reply id: {category: value}} for some replies (members, say), the jury's mapping
    applied, None where a value is not known."""
    keys, mapping = category_keys(jury), lottery.category_mapping(jury.category_mapping)
    own = answers_by_reply(jury)
    rows = db.session.execute(
        sa.select(Reply.id, Reply.district, Invitation.stratum, Reply.gender, Reply.birth_year)
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Reply.jury_id == jury.id, Reply.id.in_(list(reply_ids)))
    ).all()
    return {
        id_: _features(keys, mapping, district or stratum, gender, birth_year, year, own.get(id_))
        for id_, district, stratum, gender, birth_year in rows
    }


def _features(
    keys: Sequence[str],
    mapping: lottery.CategoryMapping,
    district: str | None,
    gender: str | None,
    birth_year: int | None,
    year: int,
    own: Mapping[str, str] | None,
) -> dict[str, str | None]:
    """A reply's value in every category of the jury (None: not known), in category order."""
    known: dict[str, str | None] = {
        "district": district or None,
        "gender": mapping.gender.get(gender) if gender else None,
        "age": lottery.age_band(birth_year, bands=mapping.age_bands, year=year),
        **(own or {}),
    }
    return {key: known.get(key) for key in keys}


def _source_counts(jury: Jury, *, year: int) -> dict[str, dict[str, Counter[str]]]:
    batches = db.session.scalars(
        sa.select(InvitationBatch).filter_by(jury_id=jury.id).order_by(InvitationBatch.id)
    ).all()
    counts: dict[str, dict[str, Counter[str]]] = {s: {} for s in SOURCES}
    if batches:  # the latest register stands for the population
        for category, values in batches[-1].register_counts.items():
            counts["register"][category] = Counter(values)
    for batch in batches:
        for category, values in batch.invited_counts.items():
            counts["invited"].setdefault(category, Counter()).update(values)
    for volunteers, features in volunteers_and_replies(jury, year=year):
        for category, value in features.items():
            if value is None:
                continue
            counts["replied"].setdefault(category, Counter())[value] += 1
            if volunteers:
                counts["volunteers"].setdefault(category, Counter())[value] += 1
    return counts


def pool_figures(jury: Jury, *, year: int | None = None) -> list[CategoryFigures]:
    """Counts and shares per category and value for register, invited, replied, volunteers."""
    year = year or date.today().year
    counts = _source_counts(jury, year=year)
    volunteers = (
        db.session.scalar(
            sa.select(sa.func.count()).where(Reply.jury_id == jury.id, Reply.answer == Answer.YES)
        )
        or 0
    )
    targets = population_targets(jury)
    figures = []
    for category in category_keys(jury):
        per_source = {s: counts[s].get(category) for s in SOURCES}
        values = set(targets.get(category, {}))
        for counter in per_source.values():
            values |= set(counter or {})
        totals = {s: sum((c or Counter()).values()) for s, c in per_source.items()}
        rows = tuple(
            FigureRow(
                value=value,
                counts={s: (c or Counter())[value] for s, c in per_source.items()},
                shares={
                    s: (100 * c[value] / totals[s]) if c and totals[s] else None
                    for s, c in per_source.items()
                },
                target=targets.get(category, {}).get(value),
            )
            for value in ordered_values(values, category, jury)
        )
        unanswered = volunteers - totals["volunteers"]
        figures.append(CategoryFigures(category, rows, totals, unanswered))
    return figures


def ordered_values(values: Iterable[str], category: str, jury: Jury) -> list[str]:
    if category == "age":
        labels = lottery.band_labels(lottery.category_mapping(jury.category_mapping).age_bands)
        return [v for v in labels if v in values] + sorted(set(values) - set(labels))
    for own in own_categories(jury):
        if own.key == category:
            return [v for v in own.values if v in values] + sorted(set(values) - set(own.values))
    return sorted(values)


def population_targets(jury: Jury) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for t in db.session.scalars(sa.select(PopulationTarget).filter_by(jury_id=jury.id)):
        found.setdefault(t.category, {})[t.value] = float(t.percent)
    return found


def pool(jury: Jury, *, year: int | None = None) -> tuple[list[Volunteer], int]:
    """The volunteers who consented, with their value in every category of the jury (in
    category order; ordered by reference), and how many volunteers were left out because
    their value in some category is unknown."""
    year = year or date.today().year
    keys, mapping = category_keys(jury), lottery.category_mapping(jury.category_mapping)
    own = answers_by_reply(jury)
    rows = db.session.execute(
        sa.select(
            Reply.id,
            Reply.reference,
            Reply.district,
            Invitation.stratum,
            Reply.gender,
            Reply.birth_year,
            Invitation.address,
        )
        .join(Invitation, Reply.invitation_id == Invitation.id)
        .where(Reply.jury_id == jury.id, Reply.answer == Answer.YES, Reply.consent.is_(True))
        .order_by(Reply.reference)
    ).all()
    people, left_out = [], 0
    for id_, reference, district, stratum, gender, birth_year, address in rows:
        features = _features(
            keys, mapping, district or stratum, gender, birth_year, year, own.get(id_)
        )
        if any(v is None for v in features.values()):
            left_out += 1
        else:
            people.append(
                Volunteer(id=reference, features=features, household=household_key(address))
            )
    return people, left_out


def pool_csv(people: Sequence[Volunteer], categories: Sequence[str]) -> str:
    """``id,district,gender,age,...``: the pool file ``sortition select`` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *categories])
    for person in people:
        cells = [person.id, *(person.features[c] for c in categories)]
        writer.writerow([lottery.csv_cell(c) for c in cells])
    return out.getvalue()


def quota_bounds(percent: float, panel_size: int, *, tolerance: int = 0) -> tuple[int, int]:
    """The target share of the panel, give or take ``tolerance`` seats, and never tighter
    than rounded down and up: 51% of 49 is 24.99 -> (24, 25); 50% of 10 is (5, 5) with no
    tolerance and (4, 6) with one seat."""
    ideal = percent * panel_size / 100
    # Round away float noise first, so that 50% of 10 is exactly (5, 5).
    ideal = round(ideal, 9)
    low = min(math.floor(ideal), math.ceil(round(ideal - tolerance, 9)))
    high = max(math.ceil(ideal), math.floor(round(ideal + tolerance, 9)))
    return max(0, low), min(panel_size, high)


@dataclass(frozen=True, slots=True)
class QuotaRow:
    """A quota on the panel: between ``min`` and ``max`` members with ``value`` in
    ``category``."""

    category: str
    value: str
    min: int
    max: int


def quota_rows(jury: Jury) -> list[QuotaRow]:
    """The panel's quotas, from the population targets and the panel size: what the selection
    runs with and what ``quotas.csv`` holds."""
    targets = population_targets(jury)
    rows = []
    for category in category_keys(jury):
        for value in ordered_values(targets.get(category, {}), category, jury):
            percent = targets[category][value]
            low, high = quota_bounds(percent, jury.panel_size, tolerance=jury.quota_tolerance)
            rows.append(QuotaRow(category, value, low, high))
    return rows


def quotas_csv(jury: Jury) -> str:
    """``feature,value,min,max``: the quota file ``sortition select`` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for row in quota_rows(jury):
        writer.writerow([lottery.csv_cell(c) for c in (row.category, row.value, row.min, row.max)])
    return out.getvalue()
