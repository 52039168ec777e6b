"""The categories a jury stratifies on, and changing its own ones. Functions flush; the
request commits.

District, gender and age are built in: every jury has them, answered by the reply form's own
fields. A jury's own categories follow, in their order; each has a question per language and
answer options, and each option counts for a quota value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from webapp.extensions import db
from webapp.i18n import localised
from webapp.models import Category, CategoryAnswer, Jury, PopulationTarget, Reply

LANGUAGES = ("nl", "es", "en")


class Kind(StrEnum):
    DISTRICT = "district"
    GENDER = "gender"
    AGE = "age"
    OWN = "own"  # one of the jury's own categories


BUILT_IN = (Kind.DISTRICT.value, Kind.GENDER.value, Kind.AGE.value)
RESERVED = {*BUILT_IN, "id", "feature", "value", "category"}


@dataclass(frozen=True, slots=True)
class CategoryDef:
    """One category of a jury: built in (``row`` is None) or its own (``row`` holds the
    question and the options)."""

    key: str
    kind: Kind
    row: Category | None = None


@dataclass(frozen=True, slots=True)
class OptionText:
    key: str  # empty for a new option
    label: Mapping[str, str]
    value: str


@dataclass(frozen=True, slots=True)
class CategoryText:
    key: str
    name: Mapping[str, str]
    question: Mapping[str, str]
    options: tuple[OptionText, ...]


def own_categories(jury: Jury) -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).filter_by(jury_id=jury.id).order_by(Category.position, Category.id)
        )
    )


def categories_of(jury: Jury) -> list[CategoryDef]:
    """District, gender, age, then the jury's own categories in their order."""
    built_in = [CategoryDef(key, Kind(key)) for key in BUILT_IN]
    return built_in + [CategoryDef(c.key, Kind.OWN, c) for c in own_categories(jury)]


def category_keys(jury: Jury) -> list[str]:
    return [c.key for c in categories_of(jury)]


def own_category(jury: Jury, category_id: int) -> Category | None:
    found = db.session.get(Category, category_id)
    return found if found is not None and found.jury_id == jury.id else None


def answer_counts(category: Category) -> dict[str, int]:
    """How many replies gave each option (personal data stays in the database)."""
    rows = db.session.execute(
        sa.select(CategoryAnswer.option, sa.func.count())
        .where(CategoryAnswer.category_id == category.id)
        .group_by(CategoryAnswer.option)
    ).all()
    return {option: int(n) for option, n in rows}


def answers_by_reply(jury: Jury) -> dict[int, dict[str, str]]:
    """{reply id: {category key: quota value}} for the jury's own categories."""
    rows = db.session.execute(
        sa.select(CategoryAnswer.reply_id, Category.key, Category.options, CategoryAnswer.option)
        .join(Category, CategoryAnswer.category_id == Category.id)
        .join(Reply, CategoryAnswer.reply_id == Reply.id)
        .where(Reply.jury_id == jury.id)
    ).all()
    found: dict[int, dict[str, str]] = {}
    for reply_id, key, options, option in rows:
        value = next((str(o["value"]) for o in options if o["key"] == option), None)
        if value is not None:
            found.setdefault(reply_id, {})[key] = value
    return found


def save_category(jury: Jury, text: CategoryText, category: Category | None = None) -> Category:
    """Create a category (``category`` None) or change one. Options keep their keys; a new
    option gets the next free key. Options left out are removed, with any answers given in the
    meantime (the form refuses to remove an option that residents chose)."""
    if category is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Category.position)).filter_by(jury_id=jury.id)
        )
        category = Category(jury_id=jury.id, position=(last or 0) + 1)
        db.session.add(category)
    old_keys = {o["key"] for o in category.options or []}
    used = {int(k[1:]) for k in old_keys if k[1:].isdigit()}
    options = []
    for option in text.options:
        key = option.key if option.key in old_keys else ""
        if not key:
            number = max(used, default=0) + 1
            used.add(number)
            key = f"o{number}"
        options.append({"key": key, "label": dict(option.label), "value": option.value})
    category.key = text.key
    category.name = dict(text.name)
    category.question = dict(text.question)
    category.options = options
    db.session.flush()
    removed = old_keys - {o["key"] for o in options}
    if removed:
        db.session.execute(
            sa.delete(CategoryAnswer).where(
                CategoryAnswer.category_id == category.id, CategoryAnswer.option.in_(removed)
            )
        )
    return category


def delete_category(category: Category) -> None:
    """Remove the category, its answers and its population shares."""
    db.session.execute(
        sa.delete(PopulationTarget).filter_by(jury_id=category.jury_id, category=category.key)
    )
    db.session.execute(sa.delete(CategoryAnswer).filter_by(category_id=category.id))
    db.session.delete(category)
    db.session.flush()


def option_choices(category: Category) -> list[tuple[str, str]]:
    """(option key, label in the page's language) for the reply form."""
    return [(o["key"], localised(o["label"])) for o in category.options]


def value_labels(category: Category) -> dict[str, str]:
    """Each quota value with the labels of the options that count for it, for residents."""
    labels: dict[str, list[str]] = {}
    for option in category.options:
        labels.setdefault(str(option["value"]), []).append(localised(option["label"]))
    return {value: " / ".join(texts) for value, texts in labels.items()}


def renamed_shares(old_key: str, new_key: str, jury: Jury) -> None:
    """Population shares follow a category whose key changes."""
    if old_key != new_key:
        db.session.execute(
            sa.update(PopulationTarget)
            .filter_by(jury_id=jury.id, category=old_key)
            .values(category=new_key)
        )
        db.session.flush()


def keys_in_use(jury: Jury, *, besides: Category | None = None) -> set[str]:
    taken: Sequence[str] = [c.key for c in own_categories(jury) if c is not besides]
    return {*RESERVED, *taken}


def category_labels(jury: Jury) -> dict[str, str]:
    """Each category's name in the page's language, by key (a template global)."""
    from flask_babel import gettext as _

    labels = {"district": _("District"), "gender": _("Gender"), "age": _("Age")}
    for category in own_categories(jury):
        labels[category.key] = localised(category.name) or category.key
    return labels
