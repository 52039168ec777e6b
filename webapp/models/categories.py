"""A jury's own categories (beside the built-in district, gender and age): the question on the
reply form, its answer options, and the quota value each answer counts for; and the answers.

Texts residents read are stored per language, ``{"en": ..., "nl": ..., "es": ...}``, and shown
with :func:`webapp.i18n.localised`. An answer is stored as the option's key, so that an
organiser may reword an option or change its quota value without touching the answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Category(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("jury_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # the column in pool.csv and quotas.csv
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # per language
    question: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # per language
    # [{"key": "o1", "label": {"en": ..., "nl": ..., "es": ...}, "value": "high"}, ...]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    def value_of(self, option: str) -> str | None:
        """The quota value an answer counts for; None for an option that no longer exists."""
        for item in self.options:
            if item["key"] == option:
                return str(item["value"])
        return None

    @property
    def values(self) -> list[str]:
        """The quota values, in the order of the options, each once."""
        return list(dict.fromkeys(str(item["value"]) for item in self.options))


class CategoryAnswer(db.Model):  # type: ignore[name-defined,misc]
    """One volunteer's answer to one of the jury's own questions: personal data, erased with
    the reply (ON DELETE CASCADE) or with the category."""

    __tablename__ = "category_answers"
    __table_args__ = (UniqueConstraint("reply_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    option: Mapped[str] = mapped_column(String(40))
