"""What a table concluded: per sitting, table and agenda item (or the whole sitting).

An outcome belongs to the sitting and the table's number, not to the `Breakout` row: making
the table plan again replaces its breakouts, and the tables' work must not go with them.
``item_key`` is the agenda item's id, or 0 for "the whole sitting", so that the unique
constraint holds for both (NULLs are never equal in a unique constraint).

``version`` grows by one with every save; a save names the version it started from, and one
made from an older version is refused (optimistic concurrency: two facilitators, or two phones,
never overwrite each other silently). No member's name is stored here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Sitting
from webapp.models.sittings import AgendaItem
from webapp.models.users import User

WHOLE_SITTING = 0


class TableOutcome(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "table_outcomes"
    __table_args__ = (
        UniqueConstraint(
            "sitting_id",
            "table_number",
            "item_key",
            name="uq_table_outcomes_sitting_id_table_number_item_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    table_number: Mapped[int]
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[int]  # agenda_item_id, or WHOLE_SITTING
    summary: Mapped[str] = mapped_column(Text, default="")
    arguments_for: Mapped[str] = mapped_column(Text, default="")
    arguments_against: Mapped[str] = mapped_column(Text, default="")
    amendments: Mapped[str] = mapped_column(Text, default="")
    # The straw vote; None while not taken.
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    sitting: Mapped[Sitting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
