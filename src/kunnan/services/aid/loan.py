"""创业担保借款: start-up loans from a fund, their repayments and defaults, on the aid ledger.

Issuing a loan appends a ``loan`` entry to the hash chain (money out of the
fund) and each repayment a ``repayment`` entry (money back in), through the
same ``ledger.append`` as grants, under the same locks in the same order
(household, fund, chain head). ``loan`` and ``loan_repayment`` say which
entries belong to which loan; what is repaid and outstanding is always
computed from the entries, never stored. How a loan's status is decided, and
why a loan, a repayment, a cancellation or a default is refused, is in
``kunnan.domain.loans``; the household's and the fund's rules are those every
grant follows (``domain.aid.receipt_refusal``, ``domain.balances``).

A mistaken loan is cancelled by reversing its entry (``aid reverse``), once
nothing is repaid on it; a mistaken repayment is reversed the same way and
its reversal counts against the loan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.casework import LOAN_PROGRAM
from kunnan.domain.codes import fund_code, household_code, loan_code
from kunnan.domain.enums import EntryKind, LoanStatus, Relation
from kunnan.domain.errors import NotFound, RuleViolation
from kunnan.domain.loans import (
    LoanFacts,
    cancel_refusal,
    default_refusal,
    due_date,
    issue_refusal,
    repayment_refusal,
)
from kunnan.i18n import _
from kunnan.models import AidEntry, Fund, Loan, LoanDefault, LoanRepayment, Member
from kunnan.schemas.service_aid import LoanCreate, LoanDefaultCreate, RepaymentCreate
from kunnan.services import ledger
from kunnan.services.aid.placement import member_or_head
from kunnan.services.fund import check_can_take, check_open, lock_fund, resolve_fund
from kunnan.store import audit
from kunnan.store.funds import check_funds
from kunnan.store.households import check_present, resolve_household
from kunnan.store.status import check_may_receive

_CODE = re.compile(r"[Ll]([0-9０-９]{1,12})")


def find_loan(session: Session, ref: str) -> Loan:
    match = _CODE.fullmatch(ref.strip())
    loan = session.get(Loan, int(match[1])) if match else None
    if loan is None:
        raise NotFound(_("no loan '{ref}'", ref=ref.strip()), hint=_("kunnan aid loans shows them"))
    return loan


def _repaid(session: Session, loan: Loan, as_of: dt.date | None = None) -> int:
    query = (
        select(func.coalesce(func.sum(AidEntry.amount_fen), 0))
        .join(LoanRepayment, LoanRepayment.entry_seq == AidEntry.seq)
        .where(LoanRepayment.loan_id == loan.id)
    )
    if as_of is not None:
        query = query.where(AidEntry.on_date <= as_of)
    return int(session.scalar(query) or 0)


def loan_facts(session: Session, loan: Loan, *, as_of: dt.date | None = None) -> LoanFacts:
    """The loan's figures (repayments up to ``as_of``, or all of them)."""
    cancelled = session.scalar(select(AidEntry.seq).where(AidEntry.reverses_seq == loan.entry_seq))
    defaulted = session.get(LoanDefault, loan.id)
    return LoanFacts(
        code=loan_code(loan.id),
        amount_fen=loan.amount_fen,
        repaid_fen=_repaid(session, loan, as_of),
        due_on=loan.due_on,
        cancelled=cancelled is not None,
        defaulted_on=defaulted.declared_on if defaulted is not None else None,
        issued_on=loan.issued_on,
    )


