"""Many exits at once, with the rules and rows of ``kunnan exit``.

``exit_many`` checks each exit as ``services.exits`` does — archived (and
not yet exited), not before its archive date or its latest status change; a
stable exit on a calculation no older than the policy window (or a new one,
``recalculate``) at or above the exit line, or for an accident household what
was resolved; a reason where the kind needs one — and writes what an exit
writes: any new calculation, the exit, its follow-ups, the status change,
the end of the active pairing, closed objections and the audit rows. A test
compares its rows with the one-by-one commands'.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    Category,
    ExitKind,
    FollowupOutcome,
    HouseholdStatus,
    ObjectionStatus,
)
from kunnan.domain.errors import InvalidInput, NotFound, RuleViolation
from kunnan.domain.exits import StableTest, followup_dates, parse_months
from kunnan.domain.income import IncomeFacts, assess
from kunnan.models import (
    AuditEntry,
    Followup,
    Household,
    HouseholdExit,
    IncomeCalculation,
    Member,
    Objection,
    Org,
    Pairing,
    StatusChange,
)
from kunnan.services import audit
from kunnan.services.identification import CostFacts
from kunnan.services.identify_batch import _Policy


@dataclass(frozen=True)
class ExitPlan:
    household_id: int
    kind: ExitKind
    on: dt.date
    reason: str = ""
    moved_to: str | None = None
    recalculate: CostFacts | None = None
    resolved: str | None = None


@dataclass
class _Calc:
    id: int | None
    calculated_on: dt.date
    members: int
    income_fen: int
    dibao_line_fen: int


@dataclass
class _Out:
    household_id: int
    exit: dict[str, Any]
    calculation: dict[str, Any] | None = None
    followups: list[dt.date] = field(default_factory=list)
    audits_before: list[dict[str, Any]] = field(default_factory=list)
    audit_exit: dict[str, Any] | None = None
    #: The exit rests on the calculation it records (a stable exit judged on its figures).
    rests_on_calculation: bool = False


def exit_many(session: Session, plans: Sequence[ExitPlan]) -> int:
    """Record each exit; any refusal refuses the batch. Returns the number of exits."""
    if not plans:
        return 0
    ids = [plan.household_id for plan in plans]
    if len(set(ids)) != len(ids):
        raise InvalidInput("a household appears twice in one batch of exits")
    session.flush()
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    earned = dict(
        session.execute(
            select(Member.household_id, func.sum(Member.monthly_income_fen))
            .where(Member.household_id.in_(ids))
            .group_by(Member.household_id)
        ).all()
    )
    people = dict(
        session.execute(
            select(Member.household_id, func.count())
            .where(Member.household_id.in_(ids))
            .group_by(Member.household_id)
        ).all()
    )
    calcs: dict[int, list[_Calc]] = defaultdict(list)
    for row in session.execute(
        select(
            IncomeCalculation.household_id,
            IncomeCalculation.id,
            IncomeCalculation.calculated_on,
            IncomeCalculation.members,
            IncomeCalculation.earned_fen + IncomeCalculation.other_income_fen,
            IncomeCalculation.dibao_line_fen,
        )
        .where(IncomeCalculation.household_id.in_(ids))
        .order_by(IncomeCalculation.calculated_on, IncomeCalculation.id)
    ):
        calcs[row[0]].append(_Calc(row[1], row[2], row[3], int(row[4]), row[5]))
    latest_change = dict(
        session.execute(
            select(StatusChange.household_id, func.max(StatusChange.changed_on))
            .where(StatusChange.household_id.in_(ids))
            .group_by(StatusChange.household_id)
        ).all()
    )
    pairings = {
        p.household_id: p
        for p in session.scalars(
            select(Pairing).where(Pairing.household_id.in_(ids), Pairing.ended_on.is_(None))
        )
    }
    units = dict(session.execute(select(Org.id, Org.code)).all())
    policy = _Policy(session)
    outs: list[_Out] = []
    for plan in plans:
        household = households.get(plan.household_id)
        if household is None:
            raise NotFound(f"no household {household_code(plan.household_id)}")
        outs.append(
            _plan_exit(
                session,
                plan,
                household,
                policy,
                calcs[plan.household_id],
                int(people.get(household.id, 0)),
                int(earned.get(household.id) or 0),
                latest_change.get(household.id),
                pairings.get(household.id),
                units,
            )
        )
    _write(session, outs, plans, pairings)
    return len(outs)


def _plan_exit(
    session: Session,
    plan: ExitPlan,
    household: Household,
    policy: _Policy,
    calcs: list[_Calc],
    members: int,
    earned: int,
    latest_change: dt.date | None,
    pairing: Pairing | None,
    units: dict[int, str],
) -> _Out:
    code, on = household_code(household.id), plan.on
    if household.status == HouseholdStatus.EXITED.value:
        raise RuleViolation(f"{code} already exited")
    if household.status != HouseholdStatus.ARCHIVED.value:
        raise RuleViolation(
            f"{code} is {household.status}; only archived households exit the register"
        )
    if household.archived_on is not None and on < household.archived_on:
        raise RuleViolation(
            f"{code} was archived on {household.archived_on.isoformat()}; it cannot exit on {on.isoformat()}"
        )
    if latest_change is not None and on < latest_change:
        raise RuleViolation(
            f"{code} changed status on {latest_change.isoformat()}; an exit dated "
            f"{on.isoformat()} would go back in time"
        )
    out = _Out(household.id, {})
    calculation: _Calc | None = None
    if plan.kind is ExitKind.STABLE:
        calculation, details, reason = _stable(plan, household, policy, calcs, members, earned, out)
    else:
        details, reason = _other(plan, code)
    out.rests_on_calculation = plan.kind is ExitKind.STABLE and not plan.resolved
    out.exit = {
        "household_id": household.id,
        "kind": plan.kind.value,
        "exited_on": on,
        "archive_no": household.archive_no,
        "category": household.category,
        "reason": reason,
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
        "calculation_id": calculation.id if calculation is not None and not plan.resolved else None,
        "relapsed_on": None,
        "recorded_at": audit.context(session).at,
    }
    if pairing is not None:
        if on < pairing.started_on:
            raise RuleViolation(
                f"{code}'s pairing began on {pairing.started_on.isoformat()}; it cannot end before"
            )
        out.audits_before.append(
            audit.row(
                session,
                action="end",
                entity="pairing",
                entity_ref=code,
                household_id=household.id,
                changes={
                    "unit": units[pairing.unit_id],
                    "contact": pairing.contact_name,
                    "on": on,
                    "reason": f"household exited ({plan.kind.value})",
                },
            )
        )
    out.audit_exit = audit.row(
        session,
        action="exit",
        entity="household",
        entity_ref=code,
        household_id=household.id,
        changes={"kind": plan.kind.value, "on": on, "reason": reason, **details},
    )
    return out


def _stable(
    plan: ExitPlan,
    household: Household,
    policy: _Policy,
    calcs: list[_Calc],
    members: int,
    earned: int,
    out: _Out,
) -> tuple[_Calc | None, dict[str, Any], str]:
    """A stable exit's calculation, details and reason, as services.exits.exit_stable decides them."""
    code, on = household_code(household.id), plan.on
    multiplier = Decimal(policy.value("exit_multiplier", on))
    window = int(policy.value("exit_calculation_days", on))
    calculation: _Calc | None
    if plan.recalculate is not None:
        calculation, out.calculation = _recalculate(household, plan, policy, members, earned)
    else:
        earlier = [c for c in calcs if c.calculated_on <= on]
        calculation = earlier[-1] if earlier else None
    test = None
    if calculation is not None:
        used = Decimal(policy.value("exit_multiplier", calculation.calculated_on))
        test = StableTest(
            calculation.members, calculation.income_fen, calculation.dibao_line_fen, used
        )
    out.followups = followup_dates(on, parse_months(policy.value("followup_months", on)))
    if plan.resolved:
        if household.category != Category.ACCIDENT.value:
            raise RuleViolation(
                f"--resolved is for accident (意外致困) households; {code} is {household.category}"
            )
        details: dict[str, Any] = {"resolved": plan.resolved}
        if test is not None:
            details["figures"] = test.explain()
        return calculation, details, f"resolved: {plan.resolved}"
    if calculation is None or test is None:
        raise RuleViolation(
            f"{code} has no income calculation; a stable exit needs one from the last {window} days"
        )
    if (on - calculation.calculated_on).days > window:
        raise RuleViolation(
            f"{code}'s latest income calculation is from {calculation.calculated_on.isoformat()}, "
            f"more than {window} days before {on.isoformat()}"
        )
    if not test.passes:
        raise RuleViolation(f"{code} cannot exit stably: {test.explain()}")
    details = {
        "members": test.members,
        "income_fen": test.income_fen,
        "per_capita_fen": test.per_capita_fen,
        "exit_line_fen": test.exit_line_fen,
        "dibao_line_fen": test.dibao_line_fen,
        "multiplier": str(multiplier),
        "calculated_on": calculation.calculated_on.isoformat(),
    }
    return calculation, details, test.explain()


