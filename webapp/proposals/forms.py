"""The proposal forms: imports for staff, the board for residents. Every message names its
field and is translated."""

from __future__ import annotations

from flask_babel import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    IntegerField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, ValidationError

from webapp.codes import CodeNotFound, CodeProblem, find_invitation
from webapp.i18n import lazy_gettext as _l
from webapp.juries.texts import add_text_fields, texts_of
from webapp.models.invitations import Invitation
from webapp.models.proposals import ProposalStatus
from webapp.replies.forms import CODE_MESSAGES

STATUS_LABELS = {
    ProposalStatus.RECEIVED: _l("Received"),
    ProposalStatus.ON_AGENDA: _l("On the jury's agenda"),
    ProposalStatus.VERDICT: _l("Verdict given; the municipality's response is due"),
    ProposalStatus.RESPONSE_DUE: _l("The municipality has responded"),
    ProposalStatus.IMPLEMENTED: _l("Implemented"),
}


def _api_url(_form: FlaskForm, field: Field) -> None:
    if not str(field.data or "").startswith(("https://", "http://")):
        raise ValidationError(_l("The address starts with https:// (or http://)."))


def _api_field(label: str | LazyString) -> URLField:
    return URLField(
        label, validators=[DataRequired(_l("Please give the address.")), _api_url, Length(max=500)]
    )


class _ImportForm(FlaskForm):  # type: ignore[misc]
    limit = IntegerField(
        _l("How many proposals"),
        default=10,
        validators=[NumberRange(1, 100, _l("A number from 1 to 100."))],
    )


class DecidimForm(_ImportForm):
    api_url = _api_field(_l("Address of the Decidim API"))
    process_id = StringField(
        _l("Participatory process id"),
        validators=[DataRequired(_l("Please give the id.")), Length(max=40)],
    )
    component_id = StringField(
        _l("Proposals component id"),
        validators=[DataRequired(_l("Please give the id.")), Length(max=40)],
    )


class ConsulForm(_ImportForm):
    api_url = _api_field(_l("Address of the CONSUL API"))


class CsvForm(FlaskForm):  # type: ignore[misc]
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Please choose a file."))])


class BoardSettingsForm(FlaskForm):  # type: ignore[misc]
    is_open = BooleanField(_l("The board is open for proposals and supports"))
    support_threshold = IntegerField(
        _l("Supports a proposal needs"),
        validators=[NumberRange(1, 1_000_000, _l("A whole number of at least 1."))],
    )


class EmptyForm(FlaskForm):  # type: ignore[misc]
    """A button: CSRF only."""


CODE_FIELD = {
    "render_kw": {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
}


class _CodeForm(FlaskForm):  # type: ignore[misc]
    """A reply code from a letter of this jury: the resident is one of the invited."""

    code = StringField(_l("Your code"), **CODE_FIELD)
    invitation: Invitation | None = None

    def __init__(self, *args: object, jury_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.jury_id = jury_id

    def validate_code(self, field: Field) -> None:
        try:
            invitation = find_invitation(field.data or "")
        except CodeNotFound as exc:
            raise ValidationError(CODE_MESSAGES[exc.problem]) from None
        if invitation.jury_id != self.jury_id:  # another jury's letter
            raise ValidationError(CODE_MESSAGES[CodeProblem.UNKNOWN])
        self.invitation = invitation


class SubmitForm(_CodeForm):
    title = StringField(
        _l("Title of your proposal"),
        validators=[
            DataRequired(_l("Please give your proposal a title.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
    )
    summary = TextAreaField(
        _l("What do you propose, and why?"),
        validators=[
            DataRequired(_l("Please describe your proposal.")),
            Length(max=5000, message=_l("At most 5,000 characters.")),
        ],
    )


class SupportCodeForm(_CodeForm):
    pass


class SupportEmailForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(_l("Please give your e-mail address.")),
            Email(_l("This is not an e-mail address, like name@example.org.")),
        ],
    )


class ResponseForm(FlaskForm):  # type: ignore[misc]
    """The municipality's response to a verdict, per language (residents read it)."""

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not texts_of(self, "response"):
            self["response_en"].errors.append(
                _l("Please write the response in one language at least.")
            )
            return False
        return True


add_text_fields(
    ResponseForm,
    "response",
    _l("The municipality's response"),
    lambda label, **kw: TextAreaField(
        label, validators=[Length(max=10_000, message=_l("At most 10,000 characters."))], **kw
    ),
)


class ResponseSettingsForm(FlaskForm):  # type: ignore[misc]
    response_days = IntegerField(
        _l("Days the municipality has to respond to a verdict"),
        validators=[NumberRange(1, 3650, _l("A whole number from 1 to 3,650."))],
    )
    warning_days = IntegerField(
        _l("Warn staff this many days before the response is due"),
        validators=[NumberRange(0, 365, _l("A whole number from 0 to 365."))],
    )
