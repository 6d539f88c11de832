"""Funds: adding them, money coming in, balance assertions, and what each holds.

A fund belongs to a union (``--org``; by default the operator's, without one the root
union's): an operator sees and works with the funds of their union and those under it only
(``store.funds``), checked wherever a fund is found by what was typed (``resolve_fund``).

A fund's balance is never stored: it is the sum of its ledger entries'
effects (``services.ledger.fund_effect_sql``), computed in SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Date,
    Select,
    bindparam,
    case,
    cast,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from kunnan.db.session import locked
from kunnan.domain.balances import DatedBalances, closed_refusal, overdraw_refusal
from kunnan.domain.codes import fund_code, household_code
from kunnan.domain.enums import EntryKind
from kunnan.domain.errors import CheckFailed, Conflict, NotFound, RuleViolation
from kunnan.i18n import _
from kunnan.models import AidEntry, Fund, FundAssertion, Org
from kunnan.schemas.aid import BalanceAssertion, ContributionCreate, FundCreate
from kunnan.services import ledger
from kunnan.services.ledger import assertion_failure, fund_effect_sql
from kunnan.store import audit
from kunnan.store.funds import (
    UNION_NAME,
    check_funds,
    fund_label,
    with_union,
    within_scope,
)
from kunnan.store.operators import check_union, scoped_org
from kunnan.store.orgs import find_union

_CODE = re.compile(r"[Ff]([0-9０-９]{1,12})")


def resolve_fund(session: Session, ref: str, *, lock: bool = False) -> Fund:
    """A fund by its code (F001) or its exact name, if the command's operator may work with it
    (``store.funds.check_funds``); with ``lock``, held as ``lock_fund`` holds it (one
    statement)."""
    text = ref.strip()
    match = _CODE.fullmatch(text)
    if match:
        fund = session.get(Fund, int(match[1]), **locked(lock))
    else:
        fund = session.scalars(select(Fund).where(Fund.name == text)).first()
        if fund is not None and lock:
            fund = lock_fund(session, fund)
    if fund is None:
        raise NotFound(_("no fund '{text}'", text=text), hint=_("kunnan fund list shows them"))
    check_funds(session, [fund.id])
    return fund


def lock_fund(session: Session, fund: Fund) -> Fund:
    """Hold the fund's row until the command ends, so two grants from it queue (PostgreSQL)."""
    return session.scalars(
        select(Fund)
        .where(Fund.id == fund.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


@cache
def _balance_query(dated: bool) -> Select[int]:
    """Built once: every grant, loan and reversal asks it, and building it cost more than
    running it."""
    query = select(func.coalesce(func.sum(fund_effect_sql()), 0)).where(
        AidEntry.fund_id == bindparam("fund_id")
    )
    return query.where(AidEntry.on_date <= bindparam("on")) if dated else query


def balance(session: Session, fund_id: int, *, on: dt.date | None = None) -> int:
    """The fund's balance now, or at the end of day ``on``."""
    params: dict[str, Any] = {"fund_id": fund_id} if on is None else {"fund_id": fund_id, "on": on}
    return int(session.scalar(_balance_query(on is not None), params) or 0)


@cache
def dated_balances_query(*, bounded: bool = False) -> CompoundSelect[Any, int]:
    """A fund's balance before a day, and its net movement on that day and each later one
    (``bounded``: up to the day before ``until``): two range scans of the fund's entries in
    the (fund, date) index, which together read each entry once (as the fund's balance alone
    did). Built once."""
    fund, on = AidEntry.fund_id == bindparam("fund_id"), bindparam("on", type_=Date)
    effect = func.coalesce(func.sum(fund_effect_sql()), 0)
    # The first select names the columns' types: a date for the day, as the second reads it.
    before = select(cast(null(), Date).label("on_date"), effect).where(fund, AidEntry.on_date < on)
    from_on = select(AidEntry.on_date, effect).where(fund, AidEntry.on_date >= on)
    if bounded:
        from_on = from_on.where(AidEntry.on_date < bindparam("until", type_=Date))
    return union_all(before, from_on.group_by(AidEntry.on_date))


def dated_balances(
    session: Session, fund_id: int, *, since: dt.date, until: dt.date | None = None
) -> DatedBalances:
    """The fund's balance at the end of ``since`` and of every later day (before ``until``,
    when given), as the rule reads it."""
    params: dict[str, Any] = {"fund_id": fund_id, "on": since}
    if until is not None:
        params["until"] = until
    opening, days = 0, []
    for day, fen in session.execute(dated_balances_query(bounded=until is not None), params):
        if day is None:
            opening = int(fen)
        else:
            days.append((day, int(fen)))
    return DatedBalances(days, opening_fen=opening, since=since)


def check_can_take(
    session: Session, fund: Fund, amount_fen: int, *, on: dt.date, what: str
) -> None:
    """Refuse taking ``amount_fen`` out of a fund on day ``on`` unless it holds that much at
    the end of that day and of every later one (``domain.balances``)."""
    refusal = overdraw_refusal(
        dated_balances(session, fund.id, since=on),
        fund=fund_label(fund.id, fund.name),
        on=on,
        amount_fen=amount_fen,
        what=what,
    )
    if refusal is not None:
        raise RuleViolation(refusal)


@cache
def _closed_query() -> Select[dt.date]:
    return select(func.max(FundAssertion.on_date)).where(
        FundAssertion.fund_id == bindparam("fund_id")
    )


def closed_on(session: Session, fund_id: int) -> dt.date | None:
    """The day of the fund's latest balance assertion: its past is closed up to its end."""
    return session.scalar(_closed_query(), {"fund_id": fund_id})


def check_open(session: Session, fund: Fund, on_date: dt.date) -> None:
    """Refuse an entry dated on or before the fund's latest balance assertion: it would break it
    (``domain.balances.closed_refusal``)."""
    refusal = closed_refusal(fund_code(fund.id), closed_on(session, fund.id), on_date)
    if refusal is not None:
        raise RuleViolation(refusal)


def add_fund(session: Session, *, data: FundCreate, org: str | None = None) -> Fund:
    """Add a fund of union ``org`` (within the operator's), by default of the operator's own
    union (without one: the root union's)."""
    union = check_union(session, find_union(session, org)) if org else scoped_org(session, None)
    if session.scalars(select(Fund).where(Fund.name == data.name)).first() is not None:
        raise Conflict(_("a fund named '{name}' already exists", name=data.name))
    fund = Fund(
        name=data.name,
        source=data.source.value,
        year=data.year,
        budget_fen=data.budget_fen,
        created_at=audit.context(session).at,
        org_id=union.id if union is not None else None,
    )
    session.add(fund)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="fund",
        entity_ref=fund_code(fund.id),
        changes={
            "name": fund.name,
            "source": fund.source,
            "year": fund.year,
            "budget_fen": fund.budget_fen,
            "org": union.code if union is not None else None,
        },
    )
    return fund


def contribute(session: Session, *, fund: Fund, data: ContributionCreate) -> AidEntry:
    """Money into a fund: a contribution entry on the chain."""
    fund = lock_fund(session, fund)
    check_open(session, fund, data.on_date)
    entry = ledger.append(
        session,
        AidEntry(
            kind=EntryKind.CONTRIBUTION.value,
            on_date=data.on_date,
            year=data.on_date.year,
            fund_id=fund.id,
            amount_fen=data.amount_fen,
            counterparty=data.counterparty,
            ref=data.ref,
        ),
    )
    audit.record(
        session,
        action="create",
        entity="aid_entry",
        entity_ref=str(entry.seq),
        changes={
            "kind": entry.kind,
            "fund": fund_code(fund.id),
            "amount_fen": entry.amount_fen,
            "from": entry.counterparty,
            "on_date": entry.on_date,
            "ref": entry.ref,
        },
    )
    return entry


def assert_balance(session: Session, *, fund: Fund, data: BalanceAssertion) -> FundAssertion:
    """Record that the fund held exactly this much at the end of a day; refuse if it did not."""
    fund = lock_fund(session, fund)
    actual = balance(session, fund.id, on=data.on_date)
    if actual != data.balance_fen:
        raise CheckFailed(assertion_failure(fund.id, data.on_date, data.balance_fen, actual))
    context = audit.context(session)
    assertion = FundAssertion(
        fund_id=fund.id,
        on_date=data.on_date,
        balance_fen=data.balance_fen,
        operator=context.operator,
        recorded_at=context.at,
    )
    session.add(assertion)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="fund_assertion",
        entity_ref=fund_code(fund.id),
        changes={"on_date": data.on_date, "balance_fen": data.balance_fen},
    )
    return assertion


