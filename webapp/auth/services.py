"""Staff accounts and their access links. Functions flush; the request (or command) commits."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from webapp.extensions import db
from webapp.models import JuryMembership, Role, SittingAssignment, User
from webapp.models.users import check_dummy_password

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    user: User | None = db.session.scalar(
        sa.select(User).where(User.email == normalise_email(email))
    )
    return user


def create_user(*, email: str, name: str, role: Role, password: str) -> User:
    """A new active account. Raises :class:`AccountError` if the e-mail address is not one or
    is taken, or the password is shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"not an e-mail address: {exc}") from None
    if find_user(email) is not None:
        raise AccountError(f"there is already an account for {normalise_email(email)}")
    user = User(email=normalise_email(email), name=name.strip(), role=Role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure).

    An unknown address costs the same time as a wrong password: a dummy hash is checked, so
    the answer's timing does not tell which addresses have an account.
    """
    user = find_user(email)
    if user is None:
        check_dummy_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def update_user(user: User, *, name: str, role: Role, active: bool) -> None:
    user.name = name.strip()
    user.role = Role(role)
    user.active = active
    db.session.flush()


def add_membership(*, user: User, jury_id: int) -> None:
    """Make ``user`` a member of the jury (nothing happens if already one)."""
    exists = db.session.scalar(
        sa.select(JuryMembership.id).filter_by(user_id=user.id, jury_id=jury_id)
    )
    if exists is None:
        db.session.add(JuryMembership(user_id=user.id, jury_id=jury_id))
        db.session.flush()


def remove_membership(*, user: User, jury_id: int) -> None:
    db.session.execute(sa.delete(JuryMembership).filter_by(user_id=user.id, jury_id=jury_id))


def assign_sitting(*, user: User, sitting_id: int) -> None:
    """Give a sitting to a facilitator (nothing happens if already given)."""
    exists = db.session.scalar(
        sa.select(SittingAssignment.id).filter_by(user_id=user.id, sitting_id=sitting_id)
    )
    if exists is None:
        db.session.add(SittingAssignment(user_id=user.id, sitting_id=sitting_id))
        db.session.flush()


def unassign_sitting(*, user: User, sitting_id: int) -> None:
    db.session.execute(
        sa.delete(SittingAssignment).filter_by(user_id=user.id, sitting_id=sitting_id)
    )
