"""Population shares per category: the groups each category has, the shares stored, the
shares' checks, and ``category,value,percent`` files. Functions flush; the request commits.

Every message names the field, or the file, row and column, in the page's language.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import lottery
from webapp.categories.services import Kind, categories_of, category_labels
from webapp.extensions import db
from webapp.models import InvitationBatch, Jury, PopulationTarget
from webapp.pool.services import Volunteer

Shares = dict[str, dict[str, float]]  # category -> value -> percent
SUM_SLACK = 1.0  # census tables round: shares may add up to 99 to 101 percent


@dataclass(frozen=True, slots=True)
class Group:
    value: str
    field: str  # the form field of its share
    percent: float | None
    pool: int  # volunteers in the pool with this value
    known: bool  # False: a stored share for a group the category no longer has


@dataclass(frozen=True, slots=True)
class CensusCategory:
    key: str
    label: str
    groups: tuple[Group, ...]


def share_field(category: str, value: str) -> str:
    """A form field name for any value (values may hold spaces, accents or commas)."""
    return f"share_{category}_{hashlib.sha1(value.encode()).hexdigest()[:10]}"


def stored_shares(jury: Jury) -> Shares:
    found: Shares = {}
    for t in db.session.scalars(sa.select(PopulationTarget).filter_by(jury_id=jury.id)):
        found.setdefault(t.category, {})[t.value] = float(t.percent)
    return found


def known_values(jury: Jury) -> dict[str, list[str]]:
    """The groups of each category, in their natural order."""
    mapping = lottery.category_mapping(jury.category_mapping)
    batch = db.session.scalar(
        sa.select(InvitationBatch).filter_by(jury_id=jury.id).order_by(InvitationBatch.id.desc())
    )
    registered = list((batch.register_counts if batch else {}).get("district", {}))
    found: dict[str, list[str]] = {}
    for category in categories_of(jury):
        if category.kind == Kind.DISTRICT:
            values = [*jury.districts, *sorted(registered)]
        elif category.kind == Kind.GENDER:
            values = list(mapping.gender.values())
        elif category.kind == Kind.AGE:
            values = lottery.band_labels(mapping.age_bands)
        else:
            values = category.row.values if category.row else []
        found[category.key] = list(dict.fromkeys(values))
    return found


def census(
    jury: Jury, people: list[Volunteer], shares: Shares | None = None
) -> list[CensusCategory]:
    """Every category with its groups, their shares (stored, or ``shares``) and pool counts.
    Stored shares for groups the category no longer has are listed too, so nothing is lost."""
    shares = stored_shares(jury) if shares is None else shares
    labels, known = category_labels(jury), known_values(jury)
    result = []
    for key, values in known.items():
        counts = Counter(str(p.features.get(key)) for p in people)
        extra = [v for v in shares.get(key, {}) if v not in values]
        groups = tuple(
            Group(v, share_field(key, v), shares.get(key, {}).get(v), counts[v], v in values)
            for v in [*values, *extra]
        )
        result.append(CensusCategory(key, labels[key], groups))
    return result


def sum_problems(shares: Shares, labels: Mapping[str, str]) -> dict[str, str]:
    """{category: message} for every category whose shares do not add up to about 100."""
    found = {}
    for key, values in shares.items():
        total = sum(values.values())
        if values and abs(total - 100) > SUM_SLACK:
            found[key] = _(
                "%(category)s: the shares add up to %(total).1f%%, not 100%%. Please check them.",
                category=labels.get(key, key),
                total=total,
            )
    return found


def save_shares(jury: Jury, shares: Shares, *, categories: set[str]) -> None:
    """Replace the shares of ``categories`` with ``shares`` (the other categories keep theirs)."""
    if categories:
        db.session.execute(
            sa.delete(PopulationTarget).where(
                PopulationTarget.jury_id == jury.id, PopulationTarget.category.in_(categories)
            )
        )
    db.session.add_all(
        PopulationTarget(jury_id=jury.id, category=key, value=value, percent=percent)
        for key, values in shares.items()
        if key in categories
        for value, percent in values.items()
    )
    db.session.flush()


class CensusFileError(Exception):
    """Every problem of an uploaded census file, each naming the file, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_percent(text: str) -> float | None:
    """12.5, 12,5 or 12.5%: a percentage between 0 and 100; None when it is not one."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        percent = float(cleaned)
    except ValueError:
        return None
    return percent if 0 <= percent <= 100 else None


def read_census_file(data: bytes, filename: str, jury: Jury) -> Shares:
    """Shares from a ``category,value,percent`` file (a header row, then one row per group).
    Raises :class:`CensusFileError` with every problem; nothing is stored here."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CensusFileError(
            [_("%(file)s: the file is not UTF-8 text. Save it as CSV (UTF-8).", file=filename)]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:  # a cell longer than the csv module's limit, a stray quote
        raise CensusFileError(
            [
                _(
                    "%(file)s, row %(row)d: this row cannot be read as CSV (%(why)s).",
                    file=filename,
                    row=reader.line_num,
                    why=str(exc),
                )
            ]
        ) from None
    header = [h.strip().lower() for h in rows[0]] if rows else []
    missing = [c for c in ("category", "value", "percent") if c not in header]
    if missing:
        raise CensusFileError(
            [
                _(
                    "%(file)s, row 1: the columns category, value and percent are needed; "
                    "missing: %(columns)s.",
                    file=filename,
                    columns=", ".join(missing),
                )
            ]
        )
    shares, problems = _read_rows(rows, header, filename, jury)
    if problems:
        raise CensusFileError(problems)
    labels = category_labels(jury)
    sums = sum_problems(shares, labels)
    if sums:
        raise CensusFileError([f"{filename}: {m}" for m in sums.values()])
    return shares


def _read_rows(
    rows: list[list[str]], header: list[str], filename: str, jury: Jury
) -> tuple[Shares, list[str]]:
    index = {name: header.index(name) for name in ("category", "value", "percent")}
    known, labels = known_values(jury), category_labels(jury)
    shares: Shares = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: (row[i].strip() if i < len(row) else "") for n, i in index.items()}
        where = {"file": filename, "row": number}
        if cells["category"] not in known:
            problems.append(
                _(
                    "%(file)s, row %(row)d, column category: %(value)s is not a category of "
                    "this jury (%(known)s).",
                    value=repr(cells["category"]),
                    known=", ".join(known),
                    **where,
                )
            )
            continue
        values = known[cells["category"]]
        if cells["value"] not in values:
            problems.append(
                _(
                    "%(file)s, row %(row)d, column value: %(category)s has no group %(value)s "
                    "(%(known)s).",
                    category=labels[cells["category"]],
                    value=repr(cells["value"]),
                    known=", ".join(values),
                    **where,
                )
            )
            continue
        percent = parse_percent(cells["percent"])
        if percent is None:
            problems.append(
                _(
                    "%(file)s, row %(row)d, column percent: write a number from 0 to 100, "
                    "like 12.5.",
                    **where,
                )
            )
            continue
        if cells["value"] in shares.get(cells["category"], {}):
            problems.append(_("%(file)s, row %(row)d: this group is in the file twice.", **where))
            continue
        shares.setdefault(cells["category"], {})[cells["value"]] = percent
    return shares, problems
