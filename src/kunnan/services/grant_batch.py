"""Paying many grants at once, with the rules, fund checks and hash chain of ``aid grant``.

``GrantPayer`` judges each grant, in the order given, exactly as
``services.aid.grant`` does, with the same words for each refusal: the
household registered and not exited on the grant's date, its status that day,
the programme's rule in force that day (``domain.aid.judge``: archived only,
admission and level standards, ceilings, once a year, yearly caps, no double
funding, overrides), no entry dated into a fund's asserted past, no fund below
zero on the grant's date or any later one (``domain.balances``). It keeps the
running totals those rules need in memory, numbers and hashes each entry onto
the chain, and writes the entries, the chain head and the audit rows in bulk.

One payer serves a whole transaction, batch after batch (``import aid``): the
programmes, rules, funds' balances and the chain head are read once, each
batch's households as it comes (and locked, as ``aid grant`` locks them). A
refused grant changes nothing; ``grant_many`` refuses a whole batch at the
first refusal.

Locks follow kunnan's one order (``db.locks``: households, funds, the chain
head). A payer holds funds and the chain head from its first batch and takes
later batches' households after them, so it first takes the register as a
whole: writers of one household (``aid grant`` …) wait for it before they hold
anything it will want.

Tests pay the same grants through both paths and compare every row and every
refusal.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_rows
from kunnan.db.locks import hold_register
from kunnan.db.session import ROW_LOCK
from kunnan.domain.aid import FUND_DIRECTION, Earlier, GrantCase, Rule, entry_hash, judge
from kunnan.domain.balances import DatedBalances, overdraw_refusal
from kunnan.domain.codes import fund_code, household_code
from kunnan.domain.enums import AdmissionLevel, EntryKind, HouseholdStatus, OncePer, Relation
from kunnan.domain.errors import InvalidInput, NotFound, RuleViolation
from kunnan.models import (
    AidEntry,
    AuditEntry,
    FundAssertion,
    Household,
    HouseholdExit,
    LedgerHead,
    Member,
    Program,
    ProgramRule,
    StatusChange,
)
from kunnan.services import audit
from kunnan.services.aid import live_grants
from kunnan.services.funds import fund_label
from kunnan.services.households import pick_member
from kunnan.services.ledger import chain_fields, fund_effect_sql
from kunnan.services.programs import to_rule

CASH = "cash"


@dataclass(frozen=True)
class GrantPlan:
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


@dataclass
class _Member:
    id: int
    name: str
    relation: str
    admitted_level: str | None
    admitted_year: int | None
    id_number: str

    def admitted(self, year: int) -> bool:
        return self.admitted_level not in (None, AdmissionLevel.NONE) and self.admitted_year == year


@dataclass(frozen=True)
class LiveGrant:
    """A household's grant that stands (not a reversal, not reversed): what a file's row is
    matched against so that it is not paid twice."""

    program: str | None
    on_date: dt.date
    amount_fen: int
    member_id: int | None
    ref: str | None


def grant_many(session: Session, plans: Sequence[GrantPlan]) -> list[int]:
    """Pay each grant in order; return their sequence numbers. Any refusal refuses the batch."""
    if not plans:
        return []
    payer = GrantPayer(session)
    payer.load({plan.household_id for plan in plans})
    seqs = [payer.pay(plan) for plan in plans]
    payer.write()
    return seqs


class GrantPayer:
    """Pays grants in order, batch after batch, in one transaction (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        session.flush()
        self._session = session
        self._state = _State.begin(session)
        self._entries: list[dict[str, Any]] = []
        self._audits: list[dict[str, Any]] = []

    def load(self, household_ids: Iterable[int]) -> None:
        """Read (and lock) the households the next grants go to."""
        self._state.load_households(self._session, sorted(set(household_ids)))

    def members(self, household_id: int) -> Sequence[_Member]:
        return self._state.members.get(household_id, [])

    def live(self, household_id: int) -> Sequence[LiveGrant]:
        """The household's live grants: the ledger's, and those paid since ``load``."""
        return self._state.live.get(household_id, [])

    def pay(self, plan: GrantPlan) -> int:
        """Judge and number one grant (written by ``write``); a KunnanError says why not."""
        entry, audits = self._state.pay(plan)
        self._entries.append(entry)
        self._audits.extend(audits)
        return int(entry["seq"])

    def write(self) -> None:
        """Write the grants paid since the last write: entries, the chain head, audit rows."""
        if not self._entries:
            return
        connection = self._session.connection()
        insert_rows(connection, _table(AidEntry), self._entries)
        head = _table(LedgerHead)
        connection.execute(
            update(head).where(head.c.id == 1).values(seq=self._state.seq, hash=self._state.hash)
        )
        insert_rows(connection, _table(AuditEntry), self._audits)
        self._entries, self._audits = [], []
        self._session.expire_all()


@dataclass
class _State:
    session: Session
    registered: dict[int, dt.date]
    members: dict[int, list[_Member]]
    history: dict[int, list[tuple[dt.date, str]]]
    exits: dict[int, tuple[dt.date, str]]
    programs: dict[str, str]
    rules: dict[str, list[ProgramRule]]
    #: Each fund's name.
    funds: dict[int, str]
    #: Each fund's net movement per day, as read at the start (those paid since are in
    #: ``balances``).
    fund_days: dict[int, list[tuple[dt.date, int]]]
    #: The funds the payer has paid from, day by day (``domain.balances``), built on first use.
    balances: dict[int, DatedBalances]
    closed: dict[int, dt.date]
    received: dict[tuple[int, str, int], int]
    once_household: dict[tuple[int, str, int], Earlier]
    once_member: dict[tuple[int, str, int], Earlier]
    by_household_year: dict[tuple[int, int], list[Earlier]]
    #: Each household's live grants, those paid by this payer included.
    live: dict[int, list[LiveGrant]]
    seq: int
    hash: str

    @classmethod
    def begin(cls, session: Session) -> _State:
        """What every grant of the transaction reads: programmes, rules, funds and their
        net movement on each day, the latest assertions, and the chain head.

        The register as a whole, the funds and then the chain head are locked, in the order
        ``aid grant`` locks a household, its fund and the head, so that on PostgreSQL no
        grant, reversal or balance assertion changes a fund while the batch's totals stand
        for it, and no command holding a household waits for a fund the payer holds."""
        from kunnan.models import Fund

        hold_register(session, whole=True)
        session.execute(select(Fund.id).order_by(Fund.id).with_for_update()).all()
        rules: dict[str, list[ProgramRule]] = defaultdict(list)
        for rule in session.scalars(select(ProgramRule).order_by(ProgramRule.effective_from)):
            rules[rule.program].append(rule)
        fund_days: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for fund_id, day, fen in session.execute(
            select(AidEntry.fund_id, AidEntry.on_date, func.sum(fund_effect_sql()))
            .group_by(AidEntry.fund_id, AidEntry.on_date)
            .order_by(AidEntry.fund_id, AidEntry.on_date)
        ):
            fund_days[fund_id].append((day, int(fen or 0)))
        funds = dict(session.execute(select(Fund.id, Fund.name)).all())
        closed = dict(
            session.execute(
                select(FundAssertion.fund_id, func.max(FundAssertion.on_date)).group_by(
                    FundAssertion.fund_id
                )
            ).all()
        )
        head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
        return cls(
            session=session,
            registered={},
            members={},
            history={},
            exits={},
            programs=dict(session.execute(select(Program.code, Program.kind)).all()),
            rules=rules,
            funds=funds,
            fund_days=fund_days,
            balances={},
            closed=closed,
            received={},
            once_household={},
            once_member={},
            by_household_year={},
            live={},
            seq=head.seq,
            hash=head.hash,
        )

    def load_households(self, session: Session, ids: Sequence[int]) -> None:
        """What the next grants need of their households (the grants written so far included),
        in place of the last batch's: registration, members, status history, exits, and this
        household's earlier grants. The households' rows are held until the command ends."""
        registered = dict(
            session.execute(
                select(Household.id, Household.registered_on)
                .where(Household.id.in_(ids))
                .order_by(Household.id)
                .with_for_update(**ROW_LOCK)
            ).all()
        )
        members: dict[int, list[_Member]] = defaultdict(list)
        for row in session.execute(
            select(
                Member.household_id,
                Member.id,
                Member.name,
                Member.relation,
                Member.admitted_level,
                Member.admitted_year,
                Member.id_number,
            )
            .where(Member.household_id.in_(ids))
            .order_by(Member.id)
        ):
            members[row[0]].append(_Member(*row[1:]))
        history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
        for household_id, day, status in session.execute(
            select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
            .where(StatusChange.household_id.in_(ids))
            .order_by(StatusChange.id)
        ):
            history[household_id].append((day, status))
        exits = {
            household_id: (day, kind)
            for household_id, day, kind in session.execute(
                select(HouseholdExit.household_id, HouseholdExit.exited_on, HouseholdExit.kind)
                .where(HouseholdExit.household_id.in_(ids))
                .order_by(HouseholdExit.exited_on, HouseholdExit.id)
            )
        }
        received: dict[tuple[int, str, int], int] = defaultdict(int)
        for grant_household, program, year, amount in session.execute(
            select(
                AidEntry.household_id,
                AidEntry.program,
                AidEntry.year,
                func.sum(AidEntry.amount_fen),
            )
            .where(AidEntry.kind == EntryKind.GRANT.value, AidEntry.household_id.in_(ids))
            .group_by(AidEntry.household_id, AidEntry.program, AidEntry.year)
        ):
            received[(int(grant_household or 0), str(program), year)] = int(amount or 0)
        once_household: dict[tuple[int, str, int], Earlier] = {}
        once_member: dict[tuple[int, str, int], Earlier] = {}
        by_household_year: dict[tuple[int, int], list[Earlier]] = defaultdict(list)
        live: dict[int, list[LiveGrant]] = defaultdict(list)
        for (
            earlier_household,
            member_id,
            earlier_program,
            year,
            seq,
            day,
            amount,
            ref,
        ) in session.execute(
            select(
                AidEntry.household_id,
                AidEntry.member_id,
                AidEntry.program,
                AidEntry.year,
                AidEntry.seq,
                AidEntry.on_date,
                AidEntry.amount_fen,
                AidEntry.ref,
            )
            .where(live_grants(), AidEntry.household_id.in_(ids))
            .order_by(AidEntry.seq)
        ):
            earlier = Earlier(program=earlier_program or "", seq=seq, on_date=day)
            key = int(earlier_household or 0)
            once_household.setdefault((key, earlier.program, year), earlier)
            if member_id is not None:
                once_member.setdefault((member_id, earlier.program, year), earlier)
            by_household_year[(key, year)].append(earlier)
            live[key].append(LiveGrant(earlier_program, day, int(amount), member_id, ref))
        self.registered, self.members, self.history, self.exits = (
            registered,
            members,
            history,
            exits,
        )
        self.received, self.once_household, self.once_member = (
            received,
            once_household,
            once_member,
        )
        self.by_household_year, self.live = by_household_year, live

    def _status_on(self, household_id: int, day: dt.date) -> HouseholdStatus | None:
        changes = self.history.get(household_id, [])
        index = bisect.bisect_right([d for d, _ in changes], day)
        return HouseholdStatus(changes[index - 1][1]) if index else None

    def _rule(self, program: str, on: dt.date) -> Rule:
        found = [rule for rule in self.rules.get(program, []) if rule.effective_from <= on]
        if not found:
            raise RuleViolation(f"{program} has no rule in force on {on.isoformat()}")
        return to_rule(found[-1])

    def _member(self, plan: GrantPlan, rule: Rule, year: int) -> _Member | None:
        members = self.members.get(plan.household_id, [])
        code = household_code(plan.household_id)
        if plan.member_id is not None:
            found = next((m for m in members if m.id == plan.member_id), None)
            if found is None:
                raise NotFound(f"{code} has no member #{plan.member_id}")
            return found
        if plan.member_ref is not None:
            return pick_member(members, plan.member_ref, code)
        if rule.admission_required:
            admitted = [m for m in members if m.admitted(year)]
            if len(admitted) > 1:
                names = ", ".join(m.name for m in admitted)
                raise InvalidInput(
                    f"give --member: {len(admitted)} members of {code} "
                    f"were admitted in {year} ({names})"
                )
            return admitted[0] if admitted else None
        if rule.once_per is OncePer.MEMBER:
            return next((m for m in members if m.relation == Relation.HEAD.value), None)
        return None

    def pay(self, plan: GrantPlan) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        code = household_code(plan.household_id)
        on, year = plan.on, plan.on.year
        registered = self.registered.get(plan.household_id)
        if registered is None:
            raise NotFound(f"no household {code}")
        if self.programs.get(plan.program) != CASH:
            raise RuleViolation(f"{plan.program} is not paid in cash from a fund")
        if plan.fund_id not in self.funds:
            raise NotFound(f"no fund {fund_code(plan.fund_id)}")
        if on < registered:
            raise RuleViolation(
                f"{code} was registered on {registered.isoformat()}; a grant dated {on.isoformat()} is before it"
            )
        standing = self._status_on(plan.household_id, on)
        if standing is HouseholdStatus.EXITED:
            left = self.exits.get(plan.household_id)
            when = f" on {left[0].isoformat()} ({left[1]})" if left else ""
            raise RuleViolation(
                f"{code} left the register{when}; exited households receive no new aid or services"
            )
        rule = self._rule(plan.program, on)
        member = self._member(plan, rule, year)
        once = (
            self.once_household.get((plan.household_id, rule.program, year))
            if rule.once_per is OncePer.HOUSEHOLD
            else self.once_member.get((member.id, rule.program, year))
            if rule.once_per is OncePer.MEMBER and member is not None
            else None
        )
        combined = tuple(
            e
            for e in self.by_household_year.get((plan.household_id, year), [])
            if e.program in rule.excludes
        )
        level = member.admitted_level if member is not None and member.admitted(year) else None
        case = GrantCase(
            household=code,
            status=standing or HouseholdStatus.CANDIDATE,
            year=year,
            member=member.name if member else None,
            admitted=AdmissionLevel(level) if level else None,
            admitted_year=member.admitted_year if member else None,
            asked_fen=plan.amount_fen,
            received_this_year_fen=self.received.get((plan.household_id, rule.program, year), 0),
            once_earlier=once,
            combined=combined,
        )
        judgement = judge(rule, replace(case, status=standing or HouseholdStatus.CANDIDATE))
        since = f"the {rule.program} rule in force since {rule.effective_from.isoformat()}"
        if judgement.hard:
            raise RuleViolation("; ".join(r.message for r in judgement.hard) + f", under {since}")
        if judgement.limits and plan.override_reason is None:
            raise RuleViolation(
                "; ".join(r.message for r in judgement.limits) + f", under {since}",
                hint='a supervisor may pass it with --override "reason"',
            )
        amount = judgement.amount_fen
        assert amount is not None
        closed = self.closed.get(plan.fund_id)
        if closed is not None and on <= closed:
            raise RuleViolation(
                f"fund {fund_code(plan.fund_id)}'s balance was asserted at the end of {closed.isoformat()}; "
                f"an entry dated {on.isoformat()} would change it"
            )
        refusal = overdraw_refusal(
            self._balances(plan.fund_id),
            fund=fund_label(plan.fund_id, self.funds[plan.fund_id]),
            on=on,
            amount_fen=amount,
            what="a grant",
        )
        if refusal is not None:
            raise RuleViolation(refusal)
        return self._append(plan, rule, member, case, amount, tuple(judgement.limits))

    def _balances(self, fund_id: int) -> DatedBalances:
        found = self.balances.get(fund_id)
        if found is None:
            found = self.balances[fund_id] = DatedBalances(self.fund_days.pop(fund_id, []))
        return found

    def _append(
        self,
        plan: GrantPlan,
        rule: Rule,
        member: _Member | None,
        case: GrantCase,
        amount: int,
        limits: tuple[Any, ...],
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Number and hash the entry onto the chain, update the running totals, write its audit rows."""
        on, year = plan.on, plan.on.year
        overridden = tuple(r.message for r in limits)
        context = audit.context(self.session)
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
        entry.seq = self.seq + 1
        entry.prev_hash = self.hash
        entry.hash = entry_hash(self.hash, chain_fields(entry))
        self.seq, self.hash = entry.seq, entry.hash
        self._balances(plan.fund_id).add(on, FUND_DIRECTION[EntryKind.GRANT] * amount)
        self.received[(plan.household_id, rule.program, year)] = (
            case.received_this_year_fen + amount
        )
        earlier = Earlier(program=rule.program, seq=entry.seq, on_date=on)
        self.once_household.setdefault((plan.household_id, rule.program, year), earlier)
        if member is not None:
            self.once_member.setdefault((member.id, rule.program, year), earlier)
        self.by_household_year[(plan.household_id, year)].append(earlier)
        self.live[plan.household_id].append(
            LiveGrant(rule.program, on, amount, member.id if member else None, plan.ref)
        )
        row = {column.name: getattr(entry, column.key) for column in _table(AidEntry).columns}
        audits = [
            audit.row(
                self.session,
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
        ]
        if overridden:
            audits.append(
                audit.row(
                    self.session,
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
        return row, audits


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)
