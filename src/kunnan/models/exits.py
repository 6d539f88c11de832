"""Exits from the register and the follow-up visits that watch for relapse."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class HouseholdExit(Base):
    """退出: how and when a household left the register, and the facts that justify it."""

    __tablename__ = "household_exit"
    __table_args__ = (Index("ix_household_exit_day_kind", "exited_on", "kind"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    exited_on: Mapped[dt.date] = mapped_column(Date)
    archive_no: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    #: JSON: the income figures of a stable exit, where a household moved to, ...
    details: Mapped[str] = mapped_column(Text)
    calculation_id: Mapped[int | None] = mapped_column(Key, ForeignKey("income_calculation.id"))
    #: Set when the household fell back into hardship (返困) after this exit.
    relapsed_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class Followup(Base):
    """回访: a follow-up visit after a stable exit, scheduled or made."""

    __tablename__ = "followup"
    __table_args__ = (Index("ix_followup_due", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    exit_id: Mapped[int] = mapped_column(Key, ForeignKey("household_exit.id"), index=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    visitor: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)
    #: What the visit found, when asked (None on follow-ups recorded before 0013): the
    #: household's total monthly income, the members it is shared by, and the dibao line of
    #: the visit's year it is measured by (kept, as an income calculation keeps its own).
    income_fen: Mapped[int | None] = mapped_column(Fen)
    members: Mapped[int | None] = mapped_column(Integer)
    dibao_line_fen: Mapped[int | None] = mapped_column(Fen)
    #: A member has a new serious illness (大病) since the last visit.
    new_illness: Mapped[bool | None] = mapped_column(Boolean)
