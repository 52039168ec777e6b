"""The form for one of a jury's own categories: its name and question in Dutch, Spanish and
English, and its answer options, each with a label per language and the quota value it counts
for. Every error names its field."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from webapp.categories.services import CategoryText, OptionText
from webapp.i18n import lazy_gettext as _l

LANGUAGE_NAMES = {"nl": _l("Dutch"), "es": _l("Spanish"), "en": _l("English")}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
BLANK_OPTIONS = 3  # empty option rows offered, so that options can be added without script


class OptionForm(Form):  # type: ignore[misc]
    """One answer option (a sub-form: the CSRF token is the outer form's)."""

    key = HiddenField()
    label_nl = StringField(_l("Answer in Dutch"), [Length(max=200)])
    label_es = StringField(_l("Answer in Spanish"), [Length(max=200)])
    label_en = StringField(_l("Answer in English"), [Length(max=200)])
    value = StringField(_l("Counts for the quota group"), [Length(max=80)])

    def texts(self) -> list[str]:
        return [(self[name].data or "").strip() for name in ("label_nl", "label_es", "label_en")]

    def is_blank(self) -> bool:
        return not any(self.texts()) and not (self.value.data or "").strip()


class CategoryForm(FlaskForm):  # type: ignore[misc]
    key = StringField(
        _l("Short name for the files (the column in pool.csv and quotas.csv)"),
        [DataRequired(), Length(max=40)],
    )
    name_nl = StringField(_l("Name of the category in Dutch"), [DataRequired(), Length(max=80)])
    name_es = StringField(_l("Name of the category in Spanish"), [DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name of the category in English"), [DataRequired(), Length(max=80)])
    question_nl = StringField(_l("Question in Dutch"), [DataRequired(), Length(max=300)])
    question_es = StringField(_l("Question in Spanish"), [DataRequired(), Length(max=300)])
    question_en = StringField(_l("Question in English"), [DataRequired(), Length(max=300)])
    options = FieldList(FormField(OptionForm), min_entries=2 + BLANK_OPTIONS)

    def __init__(
        self, *args: Any, taken: set[str], answered: dict[str, int] | None = None, **kwargs: Any
    ) -> None:
        """``taken``: short names in use; ``answered``: replies per option key (an option
        that residents chose cannot be removed, so that no answer is lost)."""
        super().__init__(*args, **kwargs)
        self.taken = taken
        self.answered = answered or {}

    def validate_key(self, field: StringField) -> None:
        key = (field.data or "").strip()
        if not KEY.match(key):
            raise ValidationError(
                _l(
                    "Short name: use lower-case letters, digits and _, starting with a "
                    "letter, such as education."
                )
            )
        if key in self.taken:
            raise ValidationError(
                _l("Short name: this jury has a category with this name already.")
            )

    def validate_options(self, field: FieldList) -> None:
        filled = [entry for entry in field.entries if not entry.form.is_blank()]
        for number, entry in enumerate(field.entries, start=1):
            chosen = self.answered.get((entry.form.key.data or "").strip(), 0)
            if entry.form.is_blank() and chosen:
                entry.form.label_nl.errors = [
                    *entry.form.label_nl.errors,
                    _l(
                        "Answer %(n)d: %(count)d residents chose it, so it cannot be removed. "
                        "Change its words or its quota group instead.",
                        n=number,
                        count=chosen,
                    ),
                ]
        for number, entry in enumerate(filled, start=1):
            option: OptionForm = entry.form
            if not all(option.texts()):
                option.label_nl.errors = [
                    *option.label_nl.errors,
                    _l(
                        "Answer %(n)d: please write it in Dutch, Spanish and English.",
                        n=number,
                    ),
                ]
            if not (option.value.data or "").strip():
                option.value.errors = [
                    *option.value.errors,
                    _l("Answer %(n)d: please say which quota group it counts for.", n=number),
                ]
        if len(filled) < 2:
            raise ValidationError(_l("Answers: please give at least two answers to choose from."))
        if any(entry.form.errors for entry in field.entries):
            raise ValidationError(_l("Answers: please complete every answer you started."))

    def summary(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, the answer rows included."""
        found: list[tuple[str, str]] = []
        for field in self:
            if field is self.options:
                for entry in field.entries:
                    found += [(sub.id, str(e)) for sub in entry.form for e in sub.errors]
                found += [(field.id, str(e)) for e in field.errors if not isinstance(e, dict)]
            else:
                found += [(field.id, f"{field.label.text}: {e}") for e in field.errors]
        return found

    def to_text(self) -> CategoryText:
        options = tuple(
            OptionText(
                key=(entry.form.key.data or "").strip(),
                label=dict(zip(("nl", "es", "en"), entry.form.texts(), strict=True)),
                value=entry.form.value.data.strip(),
            )
            for entry in self.options.entries
            if not entry.form.is_blank()
        )
        return CategoryText(
            key=self.key.data.strip(),
            name={lang: self[f"name_{lang}"].data.strip() for lang in LANGUAGE_NAMES},
            question={lang: self[f"question_{lang}"].data.strip() for lang in LANGUAGE_NAMES},
            options=options,
        )
