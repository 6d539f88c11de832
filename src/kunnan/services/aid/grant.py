"""Cash aid: grants judged by the programme's rule in force on their date, and reversals.

One path pays every grant, ``GrantPayer``: ``aid grant`` is a batch of one
(``grant``), ``import aid`` (``services.aid_file``) and the demo
(``grant_many``) pay many. A payer gathers the facts its grants are judged on
in a few statements for a whole batch: each household's registration,
members, status history, exits, what it received this year and its live
grants; each fund's name, latest balance assertion and balance day by day
(from the earliest day it pays from the fund); each programme's rules. It
judges each grant, in the order given, by the domain's rules, each refusal in
its one wording: registered and not exited on the grant's date, paid in cash,
the rule in force that day, the member it is for, the programme's rule
(``domain.aid``: archived only, admission and level standards, ceilings, once
a year, yearly caps, no double funding, overrides); no entry dated into a
fund's asserted past and no fund below zero on the grant's date or any later
one (``domain.balances``). It keeps the running totals those rules need as it
pays, numbers and hashes each entry onto the chain, and writes the entries,
the chain head and the audit rows in bulk. A refused grant changes nothing;
``grant_many`` refuses its whole batch at the first refusal.

Locks follow kunnan's one order (``db.locks``: households, funds, the chain
head). ``aid grant`` holds its household and its fund as it finds them, and
its payer (``held``) then takes the chain head. A payer for batches read as
they come (``import aid``, the demo) holds every fund and the chain head from
the start and takes each batch's households after them, so it first takes the
register as a whole: writers of one household wait for it before they hold
anything it will want. On PostgreSQL the row locks make a second grant to the
same household or from the same fund wait until the first has committed, and
then see it. A reversal locks the household of the entry it reverses before
its fund. On SQLite the write transaction holds the database's lock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from kunnan.db.bulk import insert_rows
from kunnan.db.locks import hold_register
from kunnan.db.session import ROW_LOCK
from kunnan.domain.aid import (
    FUND_DIRECTION,
    OVERRIDE_HINT,
    Earlier,
    GrantCase,
    Refusal,
    Rule,
    admitted_in,
    cash_refusal,
    grant_member,
    judge,
    receipt_refusal,
    refused,
    reversal_refusal,
    rule_in_force,
)
from kunnan.domain.approvals import grant_kind
from kunnan.domain.balances import DatedBalances, closed_refusal, overdraw_refusal
from kunnan.domain.codes import fund_code, household_code
from kunnan.domain.enums import (
    AdmissionLevel,
    EntryKind,
    HouseholdStatus,
    OncePer,
    PendingKind,
    Relation,
)
from kunnan.domain.errors import NotFound, RuleViolation
from kunnan.domain.members import MemberDates, absence_refusal, present
from kunnan.domain.status import status_on
from kunnan.i18n import _
from kunnan.models import (
    AidEntry,
    AuditEntry,
    Fund,
    Household,
    HouseholdExit,
    LedgerHead,
    Member,
    Program,
    ProgramRule,
    StatusChange,
)
from kunnan.schemas.aid import GrantCreate, ReversalCreate
from kunnan.schemas.approval import ReversalAction
from kunnan.services import ledger
from kunnan.services.fund import (
    check_can_take,
    check_open,
    closed_on,
    dated_balances,
    lock_fund,
    resolve_fund,
)
from kunnan.services.policy import approval_policy
from kunnan.services.program import find_program, to_rule
from kunnan.store import audit
from kunnan.store.approvals import Checked, Held, hold, must_wait, today
from kunnan.store.funds import check_funds, fund_label
from kunnan.store.households import pick_member, resolve_household

_ENTRY = re.compile(r"#?([0-9０-９]{1,18})")


def find_entry(session: Session, ref: str) -> AidEntry:
    """A ledger entry by its sequence number (12 or #12)."""
    match = _ENTRY.fullmatch(ref.strip())
    entry = session.get(AidEntry, int(match[1])) if match else None
    if entry is None:
        raise NotFound(
            _("no ledger entry '{ref}'", ref=ref.strip()), hint=_("kunnan aid list shows them")
        )
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


# Paying grants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantPlan:
    """One grant to pay: ``aid grant``'s input, or a row of a file or of the demo."""

    household_id: int
    program: str
    fund_id: int
    on: dt.date
    member_id: int | None = None
    amount_fen: int | None = None
    ref: str | None = None
    override_reason: str | None = None
    #: The member as a caseworker names them (ID number, name or ``head``), when no id is given.
    member_ref: str | None = None


@dataclass(frozen=True)
class MemberFacts:
    """What a grant reads of a household's member."""

    id: int
    name: str
    relation: str
    admitted_level: str | None
    admitted_year: int | None
    id_number: str
    joined_on: dt.date | None = None
    left_on: dt.date | None = None


@dataclass(frozen=True)
class LiveGrant:
    """A household's grant that stands (not a reversal, not reversed): what a file's row is
    matched against so that it is not paid twice."""

    program: str | None
    on_date: dt.date
    amount_fen: int
    member_id: int | None
    ref: str | None


@dataclass
class _Household:
    """One household's facts, and its running totals as the payer pays it."""

    code: str
    registered_on: dt.date
    status: HouseholdStatus
    members: list[MemberFacts] = field(default_factory=list)
    #: Its status changes, oldest first: (day, status).
    history: list[tuple[dt.date, str]] = field(default_factory=list)
    #: The day and kind of its latest exit.
    left: tuple[dt.date, str] | None = None
    #: What it received of each programme in each year (reversals netted): (program, year).
    received: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    #: Its first live grant of each programme in each year: (program, year).
    once_household: dict[tuple[str, int], Earlier] = field(default_factory=dict)
    #: Each member's first live grant of each programme in each year: (member, program, year).
    once_member: dict[tuple[int, str, int], Earlier] = field(default_factory=dict)
    #: Its live grants of each year.
    by_year: dict[int, list[Earlier]] = field(default_factory=lambda: defaultdict(list))
    live: list[LiveGrant] = field(default_factory=list)

    def status_on(self, day: dt.date) -> HouseholdStatus:
        """Its status on ``day``: its latest change up to then (its status now without one)."""
        return status_on(self.history, day) or self.status

    def count(self, earlier: Earlier, *, year: int, member_id: int | None) -> None:
        """A live grant, as the rules count it (the first of a year is the one they cite)."""
        self.once_household.setdefault((earlier.program, year), earlier)
        if member_id is not None:
            self.once_member.setdefault((member_id, earlier.program, year), earlier)
        self.by_year[year].append(earlier)


@dataclass(frozen=True)
class Paid:
    """A grant the payer numbered (written by ``GrantPayer.write``)."""

    #: The entry as it is written (built for the chain; not added to the session).
    entry: AidEntry
    #: The limits a supervisor passed with --override (empty when none was needed).
    overridden: tuple[str, ...]

    @property
    def seq(self) -> int:
        return self.entry.seq


@dataclass(frozen=True)
class GrantResult:
    #: The entry paid (None: the grant waits for approval, ``held``).
    entry: AidEntry | None
    #: The limits a supervisor passed with --override (empty when none was needed).
    overridden: tuple[str, ...]
    held: Held | None = None


def grant(session: Session, *, data: GrantCreate, checked: Checked | None = None) -> GrantResult:
    """Pay cash aid from a fund to a household, if the programme's rule allows it: a batch of one.

    In a ledger with operators, a grant that passes a limit with --override, or one above the
    policy's ``approval_above``, is judged the same and then held for a second operator's
    approval instead (``domain.approvals.grant_kind``); accepted, it comes back here with
    ``checked`` and is judged again on the facts of that day."""
    household = resolve_household(session, data.household, lock=True)
    program = find_program(session, data.program)
    refusal = cash_refusal(program.code, program.kind)
    if refusal is not None:
        raise RuleViolation(refusal)
    fund = resolve_fund(session, data.fund, lock=True)
    payer = GrantPayer(session, held=True)
    payer.load([household.id])
    paid = payer.pay(
        GrantPlan(
            household.id,
            program.code,
            fund.id,
            data.on_date,
            amount_fen=data.amount_fen,
            ref=data.ref,
            override_reason=data.override_reason,
            member_ref=data.member,
        )
    )
    if must_wait(session, checked):
        above, days = approval_policy(session, on=today(session))
        kind = grant_kind(
            overridden=bool(paid.overridden), amount_fen=paid.entry.amount_fen, above_fen=above
        )
        if kind is not None:
            held = hold(
                session, kind=kind, action=data, household_id=household.id, days=days,
                summary={"program": program.code, "fund": fund_code(fund.id),
                         "amount_fen": paid.entry.amount_fen, "on_date": data.on_date},
            )  # fmt: skip
            return GrantResult(entry=None, overridden=paid.overridden, held=held)
    payer.write()
    return GrantResult(entry=paid.entry, overridden=paid.overridden)


def grant_many(session: Session, plans: Sequence[GrantPlan]) -> list[int]:
    """Pay each grant in order; return their sequence numbers. Any refusal refuses the batch."""
    if not plans:
        return []
    check_funds(session, {plan.fund_id for plan in plans})
    payer = GrantPayer(session)
    earliest: dict[int, dt.date] = {}
    for plan in plans:
        earliest[plan.fund_id] = min(earliest.get(plan.fund_id, plan.on), plan.on)
    payer.load({plan.household_id for plan in plans}, paying_from=earliest)
    seqs = [payer.pay(plan).seq for plan in plans]
    payer.write()
    return seqs


class GrantPayer:
    """Pays grants in order, batch after batch, in one transaction (see the module docstring).

    ``held``: the command already holds the rows of the households and funds it pays
    (``aid grant``); otherwise the payer takes the register as a whole and every fund first.
    """

    def __init__(self, session: Session, *, held: bool = False) -> None:
        session.flush()
        self._session = session
        self._fund_names: dict[int, str] = {}
        if not held:
            hold_register(session, whole=True)
            locked = select(Fund.id, Fund.name).order_by(Fund.id).with_for_update()
            self._fund_names = dict(session.execute(locked).all())
        head = session.execute(_head_query()).one()
        self._seq, self._hash = int(head.seq), str(head.hash)
        self._households: dict[int, _Household] = {}
        self._kinds: dict[str, str] = {}
        self._rules: dict[str, list[Rule]] = {}
        self._closed: dict[int, dt.date | None] = {}
        self._balances: dict[int, DatedBalances] = {}
        self._entries: list[dict[str, Any]] = []
        self._audits: list[dict[str, Any]] = []

    # --- facts ----------------------------------------------------------------------------------

    def load(
        self, household_ids: Iterable[int], *, paying_from: Mapping[int, dt.date] | None = None
    ) -> None:
        """Read (and lock) the households the next grants go to, in place of the last batch's.

        ``paying_from``: the earliest day the next grants take from each fund, when known, so
        that each fund's balances are read in one statement (a grant dated before any earlier
        one of its fund reads the days between)."""
        self._households = _households(self._session, sorted(set(household_ids)))
        for fund_id, day in (paying_from or {}).items():
            self._balances_from(fund_id, day)

    def members(self, household_id: int) -> Sequence[MemberFacts]:
        found = self._households.get(household_id)
        return found.members if found is not None else []

    def live(self, household_id: int) -> Sequence[LiveGrant]:
        """The household's live grants: the ledger's, and those paid since ``load``."""
        found = self._households.get(household_id)
        return found.live if found is not None else []

    def _household(self, household_id: int) -> _Household:
        found = self._households.get(household_id)
        if found is None:
            resolve_household(self._session, household_code(household_id))  # says why: none
            raise RuntimeError(f"{household_code(household_id)} was not loaded")
        return found

    def _kind(self, program: str) -> str:
        if program not in self._kinds:
            self._kinds[program] = find_program(self._session, program).kind
        return self._kinds[program]

    def _fund_name(self, fund_id: int) -> str:
        if fund_id not in self._fund_names:
            fund = self._session.get(Fund, fund_id)  # held: already in the session
            if fund is None:
                resolve_fund(self._session, fund_code(fund_id))  # says why: there is none
                raise RuntimeError(f"{fund_code(fund_id)} was not found")
            self._fund_names[fund_id] = fund.name
        return self._fund_names[fund_id]

    def _rules_of(self, program: str) -> list[Rule]:
        if program not in self._rules:
            rows = self._session.scalars(_rules_query(), {"program": program})
            self._rules[program] = [to_rule(row) for row in rows]
        return self._rules[program]

    def _closed_on(self, fund_id: int) -> dt.date | None:
        if fund_id not in self._closed:
            self._closed[fund_id] = closed_on(self._session, fund_id)
        return self._closed[fund_id]

    def _balances_from(self, fund_id: int, day: dt.date) -> DatedBalances:
        """The fund's balances, known from ``day`` on: read on first use, and read further
        back when a grant is dated before any earlier one (the days between are untouched
        by the payer, which adds only days it knows)."""
        known = self._balances.get(fund_id)
        if known is None:
            known = dated_balances(self._session, fund_id, since=day)
        elif known.since is not None and day < known.since:
            earlier = dated_balances(self._session, fund_id, since=day, until=known.since)
            known = known.extended_back(earlier)
        self._balances[fund_id] = known
        return known

    def _member(
        self, plan: GrantPlan, household: _Household, rule: Rule, year: int
    ) -> MemberFacts | None:
        """The member a grant is for: as given (by id or as a caseworker names them), or as
        the rule chooses (``domain.aid.grant_member``)."""
        if plan.member_id is not None:
            found = next((m for m in household.members if m.id == plan.member_id), None)
            if found is None:
                raise NotFound(
                    _("{code} has no member #{id}", code=household.code, id=plan.member_id)
                )
            return found
        if plan.member_ref is not None:
            return pick_member(household.members, plan.member_ref, household.code)
        here = [m for m in household.members if present(m.joined_on, m.left_on, plan.on)]
        return grant_member(here, rule, household.code, year)

    # --- paying ---------------------------------------------------------------------------------

    def pay(self, plan: GrantPlan) -> Paid:
        """Judge and number one grant (written by ``write``); a KunnanError says why not."""
        household = self._household(plan.household_id)
        on, year = plan.on, plan.on.year
        refusal = cash_refusal(plan.program, self._kind(plan.program))
        if refusal is not None:
            raise RuleViolation(refusal)
        fund = fund_label(plan.fund_id, self._fund_name(plan.fund_id))
        standing = household.status_on(on)
        refusal = receipt_refusal(
            household.code,
            on,
            what=_("a grant"),
            registered_on=household.registered_on,
            status=standing,
            left=household.left,
        )
        if refusal is not None:
            raise RuleViolation(refusal)
        rule = rule_in_force(self._rules_of(plan.program), plan.program, on)
        member = self._member(plan, household, rule, year)
        if member is not None:
            refusal = absence_refusal(
                MemberDates(member.name, member.relation, member.joined_on, member.left_on),
                on,
                what=_("a grant"),
            )
            if refusal is not None:
                raise RuleViolation(refusal)
        case = _case(household, member, rule, standing, year, plan.amount_fen)
        judgement = judge(rule, case)
        if judgement.hard:
            raise RuleViolation(refused(judgement.hard, rule))
        if judgement.limits and plan.override_reason is None:
            raise RuleViolation(refused(judgement.limits, rule), hint=OVERRIDE_HINT)
        amount = judgement.amount_fen
        assert amount is not None  # judged without hard refusals
        refusal = closed_refusal(fund_code(plan.fund_id), self._closed_on(plan.fund_id), on)
        if refusal is not None:
            raise RuleViolation(refusal)
        balances = self._balances_from(plan.fund_id, on)
        refusal = overdraw_refusal(balances, fund=fund, on=on, amount_fen=amount, what=_("a grant"))
        if refusal is not None:
            raise RuleViolation(refusal)
        return self._append(plan, household, rule, member, amount, judgement.limits)

    def _append(
        self,
        plan: GrantPlan,
        household: _Household,
        rule: Rule,
        member: MemberFacts | None,
        amount: int,
        limits: tuple[Refusal, ...],
    ) -> Paid:
        """Number and hash the entry onto the chain, count it in the running totals, and
        make its audit rows."""
        on, year = plan.on, plan.on.year
        overridden = tuple(r.message for r in limits)
        context = audit.context(self._session)
        entry = AidEntry(
            kind=EntryKind.GRANT.value,
            on_date=on,
            year=year,
            fund_id=plan.fund_id,
            household_id=plan.household_id,
            member_id=member.id if member else None,
            program=rule.program,
            rule_from=rule.effective_from,
            amount_fen=amount,
            reverses_seq=None,
            counterparty=None,
            ref=plan.ref,
            reason=None,
            override_reason=plan.override_reason if overridden else None,
            operator=context.operator,
            recorded_at=context.at,
        )
        ledger.link(entry, after_seq=self._seq, after_hash=self._hash)
        self._seq, self._hash = entry.seq, entry.hash
        self._balances[plan.fund_id].add(on, FUND_DIRECTION[EntryKind.GRANT] * amount)
        household.received[(rule.program, year)] += amount
        household.count(
            Earlier(program=rule.program, seq=entry.seq, on_date=on),
            year=year,
            member_id=member.id if member else None,
        )
        household.live.append(
            LiveGrant(rule.program, on, amount, member.id if member else None, plan.ref)
        )
        self._entries.append(
            {column.name: getattr(entry, column.key) for column in _table(AidEntry).columns}
        )
        self._audits.append(
            audit.row(
                self._session,
                action="create",
                entity="aid_entry",
                entity_ref=str(entry.seq),
                household_id=plan.household_id,
                changes={
                    "kind": entry.kind,
                    "program": rule.program,
                    "fund": fund_code(plan.fund_id),
                    "member": member.name if member else None,
                    "amount_fen": amount,
                    "on_date": on,
                    "ref": plan.ref,
                    "rule_from": rule.effective_from,
                },
            )
        )
        if overridden:
            self._audits.append(
                audit.row(
                    self._session,
                    action="override",
                    entity="aid_entry",
                    entity_ref=str(entry.seq),
                    household_id=plan.household_id,
                    changes={
                        "reason": plan.override_reason,
                        "rules": [r.rule for r in limits],
                        "refusals": list(overridden),
                    },
                )
            )
        return Paid(entry=entry, overridden=overridden)

    def write(self) -> None:
        """Write the grants paid since the last write: entries, the chain head, audit rows."""
        if not self._entries:
            return
        connection = self._session.connection()
        insert_rows(connection, _table(AidEntry), self._entries)
        connection.execute(_move_head(), {"new_seq": self._seq, "new_hash": self._hash})
        insert_rows(connection, _table(AuditEntry), self._audits)
        self._entries, self._audits = [], []
        self._session.expire_all()


def _case(
    household: _Household,
    member: MemberFacts | None,
    rule: Rule,
    status: HouseholdStatus,
    year: int,
    asked_fen: int | None,
) -> GrantCase:
    """The figures the programme's rule judges a grant on, from the household's facts."""
    once = (
        household.once_household.get((rule.program, year))
        if rule.once_per is OncePer.HOUSEHOLD
        else household.once_member.get((member.id, rule.program, year))
        if rule.once_per is OncePer.MEMBER and member is not None
        else None
    )
    level = member.admitted_level if member is not None and admitted_in(member, year) else None
    return GrantCase(
        household=household.code,
        status=status,
        year=year,
        member=member.name if member else None,
        admitted=AdmissionLevel(level) if level else None,
        admitted_year=member.admitted_year if member else None,
        asked_fen=asked_fen,
        received_this_year_fen=household.received.get((rule.program, year), 0),
        once_earlier=once,
        combined=tuple(e for e in household.by_year.get(year, []) if e.program in rule.excludes),
    )


def _households(session: Session, ids: Sequence[int]) -> dict[int, _Household]:
    """The facts grants read of these households (the grants written so far included); their
    rows are held until the command ends."""
    params = {"ids": list(ids)}
    found = {
        household_id: _Household(household_code(household_id), registered, HouseholdStatus(status))
        for household_id, registered, status in session.execute(_facts_query("household"), params)
    }
    for row in session.execute(_facts_query("member"), params):
        found[row[0]].members.append(MemberFacts(*row[1:]))
    exited = set()
    for household_id, day, status in session.execute(_facts_query("history"), params):
        found[household_id].history.append((day, status))
        if status == HouseholdStatus.EXITED.value:
            exited.add(household_id)
    if exited:  # only a household that ever left has an exit to cite
        for household_id, day, kind in session.execute(
            _facts_query("exit"), {"ids": sorted(exited)}
        ):
            found[household_id].left = (day, kind)  # the last is the latest
    # Every grant and reversal of the households: reversals net what was received, and a
    # reversal carries the household of the entry it reverses, so what stands is known here.
    grants = session.execute(_facts_query("grant"), params).all()
    reversed_seqs = {row.reverses_seq for row in grants if row.reverses_seq is not None}
    for owner, member_id, program, year, seq, day, amount, ref, reverses in grants:
        household = found[cast(int, owner)]  # one of these households: never None
        household.received[(str(program), year)] += int(amount)
        if reverses is None and seq not in reversed_seqs:
            household.count(Earlier(program or "", seq, day), year=year, member_id=member_id)
            household.live.append(LiveGrant(program, day, int(amount), member_id, ref))
    return found


@cache
def _facts_query(what: str) -> Select[*tuple[Any, ...]]:
    """Built once for each fact a payer reads of a batch's households (``ids``): every grant
    asked them, and building a statement cost more than running it."""
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    if what == "household":
        return (
            select(Household.id, Household.registered_on, Household.status)
            .where(Household.id.in_(ids))
            .order_by(Household.id)
            .with_for_update(**ROW_LOCK)
        )
    if what == "member":
        return (
            select(
                Member.household_id,
                Member.id,
                Member.name,
                Member.relation,
                Member.admitted_level,
                Member.admitted_year,
                Member.id_number,
                Member.joined_on,
                Member.left_on,
            )
            .where(Member.household_id.in_(ids))
            .order_by(Member.id)
        )
    if what == "history":
        return (
            select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
            .where(StatusChange.household_id.in_(ids), StatusChange.void_id.is_(None))
            .order_by(StatusChange.id)
        )
    if what == "exit":
        return (
            select(HouseholdExit.household_id, HouseholdExit.exited_on, HouseholdExit.kind)
            .where(HouseholdExit.household_id.in_(ids), HouseholdExit.void_id.is_(None))
            .order_by(HouseholdExit.exited_on, HouseholdExit.id)
        )
    assert what == "grant"
    return (
        select(
            AidEntry.household_id,
            AidEntry.member_id,
            AidEntry.program,
            AidEntry.year,
            AidEntry.seq,
            AidEntry.on_date,
            AidEntry.amount_fen,
            AidEntry.ref,
            AidEntry.reverses_seq,
        )
        .where(AidEntry.kind == EntryKind.GRANT.value, AidEntry.household_id.in_(ids))
        .order_by(AidEntry.seq)
    )


@cache
def _head_query() -> Select[int, str]:
    """The chain head, held until the command ends; built once."""
    return select(LedgerHead.seq, LedgerHead.hash).where(LedgerHead.id == 1).with_for_update()


@cache
def _move_head() -> Update:
    """The chain head moved on to the last entry written; built once."""
    head = _table(LedgerHead)
    return (
        update(head)
        .where(head.c.id == 1)
        .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
    )


@cache
def _rules_query() -> Select[ProgramRule]:
    """A programme's rules, oldest first; built once."""
    return (
        select(ProgramRule)
        .where(ProgramRule.program == bindparam("program"))
        .order_by(ProgramRule.effective_from)
    )


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def reverse(
    session: Session, *, entry: AidEntry, data: ReversalCreate, checked: Checked | None = None
) -> AidEntry | Held:
    """Correct an entry by a new one with the opposite amount; an entry is reversed once.

    In a ledger with operators the reversal, once judged, is held for a second operator's
    approval instead (the pending row holds it); accepted, it comes back here with
    ``checked`` and is judged again."""
    if entry.household_id is not None:  # households before funds, as every writer takes them
        resolve_household(session, household_code(entry.household_id), lock=True)
    check_funds(session, [entry.fund_id])
    fund = session.get(Fund, entry.fund_id)
    assert fund is not None
    fund = lock_fund(session, fund)
    refusal = reversal_refusal(
        entry.seq,
        entry.on_date,
        data.on_date,
        reverses_seq=entry.reverses_seq,
        reversed_by=session.scalar(select(AidEntry.seq).where(AidEntry.reverses_seq == entry.seq)),
    )
    if refusal is not None:
        raise RuleViolation(refusal)
    check_open(session, fund, data.on_date)
    if FUND_DIRECTION[EntryKind(entry.kind)] > 0:  # money in comes out again
        check_can_take(
            session,
            fund,
            entry.amount_fen,
            on=data.on_date,
            what=_("reversing entry {seq}", seq=entry.seq),
        )
    from kunnan.services.aid.loan import link_reversal, loan_of_entry

    loan = loan_of_entry(session, entry)  # a loan or a repayment: refused or linked below
    if must_wait(session, checked):
        _above, days = approval_policy(session, on=today(session))
        return hold(
            session, kind=PendingKind.REVERSAL,
            action=ReversalAction(entry=entry.seq, change=data),
            household_id=entry.household_id, days=days,
            summary={"reverses": entry.seq, "amount_fen": -entry.amount_fen,
                     "on_date": data.on_date, "reason": data.reason},
        )  # fmt: skip
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
