"""Forms of stage 1."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.i18n import lazy_gettext as _l

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


ADDRESS_LINES = 6
LINE_CHOICES = [SelectChoice("", _l("not on the letter"))] + [
    SelectChoice(str(n), _l("line %(n)d", n=n)) for n in range(1, ADDRESS_LINES + 1)
]


class ColumnCheckboxes(SelectMultipleField):  # type: ignore[misc]
    """Columns to tick: one checkbox each, no Ctrl-click as in a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DrawForm(FlaskForm):  # type: ignore[misc]
    stratum = SelectField(
        _l("District column"),
        validators=[DataRequired(_l("Choose the column that holds the district."))],
    )
    household = ColumnCheckboxes(_l("Household columns (one letter per address)"))
    id_column = SelectField(_l("Id column"), validators=[Optional()])
    addressee = SelectField(_l("Addressee column"), validators=[Optional()])
    # One select per register column: which line of the address it goes on.
    address_lines = FieldList(SelectField(choices=LINE_CHOICES), label=_l("Address on the letter"))
    gender = SelectField(_l("Gender column"), validators=[Optional()])
    birth_year = SelectField(_l("Birth year column"), validators=[Optional()])
    n = IntegerField(
        _l("Number of letters"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    weights = TextAreaField(_l("Weights per district"), validators=[Optional(), Length(max=5000)])
    seed_text = StringField(_l("Public seed text"), validators=[Optional(), Length(max=500)])
    language = SelectField(_l("Language of the letters"), choices=LETTER_LANGUAGES)
    confirm = BooleanField(_l("I have checked the allocation"))

    def set_columns(self, columns: list[str], *, formdata: Mapping[str, str] | None = None) -> None:
        """Offer the register's columns in every column choice (optional ones may be empty);
        the district column has no default: it is guessed, or the organiser chooses.
        ``formdata`` (the posted form) gives each column's address line back."""
        self.columns = columns
        named = [SelectChoice(c, c) for c in columns]
        none = [SelectChoice("", str(_l("(none)")))]
        self.stratum.choices = [SelectChoice("", str(_l("Choose a column"))), *named]
        self.household.choices = named
        for optional in (self.id_column, self.addressee, self.gender, self.birth_year):
            optional.choices = none + named
        # One select per column, by index ("address_lines-3" is the fourth column's line):
        # WTForms' FieldList renumbers the entries it reads, so they are rebuilt here.
        lines = self.address_lines
        lines.entries, lines.last_index = [], -1
        for column in columns:
            posted = (formdata or {}).get(f"{lines.name}-{lines.last_index + 1}", "")
            entry = lines.append_entry(posted)
            entry.label.text = column

    def address_specs(self) -> tuple[str, ...]:
        """The address lines in order, columns on one line joined by "+" (as in the
        ``sortition letters --address-columns`` option): ``("street+number", "city")``."""
        lines: dict[int, list[str]] = {}
        for entry, column in zip(self.address_lines, self.columns, strict=False):
            if entry.data:
                lines.setdefault(int(entry.data), []).append(column)
        return tuple("+".join(lines[n]) for n in sorted(lines))


class MarkSentForm(FlaskForm):  # type: ignore[misc]
    sent = BooleanField(_l("The letters are printed and sent"), validators=[DataRequired()])