def issue(session: Session, *, data: LoanCreate) -> Loan:
    """Lend from a fund to an archived household; the money leaves the fund on the ledger."""
    household = resolve_household(session, data.household, lock=True)
    fund = resolve_fund(session, data.fund, lock=True)
    on = data.on_date
    standing = check_may_receive(session, household, on, what=_("a loan"))
    refusal = issue_refusal(household_code(household.id), standing, on)
    if refusal is not None:
        raise RuleViolation(refusal)
    member = member_or_head(household, data.member)
    check_present(member, on, what=_("a loan"))
    check_open(session, fund, on)
    check_can_take(session, fund, data.amount_fen, on=on, what=_("a loan"))
    entry = ledger.append(
        session,
        AidEntry(
            kind=EntryKind.LOAN.value,
            on_date=on,
            year=on.year,
            fund_id=fund.id,
            household_id=household.id,
            member_id=member.id,
            program=LOAN_PROGRAM,
            amount_fen=data.amount_fen,
            ref=data.ref,
        ),
    )
    loan = Loan(
        household_id=household.id,
        member_id=member.id,
        fund_id=fund.id,
        entry_seq=entry.seq,
        amount_fen=data.amount_fen,
        term_months=data.term_months,
        rate_pct=data.rate_pct,
        issued_on=on,
        due_on=due_date(on, data.term_months),
        year=on.year,
        purpose=data.purpose,
        recorded_at=audit.context(session).at,
    )
    session.add(loan)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="loan",
        entity_ref=loan_code(loan.id),
        household_id=household.id,
        changes={
            "entry": entry.seq,
            "fund": fund_code(fund.id),
            "member": member.name,
            "amount_fen": loan.amount_fen,
            "term_months": loan.term_months,
            "rate_pct": str(loan.rate_pct),
            "on_date": on,
            "due_on": loan.due_on,
            "purpose": loan.purpose,
            "ref": data.ref,
        },
    )
    return loan


def repay(session: Session, *, loan: Loan, data: RepaymentCreate) -> AidEntry:
    """Money repaid on a loan goes back into its fund; never more than is outstanding."""
    resolve_household(session, household_code(loan.household_id), lock=True)  # before its fund
    check_funds(session, [loan.fund_id])
    fund = session.get(Fund, loan.fund_id)
    assert fund is not None
    fund = lock_fund(session, fund)  # every repayment of a loan queues on its fund
    code = loan_code(loan.id)
    refusal = repayment_refusal(loan_facts(session, loan), data.repaid_fen, on=data.on_date)
    if refusal is not None:
        raise RuleViolation(refusal)
    check_open(session, fund, data.on_date)
    entry = ledger.append(
        session,
        AidEntry(
            kind=EntryKind.REPAYMENT.value,
            on_date=data.on_date,
            year=data.on_date.year,
            fund_id=loan.fund_id,
            household_id=loan.household_id,
            member_id=loan.member_id,
            program=LOAN_PROGRAM,
            amount_fen=data.repaid_fen,
            ref=data.ref,
        ),
    )
    session.add(LoanRepayment(entry_seq=entry.seq, loan_id=loan.id))
    session.flush()
    audit.record(
        session,
        action="create",
        entity="loan_repayment",
        entity_ref=code,
        household_id=loan.household_id,
        changes={"entry": entry.seq, "amount_fen": entry.amount_fen, "on_date": data.on_date},
    )
    return entry


def declare_default(session: Session, *, loan: Loan, data: LoanDefaultCreate) -> LoanDefault:
    """The union declares a loan past its due date defaulted; repayments are still taken."""
    check_funds(session, [loan.fund_id])
    refusal = default_refusal(loan_facts(session, loan), data.on_date)
    if refusal is not None:
        raise RuleViolation(refusal)
    row = LoanDefault(
        loan_id=loan.id,
        declared_on=data.on_date,
        reason=data.reason,
        recorded_at=audit.context(session).at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="default",
        entity="loan",
        entity_ref=loan_code(loan.id),
        household_id=loan.household_id,
        changes={"on_date": data.on_date, "reason": data.reason},
    )
    return row


def loan_of_entry(session: Session, entry: AidEntry) -> Loan | None:
    """The loan a ledger entry being reversed belongs to; refuses cancelling a loan with repayments."""
    if entry.kind == EntryKind.LOAN.value:
        loan = session.scalars(select(Loan).where(Loan.entry_seq == entry.seq)).one()
        refusal = cancel_refusal(loan_facts(session, loan))
        if refusal is not None:
            raise RuleViolation(
                refusal,
                hint=_("kunnan aid list --kind loan shows loan {code}", code=loan_code(loan.id)),
            )
        return loan
    if entry.kind == EntryKind.REPAYMENT.value:
        return session.scalars(
            select(Loan)
            .join(LoanRepayment, LoanRepayment.loan_id == Loan.id)
            .where(LoanRepayment.entry_seq == entry.seq)
        ).one()
    return None


