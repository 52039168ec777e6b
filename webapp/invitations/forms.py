"""Forms of stage 1."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

LETTER_LANGUAGES = [
    SelectChoice("nl", "Nederlands"),
    SelectChoice("es", "Español"),
    SelectChoice("en", "English"),
]


class UploadForm(FlaskForm):  # type: ignore[misc]
    register = FileField(
        _l("Register file"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx"], _l("Choose a CSV or XLSX file.")),
        ],
    )


class DrawForm(FlaskForm):  # type: ignore[misc]
    stratum = SelectField(_l("District column"), validators=[DataRequired()])
    household = SelectMultipleField(_l("Household columns (one letter per address)"))
    id_column = SelectField(_l("Id column"), validators=[Optional()])
    addressee = SelectField(_l("Addressee column"), validators=[Optional()])
    address = SelectMultipleField(_l("Address columns, in the order of the lines"))
    gender = SelectField(_l("Gender column"), validators=[Optional()])
    birth_year = SelectField(_l("Birth year column"), validators=[Optional()])
    n = IntegerField(
        _l("Number of letters"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    weights = TextAreaField(_l("Weights per district"), validators=[Optional(), Length(max=5000)])
    seed_text = StringField(_l("Public seed text"), validators=[Optional(), Length(max=500)])
    language = SelectField(_l("Language of the letters"), choices=LETTER_LANGUAGES)
    confirm = BooleanField(_l("I have checked the allocation"))

    def set_columns(self, columns: list[str]) -> None:
        """Offer the register's columns in every column choice (optional ones may be empty)."""
        named = [SelectChoice(c, c) for c in columns]
        none = [SelectChoice("", str(_l("(none)")))]
        self.stratum.choices = named
        self.household.choices = named
        self.address.choices = named
        for optional in (self.id_column, self.addressee, self.gender, self.birth_year):
            optional.choices = none + named


class MarkSentForm(FlaskForm):  # type: ignore[misc]
    sent = BooleanField(_l("The letters are printed and sent"), validators=[DataRequired()])