def _other(plan: ExitPlan, code: str) -> tuple[dict[str, Any], str]:
    """The details and reason of an exit that needs a reason rather than figures."""
    if plan.kind in (ExitKind.SAFETY_NET, ExitKind.INELIGIBLE) and not plan.reason.strip():
        raise InvalidInput(f"--reason: say why {code} leaves the register ({plan.kind.value})")
    if plan.kind is ExitKind.MOVED:
        if not plan.moved_to or not plan.moved_to.strip():
            raise InvalidInput("--to: say where the household moved")
        return {"moved_to": plan.moved_to}, plan.reason or f"moved to {plan.moved_to}"
    return {}, plan.reason


def _recalculate(
    household: Household, plan: ExitPlan, policy: _Policy, members: int, earned: int
) -> tuple[_Calc, dict[str, Any]]:
    costs = plan.recalculate or CostFacts()
    on, line = plan.on, policy.line(household.area_code, plan.on.year)
    facts = IncomeFacts(
        members=members,
        earned_fen=earned,
        other_fen=costs.other_income_fen,
        medical_costs_fen=costs.medical_costs_fen,
        schooling_costs_fen=costs.schooling_costs_fen,
        accident_costs_fen=costs.accident_costs_fen,
        dibao_line_fen=line,
        marginal_multiplier=Decimal(policy.value("marginal_multiplier", on)),
        accident_multiplier=Decimal(policy.value("accident_multiplier", on)),
        marginal_rigid_test=policy.value("marginal_rigid_test", on) == "on",
    )
    result = assess(facts)
    row = {
        "household_id": household.id,
        "case_id": None,
        "calculated_on": on,
        "purpose": "exit",
        "members": facts.members,
        "earned_fen": facts.earned_fen,
        "other_income_fen": facts.other_fen,
        "medical_costs_fen": facts.medical_costs_fen,
        "schooling_costs_fen": facts.schooling_costs_fen,
        "accident_costs_fen": facts.accident_costs_fen,
        "area_code": household.area_code,
        "year": on.year,
        "dibao_line_fen": line,
        "marginal_multiplier": str(facts.marginal_multiplier),
        "accident_multiplier": str(facts.accident_multiplier),
        "marginal_rigid_test": facts.marginal_rigid_test,
        "per_capita_fen": result.per_capita_fen,
        "proposed_category": result.category.value if result.category else None,
    }
    return _Calc(None, on, facts.members, facts.income_fen, line), row