def link_reversal(session: Session, loan: Loan, entry: AidEntry, reversal: AidEntry) -> None:
    """A repayment's reversal counts against the loan; a loan's reversal cancels it."""
    if entry.kind == EntryKind.REPAYMENT.value:
        session.add(LoanRepayment(entry_seq=reversal.seq, loan_id=loan.id))
        session.flush()


# Lists -------------------------------------------------------------------------


def repaid_sql(as_of: dt.date) -> Any:
    """Per loan: what was repaid up to ``as_of`` (repayments less their reversals)."""
    return (
        select(
            LoanRepayment.loan_id.label("loan_id"),
            func.sum(AidEntry.amount_fen).label("repaid_fen"),
        )
        .join(AidEntry, AidEntry.seq == LoanRepayment.entry_seq)
        .where(AidEntry.on_date <= as_of)
        .group_by(LoanRepayment.loan_id)
        .subquery()
    )


def cancelled_sql() -> ColumnElement[bool]:
    reversal = aliased(AidEntry)
    return exists(select(reversal.seq).where(reversal.reverses_seq == Loan.entry_seq))


def outstanding_sql(repaid: Any) -> ColumnElement[int]:
    """What a loan still owes, as SQL (see kunnan.domain.loans.outstanding)."""
    left = Loan.amount_fen - func.coalesce(repaid.c.repaid_fen, 0)
    return case((cancelled_sql(), 0), (left < 0, 0), else_=left)


def status_sql(repaid: Any, as_of: dt.date) -> ColumnElement[str]:
    """A loan's status on ``as_of``, as SQL: the same order as LoanFacts.status_on."""
    return case(
        (cancelled_sql(), LoanStatus.CANCELLED.value),
        (outstanding_sql(repaid) <= 0, LoanStatus.REPAID.value),
        (
            and_(LoanDefault.declared_on.is_not(None), LoanDefault.declared_on <= as_of),
            LoanStatus.DEFAULTED.value,
        ),
        (Loan.due_on < as_of, LoanStatus.OVERDUE.value),
        else_=LoanStatus.CURRENT.value,
    )


@dataclass(frozen=True)
class LoanFilter:
    household_id: int | None = None
    fund_id: int | None = None
    year: int | None = None
    status: LoanStatus | None = None


@dataclass(frozen=True)
class LoanRow:
    code: str
    entry: int
    household: str
    head_name: str
    borrower: str
    fund: str
    issued_on: dt.date
    due_on: dt.date
    term_months: int
    rate_pct: Decimal
    purpose: str | None
    status: str
    amount_fen: int
    repaid_fen: int
    outstanding_fen: int


def _loans_query(as_of: dt.date) -> tuple[Select[*tuple[Any, ...]], Any]:
    repaid = repaid_sql(as_of)
    head = aliased(Member)
    borrower = aliased(Member)
    query = (
        select(
            Loan.id,
            Loan.entry_seq,
            Loan.household_id,
            head.name,
            borrower.name,
            Loan.fund_id,
            Loan.issued_on,
            Loan.due_on,
            Loan.term_months,
            Loan.rate_pct,
            Loan.purpose,
            status_sql(repaid, as_of).label("status"),
            Loan.amount_fen,
            func.coalesce(repaid.c.repaid_fen, 0),
            outstanding_sql(repaid).label("outstanding"),
        )
        .join(
            head, (head.household_id == Loan.household_id) & (head.relation == Relation.HEAD.value)
        )
        .join(borrower, borrower.id == Loan.member_id)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(LoanDefault, LoanDefault.loan_id == Loan.id)
        .where(Loan.issued_on <= as_of)
    )
    return query, repaid


