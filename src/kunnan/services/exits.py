"""退出: households leave the register, are followed up, and may relapse (返困).

An exit is a decision the union must be able to justify later, so each kind
records its own facts: a stable exit its income figures (or, for an accident
household, what was resolved), a move where to, and so on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    Category,
    ExitKind,
    FollowupOutcome,
    HouseholdStatus,
    ObjectionStatus,
)
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.domain.exits import StableTest, followup_dates, parse_months
from kunnan.models import Followup, Household, HouseholdExit, IncomeCalculation, Objection
from kunnan.services import audit
from kunnan.services.identification import CostFacts, calculate
from kunnan.services.pairing import end_active_pairing
from kunnan.services.policy import setting_value
from kunnan.services.status import change_status


@dataclass(frozen=True)
class ExitOutcome:
    code: str
    kind: ExitKind
    exited_on: dt.date
    message: str
    followups: tuple[dt.date, ...] = ()


def latest_exit(session: Session, household: Household) -> HouseholdExit | None:
    return session.scalars(
        select(HouseholdExit)
        .where(HouseholdExit.household_id == household.id)
        .order_by(HouseholdExit.exited_on.desc(), HouseholdExit.id.desc())
        .limit(1)
    ).first()


def _check_can_exit(session: Session, household: Household, on: dt.date) -> None:
    code = household_code(household.id)
    if household.status == HouseholdStatus.EXITED.value:
        previous = latest_exit(session, household)
        when = f" on {previous.exited_on.isoformat()} ({previous.kind})" if previous else ""
        raise RuleViolation(f"{code} already exited{when}")
    if household.status != HouseholdStatus.ARCHIVED.value:
        raise RuleViolation(
            f"{code} is {household.status}; only archived households exit the register"
        )
    if household.archived_on is not None and on < household.archived_on:
        raise RuleViolation(
            f"{code} was archived on {household.archived_on.isoformat()}; it cannot exit on {on.isoformat()}"
        )


def _exit(
    session: Session,
    household: Household,
    *,
    kind: ExitKind,
    on: dt.date,
    reason: str,
    details: dict[str, Any],
    calculation: IncomeCalculation | None = None,
) -> HouseholdExit:
    record = HouseholdExit(
        household_id=household.id,
        kind=kind.value,
        exited_on=on,
        archive_no=household.archive_no,
        category=household.category,
        reason=reason,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        calculation_id=calculation.id if calculation else None,
        recorded_at=audit.context(session).at,
    )
    session.add(record)
    session.flush()
    for objection in session.scalars(
        select(Objection).where(
            Objection.household_id == household.id, Objection.status == ObjectionStatus.OPEN.value
        )
    ):
        objection.status = ObjectionStatus.CLOSED.value
        objection.settled_on = on
        objection.settlement = f"closed: the household exited ({kind.value})"
    change_status(
        session, household, status=HouseholdStatus.EXITED, on=on, reason=f"exit: {kind.value}"
    )
    end_active_pairing(session, household, on=on, reason=f"household exited ({kind.value})")
    audit.record(
        session,
        action="exit",
        entity="household",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes={"kind": kind.value, "on": on, "reason": reason, **details},
    )
    return record


def _latest_calculation(
    session: Session, household: Household, on: dt.date
) -> IncomeCalculation | None:
    return session.scalars(
        select(IncomeCalculation)
        .where(
            IncomeCalculation.household_id == household.id, IncomeCalculation.calculated_on <= on
        )
        .order_by(IncomeCalculation.calculated_on.desc(), IncomeCalculation.id.desc())
        .limit(1)
    ).first()


def exit_stable(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    recalculate: CostFacts | None = None,
    resolved: str | None = None,
) -> ExitOutcome:
    """稳定脱困: a fresh calculation at or above the exit line, or for accident households what was resolved."""
    code = household_code(household.id)
    _check_can_exit(session, household, on)
    multiplier = Decimal(setting_value(session, "exit_multiplier", on=on))
    window = int(setting_value(session, "exit_calculation_days", on=on))
    calculation: IncomeCalculation | None
    if recalculate is not None:
        _assessment, calculation = calculate(
            session, household, on=on, costs=recalculate, purpose="exit"
        )
    else:
        calculation = _latest_calculation(session, household, on)
    fresh = calculation is not None and (on - calculation.calculated_on).days <= window
    test = (
        StableTest(
            members=calculation.members,
            income_fen=calculation.earned_fen + calculation.other_income_fen,
            dibao_line_fen=calculation.dibao_line_fen,
            multiplier=Decimal(
                setting_value(session, "exit_multiplier", on=calculation.calculated_on)
            ),
        )
        if calculation is not None
        else None
    )
    if resolved:
        if household.category != Category.ACCIDENT.value:
            raise RuleViolation(
                f"--resolved is for accident (意外致困) households; {code} is {household.category}"
            )
        details: dict[str, Any] = {"resolved": resolved}
        if test is not None:
            details["figures"] = test.explain()
        reason = f"resolved: {resolved}"
    else:
        if calculation is None or test is None:
            raise RuleViolation(
                f"{code} has no income calculation; a stable exit needs one from the last {window} days",
                hint="add --recalculate (with --other-income and costs if any)",
            )
        if not fresh:
            raise RuleViolation(
                f"{code}'s latest income calculation is from {calculation.calculated_on.isoformat()}, "
                f"more than {window} days before {on.isoformat()}",
                hint="add --recalculate",
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
        reason = test.explain()
    record = _exit(
        session, household, kind=ExitKind.STABLE, on=on, reason=reason, details=details,
        calculation=calculation if not resolved else None,
    )  # fmt: skip
    months = parse_months(setting_value(session, "followup_months", on=on))
    dates = followup_dates(on, months)
    for due in dates:
        session.add(Followup(exit_id=record.id, household_id=household.id, due_on=due, note=""))
    session.flush()
    return ExitOutcome(
        code, ExitKind.STABLE, on,
        f"{code}: exited stably on {on.isoformat()}: {reason}; follow-ups due "
        + ", ".join(d.isoformat() for d in dates),
        tuple(dates),
    )  # fmt: skip


def exit_other(
    session: Session,
    household: Household,
    *,
    kind: ExitKind,
    on: dt.date,
    reason: str,
    moved_to: str | None = None,
) -> ExitOutcome:
    """The exits that need a reason rather than figures: safety net, moved, deceased, ineligible, withdrew."""
    if kind is ExitKind.STABLE:
        raise ValueError("use exit_stable")
    code = household_code(household.id)
    _check_can_exit(session, household, on)
    if kind in (ExitKind.SAFETY_NET, ExitKind.INELIGIBLE) and not reason.strip():
        raise InvalidInput(f"--reason: say why {code} leaves the register ({kind.value})")
    details: dict[str, Any] = {}
    if kind is ExitKind.MOVED:
        if not moved_to or not moved_to.strip():
            raise InvalidInput("--to: say where the household moved")
        details["moved_to"] = moved_to
        reason = reason or f"moved to {moved_to}"
    _exit(session, household, kind=kind, on=on, reason=reason, details=details)
    return ExitOutcome(
        code, kind, on, f"{code}: exited on {on.isoformat()} ({kind.value} {kind.zh})"
    )


def record_followup(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    visitor: str,
    outcome: FollowupOutcome,
    note: str,
) -> Followup:
    """Record a follow-up visit against the earliest one due (or an extra one if none is)."""
    code = household_code(household.id)
    last = latest_exit(session, household)
    if last is None or household.status != HouseholdStatus.EXITED.value:
        raise RuleViolation(f"{code} has not exited; follow-ups are for exited households")
    if on < last.exited_on:
        raise RuleViolation(
            f"{code} exited on {last.exited_on.isoformat()}; a follow-up cannot come before"
        )
    pending = session.scalars(
        select(Followup)
        .where(Followup.exit_id == last.id, Followup.done_on.is_(None))
        .order_by(Followup.due_on)
        .limit(1)
    ).first()
    followup = pending or Followup(exit_id=last.id, household_id=household.id, due_on=None)
    followup.done_on = on
    followup.visitor = visitor
    followup.outcome = outcome.value
    followup.note = note
    session.add(followup)
    session.flush()
    audit.record(
        session,
        action="followup",
        entity="household",
        entity_ref=code,
        household_id=household.id,
        changes={"on": on, "by": visitor, "outcome": outcome.value, "note": note,
                 "due_on": followup.due_on},
    )  # fmt: skip
    return followup


def relapse(session: Session, household: Household, *, on: dt.date, reason: str) -> ExitOutcome:
    """返困: the household falls back into hardship; it becomes a candidate again, linked to its old archive."""
    code = household_code(household.id)
    last = latest_exit(session, household)
    if last is None or household.status != HouseholdStatus.EXITED.value:
        raise RuleViolation(f"{code} has not exited; only an exited household can relapse")
    if not reason.strip():
        raise InvalidInput("--reason: say what happened")
    if on < last.exited_on:
        raise RuleViolation(
            f"{code} exited on {last.exited_on.isoformat()}; it cannot relapse before"
        )
    last.relapsed_on = on
    for pending in session.scalars(
        select(Followup).where(Followup.exit_id == last.id, Followup.done_on.is_(None))
    ):
        pending.note = f"not needed: relapsed on {on.isoformat()}"
        pending.due_on = None
    change_status(
        session, household, status=HouseholdStatus.CANDIDATE, on=on, reason=f"relapse: {reason}"
    )
    audit.record(
        session,
        action="relapse",
        entity="household",
        entity_ref=code,
        household_id=household.id,
        changes={"on": on, "reason": reason, "archive_no": last.archive_no},
    )
    return ExitOutcome(
        code, ExitKind(last.kind), on,
        f"{code}: relapsed on {on.isoformat()}; a candidate again (earlier archive "
        f"{last.archive_no}); the next step is visit (一进)",
    )  # fmt: skip


@dataclass(frozen=True)
class ExitRow:
    code: str
    head_name: str
    org: str
    archive_no: str | None
    category: str | None
    kind: str
    exited_on: dt.date
    reason: str
    next_followup_on: dt.date | None
    relapsed_on: dt.date | None


def list_exits(
    session: Session,
    *,
    year: int | None = None,
    kind: ExitKind | None = None,
    org: Any = None,
    followup_due_by: dt.date | None = None,
) -> list[ExitRow]:
    from sqlalchemy import and_
    from sqlalchemy.orm import aliased

    from kunnan.domain.enums import Relation
    from kunnan.models import Member, Org
    from kunnan.services.orgs import within

    head = aliased(Member)
    next_due = (
        select(func.min(Followup.due_on))
        .where(Followup.exit_id == HouseholdExit.id, Followup.done_on.is_(None))
        .scalar_subquery()
    )
    query = (
        select(
            HouseholdExit.household_id, head.name, Org.name, HouseholdExit.archive_no, HouseholdExit.category,
            HouseholdExit.kind, HouseholdExit.exited_on, HouseholdExit.reason, next_due, HouseholdExit.relapsed_on,
        )
        .join(Household, Household.id == HouseholdExit.household_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .order_by(HouseholdExit.exited_on, HouseholdExit.id)
    )  # fmt: skip
    if year is not None:
        query = query.where(
            HouseholdExit.exited_on >= dt.date(year, 1, 1),
            HouseholdExit.exited_on <= dt.date(year, 12, 31),
        )
    if kind is not None:
        query = query.where(HouseholdExit.kind == kind.value)
    if org is not None:
        query = query.where(within(org))
    if followup_due_by is not None:
        query = query.where(next_due <= followup_due_by, HouseholdExit.relapsed_on.is_(None))
    return [
        ExitRow(
            code=household_code(row[0]),
            head_name=row[1],
            org=row[2],
            archive_no=row[3],
            category=row[4],
            kind=row[5],
            exited_on=row[6],
            reason=row[7],
            next_followup_on=row[8],
            relapsed_on=row[9],
        )
        for row in session.execute(query)
    ]