def _write(
    session: Session, outs: list[_Out], plans: Sequence[ExitPlan], pairings: dict[int, Pairing]
) -> None:
    connection = session.connection()
    with_calc = [out for out in outs if out.calculation is not None]
    calc_ids = insert_returning_ids(
        connection, _table(IncomeCalculation), [o.calculation for o in with_calc if o.calculation]
    )
    for out, calc_id in zip(with_calc, calc_ids, strict=True):
        if out.rests_on_calculation:
            out.exit["calculation_id"] = calc_id
    exit_ids = insert_returning_ids(connection, _table(HouseholdExit), [o.exit for o in outs])
    at = audit.context(session).at
    insert_rows(
        connection,
        _table(Followup),
        [
            {
                "exit_id": exit_id,
                "household_id": out.household_id,
                "due_on": due,
                "done_on": None,
                "visitor": None,
                "outcome": None,
                "note": "",
            }
            for out, exit_id in zip(outs, exit_ids, strict=True)
            for due in out.followups
        ],
    )
    insert_rows(
        connection,
        _table(StatusChange),
        [
            {
                "household_id": o.household_id,
                "changed_on": o.exit["exited_on"],
                "status": HouseholdStatus.EXITED.value,
                "category": o.exit["category"],
                "reason": f"exit: {o.exit['kind']}",
                "recorded_at": at,
            }
            for o in outs
        ],
    )
    table = _table(Household)
    connection.execute(
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values(status=HouseholdStatus.EXITED.value, updated_at=at),
        [{"key_id": o.household_id} for o in outs],
    )
    ended = [(o, pairings[o.household_id]) for o in outs if o.household_id in pairings]
    if ended:
        pairing_table = _table(Pairing)
        connection.execute(
            update(pairing_table)
            .where(pairing_table.c.id == bindparam("key_id"))
            .values(ended_on=bindparam("ended"), end_reason=bindparam("why")),
            [
                {
                    "key_id": p.id,
                    "ended": o.exit["exited_on"],
                    "why": f"household exited ({o.exit['kind']})",
                }
                for o, p in ended
            ],
        )
    objection_table = _table(Objection)
    connection.execute(
        update(objection_table)
        .where(
            objection_table.c.household_id == bindparam("key_id"),
            objection_table.c.status == ObjectionStatus.OPEN.value,
        )
        .values(
            status=ObjectionStatus.CLOSED.value,
            settled_on=bindparam("on"),
            settlement=bindparam("note"),
        ),
        [
            {
                "key_id": o.household_id,
                "on": o.exit["exited_on"],
                "note": f"closed: the household exited ({o.exit['kind']})",
            }
            for o in outs
        ],
    )
    audits = [
        row for o in outs for row in (*o.audits_before, *([o.audit_exit] if o.audit_exit else []))
    ]
    insert_rows(connection, _table(AuditEntry), audits)
    session.expire_all()


