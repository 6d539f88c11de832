"""Cash aid: grants judged by the programme's rule in force on their date, and reversals.

A grant locks, in this order, the household, the fund and the chain head
(the same order everywhere, ``db.locks``, so two commands never wait on each
other in a circle); on PostgreSQL the row locks make a second grant to the
same household or from the same fund wait until the first has committed, and
then see it. A reversal locks the household of the entry it reverses before
its fund. On SQLite the write transaction holds the database's lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.aid import FUND_DIRECTION, Earlier, GrantCase, Refusal, Rule, judge
from kunnan.domain.codes import fund_code, household_code
from kunnan.domain.enums import AdmissionLevel, EntryKind, HouseholdStatus, OncePer, Relation
from kunnan.domain.errors import InvalidInput, NotFound, RuleViolation
from kunnan.models import AidEntry, Fund, Household, Member, Program
from kunnan.schemas.aid import GrantCreate, ReversalCreate
from kunnan.services import audit, ledger
from kunnan.services.exits import latest_exit
from kunnan.services.funds import check_can_take, check_open, lock_fund, resolve_fund
from kunnan.services.households import find_member, head_of, resolve_household
from kunnan.services.programs import find_program, rule_in_force
from kunnan.services.status import status_on

#: Programmes paid in money from a fund (service programmes have their own commands).
CASH = "cash"

_ENTRY = re.compile(r"#?([0-9０-９]{1,18})")


def find_entry(session: Session, ref: str) -> AidEntry:
    """A ledger entry by its sequence number (12 or #12)."""
    match = _ENTRY.fullmatch(ref.strip())
    entry = session.get(AidEntry, int(match[1])) if match else None
    if entry is None:
        raise NotFound(f"no ledger entry '{ref.strip()}'", hint="kunnan aid list shows them")
    return entry


@cache
def live_grants() -> ColumnElement[bool]:
    """Grants that are not reversals and have not been reversed.

    "Not a reversal" is written so that no index on reverses_seq can serve it: nearly every
    entry has none, and SQLite, without statistics, would walk them all through that index
    instead of the household's or member's (every grant checks a household's earlier ones).
    Built once: the expression is immutable, and building its alias costs more than the query.
    """
    reversal = aliased(AidEntry)
    return and_(
        AidEntry.kind == EntryKind.GRANT.value,
        func.coalesce(AidEntry.reverses_seq, 0) == 0,
        ~select(reversal.seq).where(reversal.reverses_seq == AidEntry.seq).exists(),
    )


#: Whose earlier grants a grant looks back on: a household's or a member's of one programme,
#: or a household's of several.
LookBack = Literal["household", "member", "household_programs"]


def _earlier(session: Session, by: LookBack, **params: Any) -> list[Earlier]:
    """The live grants this year of a programme (or of several: ``programs``) to the
    household or the member ``by`` names."""
    rows = session.execute(_earlier_query(by), params)
    return [Earlier(program=program or "", seq=seq, on_date=on) for program, seq, on in rows]


@cache
def _earlier_query(by: LookBack) -> Select[str | None, int, dt.date]:
    """Built once for each way a grant looks back (they ran for every grant)."""
    whose = AidEntry.member_id if by == "member" else AidEntry.household_id
    programs = (
        AidEntry.program.in_(bindparam("programs", expanding=True))
        if by == "household_programs"
        else AidEntry.program == bindparam("program")
    )
    return (
        select(AidEntry.program, AidEntry.seq, AidEntry.on_date)
        .where(live_grants(), whose == bindparam("whose"), programs)
        .where(AidEntry.year == bindparam("year"))
        .order_by(AidEntry.seq)
    )


@cache
def _received_query() -> Select[int]:
    return select(func.coalesce(func.sum(AidEntry.amount_fen), 0)).where(
        AidEntry.kind == EntryKind.GRANT.value,
        AidEntry.household_id == bindparam("household_id"),
        AidEntry.program == bindparam("program"),
        AidEntry.year == bindparam("year"),
    )


def _admitted(member: Member, year: int) -> bool:
    return member.admitted_level not in (None, AdmissionLevel.NONE) and member.admitted_year == year


def _member_for(household: Household, rule: Rule, ref: str | None, year: int) -> Member | None:
    """The member a grant is for: as given; the one admitted this year; the head; or nobody."""
    if ref is not None:
        return find_member(household, ref)
    if rule.admission_required:
        admitted = [m for m in household.members if _admitted(m, year)]
        if len(admitted) > 1:
            names = ", ".join(m.name for m in admitted)
            raise InvalidInput(
                f"give --member: {len(admitted)} members of {household_code(household.id)} "
                f"were admitted in {year} ({names})"
            )
        return admitted[0] if admitted else None
    if rule.once_per is OncePer.MEMBER:
        return head_of(household)
    return None


def _case(
    session: Session,
    household: Household,
    member: Member | None,
    rule: Rule,
    year: int,
    asked_fen: int | None,
) -> GrantCase:
    """Gather what the rule needs to know, in SQL."""
    received = session.scalar(
        _received_query(), {"household_id": household.id, "program": rule.program, "year": year}
    )
    once: list[Earlier] = []
    if rule.once_per is OncePer.HOUSEHOLD:
        once = _earlier(session, "household", whose=household.id, program=rule.program, year=year)
    elif rule.once_per is OncePer.MEMBER and member is not None:
        once = _earlier(session, "member", whose=member.id, program=rule.program, year=year)
    combined = (
        _earlier(
            session,
            "household_programs",
            whose=household.id,
            programs=list(rule.excludes),
            year=year,
        )
        if rule.excludes
        else []
    )
    level = member.admitted_level if member is not None and _admitted(member, year) else None
    return GrantCase(
        household=household_code(household.id),
        status=HouseholdStatus(household.status),
        year=year,
        member=member.name if member else None,
        admitted=AdmissionLevel(level) if level else None,
        admitted_year=member.admitted_year if member else None,
        asked_fen=asked_fen,
        received_this_year_fen=int(received or 0),
        once_earlier=once[0] if once else None,
        combined=tuple(combined),
    )


def _refused(refusals: tuple[Refusal, ...], rule: Rule) -> str:
    since = f"the {rule.program} rule in force since {rule.effective_from.isoformat()}"
    return "; ".join(r.message for r in refusals) + f", under {since}"


def check_may_receive(
    session: Session, household: Household, on: dt.date, *, what: str
) -> HouseholdStatus:
    """The household's status on ``on``, refusing aid dated before it was registered or after it
    left the register. Grants, loans and every service follow this one rule."""
    code = household_code(household.id)
    if on < household.registered_on:
        raise RuleViolation(
            f"{code} was registered on {household.registered_on.isoformat()}; "
            f"{what} dated {on.isoformat()} is before it"
        )
    standing = status_on(session, household, on) or HouseholdStatus(household.status)
    if standing is HouseholdStatus.EXITED:
        left = latest_exit(session, household)
        when = f" on {left.exited_on.isoformat()} ({left.kind})" if left else ""
        raise RuleViolation(
            f"{code} left the register{when}; exited households receive no new aid or services"
        )
    return standing


@dataclass(frozen=True)
class GrantResult:
    entry: AidEntry
    #: The limits a supervisor passed with --override (empty when none was needed).
    overridden: tuple[str, ...]


def grant(session: Session, *, data: GrantCreate) -> GrantResult:
    """Pay cash aid from a fund to a household, if the programme's rule allows it."""
    household = resolve_household(session, data.household, lock=True)
    program = find_program(session, data.program)
    if program.kind != CASH:
        raise RuleViolation(f"{program.code} is not paid in cash from a fund")
    fund = resolve_fund(session, data.fund, lock=True)
    on = data.on_date
    standing = check_may_receive(session, household, on, what="a grant")
    rule = rule_in_force(session, program, on)
    member = _member_for(household, rule, data.member, on.year)
    case = _case(session, household, member, rule, on.year, data.amount_fen)
    judgement = judge(rule, dataclasses.replace(case, status=standing))
    if judgement.hard:
        raise RuleViolation(_refused(judgement.hard, rule))
    if judgement.limits and data.override_reason is None:
        raise RuleViolation(
            _refused(judgement.limits, rule),
            hint='a supervisor may pass it with --override "reason"',
        )
    amount = judgement.amount_fen
    assert amount is not None  # judged without hard refusals
    check_open(session, fund, on)
    check_can_take(session, fund, amount, on=on, what="a grant")
    overridden = tuple(r.message for r in judgement.limits)
    entry = ledger.append(
        session,
        AidEntry(
            kind=EntryKind.GRANT.value,
            on_date=on,
            year=on.year,
            fund_id=fund.id,
            household_id=household.id,
            member_id=member.id if member else None,
            program=program.code,
            rule_from=rule.effective_from,
            amount_fen=amount,
            ref=data.ref,
            override_reason=data.override_reason if overridden else None,
        ),
    )
    audit.record(
        session,
        action="create",
        entity="aid_entry",
        entity_ref=str(entry.seq),
        household_id=household.id,
        changes={
            "kind": entry.kind,
            "program": program.code,
            "fund": fund_code(fund.id),
            "member": member.name if member else None,
            "amount_fen": amount,
            "on_date": on,
            "ref": data.ref,
            "rule_from": rule.effective_from,
        },
    )
    if overridden:
        audit.record(
            session,
            action="override",
            entity="aid_entry",
            entity_ref=str(entry.seq),
            household_id=household.id,
            changes={
                "reason": data.override_reason,
                "rules": [r.rule for r in judgement.limits],
                "refusals": list(overridden),
            },
        )
    return GrantResult(entry=entry, overridden=overridden)


def reverse(session: Session, *, entry: AidEntry, data: ReversalCreate) -> AidEntry:
    """Correct an entry by a new one with the opposite amount; an entry is reversed once."""
    if entry.household_id is not None:  # households before funds, as every writer takes them
        resolve_household(session, household_code(entry.household_id), lock=True)
    fund = session.get(Fund, entry.fund_id)
    assert fund is not None
    fund = lock_fund(session, fund)
    if entry.reverses_seq is not None:
        raise RuleViolation(
            f"entry {entry.seq} is itself the reversal of entry {entry.reverses_seq}; "
            "record the aid again instead"
        )
    already = session.scalar(select(AidEntry.seq).where(AidEntry.reverses_seq == entry.seq))
    if already is not None:
        raise RuleViolation(f"entry {entry.seq} was already reversed by entry {already}")
    if data.on_date < entry.on_date:
        raise RuleViolation(
            f"a reversal cannot be dated before the entry it reverses ({entry.on_date.isoformat()})"
        )
    check_open(session, fund, data.on_date)
    if FUND_DIRECTION[EntryKind(entry.kind)] > 0:  # money in comes out again
        check_can_take(
            session, fund, entry.amount_fen, on=data.on_date, what=f"reversing entry {entry.seq}"
        )
    from kunnan.services.loans import link_reversal, loan_of_entry

    loan = loan_of_entry(session, entry)  # a loan or a repayment: refused or linked below
    reversal = ledger.append(
        session,
        AidEntry(
            kind=entry.kind,
            on_date=data.on_date,
            year=entry.year,
            fund_id=entry.fund_id,
            household_id=entry.household_id,
            member_id=entry.member_id,
            program=entry.program,
            rule_from=entry.rule_from,
            amount_fen=-entry.amount_fen,
            reverses_seq=entry.seq,
            counterparty=entry.counterparty,
            ref=entry.ref,
            reason=data.reason,
        ),
    )
    if loan is not None:
        link_reversal(session, loan, entry, reversal)
    audit.record(
        session,
        action="reverse",
        entity="aid_entry",
        entity_ref=str(reversal.seq),
        household_id=entry.household_id,
        changes={
            "reverses": entry.seq,
            "amount_fen": reversal.amount_fen,
            "on_date": data.on_date,
            "reason": data.reason,
        },
    )
    return reversal


@dataclass(frozen=True)
class AidFilter:
    household_id: int | None = None
    program: str | None = None
    year: int | None = None
    fund_id: int | None = None


@dataclass(frozen=True)
class AidRow:
    seq: int
    on_date: dt.date
    year: int
    household: str
    head_name: str
    member: str | None
    program: str
    program_name: str
    fund: str
    amount_fen: int
    reverses_seq: int | None
    reversed_by: int | None
    ref: str | None
    override_reason: str | None


def _conditions(where: AidFilter) -> list[ColumnElement[bool]]:
    conditions = [AidEntry.kind == EntryKind.GRANT.value]
    if where.household_id is not None:
        conditions.append(AidEntry.household_id == where.household_id)
    if where.program is not None:
        conditions.append(AidEntry.program == where.program)
    if where.year is not None:
        conditions.append(AidEntry.year == where.year)
    if where.fund_id is not None:
        conditions.append(AidEntry.fund_id == where.fund_id)
    return conditions


def _aid_query() -> Select[*tuple[Any, ...]]:
    head = aliased(Member)
    member = aliased(Member)
    reversal = aliased(AidEntry)
    return (
        select(
            AidEntry.seq,
            AidEntry.on_date,
            AidEntry.year,
            AidEntry.household_id,
            head.name,
            member.name,
            AidEntry.program,
            AidEntry.fund_id,
            AidEntry.amount_fen,
            AidEntry.reverses_seq,
            reversal.seq,
            AidEntry.ref,
            AidEntry.override_reason,
            Program.name,
        )
        .join(Program, Program.code == AidEntry.program)
        .join(
            head,
            (head.household_id == AidEntry.household_id) & (head.relation == Relation.HEAD.value),
        )
        .outerjoin(member, member.id == AidEntry.member_id)
        .outerjoin(reversal, reversal.reverses_seq == AidEntry.seq)
        .order_by(AidEntry.seq)
    )


def _to_row(row: Any) -> AidRow:
    return AidRow(
        seq=row[0],
        on_date=row[1],
        year=row[2],
        household=household_code(row[3]),
        head_name=row[4],
        member=row[5],
        program=row[6],
        fund=fund_code(row[7]),
        amount_fen=row[8],
        reverses_seq=row[9],
        reversed_by=row[10],
        ref=row[11],
        override_reason=row[12],
        program_name=row[13],
    )


def list_aid(session: Session, *, where: AidFilter) -> tuple[list[AidRow], int]:
    """Grants and their reversals, oldest first, and their total (in SQL)."""
    conditions = _conditions(where)
    rows = [_to_row(row) for row in session.execute(_aid_query().where(*conditions))]
    total = session.scalar(
        select(func.coalesce(func.sum(AidEntry.amount_fen), 0)).where(*conditions)
    )
    return rows, int(total or 0)


@dataclass(frozen=True)
class EntryDetail:
    seq: int
    kind: str
    on_date: dt.date
    year: int
    household: str | None
    member: str | None
    program: str | None
    program_name: str | None
    fund: str
    fund_name: str
    amount_fen: int
    reverses_seq: int | None
    reversed_by: int | None
    counterparty: str | None
    ref: str | None
    reason: str | None
    override_reason: str | None
    rule_from: dt.date | None
    operator: str
    recorded_at: dt.datetime
    prev_hash: str
    hash: str


def entry_detail(session: Session, entry: AidEntry) -> EntryDetail:
    fund = session.get(Fund, entry.fund_id)
    member = session.get(Member, entry.member_id) if entry.member_id is not None else None
    program = session.get(Program, entry.program) if entry.program is not None else None
    reversed_by = session.scalar(select(AidEntry.seq).where(AidEntry.reverses_seq == entry.seq))
    assert fund is not None
    return EntryDetail(
        seq=entry.seq,
        kind=entry.kind,
        on_date=entry.on_date,
        year=entry.year,
        household=household_code(entry.household_id) if entry.household_id else None,
        member=member.name if member else None,
        program=entry.program,
        program_name=program.name if program else None,
        fund=fund_code(fund.id),
        fund_name=fund.name,
        amount_fen=entry.amount_fen,
        reverses_seq=entry.reverses_seq,
        reversed_by=reversed_by,
        counterparty=entry.counterparty,
        ref=entry.ref,
        reason=entry.reason,
        override_reason=entry.override_reason,
        rule_from=entry.rule_from,
        operator=entry.operator,
        recorded_at=entry.recorded_at,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )
