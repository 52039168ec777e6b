"""Population targets: the share of each category value in the population (from the census),
against which the pool is compared and from which the selection quotas are derived."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class PopulationTarget(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "population_targets"
    __table_args__ = (UniqueConstraint("jury_id", "category", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(ForeignKey("juries.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))  # "district", "gender" or "age"
    value: Mapped[str] = mapped_column(String(120))
    # Percent of the population, e.g. 12.5; Numeric keeps what the organiser typed exactly.
    percent: Mapped[float] = mapped_column(Numeric(6, 3, asdecimal=False))
