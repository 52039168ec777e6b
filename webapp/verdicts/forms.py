"""Forms of the plenary verdict: the jury's rules, a proposal put to the plenary, the amended
text, the tally, and the member's code and vote."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from webapp.i18n import lazy_gettext as _l
from webapp.juries.texts import add_text_fields
from webapp.models import Majority, Option, QuorumKind, VoteMethod
from webapp.replies.forms import CodeForm
from webapp.verdicts.labels import (
    CHOICE_LABELS,
    MAJORITY_LABELS,
    METHOD_LABELS,
    OPTION_LABELS,
    QUORUM_LABELS,
)


class RulesForm(FlaskForm):  # type: ignore[misc]
    quorum_kind = RadioField(
        _l("The quorum is"),
        choices=[SelectChoice(k.value, QUORUM_LABELS[k]) for k in QuorumKind],
        validators=[InputRequired(_l("Choose how the quorum is set."))],
    )
    quorum_value = IntegerField(
        _l("Quorum: members, or percentage"),
        validators=[
            InputRequired(_l("Give a whole number.")),
            NumberRange(min=1, max=10_000, message=_l("Give a number of at least 1.")),
        ],
    )
    majority = RadioField(
        _l("Majority"),
        choices=[SelectChoice(m.value, MAJORITY_LABELS[m]) for m in Majority],
        validators=[InputRequired(_l("Choose the majority."))],
    )
    secret = BooleanField(_l("Secret ballot on phones: nobody can see who voted what"))

    def validate_quorum_value(self, field: Any) -> None:
        if self.quorum_kind.data != QuorumKind.MEMBERS and (field.data or 0) > 100:
            raise ValidationError(_l("A percentage is at most 100."))


class NewVoteForm(FlaskForm):  # type: ignore[misc]
    proposal = SelectField(_l("Proposal"), coerce=int, validate_choice=True)
    sitting = SelectField(_l("Sitting"), coerce=int, validate_choice=True)
    method = RadioField(
        _l("How the members vote"),
        choices=[SelectChoice(m.value, METHOD_LABELS[m]) for m in VoteMethod],
        default=VoteMethod.PHONES.value,
        validators=[InputRequired(_l("Choose how the members vote."))],
    )


class AmendedForm(FlaskForm):  # type: ignore[misc]
    """The amended text, in each language residents read it."""


add_text_fields(
    AmendedForm,
    "amended",
    _l("The amended text"),
    lambda label, **kw: TextAreaField(label, [Length(max=20_000)], **kw),
)


def _count_field(label: Any) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Give a whole number (0 if none).")),
            NumberRange(min=0, message=_l("A count cannot be below 0.")),
        ],
    )


class TallyForm(FlaskForm):  # type: ignore[misc]
    city_vote = _count_field(OPTION_LABELS[Option.CITY_VOTE])
    amended = _count_field(OPTION_LABELS[Option.AMENDED])
    rejected = _count_field(OPTION_LABELS[Option.REJECTED])
    abstentions = _count_field(_l("Abstentions"))


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes a vote (open, close): the CSRF token only."""


class MemberCodeForm(CodeForm):
    """The member types the code from their letter to vote."""


class VoteForm(FlaskForm):  # type: ignore[misc]
    """One member's vote on one proposal. Several can be open at once, so each form has the
    prefix ``v<vote id>`` (its fields' names and ids), and the vote's id travels beside it."""

    choice = RadioField(
        _l("Your vote"),
        choices=[SelectChoice(k, v) for k, v in CHOICE_LABELS.items()],
        validators=[InputRequired(_l("Your vote: choose one of the options."))],
    )
