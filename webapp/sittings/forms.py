"""Forms of the sitting pages. Every label is a full, translatable phrase; errors name it."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.i18n import lazy_gettext as _l
from webapp.juries.texts import add_text_fields
from webapp.models import AgendaKind
from webapp.sittings.agenda import KIND_LABELS

FIRST_YEAR, LAST_YEAR = 2000, 2199  # sittings outside are typing mistakes


def _year_in_range(_form: FlaskForm, field: Any) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l("Please give a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _none_is_zero(value: int | None) -> int:
    """No venue chosen, or a sitting without one: 0 (the "no venue yet" choice)."""
    return value or 0


def _choices(form: FlaskForm, venues: Any, proposals: Any) -> None:
    form.venue_id.choices = [SelectChoice(0, _l("No venue yet"))] + [
        SelectChoice(v.id, v.name) for v in venues
    ]
    form.proposals.choices = [SelectChoice(p.id, p.title) for p in proposals]


def _place_or_venue(form: FlaskForm, field: StringField) -> None:
    if not (field.data or "").strip() and not form.venue_id.data:
        raise ValidationError(_l("Give the place, or choose a venue."))


class SittingForm(FlaskForm):  # type: ignore[misc]
    """One sitting: added from the jury page, or edited (with its venue and proposals)."""

    starts_at = DateTimeLocalField(
        _l("Starts at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(), _year_in_range]
    )
    ends_at = DateTimeLocalField(
        _l("Ends at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(), _year_in_range]
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])
    venue_id = SelectField(_l("Venue"), coerce=int, default=0, filters=[_none_is_zero])
    proposals = CheckboxesField(_l("Proposals on the agenda"), coerce=int)

    def __init__(self, *args: Any, venues: Any = (), proposals: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, venues, proposals)

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_place(self, field: StringField) -> None:
        _place_or_venue(self, field)


def _dates(text: str | None) -> list[date]:
    found = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            found.append(date.fromisoformat(line))
        except ValueError:
            # gettext, not the lazy form: a lazy string counts as safe HTML, and this one
            # holds what the organiser typed.
            raise ValidationError(
                gettext(
                    "Line %(n)d: %(text)s is not a date; write it as 2026-05-23.",
                    n=n,
                    text=line[:20],
                )
            ) from None
    return found


class SeriesForm(FlaskForm):  # type: ignore[misc]
    """A series of sittings: the same weekday and hours, every few weeks."""

    first_day = DateField(_l("First sitting on"), validators=[InputRequired(), _year_in_range])
    count = IntegerField(
        _l("Number of sittings"), default=8, validators=[InputRequired(), NumberRange(1, 60)]
    )
    weeks_between = IntegerField(
        _l("Weeks from one sitting to the next"),
        default=1,
        validators=[InputRequired(), NumberRange(1, 26)],
    )
    starts = TimeField(_l("Each sitting starts at"), default=time(10), validators=[InputRequired()])
    ends = TimeField(_l("Each sitting ends at"), default=time(17), validators=[InputRequired()])
    skip = TextAreaField(_l("Dates to skip, one per line (holidays)"))
    place = StringField(_l("Place"), validators=[Length(max=200)])
    venue_id = SelectField(_l("Venue"), coerce=int, default=0, filters=[_none_is_zero])
    proposals = CheckboxesField(_l("Proposals on the agenda"), coerce=int)

    def __init__(self, *args: Any, venues: Any = (), proposals: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, venues, proposals)

    def validate_place(self, field: StringField) -> None:
        _place_or_venue(self, field)

    def validate_ends(self, field: TimeField) -> None:
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_skip(self, field: TextAreaField) -> None:
        _dates(field.data)

    @property
    def skip_dates(self) -> tuple[date, ...]:
        return tuple(_dates(self.skip.data))


class VenueForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name of the venue"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    step_free = BooleanField(_l("Step-free access (no stairs, or a lift)"))
    hearing_loop = BooleanField(_l("Hearing loop in the room"))
    accessible_toilet = BooleanField(_l("Accessible toilet"))
    childcare = BooleanField(_l("Childcare on site"))


add_text_fields(
    VenueForm,
    "accessibility",
    _l("Accessibility notes for residents"),
    lambda label, **kw: TextAreaField(label, validators=[Length(max=2000)], **kw),
)
add_text_fields(
    VenueForm,
    "directions",
    _l("How to get there"),
    lambda label, **kw: TextAreaField(label, validators=[Length(max=2000)], **kw),
)


class AgendaItemForm(FlaskForm):  # type: ignore[misc]
    kind = SelectField(
        _l("Kind of item"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=AgendaKind.OTHER.value,
    )
    starts = TimeField(_l("Starts at"), validators=[InputRequired()])
    minutes = IntegerField(
        _l("Duration in minutes"), validators=[InputRequired(), NumberRange(1, 24 * 60)]
    )


add_text_fields(
    AgendaItemForm,
    "title",
    _l("Title"),
    lambda label, **kw: StringField(label, validators=[Length(max=200)], **kw),
)


class DocumentForm(FlaskForm):  # type: ignore[misc]
    document_title = StringField(_l("Title of the document"), validators=[Length(max=200)])
    file = FileField(_l("File"), validators=[FileRequired(_l("Please choose a file."))])


class ReminderSettingsForm(FlaskForm):  # type: ignore[misc]
    reminder_days = IntegerField(
        _l("Days before a sitting that members get a reminder (0: none)"),
        validators=[InputRequired(), NumberRange(0, 60)],
    )


class ConfirmActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something (remove, send now): only the CSRF token."""
