"""作废: void a record entered by mistake; 一户一档: merge a duplicate household into another.

A voided record is never deleted. Its ``void_id`` names a ``void`` row (who, when, why), an
audit row says the same, and every list, report and rule reads past it
(``X.void_id.is_(None)``). What the record had changed is undone through the same
history it was written to:

- an exit: its status change is voided too, so the household's status on every day is what
  it was before the exit (``store.status`` reads standing changes only), its follow-ups go
  with it, and the pairing and open objections the exit closed stand again;
- a follow-up that was recorded against one due: that visit is due again;
- a contact attempt: nothing else (the household may be unreached again).

A merged duplicate is voided the same way, with its status history, so it leaves every list
and report on every day; its records stay its own rows (money in the hash chain is never
rewritten) and the household it was merged into shows them in its timeline.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import contact_code, exit_code, followup_code, household_code
from kunnan.domain.enums import ObjectionStatus, Relation
from kunnan.domain.errors import NotFound
from kunnan.domain.voids import (
    ExitFacts,
    Voidable,
    check_exit_void,
    check_followup_void,
    check_merge,
    check_not_voided,
    check_void_day,
    parse_record,
)
from kunnan.i18n import _
from kunnan.models import (
    ContactAttempt,
    Followup,
    Household,
    HouseholdExit,
    Member,
    Objection,
    Org,
    Pairing,
    StatusChange,
    Void,
)
from kunnan.store import audit
from kunnan.store.households import resolve_household
from kunnan.store.orgs import find_org, within


@dataclass(frozen=True)
class VoidOutcome:
    code: str
    household: str
    message: str


def _voided_on(session: Session, void_id: int | None) -> dt.date | None:
    if void_id is None:
        return None
    found = session.get(Void, void_id)
    return found.voided_on if found is not None else None


def _new_void(
    session: Session,
    *,
    entity: str,
    code: str,
    household_id: int,
    reason: str,
    on: dt.date,
    changes: dict[str, object],
) -> int:
    """The void row and its audit row: who voided what, when, and why."""
    ctx = audit.context(session)
    row = Void(
        at=ctx.at,
        voided_on=on,
        operator=ctx.operator,
        reason=reason,
        entity=entity,
        entity_ref=code,
        household_id=household_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="void",
        entity=entity,
        entity_ref=code,
        household_id=household_id,
        changes={"reason": reason, "on": on, **changes},
    )
    return row.id


def void_record(session: Session, ref: str, *, reason: str, on: dt.date) -> VoidOutcome:
    """Void the record a code names (CA012, EX003, FU007), judged by ``domain.voids``."""
    kind, number = parse_record(ref)
    if kind is Voidable.CONTACT:
        return _void_contact(session, number, reason=reason, on=on)
    if kind is Voidable.EXIT:
        return _void_exit(session, number, reason=reason, on=on)
    return _void_followup(session, number, reason=reason, on=on)


def _missing(code: str) -> NotFound:
    return NotFound(_("no record {code}", code=code))


def _lock(session: Session, household_id: int) -> str:
    """Hold the record's household as every change to it does; its code."""
    code = household_code(household_id)
    resolve_household(session, code, lock=True)
    return code


