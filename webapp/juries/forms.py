"""Forms of the jury pages. Every label is a full, translatable phrase; errors name it."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.i18n import lazy_gettext as _l
from webapp.juries.texts import LANGUAGE_NAMES, add_text_fields, lines_of, texts_of
from webapp.models import Gender, PhaseKind

PHASE_LABELS = {
    PhaseKind.INVITATIONS: _l("Invitations"),
    PhaseKind.REPLIES: _l("Replies"),
    PhaseKind.SELECTION: _l("Selection"),
    PhaseKind.SITTINGS: _l("Sittings"),
    PhaseKind.REPORT: _l("Report"),
}

GENDER_LABELS = {
    Gender.FEMALE: _l("Quota group for 'female'"),
    Gender.MALE: _l("Quota group for 'male'"),
    Gender.NON_BINARY: _l("Quota group for 'non-binary or other'"),
    Gender.UNDISCLOSED: _l("Quota group for 'prefer not to say'"),
}


def _age_bands(form: FlaskForm, field: StringField) -> None:
    try:
        bands = [int(p) for p in (field.data or "").replace(" ", "").split(",") if p]
    except ValueError:
        raise ValidationError(_l("Write whole numbers separated by commas.")) from None
    if not bands or bands != sorted(set(bands)) or bands[0] < 0:
        raise ValidationError(_l("Write rising ages separated by commas, such as 16,30,45,65."))


class JuryForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name of the jury"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(
        _l("The jury's main language"),
        choices=[SelectChoice(lang, name) for lang, name in LANGUAGE_NAMES.items()],
        default="en",
    )
    panel_size = IntegerField(
        _l("Number of jury members"), validators=[InputRequired(), NumberRange(min=1, max=1000)]
    )
    minimum_age = IntegerField(
        _l("Minimum age"), validators=[InputRequired(), NumberRange(min=0, max=120)]
    )
    reply_deadline = DateField(_l("Last day to reply"), validators=[Optional()])
    retention_days = IntegerField(
        _l("Days to keep personal data after the report"),
        validators=[InputRequired(), NumberRange(min=1, max=3650)],
    )
    districts = TextAreaField(_l("Districts, one per line"))
    age_bands = StringField(
        _l("Age bands: the first age of each band"), validators=[DataRequired(), _age_bands]
    )
    gender_female = StringField(GENDER_LABELS[Gender.FEMALE], [DataRequired(), Length(max=40)])
    gender_male = StringField(GENDER_LABELS[Gender.MALE], [DataRequired(), Length(max=40)])
    gender_non_binary = StringField(
        GENDER_LABELS[Gender.NON_BINARY], [DataRequired(), Length(max=40)]
    )
    gender_undisclosed = StringField(
        GENDER_LABELS[Gender.UNDISCLOSED], [DataRequired(), Length(max=40)]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))
        for name in ("purpose", "decision"):
            if not texts_of(self, name):
                first = self[f"{name}_{self.language.data or 'en'}"]
                first.errors = [*first.errors, _l("Write this text in at least one language.")]
                ok = False
        counts = {lang: len(lines) for lang, lines in lines_of(self, "declarations").items()}
        if len(set(counts.values())) > 1:
            short = min(counts, key=lambda lang: counts[lang])
            field = self[f"declarations_{short}"]
            field.errors = [
                *field.errors,
                _l(
                    "Give every language the same sentences in the same order: "
                    "%(language)s has %(n)d, another language has %(most)d.",
                    language=LANGUAGE_NAMES[short],
                    n=counts[short],
                    most=max(counts.values()),
                ),
            ]
            ok = False
        return ok


add_text_fields(JuryForm, "purpose", _l("What the jury is for"), TextAreaField)
add_text_fields(
    JuryForm, "decision", _l("The decision the jury's advice feeds into"), TextAreaField
)
add_text_fields(JuryForm, "declarations", _l("Eligibility statements, one per line"), TextAreaField)


def phase_form_class() -> type[FlaskForm]:
    """A form with a start and an end date per phase (both empty: no such phase)."""
    attrs: dict[str, Any] = {}
    for kind, label in PHASE_LABELS.items():
        attrs[f"{kind.value}_starts"] = DateField(
            _l("%(phase)s: first day", phase=label), validators=[Optional()]
        )
        attrs[f"{kind.value}_ends"] = DateField(
            _l("%(phase)s: last day", phase=label), validators=[Optional()]
        )
    attrs["validate"] = _validate_phases
    return type("PhaseForm", (FlaskForm,), attrs)


def _validate_phases(self: FlaskForm, extra_validators: Any = None) -> bool:
    ok = bool(FlaskForm.validate(self, extra_validators))
    for kind in PHASE_LABELS:
        starts = self[f"{kind.value}_starts"]
        ends = self[f"{kind.value}_ends"]
        if starts.errors or ends.errors:
            continue
        if (starts.data is None) != (ends.data is None):
            missing = ends if ends.data is None else starts
            missing.errors = [*missing.errors, _l("Give both dates, or neither.")]
            ok = False
        elif starts.data and ends.data and ends.data < starts.data:
            ends.errors = [*ends.errors, _l("The last day cannot be before the first day.")]
            ok = False
    return ok
