"""Households, their members (the head worker is the member with relation ``head``) and causes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class Household(Base):
    __tablename__ = "household"
    __table_args__ = (Index("ix_household_status_category", "status", "category"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    org_id: Mapped[int] = mapped_column(Key, ForeignKey("org.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    main_cause: Mapped[str | None] = mapped_column(String(16))
    archive_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    archive_level: Mapped[str | None] = mapped_column(String(16))
    archived_on: Mapped[dt.date | None] = mapped_column(Date)
    area_code: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(200))
    housing_type: Mapped[str | None] = mapped_column(String(24))
    housing_area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: A duplicate registration merged into another household (一户一档): voided, never
    #: deleted; the household it was merged into shows its records as its own.
    void_id: Mapped[int | None] = mapped_column(Key)
    merged_into_id: Mapped[int | None] = mapped_column(Key)

    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.id", cascade="all, delete-orphan"
    )
    secondary_causes: Mapped[list[HouseholdCause]] = relationship(
        order_by="HouseholdCause.position", cascade="all, delete-orphan"
    )


class HouseholdCause(Base):
    """A secondary cause of hardship the household has now (at most three per household)."""

    __tablename__ = "household_cause"

    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), primary_key=True)
    cause: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column()
    #: The yearly review it was given at (None: the household has had it since it was recorded).
    since_on: Mapped[dt.date | None] = mapped_column(Date)


class EndedCause(Base):
    """A secondary cause a yearly review ended: the household had it from ``since_on`` (None:
    since it was recorded) until the day before ``until_on``. Reports as of a day read these
    beside the causes the household has now."""

    __tablename__ = "household_cause_ended"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    cause: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column()
    since_on: Mapped[dt.date | None] = mapped_column(Date)
    until_on: Mapped[dt.date] = mapped_column(Date)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint("monthly_income_fen >= 0", name="income_not_negative"),
        Index(
            "uq_member_one_head",
            "household_id",
            unique=True,
            sqlite_where=text("relation = 'head'"),
            postgresql_where=text("relation = 'head'"),
        ),
    )

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(40), index=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(16))
    employer: Mapped[str | None] = mapped_column(String(100))
    identity: Mapped[str | None] = mapped_column(String(16))
    health: Mapped[str] = mapped_column(String(16))
    schooling: Mapped[str] = mapped_column(String(16))
    monthly_income_fen: Mapped[int] = mapped_column(Fen)
    #: Newly admitted to study (金秋助学): the level and the year of admission.
    admitted_level: Mapped[str | None] = mapped_column(String(16))
    admitted_year: Mapped[int | None] = mapped_column()
    #: A member belongs to the household from ``joined_on`` (None: since it was registered)
    #: until the day before ``left_on`` (None: still there); a member who left stays in the
    #: household's history, and every count on a day takes the members present that day.
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    joined_reason: Mapped[str | None] = mapped_column(String(24))
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(24))

    household: Mapped[Household] = relationship(back_populates="members")


class HeadChange(Base):
    """户主变更: another member became the head worker on a day; the archive stays the same."""

    __tablename__ = "household_head_change"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"), index=True)
    changed_on: Mapped[dt.date] = mapped_column(Date)
    from_member_id: Mapped[int] = mapped_column(Key, ForeignKey("member.id"))
    to_member_id: Mapped[int] = mapped_column(Key, ForeignKey("member.id"))
    #: The former head's relation to the new head, if the former head stays in the household.
    former_relation: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Review(Base):
    """年审: the yearly review of an archived household — its income calculation that day and
    what was decided (keep, change the category or the causes, propose an exit)."""

    __tablename__ = "household_review"
    __table_args__ = (Index("ix_household_review_household_day", "household_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    household_id: Mapped[int] = mapped_column(Key, ForeignKey("household.id"))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    calculation_id: Mapped[int] = mapped_column(Key, ForeignKey("income_calculation.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    category_before: Mapped[str | None] = mapped_column(String(16))
    category_after: Mapped[str | None] = mapped_column(String(16))
    main_cause_before: Mapped[str | None] = mapped_column(String(16))
    main_cause_after: Mapped[str | None] = mapped_column(String(16))
    #: JSON lists of the secondary causes before and after the review.
    secondary_before: Mapped[str] = mapped_column(Text)
    secondary_after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
