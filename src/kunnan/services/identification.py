"""精准识别: the seven steps, recorded strictly in order, and what each one decides.

Each ``record_*`` function checks that its step is the one due, that its date
does not go back before the previous step, records the step with its own
facts, and may close the case: an exclusion, a committee's "no", a failed
appraisal or an upheld objection rejects it; confirmation archives it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    ArchiveLevel,
    CaseStatus,
    Category,
    Cause,
    Decision,
    HouseholdStatus,
    ObjectionStatus,
    OrgKind,
    Step,
)
from kunnan.domain.errors import InvalidInput, NotFound, RuleViolation
from kunnan.domain.identification import (
    MIN_VISITORS,
    ORDER,
    Inspection,
    appraisal_passes,
    archive_number,
    exclusions,
    next_step,
    notice_end,
    step_label,
)
from kunnan.domain.income import Assessment, IncomeFacts, assess
from kunnan.domain.money import format_fen
from kunnan.models import (
    Household,
    HouseholdCause,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    Objection,
    Org,
)
from kunnan.services import audit
from kunnan.services.orgs import UNION_KINDS, find_union
from kunnan.services.policy import dibao_line, setting_value
from kunnan.services.status import change_status

ACTIVE = (HouseholdStatus.CANDIDATE.value, HouseholdStatus.IDENTIFYING.value)


@dataclass(frozen=True)
class StepOutcome:
    """What happened: the step recorded, and whether it closed the case."""

    code: str
    step: Step
    on: dt.date
    case_status: CaseStatus
    message: str
    lines: tuple[str, ...] = field(default_factory=tuple)


def latest_case(session: Session, household: Household) -> IdentificationCase | None:
    return session.scalars(
        select(IdentificationCase)
        .where(IdentificationCase.household_id == household.id)
        .order_by(IdentificationCase.round.desc())
        .limit(1)
    ).first()


def steps_of(session: Session, case: IdentificationCase) -> list[IdentificationStep]:
    rows = list(
        session.scalars(select(IdentificationStep).where(IdentificationStep.case_id == case.id))
    )
    return sorted(rows, key=lambda row: ORDER.index(Step(row.step)))


def due_step(session: Session, household: Household) -> Step | None:
    """The step this household needs next, or None if it cannot take steps now."""
    if household.status == HouseholdStatus.CANDIDATE.value:
        return Step.VISIT
    if household.status != HouseholdStatus.IDENTIFYING.value:
        return None
    case = latest_case(session, household)
    assert case is not None
    return next_step([Step(s.step) for s in steps_of(session, case)])


def _refuse_status(household: Household) -> RuleViolation:
    code = household_code(household.id)
    if household.status == HouseholdStatus.REJECTED.value:
        return RuleViolation(
            f"{code} was rejected; it takes steps again only after a restart",
            hint=f"kunnan identify restart {code} --reason …",
        )
    return RuleViolation(
        f"{code} is {household.status}; only candidate and identifying households take "
        "identification steps"
    )


def _begin(
    session: Session, household: Household, step: Step, on: dt.date
) -> tuple[IdentificationCase, list[IdentificationStep]]:
    """Check ``step`` is due on ``on`` and return the case it belongs to (opening one for a visit)."""
    code = household_code(household.id)
    if household.status not in ACTIVE:
        raise _refuse_status(household)
    if household.status == HouseholdStatus.CANDIDATE.value:
        if step is not Step.VISIT:
            raise RuleViolation(
                f"{code} has not been visited yet: the first step is {step_label(Step.VISIT)}, "
                f"not {step_label(step)}"
            )
        if on < household.registered_on:
            raise RuleViolation(
                f"the visit on {on.isoformat()} is before {code} was registered "
                f"({household.registered_on.isoformat()})"
            )
        rounds = session.scalar(
            select(func.max(IdentificationCase.round)).where(
                IdentificationCase.household_id == household.id
            )
        )
        case = IdentificationCase(
            household_id=household.id,
            round=(rounds or 0) + 1,
            status=CaseStatus.OPEN.value,
            started_on=on,
            follows_archive_no=household.archive_no,
        )
        session.add(case)
        session.flush()
        change_status(
            session, household, status=HouseholdStatus.IDENTIFYING, on=on, reason="home visit"
        )
        return case, []
    current = latest_case(session, household)
    assert current is not None and current.status == CaseStatus.OPEN.value
    done = steps_of(session, current)
    due = next_step([Step(s.step) for s in done])
    if step is not due:
        already = next((s for s in done if s.step == step.value), None)
        if already is not None:
            raise RuleViolation(
                f"{step_label(step)} is already recorded for {code} "
                f"(on {already.done_on.isoformat()}); the next step is {step_label(due)}"
                if due
                else f"{step_label(step)} is already recorded for {code}"
            )
        raise RuleViolation(
            f"steps go in order: the next step for {code} is {step_label(due)}"
            if due
            else f"{code} has done every step",
        )
    last = done[-1]
    if on < last.done_on:
        raise RuleViolation(
            f"dates cannot go backwards: {step.value} on {on.isoformat()} is before "
            f"{last.step} on {last.done_on.isoformat()}"
        )
    return current, done


def _record(
    session: Session,
    household: Household,
    case: IdentificationCase,
    step: Step,
    *,
    on: dt.date,
    operators: Sequence[str],
    note: str,
    details: dict[str, Any],
) -> IdentificationStep:
    row = IdentificationStep(
        case_id=case.id,
        step=step.value,
        done_on=on,
        operators=json.dumps(list(operators), ensure_ascii=False),
        note=note,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        recorded_at=audit.context(session).at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="step",
        entity="identification",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes={"step": step.value, "on": on, "round": case.round, **details, "note": note},
    )
    return row


def _reject_case(
    session: Session,
    household: Household,
    case: IdentificationCase,
    *,
    step: Step,
    on: dt.date,
    reason: str,
) -> None:
    case.status = CaseStatus.REJECTED.value
    case.closed_on = on
    case.rejected_step = step.value
    case.reject_reason = reason
    change_status(session, household, status=HouseholdStatus.REJECTED, on=on, reason=reason)
    audit.record(
        session,
        action="reject",
        entity="identification",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes={"step": step.value, "on": on, "reason": reason, "round": case.round},
    )


def _recorded(household: Household, step: Step, on: dt.date, message: str = "") -> StepOutcome:
    code = household_code(household.id)
    return StepOutcome(
        code=code,
        step=step,
        on=on,
        case_status=CaseStatus.OPEN,
        message=message or f"{code}: {step_label(step)} recorded on {on.isoformat()}",
    )


def _rejected(household: Household, step: Step, on: dt.date, reason: str) -> StepOutcome:
    code = household_code(household.id)
    return StepOutcome(
        code=code,
        step=step,
        on=on,
        case_status=CaseStatus.REJECTED,
        message=f"{code}: rejected at {step_label(step)}: {reason}",
    )


# 一进 ---------------------------------------------------------------------------


def record_visit(
    session: Session, household: Household, *, on: dt.date, visitors: Sequence[str], note: str = ""
) -> StepOutcome:
    names = list(dict.fromkeys(name.strip() for name in visitors if name.strip()))
    if len(names) < MIN_VISITORS:
        raise RuleViolation(
            f"a home visit needs at least {MIN_VISITORS} visitors, {len(names)} given "
            "(a visit that found nobody is a contact attempt: kunnan household contact)"
        )
    case, _ = _begin(session, household, Step.VISIT, on)
    _record(
        session,
        household,
        case,
        Step.VISIT,
        on=on,
        operators=names,
        note=note,
        details={"visitors": names},
    )
    return _recorded(household, Step.VISIT, on)


# 二看 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectFacts:
    housing_type: str | None
    housing_area_m2: Decimal | None
    car_value_fen: int
    second_home: bool
    business: bool


def record_inspect(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    facts: InspectFacts,
    override: str | None,
    note: str = "",
) -> StepOutcome:
    case, _ = _begin(session, household, Step.INSPECT, on)
    limit = int(setting_value(session, "car_value_limit", on=on))
    reasons = exclusions(
        Inspection(facts.car_value_fen, facts.second_home, facts.business),
        car_value_limit_fen=limit,
    )
    if facts.housing_type is not None:
        household.housing_type = facts.housing_type
    if facts.housing_area_m2 is not None:
        household.housing_area_m2 = facts.housing_area_m2
    details: dict[str, Any] = {
        "housing_type": facts.housing_type,
        "housing_area_m2": str(facts.housing_area_m2)
        if facts.housing_area_m2 is not None
        else None,
        "car_value_fen": facts.car_value_fen,
        "second_home": facts.second_home,
        "business": facts.business,
        "exclusions": reasons,
    }
    if reasons and override:
        details["override"] = override
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.INSPECT,
        on=on,
        operators=[operator],
        note=note,
        details=details,
    )
    if reasons and not override:
        reason = "; ".join(reasons)
        _reject_case(session, household, case, step=Step.INSPECT, on=on, reason=reason)
        return _rejected(household, Step.INSPECT, on, reason)
    if reasons:
        return _recorded(
            household,
            Step.INSPECT,
            on,
            f"{household_code(household.id)}: {step_label(Step.INSPECT)} recorded; exclusion "
            f"overridden ({'; '.join(reasons)}): {override}",
        )
    return _recorded(household, Step.INSPECT, on)


# 三算 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CostFacts:
    other_income_fen: int = 0
    medical_costs_fen: int = 0
    schooling_costs_fen: int = 0
    accident_costs_fen: int = 0


def calculate(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    costs: CostFacts,
    purpose: str,
    case: IdentificationCase | None = None,
) -> tuple[Assessment, IncomeCalculation]:
    """Run the income test for ``household`` on ``on`` and store it (identification, exit, review)."""
    members = household.members
    line = dibao_line(session, area_code=household.area_code, year=on.year)
    facts = IncomeFacts(
        members=len(members),
        earned_fen=sum(m.monthly_income_fen for m in members),
        other_fen=costs.other_income_fen,
        medical_costs_fen=costs.medical_costs_fen,
        schooling_costs_fen=costs.schooling_costs_fen,
        accident_costs_fen=costs.accident_costs_fen,
        dibao_line_fen=line,
        marginal_multiplier=Decimal(setting_value(session, "marginal_multiplier", on=on)),
        accident_multiplier=Decimal(setting_value(session, "accident_multiplier", on=on)),
        marginal_rigid_test=setting_value(session, "marginal_rigid_test", on=on) == "on",
    )
    result = assess(facts)
    header = f"dibao line for area {household.area_code} in {on.year}"
    result = Assessment(
        facts=result.facts,
        category=result.category,
        lines=(*result.lines[:3], f"{header}: {format_fen(line)}", *result.lines[4:]),
    )
    row = IncomeCalculation(
        household_id=household.id,
        case_id=case.id if case is not None else None,
        calculated_on=on,
        purpose=purpose,
        members=facts.members,
        earned_fen=facts.earned_fen,
        other_income_fen=facts.other_fen,
        medical_costs_fen=facts.medical_costs_fen,
        schooling_costs_fen=facts.schooling_costs_fen,
        accident_costs_fen=facts.accident_costs_fen,
        area_code=household.area_code,
        year=on.year,
        dibao_line_fen=line,
        marginal_multiplier=str(facts.marginal_multiplier),
        accident_multiplier=str(facts.accident_multiplier),
        marginal_rigid_test=facts.marginal_rigid_test,
        per_capita_fen=result.per_capita_fen,
        proposed_category=result.category.value if result.category else None,
    )
    session.add(row)
    session.flush()
    return result, row


def record_calculate(
    session: Session, household: Household, *, on: dt.date, costs: CostFacts, note: str = ""
) -> StepOutcome:
    case, _ = _begin(session, household, Step.CALCULATE, on)
    result, row = calculate(session, household, on=on, costs=costs, purpose="identify", case=case)
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.CALCULATE,
        on=on,
        operators=[operator],
        note=note,
        details={
            "calculation": row.id,
            "members": row.members,
            "income_fen": result.facts.income_fen,
            "per_capita_fen": row.per_capita_fen,
            "dibao_line_fen": row.dibao_line_fen,
            "proposed_category": row.proposed_category,
        },
    )
    code = household_code(household.id)
    if result.category is None:
        message = (
            f"{code}: {step_label(Step.CALCULATE)} recorded; not eligible by income "
            f"(if the committee agrees: kunnan identify reject {code} --reason …)"
        )
    else:
        message = (
            f"{code}: {step_label(Step.CALCULATE)} recorded; proposed category "
            f"{result.category.value} ({result.category.zh})"
        )
    return StepOutcome(
        code=code,
        step=Step.CALCULATE,
        on=on,
        case_status=CaseStatus.OPEN,
        message=message,
        lines=result.lines,
    )


# 四议 ---------------------------------------------------------------------------


def record_deliberate(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    decision: Decision,
    attendees: int,
    minutes: str,
    note: str = "",
) -> StepOutcome:
    if attendees < 1:
        raise InvalidInput("--attendees: a committee meeting has at least one attendee")
    if not minutes.strip():
        raise InvalidInput("--minutes: the committee's minutes must not be empty")
    case, _ = _begin(session, household, Step.DELIBERATE, on)
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.DELIBERATE,
        on=on,
        operators=[operator],
        note=note,
        details={"decision": decision.value, "attendees": attendees, "minutes": minutes},
    )
    if decision is Decision.REJECT:
        reason = f"the union committee decided against: {minutes}"
        _reject_case(session, household, case, step=Step.DELIBERATE, on=on, reason=reason)
        return _rejected(household, Step.DELIBERATE, on, reason)
    return _recorded(household, Step.DELIBERATE, on)


# 五评 ---------------------------------------------------------------------------


def record_appraise(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    votes_for: int,
    votes_against: int,
    note: str = "",
) -> StepOutcome:
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against == 0:
        raise InvalidInput("--for and --against are vote counts: zero or more, and some votes cast")
    case, _ = _begin(session, household, Step.APPRAISE, on)
    share = Decimal(setting_value(session, "appraisal_pass_share", on=on))
    passed = appraisal_passes(votes_for, votes_against, share)
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.APPRAISE,
        on=on,
        operators=[operator],
        note=note,
        details={
            "for": votes_for,
            "against": votes_against,
            "pass_share": str(share),
            "passed": passed,
        },
    )
    if not passed:
        reason = (
            f"the workers' representatives did not pass it: {votes_for} for, "
            f"{votes_against} against (needs more than {share} of votes cast)"
        )
        _reject_case(session, household, case, step=Step.APPRAISE, on=on, reason=reason)
        return _rejected(household, Step.APPRAISE, on, reason)
    return _recorded(household, Step.APPRAISE, on)


# 六公示 -------------------------------------------------------------------------


def record_publicize(
    session: Session,
    household: Household,
    *,
    start: dt.date,
    days: int | None,
    place: str,
    note: str = "",
) -> StepOutcome:
    minimum = int(setting_value(session, "notice_days", on=start))
    length = minimum if days is None else days
    if length < minimum:
        raise RuleViolation(f"a public notice runs at least {minimum} days, not {length}")
    case, _ = _begin(session, household, Step.PUBLICIZE, start)
    until = notice_end(start, length)
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.PUBLICIZE,
        on=start,
        operators=[operator],
        note=note,
        details={
            "from": start.isoformat(),
            "until": until.isoformat(),
            "days": length,
            "place": place,
        },
    )
    return _recorded(
        household,
        Step.PUBLICIZE,
        start,
        f"{household_code(household.id)}: public notice from {start.isoformat()} to "
        f"{until.isoformat()} ({length} days); confirm from {(until + dt.timedelta(days=1)).isoformat()}",
    )


def _notice(session: Session, case: IdentificationCase) -> tuple[dt.date, dt.date] | None:
    for row in steps_of(session, case):
        if row.step == Step.PUBLICIZE.value:
            details = json.loads(row.details)
            return dt.date.fromisoformat(details["from"]), dt.date.fromisoformat(details["until"])
    return None


def file_objection(
    session: Session, household: Household, *, on: dt.date, by: str, text: str
) -> Objection:
    code = household_code(household.id)
    if household.status != HouseholdStatus.IDENTIFYING.value:
        raise RuleViolation(f"{code} has no public notice running; objections are filed during one")
    case = latest_case(session, household)
    assert case is not None
    notice = _notice(session, case)
    if notice is None or due_step(session, household) is not Step.CONFIRM:
        raise RuleViolation(f"{code} has no public notice running; objections are filed during one")
    start, until = notice
    if not start <= on <= until:
        raise RuleViolation(
            f"the notice for {code} runs {start.isoformat()} to {until.isoformat()}; "
            f"an objection on {on.isoformat()} is outside it"
        )
    objection = Objection(
        case_id=case.id,
        household_id=household.id,
        filed_on=on,
        filed_by=by,
        text=text,
        status=ObjectionStatus.OPEN.value,
    )
    session.add(objection)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="objection",
        entity_ref=str(objection.id),
        household_id=household.id,
        changes={"on": on, "by": by, "text": text},
    )
    return objection


def find_objection(session: Session, ref: str) -> Objection:
    text = ref.strip().lstrip("#")
    objection = session.get(Objection, int(text)) if text.isdigit() else None
    if objection is None:
        raise NotFound(f"no objection {ref}", hint="kunnan identify status HH lists them")
    return objection


def settle_objection(
    session: Session, objection: Objection, *, upheld: bool, on: dt.date, note: str
) -> StepOutcome | None:
    """Settle an objection; an upheld one rejects the case (returned as the outcome)."""
    if objection.status != ObjectionStatus.OPEN.value:
        raise RuleViolation(f"objection #{objection.id} was already settled ({objection.status})")
    if on < objection.filed_on:
        raise RuleViolation(
            f"objection #{objection.id} was filed on {objection.filed_on.isoformat()}; "
            f"it cannot be settled on {on.isoformat()}"
        )
    objection.status = (ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED).value
    objection.settled_on = on
    objection.settlement = note
    household = session.get(Household, objection.household_id)
    assert household is not None
    audit.record(
        session,
        action="settle",
        entity="objection",
        entity_ref=str(objection.id),
        household_id=household.id,
        changes={"status": objection.status, "on": on, "note": note},
    )
    case = session.get(IdentificationCase, objection.case_id)
    if upheld and case is not None and case.status == CaseStatus.OPEN.value:
        reason = f"objection #{objection.id} upheld: {objection.text}"
        _reject_case(session, household, case, step=Step.PUBLICIZE, on=on, reason=reason)
        return _rejected(household, Step.PUBLICIZE, on, reason)
    return None


# 七确认 -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmFacts:
    by_org: str
    category: Category | None
    main_cause: Cause | None
    secondary_causes: tuple[Cause, ...] | None
    level: ArchiveLevel
    override: str | None


def _check_approver(session: Session, household: Household, approver: Org) -> None:
    own = session.get(Org, household.org_id)
    assert own is not None
    above = approver.path != own.path and own.path.startswith(approver.path)
    top = own.parent_id is None and approver.id == own.id
    if not (above or top):
        raise RuleViolation(
            f"'{approver.name}' is not above '{own.name}'; a higher-level union confirms"
        )


def record_confirm(
    session: Session, household: Household, *, on: dt.date, facts: ConfirmFacts, note: str = ""
) -> StepOutcome:
    code = household_code(household.id)
    case, done = _begin(session, household, Step.CONFIRM, on)
    approver = find_union(session, facts.by_org)
    if OrgKind(approver.kind) not in UNION_KINDS:
        raise RuleViolation(f"'{approver.name}' is not a union")
    _check_approver(session, household, approver)
    notice = _notice(session, case)
    assert notice is not None
    if on <= notice[1]:
        raise RuleViolation(
            f"the public notice for {code} runs until {notice[1].isoformat()}; "
            f"confirm on {(notice[1] + dt.timedelta(days=1)).isoformat()} or later"
        )
    open_objections = session.scalars(
        select(Objection.id).where(
            Objection.case_id == case.id, Objection.status == ObjectionStatus.OPEN.value
        )
    ).all()
    if open_objections:
        listed = ", ".join(f"#{n}" for n in open_objections)
        raise RuleViolation(f"{code} has unsettled objections ({listed}); settle them first")
    calculated = next(json.loads(s.details) for s in done if s.step == Step.CALCULATE.value)
    proposed = calculated.get("proposed_category")
    category = facts.category or (Category(proposed) if proposed else None)
    if category is None:
        raise RuleViolation(
            f'{code} was not eligible by income; give --category with --override "reason"'
        )
    if proposed != category.value and not facts.override:
        raise RuleViolation(
            f"the calculated category is {proposed or 'none'}; confirming {category.value} "
            'needs --override "reason"'
        )
    main_cause = facts.main_cause or (Cause(household.main_cause) if household.main_cause else None)
    if main_cause is None:
        raise InvalidInput(f"--cause: {code} has no main cause of hardship yet; give one")
    if facts.secondary_causes is not None:
        household.secondary_causes = [
            HouseholdCause(cause=cause.value, position=index)
            for index, cause in enumerate(facts.secondary_causes)
        ]
    household.main_cause = main_cause.value
    household.archive_no = _next_archive_number(session, household.area_code, on.year)
    household.archive_level = facts.level.value
    household.archived_on = on
    details: dict[str, Any] = {
        "by": approver.code,
        "category": category.value,
        "calculated_category": proposed,
        "main_cause": main_cause.value,
        "archive_no": household.archive_no,
        "level": facts.level.value,
    }
    if facts.override:
        details["override"] = facts.override
    operator = audit.context(session).operator
    _record(
        session,
        household,
        case,
        Step.CONFIRM,
        on=on,
        operators=[operator, approver.name],
        note=note,
        details=details,
    )
    case.status = CaseStatus.ARCHIVED.value
    case.closed_on = on
    change_status(
        session,
        household,
        status=HouseholdStatus.ARCHIVED,
        on=on,
        reason="confirmed",
        category=category,
    )
    return StepOutcome(
        code=code,
        step=Step.CONFIRM,
        on=on,
        case_status=CaseStatus.ARCHIVED,
        message=(
            f"{code}: archived on {on.isoformat()} as {category.value} ({category.zh}), "
            f"archive number {household.archive_no}"
        ),
    )


def _next_archive_number(session: Session, area_code: str, year: int) -> str:
    prefix = f"{area_code}-{year}-"
    latest = session.scalar(
        select(func.max(Household.archive_no)).where(Household.archive_no.startswith(prefix))
    )
    serial = int(latest.rsplit("-", 1)[1]) + 1 if latest else 1
    return archive_number(area_code, year, serial)


# Rejecting and restarting --------------------------------------------------------


def reject(session: Session, household: Household, *, on: dt.date, reason: str) -> StepOutcome:
    """Reject the case at whatever step is due, with a reason (a candidate, before its visit)."""
    if household.status not in ACTIVE:
        raise _refuse_status(household)
    if not reason.strip():
        raise InvalidInput("--reason: say why the case is rejected")
    due = due_step(session, household) or Step.VISIT
    case = latest_case(session, household)
    if household.status == HouseholdStatus.CANDIDATE.value or case is None:
        case = IdentificationCase(
            household_id=household.id,
            round=(case.round if case else 0) + 1,
            status=CaseStatus.OPEN.value,
            started_on=on,
        )
        session.add(case)
        session.flush()
    else:
        done = steps_of(session, case)
        if done and on < done[-1].done_on:
            raise RuleViolation(
                f"dates cannot go backwards: {on.isoformat()} is before {done[-1].step} "
                f"on {done[-1].done_on.isoformat()}"
            )
    _reject_case(session, household, case, step=due, on=on, reason=reason)
    return _rejected(household, due, on, reason)


def restart(session: Session, household: Household, *, on: dt.date, reason: str) -> None:
    """Let a rejected household start the seven steps again; the old case stays as history."""
    code = household_code(household.id)
    if household.status != HouseholdStatus.REJECTED.value:
        raise RuleViolation(f"{code} is {household.status}; only a rejected household is restarted")
    if not reason.strip():
        raise InvalidInput("--reason: say why the case is opened again")
    change_status(
        session, household, status=HouseholdStatus.CANDIDATE, on=on, reason=f"restarted: {reason}"
    )
    audit.record(
        session,
        action="restart",
        entity="identification",
        entity_ref=code,
        household_id=household.id,
        changes={"on": on, "reason": reason},
    )


# Reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    round: int
    step: str
    done_on: dt.date
    operators: list[str]
    note: str
    details: dict[str, Any]


@dataclass(frozen=True)
class ObjectionView:
    id: int
    round: int
    filed_on: dt.date
    filed_by: str
    text: str
    status: str
    settled_on: dt.date | None
    settlement: str | None


@dataclass(frozen=True)
class CaseView:
    code: str
    status: str
    category: str | None
    archive_no: str | None
    due: str | None
    rounds: list[dict[str, Any]]
    steps: list[StepView]
    objections: list[ObjectionView]


def case_view(session: Session, household: Household) -> CaseView:
    cases = list(
        session.scalars(
            select(IdentificationCase)
            .where(IdentificationCase.household_id == household.id)
            .order_by(IdentificationCase.round)
        )
    )
    by_id = {case.id: case for case in cases}
    steps = [
        StepView(
            round=by_id[row.case_id].round,
            step=row.step,
            done_on=row.done_on,
            operators=json.loads(row.operators),
            note=row.note,
            details=json.loads(row.details),
        )
        for case in cases
        for row in steps_of(session, case)
    ]
    objections = [
        ObjectionView(
            o.id,
            by_id[o.case_id].round,
            o.filed_on,
            o.filed_by,
            o.text,
            o.status,
            o.settled_on,
            o.settlement,
        )
        for o in session.scalars(
            select(Objection).where(Objection.household_id == household.id).order_by(Objection.id)
        )
    ]
    due = due_step(session, household)
    return CaseView(
        code=household_code(household.id),
        status=household.status,
        category=household.category,
        archive_no=household.archive_no,
        due=due.value if due else None,
        rounds=[
            {
                "round": c.round,
                "status": c.status,
                "started_on": c.started_on,
                "closed_on": c.closed_on,
                "rejected_step": c.rejected_step,
                "reject_reason": c.reject_reason,
                "follows_archive_no": c.follows_archive_no,
            }
            for c in cases
        ],
        steps=steps,
        objections=objections,
    )