def _where(
    query: Select[*tuple[Any, ...]], where: LoanFilter, repaid: Any, as_of: dt.date
) -> Select[*tuple[Any, ...]]:
    if where.household_id is not None:
        query = query.where(Loan.household_id == where.household_id)
    if where.fund_id is not None:
        query = query.where(Loan.fund_id == where.fund_id)
    if where.year is not None:
        query = query.where(Loan.year == where.year)
    if where.status is not None:
        query = query.where(status_sql(repaid, as_of) == where.status.value)
    return query


def list_loans(
    session: Session, *, where: LoanFilter, as_of: dt.date
) -> tuple[list[LoanRow], dict[str, int]]:
    """Loans issued up to ``as_of`` with their status on that day, and the totals (SQL)."""
    query, repaid = _loans_query(as_of)
    query = _where(query, where, repaid, as_of).order_by(Loan.issued_on, Loan.id)
    rows = [
        LoanRow(
            code=loan_code(row[0]),
            entry=row[1],
            household=household_code(row[2]),
            head_name=row[3],
            borrower=row[4],
            fund=fund_code(row[5]),
            issued_on=row[6],
            due_on=row[7],
            term_months=row[8],
            rate_pct=Decimal(str(row[9])).quantize(Decimal("0.01")),
            purpose=row[10],
            status=row[11],
            amount_fen=int(row[12]),
            repaid_fen=int(row[13]),
            outstanding_fen=int(row[14]),
        )
        for row in session.execute(query)
    ]
    totals_query = _where(
        select(
            func.count(Loan.id),
            func.coalesce(func.sum(case((cancelled_sql(), 0), else_=Loan.amount_fen)), 0),
            func.coalesce(func.sum(func.coalesce(repaid.c.repaid_fen, 0)), 0),
            func.coalesce(func.sum(outstanding_sql(repaid)), 0),
        )
        .select_from(Loan)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(LoanDefault, LoanDefault.loan_id == Loan.id)
        .where(Loan.issued_on <= as_of),
        where,
        repaid,
        as_of,
    )
    count, lent, paid, owed = session.execute(totals_query).one()
    totals = {
        "loans": int(count),
        "amount_fen": int(lent),
        "repaid_fen": int(paid),
        "outstanding_fen": int(owed),
    }
    return rows, totals


@dataclass(frozen=True)
class LoanYearRow:
    """Loans issued in a year and where they stand on the as-of day (for reports)."""

    year: int
    loans: int
    lent_fen: int
    repaid_fen: int
    outstanding_fen: int
    current: int
    overdue: int
    repaid: int
    defaulted: int
    cancelled: int


def loans_by_year(session: Session, *, as_of: dt.date) -> list[LoanYearRow]:
    """Per year of issue: loans, lent, repaid, outstanding and how many stand in each status."""
    repaid = repaid_sql(as_of)
    status = status_sql(repaid, as_of)
    counts = [func.coalesce(func.sum(case((status == s.value, 1), else_=0)), 0) for s in LoanStatus]
    query = (
        select(
            Loan.year,
            func.count(Loan.id),
            func.coalesce(func.sum(case((cancelled_sql(), 0), else_=Loan.amount_fen)), 0),
            func.coalesce(func.sum(func.coalesce(repaid.c.repaid_fen, 0)), 0),
            func.coalesce(func.sum(outstanding_sql(repaid)), 0),
            *counts,
        )
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(LoanDefault, LoanDefault.loan_id == Loan.id)
        .where(Loan.issued_on <= as_of)
        .group_by(Loan.year)
        .order_by(Loan.year)
    )
    found = []
    for row in session.execute(query):
        by_status = dict(zip(LoanStatus, (int(n) for n in row[5:]), strict=True))
        found.append(
            LoanYearRow(
                year=row[0],
                loans=int(row[1]),
                lent_fen=int(row[2]),
                repaid_fen=int(row[3]),
                outstanding_fen=int(row[4]),
                current=by_status[LoanStatus.CURRENT],
                overdue=by_status[LoanStatus.OVERDUE],
                repaid=by_status[LoanStatus.REPAID],
                defaulted=by_status[LoanStatus.DEFAULTED],
                cancelled=by_status[LoanStatus.CANCELLED],
            )
        )
    return found
