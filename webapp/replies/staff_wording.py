"""The reply form worded for staff who key in a paper or phone reply: the resident is "the
resident", not "you". The form, its fields and its checks stay the residents' own (one set of
rules); only labels and messages change. Fields not named here keep their wording."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from webapp.i18n import lazy_gettext as _l
from webapp.models import Answer, Gender
from webapp.replies.forms import GENDERS, ReplyForm

LABELS = {
    "answer": _l("Does the resident want to take part in the citizens' jury?"),
    "availability": _l("Dates the resident can come"),
    "support_needs": _l("Help the resident needs to take part"),
    "support_other": _l("What else does the resident need?"),
    "declarations": _l("Statements the resident confirms"),
    "consent": _l(
        "The resident agrees that the municipality keeps their answers for the selection "
        "of the jury."
    ),
}
ANSWERS = [
    SelectChoice(Answer.YES.value, _l("Yes, the resident wants to take part")),
    SelectChoice(Answer.NO.value, _l("No")),
]
GENDER_CHOICES = {Gender.UNDISCLOSED.value: _l("Prefers not to say")}


def _errors(form: ReplyForm) -> dict[str, object]:
    """Resident's message (as shown now) -> the staff's."""
    return {
        str(_l("First name: please write your first name.")): _l(
            "First name: please write the resident's first name."
        ),
        str(_l("Last name: please write your last name.")): _l(
            "Last name: please write the resident's last name."
        ),
        str(_l("Your answer: please choose yes or no.")): _l(
            "Answer: please choose yes or no, as the resident said."
        ),
        str(
            _l(
                "Year of birth: you must be %(age)s years or older to take part.",
                age=form.jury.minimum_age,
            )
        ): _l(
            "Year of birth: the resident must be %(age)s years or older to take part.",
            age=form.jury.minimum_age,
        ),
        str(_l("District: please choose the district where you live.")): _l(
            "District: please choose the district where the resident lives."
        ),
        str(
            _l("E-mail address or phone number: please give at least one, so we can reach you.")
        ): _l(
            "E-mail address or phone number: please fill in at least one, so that we can "
            "reach the resident."
        ),
        str(_l("What else do you need: please tell us in a few words.")): _l(
            "What else does the resident need: please write it in a few words."
        ),
        str(_l("Who can take part: please tick every sentence that is true for you.")): _l(
            "Statements the resident confirms: a resident who says yes must confirm every "
            "statement. Tick them all, or enter a no."
        ),
        str(_l("Agreement: please tick the box to agree, or answer no.")): _l(
            "Agreement: tick the box if the resident agrees; without it, enter a no."
        ),
    }


def word_for_staff(form: ReplyForm) -> None:
    """Relabel the form for staff (call after constructing it)."""
    for name, label in LABELS.items():
        if name in form:
            form[name].label.text = label
    form.answer.choices = ANSWERS
    form.gender.choices = [
        SelectChoice(c.value, GENDER_CHOICES.get(c.value, c.label)) for c in GENDERS
    ]


def staff_errors(form: ReplyForm) -> None:
    """Reword the messages of a failed validation for staff."""
    reworded = _errors(form)
    for field in form:
        field.errors = [reworded.get(str(error), error) for error in field.errors]
