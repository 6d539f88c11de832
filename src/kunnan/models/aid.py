"""Funds, the programme catalogue with its dated rules, and the append-only aid ledger.

``aid_entry`` is the ledger: every yuan into a fund (a contribution) and out
of it (a grant) is one row, numbered by ``seq`` without gaps and chained by
SHA-256 (see ``kunnan.domain.aid``). Rows are never updated or deleted — the
database refuses it with triggers (migration 0006; ``kunnan.db.triggers``) —
and a correction is a reversal: a new row of the same kind with the opposite
amount, linked by ``reverses_seq``.
``ledger_head`` holds the last sequence number and hash; appending locks it,
so two processes never fork the chain.

Aid counts toward ``year`` (the grant's year; a reversal takes the year of
what it reverses), so sums by year, programme, household or fund are plain
SQL aggregates over covering indexes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Fen, Key, UtcDateTime


class Fund(Base):
    """Money set aside for aid: from the union, government, donors, charities, mutual aid.

    It belongs to a union (``org_id``; None: the root union's, as every fund was before
    migration 0016): an operator sees and moves money only in the funds of their union and
    those under it."""

    __tablename__ = "fund"
    __table_args__ = (CheckConstraint("budget_fen >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    budget_fen: Mapped[int | None] = mapped_column(Fen)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    org_id: Mapped[int | None] = mapped_column(Key, ForeignKey("org.id"))


class Program(Base):
    """A programme of the catalogue (金秋助学, 大病医疗救助 …), under one of the guarantees."""

    __tablename__ = "program"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    guarantee: Mapped[str] = mapped_column(String(16))
    #: ``cash`` for grants from a fund; service programmes come with their own commands.
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)


class ProgramRule(Base):
    """A programme's rule from a date on; a grant is judged by the latest from ≤ its date."""

    __tablename__ = "program_rule"
    __table_args__ = (
        CheckConstraint(
            "(standard_fen IS NULL OR standard_fen > 0)"
            " AND (yearly_cap_fen IS NULL OR yearly_cap_fen > 0)"
            " AND (undergraduate_fen IS NULL OR undergraduate_fen > 0)"
            " AND (junior_college_fen IS NULL OR junior_college_fen > 0)"
            " AND (high_school_fen IS NULL OR high_school_fen > 0)",
            name="amounts_positive",
        ),
    )

    program: Mapped[str] = mapped_column(String(24), ForeignKey("program.code"), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    standard_fen: Mapped[int | None] = mapped_column(Fen)
    undergraduate_fen: Mapped[int | None] = mapped_column(Fen)
    junior_college_fen: Mapped[int | None] = mapped_column(Fen)
    high_school_fen: Mapped[int | None] = mapped_column(Fen)
    ceiling: Mapped[bool] = mapped_column(Boolean)
    yearly_cap_fen: Mapped[int | None] = mapped_column(Fen)
    archived_only: Mapped[bool] = mapped_column(Boolean)
    admission_required: Mapped[bool] = mapped_column(Boolean)
    once_per: Mapped[str | None] = mapped_column(String(16))
    #: Programme codes, comma-separated and sorted ('' for none).
    excludes: Mapped[str] = mapped_column(String(200))


class AidEntry(Base):
    """One entry of the aid ledger. Append-only: never updated, never deleted."""

    __tablename__ = "aid_entry"
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        CheckConstraint("seq > 0", name="seq_positive"),
        Index(
            "ix_aid_entry_household_program_year", "household_id", "program", "year", "amount_fen"
        ),
        Index("ix_aid_entry_member_program_year", "member_id", "program", "year"),
        Index("ix_aid_entry_program_year", "program", "year", "amount_fen"),
        #: Totals by programme for a year answered from the index alone (migration 0007).
        Index("ix_aid_entry_year_kind_program", "year", "kind", "program", "amount_fen"),
        Index("ix_aid_entry_fund_on_date", "fund_id", "on_date", "kind", "amount_fen"),
    )

    #: Position in the chain: 1, 2, 3 … without gaps, assigned under the head row's lock.
    seq: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[dt.date] = mapped_column(Date)
    #: The year the entry counts toward (a reversal: the year of what it reverses).
    year: Mapped[int] = mapped_column(Integer)
    fund_id: Mapped[int] = mapped_column(Key, ForeignKey("fund.id"))
    household_id: Mapped[int | None] = mapped_column(Key, ForeignKey("household.id"))
    member_id: Mapped[int | None] = mapped_column(Key, ForeignKey("member.id"))
    program: Mapped[str | None] = mapped_column(String(24), ForeignKey("program.code"))
    #: The ``effective_from`` of the programme rule that judged the grant.
    rule_from: Mapped[dt.date | None] = mapped_column(Date)
    #: Signed in the entry's own direction: a grant pays +, its reversal −.
    amount_fen: Mapped[int] = mapped_column(Fen)
    reverses_seq: Mapped[int | None] = mapped_column(Key, ForeignKey("aid_entry.seq"), unique=True)
    #: Who the money came from (contributions).
    counterparty: Mapped[str | None] = mapped_column(String(100))
    #: A voucher or document number.
    ref: Mapped[str | None] = mapped_column(String(100))
    #: Why an entry was reversed (on the reversal).
    reason: Mapped[str | None] = mapped_column(String(400))
    #: Why a supervisor let the grant past a programme's limit.
    override_reason: Mapped[str | None] = mapped_column(String(400))
    operator: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LedgerHead(Base):
    """The one row saying where the chain ends; appends lock it, so the chain never forks."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class FundAssertion(Base):
    """'Fund F held exactly this much at the end of day D' (as in plain-text accounting)."""

    __tablename__ = "fund_assertion"
    __table_args__ = (Index("ix_fund_assertion_fund_id_on_date", "fund_id", "on_date"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    fund_id: Mapped[int] = mapped_column(Key, ForeignKey("fund.id"))
    on_date: Mapped[dt.date] = mapped_column(Date)
    balance_fen: Mapped[int] = mapped_column(Fen)
    operator: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
