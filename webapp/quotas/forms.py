"""The census form: a share per group of every category, and the tolerance in seats. Built per
jury, since each jury has its own categories and groups."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange

from webapp.i18n import lazy_gettext as _l
from webapp.quotas.census import CensusCategory, Shares, parse_percent, sum_problems


def _percent(form: FlaskForm, field: StringField) -> None:
    if (field.data or "").strip() and parse_percent(field.data) is None:
        raise ValidationError(_l("Write a number from 0 to 100, like 12.5."))


class CensusForm(FlaskForm):  # type: ignore[misc]
    tolerance = IntegerField(
        _l("Tolerance in seats"), validators=[InputRequired(), NumberRange(min=0, max=1000)]
    )

    categories: list[CensusCategory]
    category_errors: dict[str, str]

    def shares(self) -> Shares:
        """The shares typed in (empty fields left out)."""
        found: Shares = {}
        for category in self.categories:
            for group in category.groups:
                percent = parse_percent(self[group.field].data or "")
                if percent is not None:
                    found.setdefault(category.key, {})[group.value] = percent
        return found

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))
        labels = {c.key: c.label for c in self.categories}
        self.category_errors = sum_problems(self.shares(), labels) if ok else {}
        return ok and not self.category_errors

    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary."""
        found = [(f.id, f"{f.label.text}: {e}") for f in self for e in f.errors]
        found += [(f"cat-{key}", message) for key, message in self.category_errors.items()]
        return found


def census_form(categories: list[CensusCategory], **kwargs: Any) -> CensusForm:
    """A form with one share field per group (named by :func:`census.share_field`)."""
    attrs: dict[str, Any] = {}
    for category in categories:
        for group in category.groups:
            attrs[group.field] = StringField(
                f"{category.label} {group.value}", validators=[_percent]
            )
    form_class = type("JuryCensusForm", (CensusForm,), attrs)
    form: CensusForm = form_class(**kwargs)
    form.categories = categories
    form.category_errors = {}
    return form


class CensusFileForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        _l("Census file (CSV)"),
        validators=[
            FileRequired(_l("Census file: please choose a file.")),
            FileAllowed(["csv", "txt"], _l("Census file: please choose a .csv file.")),
        ],
    )
