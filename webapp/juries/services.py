"""Creating and changing juries. Functions flush; the request commits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import (
    Jury,
    JuryMembership,
    Phase,
    PhaseKind,
    PopulationTarget,
    Role,
    User,
)


@dataclass(frozen=True, slots=True)
class JuryDetails:
    name: str
    purpose: Mapping[str, str]  # per language, see webapp.i18n.localised
    decision: Mapping[str, str]
    panel_size: int
    minimum_age: int
    reply_deadline: date | None
    retention_days: int
    declarations: tuple[Mapping[str, str], ...]
    districts: tuple[str, ...]
    category_mapping: Mapping[str, object]
    language: str = "en"  # the fallback for texts missing in a resident's language


@dataclass(frozen=True, slots=True)
class Target:
    category: str
    value: str
    percent: float


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60] or "jury"


def _free_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(sa.select(Jury.id).where(Jury.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_jury(details: JuryDetails, *, creator: User) -> Jury:
    """A new jury; an organiser who creates it becomes its member."""
    jury = Jury(slug=_free_slug(details.name))
    _apply(jury, details)
    db.session.add(jury)
    db.session.flush()
    if creator.has_role(Role.ORGANISER):
        db.session.add(JuryMembership(jury_id=jury.id, user_id=creator.id))
        db.session.flush()
    return jury


def update_jury(jury: Jury, details: JuryDetails) -> None:
    _apply(jury, details)
    db.session.flush()


def _apply(jury: Jury, details: JuryDetails) -> None:
    jury.name = details.name.strip()
    jury.purpose = _stripped(details.purpose)
    jury.decision = _stripped(details.decision)
    jury.language = details.language
    jury.panel_size = details.panel_size
    jury.minimum_age = details.minimum_age
    jury.reply_deadline = details.reply_deadline
    jury.retention_days = details.retention_days
    jury.declarations = [_stripped(d) for d in details.declarations if _stripped(d)]
    jury.districts = list(details.districts)
    jury.category_mapping = dict(details.category_mapping)


def _stripped(texts: Mapping[str, str]) -> dict[str, str]:
    return {lang: text.strip() for lang, text in texts.items() if text.strip()}


def set_phases(jury: Jury, dates: Mapping[PhaseKind, tuple[date, date] | None]) -> None:
    """Replace the jury's phases: one per kind given with dates; None removes the phase."""
    by_kind = {p.kind: p for p in jury.phases}
    for kind, span in dates.items():
        phase = by_kind.get(kind)
        if span is None:
            if phase is not None:
                jury.phases.remove(phase)
            continue
        if phase is None:
            phase = Phase(kind=kind)
            jury.phases.append(phase)
        phase.starts_on, phase.ends_on = span
    db.session.flush()


def targets_of(jury: Jury) -> list[PopulationTarget]:
    return list(
        db.session.scalars(
            sa.select(PopulationTarget)
            .filter_by(jury_id=jury.id)
            .order_by(PopulationTarget.category, PopulationTarget.value)
        )
    )


def set_targets(jury: Jury, targets: Sequence[Target]) -> None:
    """Replace every population target of the jury."""
    db.session.execute(sa.delete(PopulationTarget).filter_by(jury_id=jury.id))
    db.session.add_all(
        PopulationTarget(jury_id=jury.id, category=t.category, value=t.value, percent=t.percent)
        for t in targets
    )
    db.session.flush()
