"""The survey's forms: the member's code, then the statements to rate and a comment."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from webapp.i18n import lazy_gettext as _l
from webapp.replies.forms import CodeForm
from webapp.survey.services import QUESTIONS, SCALE


class SurveyCodeForm(CodeForm):
    """The code from the member's first letter."""


class SurveyForm(FlaskForm):  # type: ignore[misc]
    ticket = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(
        _l("Anything else you want to tell us? (optional; please leave out names)"),
        validators=[Length(max=2000, message=_l("At most 2,000 characters."))],
    )

    def scores(self) -> dict[str, int | None]:
        return {name: self[name].data for name, _label in QUESTIONS}


for _name, _label in QUESTIONS:
    setattr(
        SurveyForm,
        _name,
        RadioField(
            _label,
            choices=[SelectChoice(value, label) for value, label in SCALE],
            coerce=int,
            validators=[Optional()],  # every statement may be skipped
        ),
    )
