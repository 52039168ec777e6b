"""Forms of the payment pages. Amounts are typed as people write them ("65", "65,50");
every error names its field (the form macros put the label before it)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.i18n import lazy_gettext as _l
from webapp.models.payments import ExpenseKind
from webapp.payments import accounts
from webapp.payments.claims import ClaimDetails, ClaimProblem, parse_cents
from webapp.replies.forms import CodeForm

KIND_LABELS = {
    ExpenseKind.CHILDCARE: _l("Childcare"),
    ExpenseKind.TRAVEL: _l("Travel"),
    ExpenseKind.OTHER: _l("Other costs"),
}


def _amount(allow_zero: bool):  # type: ignore[no-untyped-def]
    def check(form: FlaskForm, field: Field) -> None:
        try:
            field.cents = parse_cents(field.data, field=field.name, allow_zero=allow_zero)
        except ClaimProblem as problem:
            raise ValidationError(str(problem.message)) from None

    return check


def _iban(optional: bool):  # type: ignore[no-untyped-def]
    def check(form: FlaskForm, field: Field) -> None:
        if optional and not (field.data or "").strip():
            field.data = ""
            return
        try:
            field.data = accounts.check_iban(field.data or "")
        except accounts.AccountProblem as problem:
            raise ValidationError(str(problem.message)) from None

    return check


def _bic(form: FlaskForm, field: Field) -> None:
    try:
        field.data = accounts.check_bic(field.data or "")
    except accounts.AccountProblem as problem:
        raise ValidationError(str(problem.message)) from None


class SettingsForm(FlaskForm):  # type: ignore[misc]
    stipend = StringField(
        _l("Stipend per sitting attended (euro)"),
        validators=[_amount(allow_zero=True)],
        render_kw={"inputmode": "decimal"},
    )
    count_late = BooleanField(_l("A member who comes late still gets the stipend"))
    count_left_early = BooleanField(_l("A member who leaves early still gets the stipend"))
    debtor_name = StringField(
        _l("Name of the paying municipality (on the transfers)"), validators=[Length(max=70)]
    )
    debtor_iban = StringField(
        _l("IBAN of the municipality's account"), validators=[_iban(optional=True)]
    )
    debtor_bic = StringField(_l("BIC of the municipality's bank (optional)"), validators=[_bic])
    remittance = StringField(
        _l("Text on the members' bank statements"), validators=[Length(max=100)]
    )


class AccountForm(FlaskForm):  # type: ignore[misc]
    holder = StringField(
        _l("Account holder"),
        validators=[InputRequired(_l("Please type the name on the account.")), Length(max=70)],
    )
    iban = StringField(
        _l("IBAN"),
        validators=[_iban(optional=False)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    bic = StringField(_l("BIC (optional)"), validators=[_bic])


class _ClaimFields(FlaskForm):  # type: ignore[misc]
    kind = RadioField(
        _l("Kind of expense"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired(_l("Choose the kind of expense."))],
    )
    amount = StringField(
        _l("Amount (euro)"),
        validators=[_amount(allow_zero=False)],
        render_kw={"inputmode": "decimal"},
    )
    spent_on = DateField(
        _l("Date of the expense"), validators=[InputRequired(_l("Type the date, like 2026-05-02."))]
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=500)])
    receipt = FileField(_l("Receipt (optional: PDF, JPG or PNG, at most 5 MB)"))

    def details(self) -> ClaimDetails:
        """The claim as :func:`webapp.payments.claims.add_claim` takes it (once validated)."""
        return {
            "kind": ExpenseKind(self.kind.data),
            "amount_cents": self.amount.cents,
            "spent_on": self.spent_on.data,
            "note": self.note.data or "",
            "receipt": self.receipt.data,
        }


class ClaimForm(_ClaimFields):
    """Staff enter a claim for a member."""

    member = SelectField(
        _l("Member"),
        validators=[InputRequired(_l("Choose a member of this jury."))],
        validate_choice=False,
    )
    sitting = SelectField(_l("Sitting (optional)"), validate_choice=False)
    field_order = ("member", "kind", "amount", "spent_on", "sitting", "note", "receipt")


class MemberClaimForm(CodeForm, _ClaimFields):
    """A member claims an expense with the code from their letter (no login)."""


class DecisionForm(FlaskForm):  # type: ignore[misc]
    decision = HiddenField(validators=[InputRequired()])


class RemoveAccountForm(FlaskForm):  # type: ignore[misc]
    """Delete a member's bank account (the member asked, or it is no longer needed)."""


class RunForm(FlaskForm):  # type: ignore[misc]
    members = SelectMultipleField(
        _l("Members to pay"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    execution_date = DateField(
        _l("Pay on"), validators=[InputRequired(_l("Type the date, like 2026-05-02."))]
    )
    since = HiddenField()
