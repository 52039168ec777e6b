"""The reply forms: the code, then the reply itself. Staff use the same forms for paper and
phone replies, so every reply passes the same validation.

Every message names its field and is marked for translation, in plain language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from flask_babel import format_date, format_time
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput

from webapp.categories.services import option_choices, own_categories
from webapp.codes import CodeNotFound, CodeProblem, find_invitation
from webapp.i18n import lazy_gettext as _l
from webapp.i18n import localised
from webapp.models import Answer, Category, Channel, Gender, Invitation, Jury, SupportNeed
from webapp.replies.services import ReplyData

CODE_MESSAGES = {
    CodeProblem.EMPTY: _l("Your code: please type the code from your letter."),
    CodeProblem.FORMAT: _l(
        "Your code: a code has 13 letters and numbers, like ABCD-EFGH-JKMN-P. Please check it."
    ),
    CodeProblem.TYPO: _l(
        "Your code: there is a typo in the code. Please check each letter and number."
    ),
    CodeProblem.UNKNOWN: _l(
        "Your code: we do not know this code. Please check that it is the code from your letter."
    ),
}

# The same problems, worded for staff who type a code from a paper form or a call.
STAFF_CODE_MESSAGES = {
    CodeProblem.EMPTY: _l(
        "The resident's code: please type the code from the paper form, or ask the caller for it."
    ),
    CodeProblem.FORMAT: _l(
        "The resident's code: a code has 13 letters and numbers, like ABCD-EFGH-JKMN-P. "
        "Please check it."
    ),
    CodeProblem.TYPO: _l(
        "The resident's code: there is a typo in the code. Check each letter and number, or "
        "ask the caller to read it out again."
    ),
    CodeProblem.UNKNOWN: _l(
        "The resident's code: we do not know this code. Check that it is the code from this "
        "jury's letter."
    ),
}

GENDERS = [
    SelectChoice(Gender.FEMALE.value, _l("Female")),
    SelectChoice(Gender.MALE.value, _l("Male")),
    SelectChoice(Gender.NON_BINARY.value, _l("Non-binary or other")),
    SelectChoice(Gender.UNDISCLOSED.value, _l("I prefer not to say")),
]
SUPPORT = [
    SelectChoice(SupportNeed.CHILDCARE.value, _l("Childcare")),
    SelectChoice(SupportNeed.MOBILITY.value, _l("Help to move around, for example a wheelchair")),
    SelectChoice(SupportNeed.INTERPRETING.value, _l("An interpreter, for example sign language")),
    SelectChoice(SupportNeed.DIET.value, _l("Special food")),
    SelectChoice(SupportNeed.OTHER.value, _l("Something else")),
]
NAME_LENGTH = 100  # each of first and last name (the columns' size)
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,24}$")
YEAR = re.compile(r"[0-9]{4}")


class CodeForm(FlaskForm):  # type: ignore[misc]
    """The resident types the code from the letter (or the QR code's script fills it in)."""

    code = StringField(
        _l("Your code"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    invitation: Invitation | None = None

    def validate_code(self, field: Field) -> None:
        try:
            self.invitation = find_invitation(field.data or "")
        except CodeNotFound as exc:
            raise ValidationError(CODE_MESSAGES[exc.problem]) from None


class StaffCodeForm(CodeForm):
    """Staff key in a paper or phone reply: the code from the form, and how the reply came."""

    channel = RadioField(
        _l("How did the reply come?"),
        choices=[
            SelectChoice(Channel.PAPER.value, _l("On paper")),
            SelectChoice(Channel.PHONE.value, _l("By phone")),
        ],
        default=Channel.PAPER.value,
        validate_choice=False,
    )

    def __init__(self, *args: Any, jury: Jury, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jury = jury
        self.code.label.text = _l("The resident's code")

    def validate_code(self, field: Field) -> None:
        try:
            self.invitation = find_invitation(field.data or "")
        except CodeNotFound as exc:
            raise ValidationError(STAFF_CODE_MESSAGES[exc.problem]) from None
        if self.invitation.jury_id != self.jury.id:
            self.invitation = None
            raise ValidationError(_l("The resident's code: this code is for another jury."))

    def validate_channel(self, field: Field) -> None:
        if field.data not in (Channel.PAPER, Channel.PHONE):
            raise ValidationError(_l("How did the reply come: please choose paper or phone."))


class IfYes:
    """Skip a field (no errors) when the resident says no: a "no" needs only the answer. With
    no answer yet, the field is checked too, so that every missing answer is listed at once."""

    def __call__(self, form: ReplyForm, field: Field) -> None:
        if form.answer.data == Answer.NO:
            field.errors[:] = []
            raise StopValidation()


class Checkboxes(SelectMultipleField):  # type: ignore[misc]
    """A group of checkboxes (the template renders them in a fieldset)."""

    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        known = {choice.value for choice in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(
                _l("%(field)s: please choose from the list.", field=self.label.text)
            )


class ReplyForm(FlaskForm):  # type: ignore[misc]
    """Yes or no, and for a yes what the selection needs. Choices come from the jury."""

    answer = RadioField(
        _l("Do you want to take part in the citizens' jury?"),
        choices=[
            SelectChoice(Answer.YES.value, _l("Yes, I want to take part")),
            SelectChoice(Answer.NO.value, _l("No")),
        ],
        validate_choice=False,
    )
    first_name = StringField(_l("First name"), validators=[IfYes()])
    last_name = StringField(_l("Last name"), validators=[IfYes()])
    birth_year = StringField(_l("Year of birth"), validators=[IfYes()])
    gender = RadioField(_l("Gender"), choices=GENDERS, validate_choice=False, validators=[IfYes()])
    district = SelectField(_l("District"), validate_choice=False, validators=[IfYes()])
    email = EmailField(_l("E-mail address"), validators=[IfYes()])
    phone = TelField(_l("Phone number"), validators=[IfYes()])
    availability = Checkboxes(_l("Dates you can come"), validators=[IfYes()])
    support_needs = Checkboxes(
        _l("Help you need to take part"), choices=SUPPORT, validators=[IfYes()]
    )
    support_other = StringField(_l("What else do you need?"), validators=[IfYes()])
    declarations = Checkboxes(_l("Who can take part"), validators=[IfYes()])
    consent = BooleanField(
        _l("I agree that the municipality keeps my answers for the selection of the jury."),
        validators=[IfYes()],
    )

    def __init__(self, *args: Any, jury: Jury, today: date, invitation: Invitation) -> None:
        """The district starts as the invitation's (from the register); the resident may
        correct it to another of the jury's districts."""
        own = own_categories(jury)
        self.own_ids = {f"{OWN_PREFIX}{c.key}": c.id for c in own}
        # WTForms binds the fields listed in _unbound_fields (set on the class at the first
        # instantiation); an instance list adds the jury's own questions to this form only.
        unbound = getattr(type(self), "_unbound_fields")  # noqa: B009
        self._unbound_fields = _with_own_questions(unbound, own)
        super().__init__(*args, data={"district": invitation.stratum})
        self.jury = jury
        self.today = today
        # The register's district is a valid answer even if the jury's list lacks it.
        extra = [invitation.stratum] if invitation.stratum not in jury.districts else []
        self.districts = [*jury.districts, *extra]
        self.district.choices = [SelectChoice("", _l("Choose your district"))] + [
            SelectChoice(d) for d in self.districts
        ]
        self.availability.choices = [
            SelectChoice(str(s.id), s.starts_at.isoformat()) for s in jury.sittings
        ]
        self.declarations.choices = [
            SelectChoice(str(i), localised(text, jury.language))
            for i, text in enumerate(jury.declarations)
        ]

    def validate_answer(self, field: Field) -> None:
        if field.data not in (Answer.YES, Answer.NO):
            raise ValidationError(_l("Your answer: please choose yes or no."))

    def validate_first_name(self, field: Field) -> None:
        field.data = clean_name(field.data)
        if not field.data:
            raise ValidationError(_l("First name: please write your first name."))
        check_name(field.data, _l("First name"))

    def validate_last_name(self, field: Field) -> None:
        field.data = clean_name(field.data)
        if not field.data:
            raise ValidationError(_l("Last name: please write your last name."))
        check_name(field.data, _l("Last name"))

    def validate_birth_year(self, field: Field) -> None:
        text = (field.data or "").strip()
        # ASCII digits only: str.isdigit() also accepts '²³⁴⁵' and '①⑨⑧⓪', which int() refuses.
        if not YEAR.fullmatch(text):
            raise ValidationError(_l("Year of birth: please write 4 numbers, like 1980."))
        year, reference = int(text), self._age_reference_year()
        if year < reference - 120 or year > self.today.year:
            raise ValidationError(_l("Year of birth: please check the year."))
        if reference - year < self.jury.minimum_age:
            raise ValidationError(
                _l(
                    "Year of birth: you must be %(age)s years or older to take part.",
                    age=self.jury.minimum_age,
                )
            )

    def _age_reference_year(self) -> int:
        # Age counts at the first sitting: someone who turns 16 before it may take part.
        starts = [s.starts_at.year for s in self.jury.sittings]
        return min(starts) if starts else self.today.year

    def validate_gender(self, field: Field) -> None:
        if field.data not in {choice.value for choice in GENDERS}:
            raise ValidationError(_l("Gender: please choose one answer."))

    def validate_district(self, field: Field) -> None:
        if field.data not in self.districts:
            raise ValidationError(_l("District: please choose the district where you live."))

    def validate_email(self, field: Field) -> None:
        email = (field.data or "").strip()
        if not email and not (self.phone.data or "").strip():
            raise ValidationError(
                _l("E-mail address or phone number: please give at least one, so we can reach you.")
            )
        if email and (len(email) > 254 or not _looks_like_email(email)):
            raise ValidationError(_l("E-mail address: please check it, like name@example.com."))

    def validate_phone(self, field: Field) -> None:
        phone = (field.data or "").strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_l("Phone number: please use only numbers, like 06 1234 5678."))

    def validate_support_other(self, field: Field) -> None:
        text = (field.data or "").strip()
        if SupportNeed.OTHER in (self.support_needs.data or []) and not text:
            raise ValidationError(_l("What else do you need: please tell us in a few words."))
        if len(text) > 500:
            raise ValidationError(_l("What else do you need: please use at most 500 letters."))

    def validate_declarations(self, field: Field) -> None:
        if len(set(field.data or [])) != len(self.jury.declarations):
            raise ValidationError(
                _l("Who can take part: please tick every sentence that is true for you.")
            )

    def validate_consent(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Agreement: please tick the box to agree, or answer no."))

    def to_data(self, *, language: str) -> ReplyData:
        """The validated answers; for a "no" only the answer is kept."""
        if self.answer.data != Answer.YES:
            return ReplyData(answer=Answer.NO, language=language)
        chosen = set(self.availability.data or [])
        return ReplyData(
            answer=Answer.YES,
            language=language,
            first_name=clean_name(self.first_name.data),
            last_name=clean_name(self.last_name.data),
            birth_year=int(self.birth_year.data),
            gender=Gender(self.gender.data),
            district=self.district.data,
            email=(self.email.data or "").strip() or None,
            phone=(self.phone.data or "").strip() or None,
            availability={str(s.id): str(s.id) in chosen for s in self.jury.sittings},
            support_needs=tuple(
                c.value for c in SUPPORT if c.value in (self.support_needs.data or [])
            ),
            support_other=(self.support_other.data or "").strip() or None,
            # The statements as the resident read them, in the page's language.
            declarations=tuple(localised(d, self.jury.language) for d in self.jury.declarations),
            consent=True,
            categories={self.own_ids[field.name]: field.data for field in self.own_questions()},
        )

    def own_questions(self) -> list[Field]:
        """The fields of the jury's own categories, in their order."""
        return [field for name, field in self._fields.items() if name.startswith(OWN_PREFIX)]


OWN_PREFIX = "own_"


class ChosenOption:
    """The resident chose one of the options; the message names the question."""

    def __call__(self, form: ReplyForm, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(
                _l("%(field)s: please choose one answer.", field=field.label.text)
            )


def _with_own_questions(
    unbound: list[tuple[str, Any]], own: list[Category]
) -> list[tuple[str, Any]]:
    """The form's fields with a question per category of the jury's own, after the district."""
    fields = [
        (
            f"{OWN_PREFIX}{category.key}",
            RadioField(
                localised(category.question),
                choices=[SelectChoice(key, label) for key, label in option_choices(category)],
                validate_choice=False,
                validators=[IfYes(), ChosenOption()],
            ),
        )
        for category in own
    ]
    at = next((i + 1 for i, (name, _f) in enumerate(unbound) if name == "district"), len(unbound))
    return [*unbound[:at], *fields, *unbound[at:]]


def clean_name(text: str | None) -> str:
    """A name as typed, in one normal form (NFC: "é" typed two ways is one name), with runs of
    spaces made one and none around it. Letters of every script, apostrophes, hyphens and
    dots are all kept: names are what people say they are."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def check_name(name: str, label: Any) -> None:
    """A name fits its column and holds no invisible control characters."""
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            _l("%(field)s: please use at most %(count)s letters.", field=label, count=NAME_LENGTH)
        )
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in name):
        raise ValidationError(
            _l("%(field)s: please use only letters, spaces and marks like - or '.", field=label)
        )


def sitting_labels(jury: Jury) -> list[str]:
    """Each sitting's date, time and place in the page's language. Sittings are stored as
    local times (naive) and shown as stored: never shifted between time zones (which, for a
    date at the edge of the calendar like 0001-01-01, would also overflow)."""
    labels = []
    for sitting in jury.sittings:
        starts = sitting.starts_at
        day = format_date(starts, "full", rebase=False)
        text = f"{day}, {format_time(starts, 'short', rebase=False)}"
        labels.append(f"{text} ({sitting.place})" if sitting.place else text)
    return labels


def _looks_like_email(text: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
