"""结对帮扶: each archived household's responsible unit and contact person, and their visits.

A household has at most one active pairing (``ended_on`` empty); reassigning
ends the old pairing and starts a new one, so the history stays. Pairings of
one household never overlap: each runs from ``started_on`` up to, not
including, ``ended_on``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Pairing(Base):
    __tablename__ = "pairing"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        Index(
            "uq_pairing_one_active",
            "household_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    #: The responsible unit (责任单位): any organisation, usually a unit under a union.
    unit_id: Mapped[int] = mapped_column(Key, ForeignKey("org.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(40), index=True)
    contact_phone: Mapped[str] = mapped_column(String(11))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PairVisit(Base):
    """A contact person's visit or call to a paired household: what was done, what was solved."""

    __tablename__ = "pair_visit"
    __table_args__ = (Index("ix_pair_visit_household_day", "household_id", "visited_on"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    pairing_id: Mapped[int] = mapped_column(Key, ForeignKey("pairing.id"), index=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    #: Problems solved on the visit (解决的问题), if any.
    solved: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)
