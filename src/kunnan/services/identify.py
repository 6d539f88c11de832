"""精准识别: the seven steps, recorded strictly in order, and what each one decides.

One path records steps, for one household at the command line and for thousands at
once (a whole identification history per household: the demo, a union moving its
register in). ``identify_many`` gathers what the rules need for the whole batch in a
few queries (each household's members and income, its open case and the steps done,
its latest status change, open objections; the policy of each day; the approving
unions), judges every step with the rules of ``kunnan.domain.identification``, and
writes the rows with bulk inserts. Each ``record_*`` function, and ``reject``, is a
batch of one household and one step through that same code.

A step may close the case: an exclusion, a committee's "no", a failed appraisal or
an upheld objection rejects it; confirmation archives it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.approvals import Recorder, confirm_refusal
from kunnan.domain.codes import code_number, household_code, objection_code
from kunnan.domain.enums import (
    ArchiveLevel,
    CaseStatus,
    Category,
    Cause,
    Decision,
    HouseholdStatus,
    ObjectionStatus,
    Role,
    Step,
)
from kunnan.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from kunnan.domain.identification import (
    ORDER,
    Inspection,
    UnionPlace,
    appraisal_fails,
    archive_number,
    check_approver,
    check_due,
    check_meeting,
    check_not_backwards,
    check_notice_over,
    check_objection_filed,
    check_objections_settled,
    check_reject,
    check_restart,
    check_settle,
    check_votes,
    committee_rejects,
    confirmed_category,
    confirmed_cause,
    exclusions,
    next_step,
    notice_days,
    notice_end,
    status_refusal,
    step_label,
    upheld_reason,
    visitors,
)
from kunnan.domain.income import Assessment, IncomeFacts, assess
from kunnan.domain.members import Roster, earned_on, present
from kunnan.domain.money import format_fen
from kunnan.domain.status import check_moves_forward
from kunnan.domain.voids import check_not_voided
from kunnan.i18n import _
from kunnan.models import (
    AuditEntry,
    Household,
    HouseholdCause,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    Objection,
    Operator,
    Org,
    StatusChange,
    Void,
)
from kunnan.services.policy import PolicyBook
from kunnan.store import audit
from kunnan.store.households import resolve_households, rosters
from kunnan.store.orgs import find_union
from kunnan.store.status import change_row, change_status


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """What happened: the step recorded, and whether it closed the case."""

    code: str
    step: Step
    on: dt.date
    case_status: CaseStatus
    message: str
    lines: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class InspectFacts:
    housing_type: str | None
    housing_area_m2: Decimal | None
    car_value_fen: int
    second_home: bool
    business: bool


@dataclass(frozen=True)
class CostFacts:
    other_income_fen: int = 0
    medical_costs_fen: int = 0
    schooling_costs_fen: int = 0
    accident_costs_fen: int = 0


@dataclass(frozen=True)
class ConfirmFacts:
    by_org: str
    category: Category | None
    main_cause: Cause | None
    secondary_causes: tuple[Cause, ...] | None
    level: ArchiveLevel
    override: str | None


@dataclass(frozen=True)
class PlannedStep:
    """One step: which, when, and its own facts (as the step's command takes them)."""

    step: Step
    on: dt.date
    note: str = ""
    visitors: tuple[str, ...] = ()
    inspect: InspectFacts | None = None
    override: str | None = None
    costs: CostFacts = field(default_factory=CostFacts)
    decision: Decision = Decision.APPROVE
    attendees: int = 0
    minutes: str = ""
    votes_for: int = 0
    votes_against: int = 0
    days: int | None = None
    place: str = ""
    confirm: ConfirmFacts | None = None


@dataclass(frozen=True)
class History:
    """The steps one household takes, in order, from where its identification stands."""

    household_id: int
    steps: tuple[PlannedStep, ...]


@dataclass(frozen=True)
class HistoryOutcome:
    household_id: int
    status: HouseholdStatus
    archive_no: str | None = None


def identify_many(session: Session, histories: Sequence[History]) -> list[HistoryOutcome]:
    """Record each household's steps in order; any refusal refuses the whole batch."""
    if not histories:
        return []
    ids = [history.household_id for history in histories]
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("a household appears twice in one batch of histories"))
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    missing = [household_code(i) for i in ids if i not in households]
    if missing:
        error = resolve_households(session, missing[:1])[missing[0]]
        assert not isinstance(error, int)
        raise error
    book = _Casebook(session, [households[i] for i in ids])
    outcomes = []
    for history in histories:
        case = book.case(history.household_id)
        for planned in history.steps:
            book.play(case, planned)
        outcomes.append(HistoryOutcome(case.household.id, case.status, case.archive_no))
    book.write()
    return outcomes