@dataclass(frozen=True)
class FundRow:
    code: str
    name: str
    #: The union it belongs to (None: a ledger without unions).
    org: str | None
    source: str
    year: int
    budget_fen: int | None
    contributed_fen: int
    granted_fen: int
    lent_fen: int
    repaid_fen: int
    balance_fen: int


def _kind_sum(kind: EntryKind) -> Any:
    return func.coalesce(
        func.sum(case((AidEntry.kind == kind.value, AidEntry.amount_fen), else_=0)), 0
    )


def _rows_query() -> Select[*tuple[Any, ...]]:
    query = (
        select(
            Fund.id,
            Fund.name,
            UNION_NAME,
            Fund.source,
            Fund.year,
            Fund.budget_fen,
            _kind_sum(EntryKind.CONTRIBUTION),
            _kind_sum(EntryKind.GRANT),
            _kind_sum(EntryKind.LOAN),
            _kind_sum(EntryKind.REPAYMENT),
            func.coalesce(func.sum(fund_effect_sql()), 0),
        )
        .outerjoin(AidEntry, AidEntry.fund_id == Fund.id)
        .order_by(Fund.id)
    )
    return with_union(query).group_by(
        Fund.id, Fund.name, UNION_NAME, Fund.source, Fund.year, Fund.budget_fen
    )


