"""Forms of the staff accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from webapp.auth.services import MIN_PASSWORD_LENGTH
from webapp.i18n import lazy_gettext as _l
from webapp.models import Role


def role_choices() -> list[SelectChoice]:
    """The roles from the fewest rights to the most."""
    return [
        SelectChoice(Role.FACILITATOR.value, str(_l("Facilitator"))),
        SelectChoice(Role.ORGANISER.value, str(_l("Organiser"))),
        SelectChoice(Role.ADMINISTRATOR.value, str(_l("Administrator"))),
    ]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class UserForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[_strip],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    # Least privilege: a new account is a facilitator unless someone chooses more.
    role = SelectField(_l("Role"), validators=[DataRequired()], default=Role.FACILITATOR.value)
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class EditUserForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    active = BooleanField(_l("Account is active"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class MembershipForm(FlaskForm):  # type: ignore[misc]
    jury = SelectField(_l("Jury"), coerce=int, validators=[DataRequired()])


class AssignmentForm(FlaskForm):  # type: ignore[misc]
    sitting = SelectField(_l("Sitting"), coerce=int, validators=[DataRequired()])


class SecondFactorForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class PasswordForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


class RenewCodesForm(FlaskForm):  # type: ignore[misc]
    """New recovery codes: the password and a current code from the app, again."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code from the authenticator app"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
