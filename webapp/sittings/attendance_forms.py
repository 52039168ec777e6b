"""Forms of the check-in desk and the table plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from webapp.i18n import lazy_gettext as _l
from webapp.lottery.tables import MODES


class SearchForm(FlaskForm):  # type: ignore[misc]
    """Find a member by name (POST: a name never goes into an address or a log)."""

    q = StringField(_l("Name or reference"), validators=[Optional(), Length(max=100)])


class CheckInForm(FlaskForm):  # type: ignore[misc]
    """One tap: check a member in, or take a check-in back."""

    member = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    action = HiddenField(validators=[InputRequired(), Regexp(r"^(in|undo)$")])


class TimesForm(FlaskForm):  # type: ignore[misc]
    """A late arrival or an early departure: the times on the sitting's day."""

    member = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    arrived = TimeField(
        _l("Arrived at"), validators=[InputRequired(_l("Give the time of arrival."))]
    )
    left = TimeField(_l("Left at (empty: stayed to the end)"), validators=[Optional()])


MODE_LABELS = {
    "strict": _l("Mix at every table"),
    "soft": _l("Mix where it costs no repeated meeting"),
    "off": _l("Do not mix"),
}


class PlanForm(FlaskForm):  # type: ignore[misc]
    """Make the table plan (again)."""

    source = RadioField(
        _l("Whom to seat"),
        choices=[
            SelectChoice("present", _l("The members checked in")),
            SelectChoice("confirmed", _l("The confirmed members (before the sitting)")),
        ],
        validators=[InputRequired(_l("Choose whom to seat."))],
    )
    table_size = IntegerField(
        _l("Largest table"),
        default=7,
        validators=[
            InputRequired(_l("Give the largest table size, a whole number.")),
            NumberRange(2, 30, _l("A table seats between 2 and 30 members.")),
        ],
    )
    seed = StringField(
        _l("Seed (empty: a new one; the seed of a plan makes the same plan again)"),
        validators=[
            Optional(),
            Regexp(r"^\s*\d{1,18}\s*$", message=_l("A seed is a whole number of up to 18 digits.")),
        ],
    )


def plan_form(keys: Sequence[str], labels: Mapping[str, str], **kwargs: Any) -> PlanForm:
    """The plan form with a mixing choice per category of the jury (field ``mix_<key>``)."""

    class WithCategories(PlanForm):
        pass

    for key in keys:
        field = SelectField(
            labels.get(key, key),
            choices=[SelectChoice(m, MODE_LABELS[m]) for m in MODES],
            default="strict",
            validators=[InputRequired()],
        )
        setattr(WithCategories, f"mix_{key}", field)
    return WithCategories(**kwargs)


def mixing(form: PlanForm, keys: Sequence[str]) -> dict[str, str]:
    """{category key: mode} as chosen."""
    return {key: form[f"mix_{key}"].data for key in keys}


class MoveForm(FlaskForm):  # type: ignore[misc]
    """Seat a member at another table (0: take them out of the plan)."""

    member = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    table = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(0, 999)])
