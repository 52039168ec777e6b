"""Staff accounts. Residents never have an account: a reply code is enough."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db, login_manager

_hasher = PasswordHasher()


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))
