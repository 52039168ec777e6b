"""The table plan of a sitting: which member sits at which table, and who facilitates it.

One plan per sitting (a unique constraint), made with the tables library and moved by hand
afterwards; a member sits at one table per plan (a unique constraint), so two staff moving the
same member at once leave one seat. A discussion table is a `Breakout` (not `Table`, which
clashes with SQL and sqlalchemy.Table).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.juries import Sitting
from webapp.models.members import Member
from webapp.models.users import User


class TablePlan(db.Model):  # type: ignore[name-defined,misc]
    """The plan of one sitting, with what it was made from (so that it can be made again:
    the same members, settings and seed give the same plan) and its measures."""

    __tablename__ = "table_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), unique=True
    )
    # "present" (the members checked in) or "confirmed" (before the sitting).
    source: Mapped[str] = mapped_column(String(20))
    table_size: Mapped[int]
    tables: Mapped[int]
    seed: Mapped[str] = mapped_column(String(40))  # as text: seeds may exceed 32 bits
    # {category key: "strict" | "soft"}: the categories mixed over the tables.
    categories: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The library's report when made (TablesReport.as_dict), then the measures of the plan as
    # it stands after moves by hand.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    measures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    moves: Mapped[int] = mapped_column(default=0)  # members moved by hand since it was made
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    made_at: Mapped[datetime] = mapped_column(server_default=func.now())
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    sitting: Mapped[Sitting] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", passive_deletes=True
    )
    breakouts: Mapped[list[Breakout]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Breakout.number",
    )


class Breakout(db.Model):  # type: ignore[name-defined,misc]
    """One table of a plan (numbered from 1) and its facilitator, if one is given; a
    facilitator leads one table per plan."""

    __tablename__ = "breakouts"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_breakouts_plan_id_number"),
        UniqueConstraint("plan_id", "facilitator_id", name="uq_breakouts_plan_id_facilitator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("table_plans.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    plan: Mapped[TablePlan] = relationship(back_populates="breakouts")
    facilitator: Mapped[User | None] = relationship()


class Seat(db.Model):  # type: ignore[name-defined,misc]
    """A member at a table of a plan (one seat per member and plan)."""

    __tablename__ = "seats"
    __table_args__ = (UniqueConstraint("plan_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("table_plans.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # the table

    plan: Mapped[TablePlan] = relationship(back_populates="seats")
    member: Mapped[Member] = relationship()