def _one(session: Session, household: Household, planned: PlannedStep) -> StepOutcome:
    """One step for one household: a batch of one."""
    book = _Casebook(session, [household])
    outcome = book.play(book.case(household.id), planned)
    book.write()
    return outcome


# The steps, one at a time (what the commands call) ---------------------------------------


def record_visit(
    session: Session, household: Household, *, on: dt.date, visitors: Sequence[str], note: str = ""
) -> StepOutcome:
    """一进: the home visit, by at least two people; it opens the case."""
    return _one(session, household, PlannedStep(Step.VISIT, on, note, visitors=tuple(visitors)))


def record_inspect(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    facts: InspectFacts,
    override: str | None,
    note: str = "",
) -> StepOutcome:
    """二看: housing and assets; an exclusion rejects the case unless overridden."""
    planned = PlannedStep(Step.INSPECT, on, note, inspect=facts, override=override)
    return _one(session, household, planned)


def record_calculate(
    session: Session, household: Household, *, on: dt.date, costs: CostFacts, note: str = ""
) -> StepOutcome:
    """三算: the income test against the dibao line; it proposes a category."""
    return _one(session, household, PlannedStep(Step.CALCULATE, on, note, costs=costs))


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
    """四议: the grassroots union committee's decision; a "no" rejects the case."""
    planned = PlannedStep(
        Step.DELIBERATE, on, note, decision=decision, attendees=attendees, minutes=minutes
    )
    return _one(session, household, planned)


def record_appraise(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    votes_for: int,
    votes_against: int,
    note: str = "",
) -> StepOutcome:
    """五评: the workers' representatives' vote; without the share needed it rejects the case."""
    planned = PlannedStep(Step.APPRAISE, on, note, votes_for=votes_for, votes_against=votes_against)
    return _one(session, household, planned)


def record_publicize(
    session: Session,
    household: Household,
    *,
    start: dt.date,
    days: int | None,
    place: str,
    note: str = "",
) -> StepOutcome:
    """六公示: the public notice, from ``start`` for ``days`` days (the policy's minimum)."""
    planned = PlannedStep(Step.PUBLICIZE, start, note, days=days, place=place)
    return _one(session, household, planned)


def record_confirm(
    session: Session, household: Household, *, on: dt.date, facts: ConfirmFacts, note: str = ""
) -> StepOutcome:
    """七确认: a higher-level union archives the household, after the notice and objections."""
    return _one(session, household, PlannedStep(Step.CONFIRM, on, note, confirm=facts))


def reject(session: Session, household: Household, *, on: dt.date, reason: str) -> StepOutcome:
    """Reject the case at whatever step is due, with a reason (a candidate, before its visit)."""
    book = _Casebook(session, [household])
    outcome = book.reject(book.case(household.id), on=on, reason=reason)
    book.write()
    return outcome


def status_refusal_of(household: Household) -> RuleViolation:
    """Why ``household`` takes no identification step now (it is neither a candidate nor in
    identification)."""
    return status_refusal(household_code(household.id), HouseholdStatus(household.status))


# 三算, for identification, exits and the yearly review --------------------------------------