def _to_row(row: Any) -> FundRow:
    return FundRow(
        code=fund_code(row[0]),
        name=row[1],
        org=row[2],
        source=row[3],
        year=row[4],
        budget_fen=row[5],
        contributed_fen=int(row[6]),
        granted_fen=int(row[7]),
        lent_fen=int(row[8]),
        repaid_fen=int(row[9]),
        balance_fen=int(row[10]),
    )


@dataclass(frozen=True)
class FundFilter:
    year: int | None = None
    source: str | None = None
    #: The funds of this union and those under it (None: every fund).
    org: Org | None = None


def _filtered(query: Select[*tuple[Any, ...]], where: FundFilter) -> Select[*tuple[Any, ...]]:
    query = query.where(within_scope(where.org))
    if where.year is not None:
        query = query.where(Fund.year == where.year)
    if where.source is not None:
        query = query.where(Fund.source == where.source)
    return query


def list_funds(session: Session, *, where: FundFilter) -> tuple[list[FundRow], dict[str, int]]:
    """Every fund with what came in, was granted, lent and repaid, and what it holds; and totals."""
    rows = [_to_row(row) for row in session.execute(_filtered(_rows_query(), where))]
    totals_query = _filtered(
        with_union(
            select(
                _kind_sum(EntryKind.CONTRIBUTION),
                _kind_sum(EntryKind.GRANT),
                _kind_sum(EntryKind.LOAN),
                _kind_sum(EntryKind.REPAYMENT),
                func.coalesce(func.sum(fund_effect_sql()), 0),
            )
            .select_from(Fund)
            .outerjoin(AidEntry, AidEntry.fund_id == Fund.id)
        ),
        where,
    )
    contributed, granted, lent, repaid, held = session.execute(totals_query).one()
    totals = {
        "contributed_fen": int(contributed),
        "granted_fen": int(granted),
        "lent_fen": int(lent),
        "repaid_fen": int(repaid),
        "balance_fen": int(held),
    }
    return rows, totals


@dataclass(frozen=True)
class FundEntryRow:
    seq: int
    on_date: dt.date
    kind: str
    amount_fen: int
    effect_fen: int
    household: str | None
    program: str | None
    counterparty: str | None
    ref: str | None
    reverses_seq: int | None


@dataclass(frozen=True)
class AssertionRow:
    on_date: dt.date
    balance_fen: int
    operator: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class FundDetail:
    fund: FundRow
    entries: list[FundEntryRow]
    assertions: list[AssertionRow]


def fund_detail(session: Session, fund: Fund) -> FundDetail:
    row = _to_row(session.execute(_rows_query().where(Fund.id == fund.id)).one())
    entries = [
        FundEntryRow(
            seq=seq,
            on_date=on_date,
            kind=kind,
            amount_fen=amount,
            effect_fen=int(effect),
            household=household_code(household_id) if household_id is not None else None,
            program=program,
            counterparty=counterparty,
            ref=ref,
            reverses_seq=reverses_seq,
        )
        for seq, on_date, kind, amount, effect, household_id, program, counterparty, ref, reverses_seq in (
            session.execute(
                select(
                    AidEntry.seq,
                    AidEntry.on_date,
                    AidEntry.kind,
                    AidEntry.amount_fen,
                    fund_effect_sql(),
                    AidEntry.household_id,
                    AidEntry.program,
                    AidEntry.counterparty,
                    AidEntry.ref,
                    AidEntry.reverses_seq,
                )
                .where(AidEntry.fund_id == fund.id)
                .order_by(AidEntry.seq)
            )
        )
    ]
    assertions = [
        AssertionRow(
            on_date=a.on_date,
            balance_fen=a.balance_fen,
            operator=a.operator,
            recorded_at=a.recorded_at,
        )
        for a in session.scalars(
            select(FundAssertion)
            .where(FundAssertion.fund_id == fund.id)
            .order_by(FundAssertion.on_date, FundAssertion.id)
        )
    ]
    return FundDetail(fund=row, entries=entries, assertions=assertions)