@dataclass(frozen=True)
class FollowupPlan:
    """One follow-up visit, as `kunnan exit followup` records it."""

    household_id: int
    on: dt.date
    visitor: str
    outcome: FollowupOutcome
    note: str


def followup_many(session: Session, plans: Sequence[FollowupPlan]) -> int:
    """Record follow-ups as ``exits.record_followup`` does, each against the earliest one due.

    Any refusal refuses the batch. Returns the number recorded.
    """
    if not plans:
        return 0
    session.flush()
    ids = sorted({plan.household_id for plan in plans})
    status = dict(
        session.execute(select(Household.id, Household.status).where(Household.id.in_(ids))).all()
    )
    latest: dict[int, tuple[int, dt.date]] = {}
    for exit_id, household_id, exited_on in session.execute(
        select(HouseholdExit.id, HouseholdExit.household_id, HouseholdExit.exited_on)
        .where(HouseholdExit.household_id.in_(ids))
        .order_by(HouseholdExit.exited_on, HouseholdExit.id)
    ):
        latest[household_id] = (exit_id, exited_on)
    pending: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for followup_id, exit_id, due_on in session.execute(
        select(Followup.id, Followup.exit_id, Followup.due_on)
        .where(Followup.household_id.in_(ids), Followup.done_on.is_(None))
        .order_by(Followup.due_on, Followup.id)
    ):
        if due_on is not None:
            pending[exit_id].append((due_on, followup_id))
    done: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for plan in sorted(plans, key=lambda p: (p.household_id, p.on)):
        code = household_code(plan.household_id)
        if plan.household_id not in status:
            raise NotFound(f"no household {code}")
        last = latest.get(plan.household_id)
        if last is None or status[plan.household_id] != HouseholdStatus.EXITED.value:
            raise RuleViolation(f"{code} has not exited; follow-ups are for exited households")
        exit_id, exited_on = last
        if plan.on < exited_on:
            raise RuleViolation(
                f"{code} exited on {exited_on.isoformat()}; a follow-up cannot come before"
            )
        values = {"done_on": plan.on, "visitor": plan.visitor, "outcome": plan.outcome.value,
                  "note": plan.note}  # fmt: skip
        due: dt.date | None = None
        if pending[exit_id]:
            due, followup_id = pending[exit_id].pop(0)
            done.append({"key_id": followup_id, **values})
        else:
            extra.append({"exit_id": exit_id, "household_id": plan.household_id, "due_on": None,
                          **values})  # fmt: skip
        audits.append(
            audit.row(
                session,
                action="followup",
                entity="household",
                entity_ref=code,
                household_id=plan.household_id,
                changes={
                    "on": plan.on,
                    "by": plan.visitor,
                    "outcome": plan.outcome.value,
                    "note": plan.note,
                    "due_on": due,
                },
            )
        )
    connection = session.connection()
    table = _table(Followup)
    if done:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("key_id"))
            .values(
                done_on=bindparam("done_on"),
                visitor=bindparam("visitor"),
                outcome=bindparam("outcome"),
                note=bindparam("note"),
            ),
            done,
        )
    insert_rows(connection, table, extra)
    insert_rows(connection, _table(AuditEntry), audits)
    session.expire_all()
    return len(plans)


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)