def income_test(
    policy: PolicyBook,
    *,
    household_id: int,
    area_code: str,
    members: int,
    earned_fen: int,
    on: dt.date,
    costs: CostFacts,
    purpose: str,
) -> tuple[Assessment, dict[str, Any]]:
    """The income test of a household on ``on`` with the line and multipliers of that day:
    the assessment (its lines name the area's line) and the columns of its calculation row."""
    line = policy.line(area_code, on.year)
    facts = IncomeFacts(
        members=members,
        earned_fen=earned_fen,
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
    header = _(
        "dibao line for area {area} in {year}: {line}",
        area=area_code,
        year=on.year,
        line=format_fen(line),
    )
    result = Assessment(
        facts=result.facts,
        category=result.category,
        lines=(*result.lines[:3], header, *result.lines[4:]),
    )
    row = {
        "household_id": household_id,
        "calculated_on": on,
        "purpose": purpose,
        "members": facts.members,
        "earned_fen": facts.earned_fen,
        "other_income_fen": facts.other_fen,
        "medical_costs_fen": facts.medical_costs_fen,
        "schooling_costs_fen": facts.schooling_costs_fen,
        "accident_costs_fen": facts.accident_costs_fen,
        "area_code": area_code,
        "year": on.year,
        "dibao_line_fen": line,
        "marginal_multiplier": str(facts.marginal_multiplier),
        "accident_multiplier": str(facts.accident_multiplier),
        "marginal_rigid_test": facts.marginal_rigid_test,
        "per_capita_fen": result.per_capita_fen,
        "proposed_category": result.category.value if result.category else None,
    }
    return result, row


def calculate(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    costs: CostFacts,
    purpose: str,
    case: IdentificationCase | None = None,
) -> tuple[Assessment, IncomeCalculation]:
    """Run the income test for ``household`` on ``on`` and store it (an exit, a review)."""
    members = [m for m in household.members if present(m.joined_on, m.left_on, on)]
    result, values = income_test(
        PolicyBook(session),
        household_id=household.id,
        area_code=household.area_code,
        members=len(members),
        earned_fen=sum(m.monthly_income_fen for m in members),
        on=on,
        costs=costs,
        purpose=purpose,
    )
    row = IncomeCalculation(**values, case_id=case.id if case is not None else None)
    session.add(row)
    session.flush()
    return result, row


# The one path: facts for a batch, each step judged, the rows written at once ------------------


@dataclass(slots=True)
class _OpenCase:
    """A household's open case as the batch plays it: a case already in the ledger (``id``) or
    one the batch opens, with what its steps have recorded so far."""

    round: int
    id: int | None
    #: The columns to write: all of a new case's, the changed ones of a case in the ledger.
    values: dict[str, Any]
    #: The steps done and their dates, in order.
    done: dict[Step, dt.date] = field(default_factory=dict)
    notice: tuple[dt.date, dt.date] | None = None
    proposed: Category | None = None
    open_objections: list[int] = field(default_factory=list)
    #: Who recorded each step done (None: recorded before the ledger kept it).
    recorders: dict[Step, str | None] = field(default_factory=dict)


@dataclass(slots=True)
class _Case:
    """One household's identification as the batch plays it: its facts, updated by each step."""

    household: Household
    code: str
    status: HouseholdStatus
    category: str | None
    #: Its members' monthly incomes and the days they belong between.
    roster: Roster
    #: The round of its latest case (0: it never had one).
    rounds: int
    open: _OpenCase | None
    latest_change: dt.date | None
    #: The household's columns the batch changes.
    updates: dict[str, Any] = field(default_factory=dict)

    @property
    def archive_no(self) -> str | None:
        return cast(str | None, self.updates.get("archive_no", self.household.archive_no))


@dataclass(slots=True)
class _Calculated:
    """A calculation step: its row, its details and its audit row name the calculation's id,
    known when the batch is written."""

    case: _OpenCase
    step: dict[str, Any]
    calculation: dict[str, Any]
    details: dict[str, Any]
    audit: dict[str, Any]


class _Casebook:
    """What the rules need for a batch of households, loaded in a few queries, and the rows
    the batch writes."""

    def __init__(self, session: Session, households: Sequence[Household]) -> None:
        self.session = session
        self.at = audit.context(session).at
        self.operator = audit.context(session).operator
        ids = [h.id for h in households]
        people = rosters(session, ids)
        latest: dict[int, tuple[int, int, str]] = {}
        for case_id, household_id, round_, status in session.execute(
            select(
                IdentificationCase.id,
                IdentificationCase.household_id,
                IdentificationCase.round,
                IdentificationCase.status,
            ).where(IdentificationCase.household_id.in_(ids))
        ):
            if household_id not in latest or round_ > latest[household_id][1]:
                latest[household_id] = (case_id, round_, status)
        open_cases = {
            household_id: _OpenCase(round=round_, id=case_id, values={})
            for household_id, (case_id, round_, status) in latest.items()
            if status == CaseStatus.OPEN.value
        }
        self._load_open(open_cases)
        changed = dict(
            session.execute(
                select(StatusChange.household_id, func.max(StatusChange.changed_on))
                .where(StatusChange.household_id.in_(ids), StatusChange.void_id.is_(None))
                .group_by(StatusChange.household_id)
            ).all()
        )
        self.cases = {
            h.id: _Case(
                household=h,
                code=household_code(h.id),
                status=HouseholdStatus(h.status),
                category=h.category,
                roster=people.get(h.id, []),
                rounds=latest[h.id][1] if h.id in latest else 0,
                open=open_cases.get(h.id),
                latest_change=changed.get(h.id),
            )
            for h in households
        }
        self._policy: PolicyBook | None = None
        self._unions: dict[str, Org] = {}
        self._places: dict[int, UnionPlace] = {}
        #: The registered operators, their unions and roles (read on the first confirmation).
        self._operators: dict[str, tuple[UnionPlace | None, Role]] | None = None
        self._serials: dict[tuple[str, int], int] = {}
        self.opened: list[_OpenCase] = []
        self.closed: list[_OpenCase] = []
        #: The steps' rows, each with the case it belongs to under "case" (its id comes later).
        self.steps: list[dict[str, Any]] = []
        self.calculated: list[_Calculated] = []
        self.changes: list[dict[str, Any]] = []
        #: Audit rows to add, or the calculation step whose audit row waits for its id.
        self.audits: list[dict[str, Any] | _Calculated] = []
        self.secondary: dict[int, tuple[Cause, ...]] = {}

    def _load_open(self, open_cases: dict[int, _OpenCase]) -> None:
        """The steps the open cases have done, their notice and proposal, their open objections."""
        if not open_cases:
            return
        by_id = {case.id: case for case in open_cases.values()}
        rows = self.session.execute(
            select(
                IdentificationStep.case_id,
                IdentificationStep.step,
                IdentificationStep.done_on,
                IdentificationStep.details,
                IdentificationStep.recorded_by,
            ).where(
                IdentificationStep.case_id.in_(list(by_id)), IdentificationStep.void_id.is_(None)
            )
        )
        done: dict[int, list[tuple[Step, dt.date]]] = defaultdict(list)
        for case_id, step_value, done_on, details, recorded_by in rows:
            case, step = by_id[case_id], Step(step_value)
            done[case_id].append((step, done_on))
            case.recorders[step] = recorded_by
            if step is Step.CALCULATE:
                proposed = json.loads(details).get("proposed_category")
                case.proposed = Category(proposed) if proposed else None
            elif step is Step.PUBLICIZE:
                case.notice = _notice_of(json.loads(details))
        for case_id, steps in done.items():
            by_id[case_id].done = dict(sorted(steps, key=lambda step: ORDER.index(step[0])))
        for case_id, number in self.session.execute(
            select(Objection.case_id, Objection.id)
            .where(
                Objection.case_id.in_(list(by_id)),
                Objection.status == ObjectionStatus.OPEN.value,
                Objection.void_id.is_(None),
            )
            .order_by(Objection.id)
        ):
            by_id[case_id].open_objections.append(number)

    def case(self, household_id: int) -> _Case:
        return self.cases[household_id]

    @property
    def policy(self) -> PolicyBook:
        if self._policy is None:
            self._policy = PolicyBook(self.session)
        return self._policy

    # -- playing a step ----------------------------------------------------------------------

    def play(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        """Judge one step of ``case`` and record it (nothing is written until ``write``)."""
        step, on = planned.step, planned.on
        # The step's own facts first, as its command checks them before the case.
        names: list[str] = []
        length = 0
        if step is Step.VISIT:
            names = visitors(planned.visitors)
        elif step is Step.DELIBERATE:
            check_meeting(planned.attendees, planned.minutes)
        elif step is Step.APPRAISE:
            check_votes(planned.votes_for, planned.votes_against)
        elif step is Step.PUBLICIZE:
            length = notice_days(planned.days, int(self.policy.value("notice_days", on)))
        elif step is Step.CONFIRM and planned.confirm is None:
            raise InvalidInput(_("{code}: confirm needs the approving union", code=case.code))
        done = case.open.done if case.open is not None else {}
        check_due(
            case.code,
            status=case.status,
            registered_on=case.household.registered_on,
            done=done,
            step=step,
            on=on,
        )
        if step is Step.VISIT:
            self._change(case, HouseholdStatus.IDENTIFYING, on, "home visit")
            self._open(case, on, follows_archive_no=case.household.archive_no)
            self._record(case, planned, names, {"visitors": names})
            return self._recorded(case, planned)
        if step is Step.INSPECT:
            return self._inspect(case, planned)
        if step is Step.CALCULATE:
            return self._calculate(case, planned)
        if step is Step.DELIBERATE:
            return self._deliberate(case, planned)
        if step is Step.APPRAISE:
            return self._appraise(case, planned)
        if step is Step.PUBLICIZE:
            return self._publicize(case, planned, length)
        return self._confirm(case, planned)

    def _inspect(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        facts = planned.inspect or InspectFacts(None, None, 0, False, False)
        limit = int(self.policy.value("car_value_limit", planned.on))
        reasons = exclusions(
            Inspection(facts.car_value_fen, facts.second_home, facts.business),
            car_value_limit_fen=limit,
        )
        if facts.housing_type is not None:
            case.updates["housing_type"] = facts.housing_type
        if facts.housing_area_m2 is not None:
            case.updates["housing_area_m2"] = facts.housing_area_m2
        area = facts.housing_area_m2
        details: dict[str, Any] = {
            "housing_type": facts.housing_type,
            "housing_area_m2": str(area) if area is not None else None,
            "car_value_fen": facts.car_value_fen,
            "second_home": facts.second_home,
            "business": facts.business,
            "exclusions": reasons,
        }
        if reasons and planned.override:
            details["override"] = planned.override
        self._record(case, planned, [self.operator], details)
        if reasons and not planned.override:
            return self._reject(case, Step.INSPECT, planned.on, "; ".join(reasons))
        if reasons:
            return self._recorded(
                case,
                planned,
                _(
                    "{code}: {step} recorded; exclusion overridden ({reasons}): {override}",
                    code=case.code,
                    step=step_label(Step.INSPECT),
                    reasons="; ".join(reasons),
                    override=planned.override,
                ),
            )
        return self._recorded(case, planned)

    def _calculate(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        members, earned = earned_on(case.roster, planned.on)
        result, calculation = income_test(
            self.policy,
            household_id=case.household.id,
            area_code=case.household.area_code,
            members=members,
            earned_fen=earned,
            on=planned.on,
            costs=planned.costs,
            purpose="identify",
        )
        assert case.open is not None
        case.open.proposed = result.category
        details = {
            "members": calculation["members"],
            "income_fen": result.facts.income_fen,
            "per_capita_fen": calculation["per_capita_fen"],
            "dibao_line_fen": calculation["dibao_line_fen"],
            "proposed_category": calculation["proposed_category"],
        }
        self._record(case, planned, [self.operator], details, calculation=calculation)
        code = case.code
        if result.category is None:
            message = _(
                "{code}: {step} recorded; not eligible by income "
                "(if the committee agrees: kunnan identify reject {code} --reason …)",
                code=code,
                step=step_label(Step.CALCULATE),
            )
        else:
            message = _(
                "{code}: {step} recorded; proposed category {category} ({label})",
                code=code,
                step=step_label(Step.CALCULATE),
                category=result.category.value,
                label=result.category.zh,
            )
        return StepOutcome(
            code=code,
            step=Step.CALCULATE,
            on=planned.on,
            case_status=CaseStatus.OPEN,
            message=message,
            lines=result.lines,
        )

    def _deliberate(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        details = {
            "decision": planned.decision.value,
            "attendees": planned.attendees,
            "minutes": planned.minutes,
        }
        self._record(case, planned, [self.operator], details)
        reason = committee_rejects(planned.decision, planned.minutes)
        if reason is not None:
            return self._reject(case, Step.DELIBERATE, planned.on, reason)
        return self._recorded(case, planned)

    def _appraise(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        share = Decimal(self.policy.value("appraisal_pass_share", planned.on))
        reason = appraisal_fails(planned.votes_for, planned.votes_against, share)
        details = {
            "for": planned.votes_for,
            "against": planned.votes_against,
            "pass_share": str(share),
            "passed": reason is None,
        }
        self._record(case, planned, [self.operator], details)
        if reason is not None:
            return self._reject(case, Step.APPRAISE, planned.on, reason)
        return self._recorded(case, planned)

    def _publicize(self, case: _Case, planned: PlannedStep, length: int) -> StepOutcome:
        start = planned.on
        until = notice_end(start, length)
        assert case.open is not None
        case.open.notice = (start, until)
        details = {
            "from": start.isoformat(),
            "until": until.isoformat(),
            "days": length,
            "place": planned.place,
        }
        self._record(case, planned, [self.operator], details)
        return self._recorded(
            case,
            planned,
            _(
                "{code}: public notice from {start} to {until} ({days} days); confirm from {confirm}",
                code=case.code,
                start=start.isoformat(),
                until=until.isoformat(),
                days=length,
                confirm=(until + dt.timedelta(days=1)).isoformat(),
            ),
        )

    def _confirm(self, case: _Case, planned: PlannedStep) -> StepOutcome:
        facts, on, code, household = planned.confirm, planned.on, case.code, case.household
        assert facts is not None and case.open is not None
        self._check_confirmer(case)
        approver = self._union(facts.by_org)
        check_approver(_place(approver), self._place_of(household.org_id))
        assert case.open.notice is not None
        check_notice_over(code, case.open.notice[1], on)
        check_objections_settled(code, case.open.open_objections)
        proposed = case.open.proposed
        category = confirmed_category(
            code, given=facts.category, proposed=proposed, override=facts.override
        )
        main_cause = confirmed_cause(
            code,
            given=facts.main_cause,
            recorded=Cause(household.main_cause) if household.main_cause else None,
        )
        if facts.secondary_causes is not None:
            self.secondary[household.id] = facts.secondary_causes
        archive_no = self._archive_number(household.area_code, on.year)
        case.updates.update(
            main_cause=main_cause.value,
            archive_no=archive_no,
            archive_level=facts.level.value,
            archived_on=on,
        )
        details: dict[str, Any] = {
            "by": approver.code,
            "category": category.value,
            "calculated_category": proposed.value if proposed else None,
            "main_cause": main_cause.value,
            "archive_no": archive_no,
            "level": facts.level.value,
        }
        if facts.override:
            details["override"] = facts.override
        self._record(case, planned, [self.operator, approver.name], details)
        case.open.values.update(status=CaseStatus.ARCHIVED.value, closed_on=on)
        self._close(case)
        self._change(case, HouseholdStatus.ARCHIVED, on, "confirmed", category)
        return StepOutcome(
            code=code,
            step=Step.CONFIRM,
            on=on,
            case_status=CaseStatus.ARCHIVED,
            message=_(
                "{code}: archived on {on} as {category} ({label}), archive number {archive_no}",
                code=code,
                on=on.isoformat(),
                category=category.value,
                label=category.zh,
                archive_no=archive_no,
            ),
        )

    def reject(self, case: _Case, *, on: dt.date, reason: str) -> StepOutcome:
        """Reject the case at the step due (a candidate's before its visit), with a reason."""
        check_reject(case.code, case.status, reason)
        if case.open is None:
            self._open(case, on, follows_archive_no=None)
            due = Step.VISIT
        else:
            due = next_step(list(case.open.done)) or Step.VISIT
            if case.open.done:
                check_not_backwards(case.code, "reject", on, case.open.done)
        return self._reject(case, due, on, reason)

    def reject_upheld(self, case: _Case, objection: Objection, on: dt.date) -> StepOutcome | None:
        """An upheld objection rejects the open case it was filed in, at the public notice."""
        if case.open is None or case.open.id != objection.case_id:
            return None
        return self._reject(case, Step.PUBLICIZE, on, upheld_reason(objection.id, objection.text))

    # -- what the steps write ----------------------------------------------------------------

    def _open(self, case: _Case, on: dt.date, *, follows_archive_no: str | None) -> None:
        case.rounds += 1
        case.open = _OpenCase(
            round=case.rounds,
            id=None,
            values={
                "household_id": case.household.id,
                "round": case.rounds,
                "status": CaseStatus.OPEN.value,
                "started_on": on,
                "closed_on": None,
                "rejected_step": None,
                "reject_reason": None,
                "follows_archive_no": follows_archive_no,
            },
        )
        self.opened.append(case.open)

    def _close(self, case: _Case) -> None:
        assert case.open is not None
        if case.open.id is not None:
            self.closed.append(case.open)
        case.open = None

    def _record(
        self,
        case: _Case,
        planned: PlannedStep,
        operators: list[str],
        details: dict[str, Any],
        *,
        calculation: dict[str, Any] | None = None,
    ) -> None:
        assert case.open is not None
        case.open.done[planned.step] = planned.on
        case.open.recorders[planned.step] = self.operator
        columns = {
            "case": case.open,
            "step": planned.step.value,
            "done_on": planned.on,
            "operators": json.dumps(operators, ensure_ascii=False),
            "recorded_by": self.operator,
            "note": planned.note,
            "recorded_at": self.at,
        }
        changes = {
            "step": planned.step.value,
            "on": planned.on,
            "round": case.open.round,
            **details,
            "note": planned.note,
        }
        entry: dict[str, Any] = {
            "action": "step",
            "entity": "identification",
            "entity_ref": case.code,
            "household_id": case.household.id,
            "changes": changes,
        }
        # Rows are finished at once where they can be: a batch holds thousands.
        self.steps.append(columns)
        if calculation is None:
            columns["details"] = _json(details)
            self.audits.append(audit.row(self.session, **entry))
        else:
            calculated = _Calculated(case.open, columns, calculation, details, entry)
            self.calculated.append(calculated)
            self.audits.append(calculated)

    def _change(
        self,
        case: _Case,
        status: HouseholdStatus,
        on: dt.date,
        reason: str,
        category: Category | None = None,
    ) -> None:
        check_moves_forward(case.code, case.latest_change, on)
        case.status, case.latest_change = status, on
        case.updates["status"] = status.value
        if category is not None:
            case.category = case.updates["category"] = category.value
        self.changes.append(
            change_row(
                self.session,
                case.household.id,
                on=on,
                status=status,
                category=case.category,
                main_cause=case.updates.get("main_cause", case.household.main_cause),
                reason=reason,
            )
        )

    def _reject(self, case: _Case, step: Step, on: dt.date, reason: str) -> StepOutcome:
        assert case.open is not None
        case.open.values.update(
            status=CaseStatus.REJECTED.value,
            closed_on=on,
            rejected_step=step.value,
            reject_reason=reason,
        )
        round_ = case.open.round
        self._close(case)
        self._change(case, HouseholdStatus.REJECTED, on, reason)
        self.audits.append(
            audit.row(
                self.session,
                action="reject",
                entity="identification",
                entity_ref=case.code,
                household_id=case.household.id,
                changes={"step": step.value, "on": on, "reason": reason, "round": round_},
            )
        )
        return StepOutcome(
            code=case.code,
            step=step,
            on=on,
            case_status=CaseStatus.REJECTED,
            message=_(
                "{code}: rejected at {step}: {reason}",
                code=case.code,
                step=step_label(step),
                reason=reason,
            ),
        )

    def _recorded(self, case: _Case, planned: PlannedStep, message: str = "") -> StepOutcome:
        return StepOutcome(
            code=case.code,
            step=planned.step,
            on=planned.on,
            case_status=CaseStatus.OPEN,
            message=message
            or _(
                "{code}: {step} recorded on {on}",
                code=case.code,
                step=step_label(planned.step),
                on=planned.on.isoformat(),
            ),
        )

    def _check_confirmer(self, case: _Case) -> None:
        """七确认 by a second person, an approver of a union above the home visit's
        (``domain.approvals.confirm_refusal``), once the ledger has operators."""
        operators = self._registered()
        if not operators:
            return
        assert case.open is not None
        visited_by = case.open.recorders.get(Step.VISIT)
        visit_union = (
            operators[visited_by][0]
            if visited_by in operators
            else self._place_of(case.household.org_id)
        )
        union, role = operators.get(self.operator, (None, None))
        refusal = confirm_refusal(
            case.code,
            confirmer=Recorder(self.operator, union, role),
            visit=Recorder(visited_by or "", visit_union),
            recorders={name for name in case.open.recorders.values() if name is not None},
        )
        if refusal is not None:
            raise PermissionDenied(refusal)

    def _registered(self) -> dict[str, tuple[UnionPlace | None, Role]]:
        """Every registered operator, their union and role, read once for the batch."""
        if self._operators is None:
            rows = self.session.execute(
                select(Operator.name, Operator.role, Org).outerjoin(Org, Org.id == Operator.org_id)
            )
            self._operators = {
                name: (_place(org) if org is not None else None, Role(role))
                for name, role, org in rows
            }
        return self._operators

    def _union(self, ref: str) -> Org:
        found = self._unions.get(ref)
        if found is None:
            found = self._unions[ref] = find_union(self.session, ref)
        return found

    def _place_of(self, org_id: int) -> UnionPlace:
        found = self._places.get(org_id)
        if found is None:
            org = self.session.get(Org, org_id)
            assert org is not None
            found = self._places[org_id] = _place(org)
        return found

    def _archive_number(self, area_code: str, year: int) -> str:
        if (area_code, year) not in self._serials:
            prefix = f"{area_code}-{year}-"
            latest = self.session.scalar(
                select(func.max(Household.archive_no)).where(
                    Household.archive_no.startswith(prefix)
                )
            )
            self._serials[(area_code, year)] = int(latest.rsplit("-", 1)[1]) if latest else 0
        self._serials[(area_code, year)] += 1
        return archive_number(area_code, year, self._serials[(area_code, year)])

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> None:
        """Insert every row the batch produced, in bulk, and bring the households up to date."""
        session = self.session
        session.flush()
        connection = session.connection()
        case_ids = insert_returning_ids(
            connection, _table(IdentificationCase), [case.values for case in self.opened]
        )
        for case, case_id in zip(self.opened, case_ids, strict=True):
            case.id = case_id
        _update_by_id(session, _table(IdentificationCase), [(c.id, c.values) for c in self.closed])
        calculation_ids = insert_returning_ids(
            connection,
            _table(IncomeCalculation),
            [{**done.calculation, "case_id": done.case.id} for done in self.calculated],
        )
        for done, calculation_id in zip(self.calculated, calculation_ids, strict=True):
            done.step["details"] = _json({"calculation": calculation_id, **done.details})
            done.audit["changes"]["calculation"] = calculation_id
        for row in self.steps:
            row["case_id"] = row.pop("case").id
        insert_rows(connection, _table(IdentificationStep), self.steps)
        insert_rows(connection, _table(StatusChange), self.changes)
        insert_rows(
            connection,
            _table(AuditEntry),
            [
                entry if isinstance(entry, dict) else audit.row(session, **entry.audit)
                for entry in self.audits
            ],
        )
        _update_by_id(
            session,
            _table(Household),
            [
                (case.household.id, {**case.updates, "updated_at": self.at})
                for case in self.cases.values()
                if case.updates
            ],
        )
        if self.secondary:
            causes = _table(HouseholdCause)
            connection.execute(
                delete(causes).where(causes.c.household_id.in_(list(self.secondary)))
            )
            insert_rows(
                connection,
                causes,
                [
                    {"household_id": household_id, "cause": cause.value, "position": index}
                    for household_id, chosen in self.secondary.items()
                    for index, cause in enumerate(chosen)
                ],
            )
        session.expire_all()


def _json(details: dict[str, Any]) -> str:
    """A step's details as stored."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


def _notice_of(details: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """A public notice's first and last day, from its step's details."""
    return dt.date.fromisoformat(details["from"]), dt.date.fromisoformat(details["until"])


def _place(org: Org) -> UnionPlace:
    return UnionPlace(id=org.id, name=org.name, path=org.path, parent_id=org.parent_id)


def _update_by_id(
    session: Session, table: Table, rows: Sequence[tuple[Any, dict[str, Any]]]
) -> None:
    """Update each row (by id) with its values, one executemany per set of columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row_id, values in rows:
        groups[tuple(sorted(values))].append({"key_id": row_id, **values})
    for keys, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("key_id"))
            .values({key: bindparam(key) for key in keys})
        )
        session.connection().execute(statement, params)


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# Objections, rejection and restart ----------------------------------------------------------


def file_objection(
    session: Session, household: Household, *, on: dt.date, by: str, text: str
) -> Objection:
    """异议: an objection filed while the household's public notice runs."""
    notice = None
    case = None
    if household.status == HouseholdStatus.IDENTIFYING.value:
        case = latest_case(session, household)
        if case is not None and due_step(session, household) is Step.CONFIRM:
            notice = _notice(session, case)
    check_objection_filed(household_code(household.id), notice, on)
    assert case is not None
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
    """The objection typed (12, #12 or OB012); a voided one is refused as voided."""
    text = ref.strip().lstrip("#")
    number = int(text) if text.isdigit() else code_number("OB", text)
    objection = session.get(Objection, number) if number is not None else None
    if objection is None:
        raise NotFound(
            _("no objection {ref}", ref=ref), hint=_("kunnan identify status HH lists them")
        )
    if objection.void_id is not None:
        void = session.get(Void, objection.void_id)
        check_not_voided(objection_code(objection.id), void.voided_on if void else None)
    return objection


def settle_objection(
    session: Session, objection: Objection, *, upheld: bool, on: dt.date, note: str
) -> StepOutcome | None:
    """Settle an objection; an upheld one rejects the case (returned as the outcome)."""
    check_settle(objection.id, ObjectionStatus(objection.status), objection.filed_on, on)
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
    if not upheld:
        return None
    book = _Casebook(session, [household])
    outcome = book.reject_upheld(book.case(household.id), objection, on)
    book.write()
    return outcome


def restart(session: Session, household: Household, *, on: dt.date, reason: str) -> None:
    """Let a rejected household start the seven steps again; the old case stays as history."""
    code = household_code(household.id)
    check_restart(code, HouseholdStatus(household.status), reason)
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


# Reading ---------------------------------------------------------------------------------


def latest_case(session: Session, household: Household) -> IdentificationCase | None:
    return session.scalars(
        select(IdentificationCase)
        .where(IdentificationCase.household_id == household.id)
        .order_by(IdentificationCase.round.desc())
        .limit(1)
    ).first()


def steps_of(session: Session, case: IdentificationCase) -> list[IdentificationStep]:
    rows = list(
        session.scalars(
            select(IdentificationStep).where(
                IdentificationStep.case_id == case.id, IdentificationStep.void_id.is_(None)
            )
        )
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


def _notice(session: Session, case: IdentificationCase) -> tuple[dt.date, dt.date] | None:
    for row in steps_of(session, case):
        if row.step == Step.PUBLICIZE.value:
            return _notice_of(json.loads(row.details))
    return None


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
            select(Objection)
            .where(Objection.household_id == household.id, Objection.void_id.is_(None))
            .order_by(Objection.id)
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