def _void_contact(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = contact_code(number)
    attempt = session.get(ContactAttempt, number)
    if attempt is None:
        raise _missing(code)
    household = _lock(session, attempt.household_id)
    check_not_voided(code, _voided_on(session, attempt.void_id))
    check_void_day(code, attempt.attempted_on, on)
    attempt.void_id = _new_void(
        session, entity="contact", code=code, household_id=attempt.household_id, reason=reason,
        on=on, changes={"household": household, "attempted_on": attempt.attempted_on},
    )  # fmt: skip
    return VoidOutcome(
        code, household, _("{code} voided: contact attempt with {household}", code=code,
                           household=household)
    )  # fmt: skip


def _latest_change(session: Session, household_id: int) -> StatusChange | None:
    return session.scalars(
        select(StatusChange)
        .where(StatusChange.household_id == household_id, StatusChange.void_id.is_(None))
        .order_by(StatusChange.id.desc())
        .limit(1)
    ).first()


def _void_exit(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = exit_code(number)
    left = session.get(HouseholdExit, number)
    if left is None:
        raise _missing(code)
    household_code_ = _lock(session, left.household_id)
    check_not_voided(code, _voided_on(session, left.void_id))
    check_void_day(code, left.exited_on, on)
    latest_exit = session.scalar(
        select(HouseholdExit.id)
        .where(HouseholdExit.household_id == left.household_id, HouseholdExit.void_id.is_(None))
        .order_by(HouseholdExit.exited_on.desc(), HouseholdExit.id.desc())
        .limit(1)
    )
    change = _latest_change(session, left.household_id)
    check_exit_void(
        ExitFacts(
            code=code,
            household=household_code_,
            exited_on=left.exited_on,
            relapsed_on=left.relapsed_on,
            latest_exit=latest_exit,
            exit_id=left.id,
            latest_change=(change.changed_on, change.status) if change is not None else None,
        )
    )
    assert change is not None
    reopened = _reopen_what_the_exit_closed(session, left)
    void_id = _new_void(
        session, entity="exit", code=code, household_id=left.household_id, reason=reason, on=on,
        changes={"household": household_code_, "kind": left.kind, "exited_on": left.exited_on,
                 "pairing_reopened": reopened is not None},
    )  # fmt: skip
    left.void_id = void_id
    change.void_id = void_id
    session.execute(
        update(Followup)
        .where(Followup.exit_id == left.id, Followup.void_id.is_(None))
        .values(void_id=void_id)
    )
    session.flush()
    restored = _latest_change(session, left.household_id)
    household = session.get(Household, left.household_id)
    assert household is not None and restored is not None
    household.status = restored.status
    household.category = restored.category
    household.updated_at = audit.context(session).at
    return VoidOutcome(
        code,
        household_code_,
        _(
            "{code} voided: {household} has the status it had before its exit on {on}",
            code=code,
            household=household_code_,
            on=left.exited_on.isoformat(),
        ),
    )


def _reopen_what_the_exit_closed(session: Session, left: HouseholdExit) -> int | None:
    """The pairing and the open objections the exit closed (``services.exit``) stand again,
    as if it had never been recorded; the pairing's id, if one is reopened."""
    closed_because = f"household exited ({left.kind})"
    active = session.scalar(
        select(Pairing.id).where(
            Pairing.household_id == left.household_id, Pairing.ended_on.is_(None)
        )
    )
    pairing = None
    if active is None:
        pairing = session.scalars(
            select(Pairing)
            .where(
                Pairing.household_id == left.household_id,
                Pairing.ended_on == left.exited_on,
                Pairing.end_reason == closed_because,
            )
            .order_by(Pairing.id.desc())
            .limit(1)
        ).first()
        if pairing is not None:
            pairing.ended_on = None
            pairing.end_reason = None
    session.execute(
        update(Objection)
        .where(
            Objection.household_id == left.household_id,
            Objection.status == ObjectionStatus.CLOSED.value,
            Objection.settled_on == left.exited_on,
            Objection.settlement == f"closed: the household exited ({left.kind})",
        )
        .values(status=ObjectionStatus.OPEN.value, settled_on=None, settlement=None)
    )
    return pairing.id if pairing is not None else None


def _void_followup(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = followup_code(number)
    followup = session.get(Followup, number)
    if followup is None:
        raise _missing(code)
    household = _lock(session, followup.household_id)
    check_not_voided(code, _voided_on(session, followup.void_id))
    left = session.get(HouseholdExit, followup.exit_id)
    check_followup_void(code, followup.done_on)
    assert followup.done_on is not None
    check_void_day(code, followup.done_on, on)
    followup.void_id = _new_void(
        session, entity="followup", code=code, household_id=followup.household_id,
        reason=reason, on=on,
        changes={"household": household, "done_on": followup.done_on, "due_on": followup.due_on},
    )  # fmt: skip
    if followup.due_on is not None and (left is None or left.relapsed_on is None):
        session.add(
            Followup(
                exit_id=followup.exit_id, household_id=followup.household_id,
                due_on=followup.due_on, done_on=None, visitor=None, outcome=None, note="",
            )
        )  # fmt: skip
        return VoidOutcome(
            code,
            household,
            _(
                "{code} voided: the follow-up of {household} due {due} is due again",
                code=code,
                household=household,
                due=followup.due_on.isoformat(),
            ),
        )
    return VoidOutcome(code, household, _("{code} voided", code=code))


# 一户一档: duplicates and merging ------------------------------------------------------


def merge(
    session: Session, duplicate_ref: str, keep_ref: str, *, reason: str, on: dt.date
) -> VoidOutcome:
    """Merge a duplicate registration into the household that stays (一户一档)."""
    duplicate = resolve_household(session, duplicate_ref, lock=True, merged=True)
    keep = resolve_household(session, keep_ref, lock=True, merged=True)
    code, into = household_code(duplicate.id), household_code(keep.id)
    check_merge(
        code,
        into,
        same=duplicate.id == keep.id,
        duplicate_merged=household_code(duplicate.merged_into_id)
        if duplicate.merged_into_id is not None
        else None,
        keep_merged=household_code(keep.merged_into_id)
        if keep.merged_into_id is not None
        else None,
    )
    check_void_day(code, duplicate.registered_on, on)
    void_id = _new_void(
        session, entity="household", code=code, household_id=duplicate.id, reason=reason, on=on,
        changes={"merged_into": into},
    )  # fmt: skip
    duplicate.void_id = void_id
    duplicate.merged_into_id = keep.id
    duplicate.updated_at = audit.context(session).at
    # Its standing leaves every day's register (its status history, its exits and their
    # follow-ups); what was done for it stays, shown in the archive it was merged into.
    for model in (StatusChange, HouseholdExit, Followup):
        session.execute(
            update(model)
            .where(model.household_id == duplicate.id, model.void_id.is_(None))
            .values(void_id=void_id)
        )
    # What was merged into it earlier follows it.
    session.execute(
        update(Household)
        .where(Household.merged_into_id == duplicate.id)
        .values(merged_into_id=keep.id)
    )
    return VoidOutcome(
        code,
        into,
        _(
            "{code} merged into {into}: its records are shown in {into}'s archive; "
            "{code} stays in the ledger, voided",
            code=code,
            into=into,
        ),
    )


@dataclass(frozen=True)
class DuplicatePair:
    """Two standing households that may be one: a member of each with the same name and
    birth date (and, where ``same_address``, the same home address)."""

    first: str
    second: str
    name: str
    birth_date: dt.date
    first_org: str
    second_org: str
    same_address: bool
    first_head: str
    second_head: str


def duplicates(session: Session, *, org: str | None = None) -> list[DuplicatePair]:
    """Candidate duplicates for a person to judge: the same person (name and birth date) in
    two standing households, those at the same address first.

    Member ID numbers are unique in the register, so one person cannot be registered twice
    under one number; a second registration under a mistyped number is what this finds.
    """
    people = (
        select(Member.name, Member.birth_date)
        .join(Household, Household.id == Member.household_id)
        .where(Household.void_id.is_(None))
        .group_by(Member.name, Member.birth_date)
        .having(func.count(func.distinct(Member.household_id)) > 1)
        .subquery()
    )
    head = aliased(Member)
    query = (
        select(Member.name, Member.birth_date, Household.id, Household.address, Org.name, head.name)
        .join(people, and_(people.c.name == Member.name, people.c.birth_date == Member.birth_date))
        .join(Household, Household.id == Member.household_id)
        .join(Org, Org.id == Household.org_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .where(Household.void_id.is_(None))
        .order_by(Member.name, Member.birth_date, Household.id)
    )
    if org is not None:
        query = query.where(within(find_org(session, org)))
    found: dict[tuple[str, dt.date], list[tuple[int, str, str, str]]] = defaultdict(list)
    for name, born, household_id, address, org_name, head_name in session.execute(query):
        found[(name, born)].append((household_id, address, org_name, head_name))
    pairs = []
    for (name, born), households in found.items():
        for i, (first, first_address, first_org, first_head) in enumerate(households):
            for second, second_address, second_org, second_head in households[i + 1 :]:
                if first == second:
                    continue
                pairs.append(
                    DuplicatePair(
                        household_code(first), household_code(second), name, born,
                        first_org, second_org,
                        bool(first_address) and first_address == second_address,
                        first_head, second_head,
                    )
                )  # fmt: skip
    return sorted(pairs, key=lambda p: (not p.same_address, p.first, p.second))
