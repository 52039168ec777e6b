"""Forms of the selection pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.i18n import lazy_gettext as _l


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something (cancel): only the CSRF token."""


class StartForm(FlaskForm):  # type: ignore[misc]
    """Start the computation: first announce where the randomness of the draw will come
    from; it becomes part of the published commitment. ``job`` (a replacement after an
    impossible one) names the job whose suggested relaxation the organiser accepts."""

    source = TextAreaField(
        _l("Source of the randomness"),
        [
            DataRequired(_l("Say where the randomness will come from.")),
            Length(max=500, message=_l("At most 500 characters.")),
        ],
    )
    panels = IntegerField(
        _l("Number of panels in the lottery"),
        [
            InputRequired(_l("Give a whole number.")),
            NumberRange(10, 10000, _l("Between 10 and 10,000.")),
        ],
        default=1000,
    )
    job = HiddenField()


class RandomnessForm(FlaskForm):  # type: ignore[misc]
    """The public randomness, typed in as it was produced (dice, a lottery's result)."""

    randomness = StringField(
        _l("The randomness"),
        [
            DataRequired(_l("Type the dice rolls or the lottery result.")),
            Length(max=500, message=_l("At most 500 characters.")),
        ],
    )
    checked = BooleanField(
        _l("I typed the randomness exactly as it was produced, in public."),
        [DataRequired(_l("Tick the box to confirm."))],
    )
