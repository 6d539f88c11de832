"""Aid beyond cash: training classes to employment, job placements, start-up loans, housing,
legal and wage cases, and counselling.

These tables record what was done and keep its history: a trainee's stages,
a housing or legal case's status changes are rows added one after another,
never overwritten. Every row carries its date and the year it counts toward,
with indexes laid out for the reports (trainees by trade and year,
placements by channel and year, loans by year).

A loan's money moves on the aid ledger (``aid_entry``, kinds ``loan`` and
``repayment``); ``loan`` and ``loan_repayment`` say which entries belong to
which loan, and like the ledger they are append-only: triggers refuse UPDATE and
DELETE (migration 0008) and, on PostgreSQL, TRUNCATE (migration 0009).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class TrainingClass(Base):
    """A skills class (技能培训班) in one trade, with its dates and how many it takes."""

    __tablename__ = "training_class"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_training_class_trade_year", "trade", "year"),
        Index("ix_training_class_year", "year"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    trade: Mapped[str] = mapped_column(String(24))
    #: The union that runs it, if given.
    org_id: Mapped[int | None] = mapped_column(Key, ForeignKey("org.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    #: The year the class counts toward: the year it starts.
    year: Mapped[int] = mapped_column(Integer)
    #: The most trainees it takes (None: no limit).
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TrainingEnrolment(Base):
    """A household member enrolled in a class; the stages that follow are TrainingProgress rows."""

    __tablename__ = "training_enrolment"
    __table_args__ = (
        UniqueConstraint("class_id", "member_id"),
        Index("ix_training_enrolment_household_day", "household_id", "enrolled_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    class_id: Mapped[int] = mapped_column(Key, ForeignKey("training_class.id"), index=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    member_id: Mapped[int] = mapped_column(Key, ForeignKey("member.id"), index=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    #: The household's status on the day of enrolment (classes are open to non-archived trainees).
    household_status: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TrainingProgress(Base):
    """A stage a trainee reached after enrolment: completed, certified, employed (one row each)."""

    __tablename__ = "training_progress"
    __table_args__ = (
        # One standing row per stage of an enrolment: a voided stage may be recorded again.
        Index(
            "uq_training_progress_standing",
            "enrolment_id",
            "stage",
            unique=True,
            sqlite_where=text("void_id IS NULL"),
            postgresql_where=text("void_id IS NULL"),
        ),
        Index("ix_training_progress_stage", "stage", "enrolment_id"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(Key, ForeignKey("training_enrolment.id"))
    stage: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[dt.date] = mapped_column(Date)
    #: The skills certificate's number (certified).
    certificate_no: Mapped[str | None] = mapped_column(String(100))
    #: The job the trainee took (employed).
    placement_id: Mapped[int | None] = mapped_column(Key, ForeignKey("job_placement.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class JobPlacement(Base):
    """就业援助: a member placed in a job, and the work and income it replaced."""

    __tablename__ = "job_placement"
    __table_args__ = (
        CheckConstraint("monthly_wage_fen >= 0", name="wage_not_negative"),
        Index("ix_job_placement_channel_year", "channel", "year"),
        Index("ix_job_placement_household_day", "household_id", "placed_on"),
        Index("ix_job_placement_member_day", "member_id", "placed_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    member_id: Mapped[int] = mapped_column(Key, ForeignKey("member.id"))
    employer: Mapped[str] = mapped_column(String(100))
    job: Mapped[str] = mapped_column(String(100))
    monthly_wage_fen: Mapped[int] = mapped_column(Fen)
    channel: Mapped[str] = mapped_column(String(32))
    placed_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    #: The training enrolment that led to the job (培训-鉴定-就业), if any.
    enrolment_id: Mapped[int | None] = mapped_column(Key, ForeignKey("training_enrolment.id"))
    #: What the member's record said before the placement changed it.
    previous_employer: Mapped[str | None] = mapped_column(String(100))
    previous_identity: Mapped[str | None] = mapped_column(String(16))
    previous_income_fen: Mapped[int] = mapped_column(Fen)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class Loan(Base):
    """创业担保借款: principal lent from a fund (the ledger entry ``entry_seq``). Append-only."""

    __tablename__ = "loan"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("term_months > 0", name="term_positive"),
        CheckConstraint("rate_pct >= 0", name="rate_not_negative"),
        Index("ix_loan_year", "year", "amount_fen"),
        Index("ix_loan_household_day", "household_id", "issued_on"),
        Index("ix_loan_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    #: The borrower.
    member_id: Mapped[int] = mapped_column(Key, ForeignKey("member.id"))
    fund_id: Mapped[int] = mapped_column(Key, ForeignKey("fund.id"), index=True)
    entry_seq: Mapped[int] = mapped_column(Key, ForeignKey("aid_entry.seq"), unique=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    term_months: Mapped[int] = mapped_column(Integer)
    #: The yearly interest rate in percent, as agreed (recorded, not charged).
    rate_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    #: What the loan starts (the business).
    purpose: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class LoanRepayment(Base):
    """A repayment entry of the ledger (or the reversal of one) and the loan it belongs to."""

    __tablename__ = "loan_repayment"

    entry_seq: Mapped[int] = mapped_column(
        Key, ForeignKey("aid_entry.seq"), primary_key=True, autoincrement=False
    )
    loan_id: Mapped[int] = mapped_column(Key, ForeignKey("loan.id"), index=True)


class LoanDefault(Base):
    """The union's declaration that a loan past its due date is in default. Append-only."""

    __tablename__ = "loan_default"

    loan_id: Mapped[int] = mapped_column(
        Key, ForeignKey("loan.id"), primary_key=True, autoincrement=False
    )
    declared_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(400))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class HousingCase(Base):
    """住房保障: a household's case for low-rent housing, shanty renovation or a rent subsidy."""

    __tablename__ = "housing_case"
    __table_args__ = (
        Index("ix_housing_case_kind_year", "kind", "year"),
        Index("ix_housing_case_household_day", "household_id", "opened_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    kind: Mapped[str] = mapped_column(String(24))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class HousingStatusChange(Base):
    """A housing case's status from a day on, with what was granted (subsidy, floor area)."""

    __tablename__ = "housing_status_change"
    __table_args__ = (
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_not_negative"),
        Index("ix_housing_status_change_case_day", "case_id", "changed_on"),
        Index("ix_housing_status_change_status", "status", "changed_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    case_id: Mapped[int] = mapped_column(Key, ForeignKey("housing_case.id"))
    status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    #: A subsidy or other amount (not union money: housing is the government's).
    amount_fen: Mapped[int | None] = mapped_column(Fen)
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class LegalCase(Base):
    """维权: legal aid, wage arrears (欠薪追讨), injury compensation or a labour dispute."""

    __tablename__ = "legal_case"
    __table_args__ = (
        Index("ix_legal_case_kind_year", "kind", "year"),
        Index("ix_legal_case_household_day", "household_id", "opened_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    #: The member the case is for, if not the household as a whole.
    member_id: Mapped[int | None] = mapped_column(Key, ForeignKey("member.id"))
    kind: Mapped[str] = mapped_column(String(24))
    #: Who the claim is against (the employer owing wages …), if given.
    against: Mapped[str | None] = mapped_column(String(100))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class LegalStatusChange(Base):
    """A legal case's status from a day on, with money recovered for the household then."""

    __tablename__ = "legal_status_change"
    __table_args__ = (
        CheckConstraint(
            "recovered_fen IS NULL OR recovered_fen >= 0", name="recovered_not_negative"
        ),
        Index("ix_legal_status_change_case_day", "case_id", "changed_on"),
        Index("ix_legal_status_change_status", "status", "changed_on"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    case_id: Mapped[int] = mapped_column(Key, ForeignKey("legal_case.id"))
    status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    #: Wages or compensation recovered for the household (not union money).
    recovered_fen: Mapped[int | None] = mapped_column(Fen)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)


class CounselingSession(Base):
    """心理疏导: a counselling session for a household or one of its members."""

    __tablename__ = "counseling_session"
    __table_args__ = (
        Index("ix_counseling_session_household_day", "household_id", "held_on"),
        Index("ix_counseling_session_year", "year"),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    member_id: Mapped[int | None] = mapped_column(Key, ForeignKey("member.id"))
    counselor: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text)
    held_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: Set when the record was voided (作废): its ``void`` row says who, when and why.
    void_id: Mapped[int | None] = mapped_column(Key)
