"""The record of erasures made on request: who (staff) erased in which jury, when, and how
much. Nothing about the resident: neither the reference nor a name.

:class:`LedgerState` is what this database knows of the erasure ledger (a file outside the
database, :mod:`webapp.privacy.ledger`): how many lines it had and their hash. A backup
carries it, so that a restore can tell when the ledger put back is older than the database
or the backup (docs/deployment.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
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
    # The erasure's key in the ledger: a restore of an older backup brings the record back
    # from the ledger (None for records made before the ledger kept them).
    ledger_key: Mapped[str | None] = mapped_column(String(32), unique=True)


class LedgerState(db.Model):  # type: ignore[name-defined,misc]
    """One row (id 1): the erasure ledger had at least ``lines`` lines, whose SHA-256 is
    ``digest``, when this database last wrote to it or applied it."""

    __tablename__ = "erasure_ledger_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    lines: Mapped[int] = mapped_column(default=0)
    digest: Mapped[str] = mapped_column(String(64))
