"""Forms of the members' pages: the resident's answer with their code, staff's calls."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.codes import CodeNotFound, find_invitation
from webapp.i18n import lazy_gettext as _l
from webapp.models import CallOutcome
from webapp.replies.forms import CODE_MESSAGES, CodeForm
from webapp.selection.labels import CALL_LABELS


class ConfirmForm(CodeForm):
    """The member types the code from their letter (the invitation's reply code, or the
    member code of the letter about the draw) and says whether they will serve."""

    answer = RadioField(
        _l("Will you serve on the jury?"),
        choices=[
            SelectChoice("confirm", _l("Yes, I will serve")),
            SelectChoice("decline", _l("No, I cannot serve")),
        ],
        validators=[InputRequired(_l("Choose yes or no."))],
    )

    def validate_code(self, field: Field) -> None:
        try:
            self.invitation = find_invitation(field.data or "", member_codes=True)
        except CodeNotFound as exc:
            raise ValidationError(CODE_MESSAGES[exc.problem]) from None


class CallForm(FlaskForm):  # type: ignore[misc]
    """The outcome of one call to a selected member."""

    member = HiddenField(validators=[InputRequired()])
    outcome = RadioField(
        _l("Outcome of the call"),
        choices=[SelectChoice(o.value, CALL_LABELS[o]) for o in CallOutcome],
        validators=[InputRequired(_l("Choose the outcome of the call."))],
    )
    note = TextAreaField(_l("Note (no health or other sensitive details)"), [Length(max=500)])


class WithdrawForm(FlaskForm):  # type: ignore[misc]
    """A confirmed member leaves the jury (told staff by letter, phone or e-mail)."""

    member = HiddenField(validators=[InputRequired()])


class LettersForm(FlaskForm):  # type: ignore[misc]
    """Send the letters or e-mails about the outcome of the draw."""

    confirm = StringField(default="y")
