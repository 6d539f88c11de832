"""Finding and identifying households: contact attempts, cases, steps, calculations,
objections, and the history of every household's status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class ContactAttempt(Base):
    """找寻: one phone call, visit or door-knock, and whether it reached the household."""

    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    attempted_on: Mapped[dt.date] = mapped_column(Date)
    caseworker: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class IdentificationCase(Base):
    """One pass through the seven steps; a restarted household gets a new round."""

    __tablename__ = "identification_case"
    __table_args__ = (UniqueConstraint("household_id", "round"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    round: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    started_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    rejected_step: Mapped[str | None] = mapped_column(String(16))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    #: The archive number of an earlier archive this case reopens (返困), if any.
    follows_archive_no: Mapped[str | None] = mapped_column(String(40))


class IdentificationStep(Base):
    """A step done in a case: its date, who did it, a note, and its own details (JSON)."""

    __tablename__ = "identification_step"
    __table_args__ = (
        # One standing row per step of a case: a voided step may be recorded again.
        Index(
            "uq_identification_step_standing",
            "case_id",
            "step",
            unique=True,
            sqlite_where=text("void_id IS NULL"),
            postgresql_where=text("void_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    case_id: Mapped[int] = mapped_column(Key, ForeignKey("identification_case.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    done_on: Mapped[dt.date] = mapped_column(Date)
    #: JSON list of the people who did the step (visitors, recorders).
    operators: Mapped[str] = mapped_column(Text)
    #: The operator who recorded the step (None: recorded before this was kept).
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    #: JSON object of the step's own facts (housing, votes, notice dates, ...).
    details: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class IncomeCalculation(Base):
    """三算: the income test as it was made, with the line and multipliers of its day."""

    __tablename__ = "income_calculation"
    __table_args__ = (
        Index("ix_income_calculation_household_day", "household_id", "calculated_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    case_id: Mapped[int | None] = mapped_column(Key, ForeignKey("identification_case.id"))
    calculated_on: Mapped[dt.date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(16))
    members: Mapped[int] = mapped_column()
    earned_fen: Mapped[int] = mapped_column(Fen)
    other_income_fen: Mapped[int] = mapped_column(Fen)
    medical_costs_fen: Mapped[int] = mapped_column(Fen)
    schooling_costs_fen: Mapped[int] = mapped_column(Fen)
    accident_costs_fen: Mapped[int] = mapped_column(Fen)
    area_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column()
    dibao_line_fen: Mapped[int] = mapped_column(Fen)
    marginal_multiplier: Mapped[str] = mapped_column(String(12))
    accident_multiplier: Mapped[str] = mapped_column(String(12))
    marginal_rigid_test: Mapped[bool] = mapped_column(Boolean)
    per_capita_fen: Mapped[int] = mapped_column(Fen)
    proposed_category: Mapped[str | None] = mapped_column(String(16))
    #: Set when the calculation step it was made for was voided (作废): it no longer counts as
    #: the household's income, for a review, an exit or a list.
    void_id: Mapped[int | None] = mapped_column(Key)


class Objection(Base):
    """异议: an objection filed during the public notice, and how it was settled."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    case_id: Mapped[int] = mapped_column(Key, ForeignKey("identification_case.id"), index=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    settlement: Mapped[str | None] = mapped_column(Text)
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class StatusChange(Base):
    """A household's status, category and main cause from a day on; reports read the register as
    of a date."""

    __tablename__ = "household_status_change"
    __table_args__ = (
        Index("ix_household_status_change_household_day", "household_id", "changed_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    #: The main cause of hardship from this day on (a yearly review may change it).
    main_cause: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)
