"""The record of erasures made on request: who (staff) erased in which jury, when, and how
much. Nothing about the resident: neither the reference nor a name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, func
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Erasure(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replies: Mapped[int] = mapped_column(default=0)  # 0 or 1: the reply found by reference
    proposals: Mapped[int] = mapped_column(default=0)  # proposals whose author name went
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
