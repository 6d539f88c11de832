"""The seven steps for many households at once: whole identification histories in bulk.

``identify_many`` takes, for each candidate household, the steps it went
through (a prefix of 一进二看三算四议五评六公示七确认, each with its date and
facts) and records them as ``kunnan identify`` would one by one: the same
rules (order, dates, visitors, exclusions, the income test with the line and
multipliers of the day, the committee, the appraisal majority, the notice
period, the approving union, the category and the archive number), the same
rows (case, steps, calculations, status history, audit) and the same details.
It loads what the rules need in a few queries and writes with bulk inserts,
so a register of thousands (a union moving in, the demo) is identified in
seconds. A test plays the same histories through both paths and compares
every row.
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
from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    CaseStatus,
    Category,
    Cause,
    Decision,
    HouseholdStatus,
    OrgKind,
    Step,
)
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.domain.identification import (
    MIN_VISITORS,
    ORDER,
    Inspection,
    appraisal_passes,
    archive_number,
    exclusions,
    notice_end,
    step_label,
)
from kunnan.domain.income import IncomeFacts, assess
from kunnan.domain.policy import SETTINGS, default_stored
from kunnan.models import (
    AuditEntry,
    Household,
    HouseholdCause,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    Member,
    Org,
    PolicyLine,
    PolicySetting,
    StatusChange,
)
from kunnan.services import audit
from kunnan.services.identification import ConfirmFacts, CostFacts, InspectFacts
from kunnan.services.orgs import UNION_KINDS


@dataclass(frozen=True)
class PlannedStep:
    """One step of a history: which, when, who, and its own facts (as the step's command takes)."""

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
    household_id: int
    steps: tuple[PlannedStep, ...]


@dataclass(frozen=True)
class HistoryOutcome:
    household_id: int
    status: HouseholdStatus
    archive_no: str | None = None


class _Policy:
    """Policy settings and dibao lines, loaded once, answered for any day."""

    def __init__(self, session: Session) -> None:
        self._settings: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for key, since, value in session.execute(
            select(PolicySetting.key, PolicySetting.effective_from, PolicySetting.value).order_by(
                PolicySetting.effective_from
            )
        ):
            self._settings[key].append((since, value))
        self._lines = {
            (area, year): fen
            for area, year, fen in session.execute(
                select(PolicyLine.area_code, PolicyLine.year, PolicyLine.dibao_line_fen)
            )
        }

    def value(self, key: str, on: dt.date) -> str:
        found = default_stored(SETTINGS[key])
        for since, value in self._settings.get(key, []):
            if since <= on:
                found = value
        return found

    def line(self, area: str, year: int) -> int:
        fen = self._lines.get((area, year))
        if fen is None:
            raise RuleViolation(
                f"no dibao line for area {area} in {year}",
                hint=f"kunnan policy set-line --area {area} --year {year} --amount …",
            )
        return fen


@dataclass
class _Written:
    """Everything one history writes, before ids are known."""

    case: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    calculation: dict[str, Any] | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    household: dict[str, Any] = field(default_factory=dict)
    secondary: tuple[Cause, ...] | None = None


def identify_many(session: Session, histories: Sequence[History]) -> list[HistoryOutcome]:
    """Record each candidate's steps, with the rules and rows of the one-by-one commands."""
    if not histories:
        return []
    ids = [history.household_id for history in histories]
    if len(set(ids)) != len(ids):
        raise InvalidInput("a household appears twice in one batch of histories")
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    money = dict(
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
    rounds = dict(
        session.execute(
            select(IdentificationCase.household_id, func.max(IdentificationCase.round))
            .where(IdentificationCase.household_id.in_(ids))
            .group_by(IdentificationCase.household_id)
        ).all()
    )
    latest_change = dict(
        session.execute(
            select(StatusChange.household_id, func.max(StatusChange.changed_on))
            .where(StatusChange.household_id.in_(ids))
            .group_by(StatusChange.household_id)
        ).all()
    )
    orgs = {org.id: org for org in session.scalars(select(Org))}
    by_ref = {ref: org for org in orgs.values() for ref in (org.code, org.name)}
    policy = _Policy(session)
    serials: dict[tuple[str, int], int] = {}
    written: list[_Written] = []
    outcomes: list[HistoryOutcome] = []
    for history in histories:
        household = households.get(history.household_id)
        if household is None:
            raise InvalidInput(f"no household {household_code(history.household_id)}")
        plan = _Plan(
            session=session,
            household=household,
            members=int(people.get(household.id, 0)),
            earned=int(money.get(household.id) or 0),
            round=int(rounds.get(household.id) or 0) + 1,
            latest_change=latest_change.get(household.id),
            orgs=orgs,
            by_ref=by_ref,
            policy=policy,
            serials=serials,
        )
        result = plan.play(history.steps)
        written.append(result)
        outcomes.append(
            HistoryOutcome(
                household.id,
                HouseholdStatus(result.household["status"]),
                result.household.get("archive_no"),
            )
        )
    _write(session, written)
    return outcomes


@dataclass
class _Plan:
    session: Session
    household: Household
    members: int
    earned: int
    round: int
    latest_change: dt.date | None
    orgs: dict[int, Org]
    by_ref: dict[str, Org]
    policy: _Policy
    serials: dict[tuple[str, int], int]

    def play(self, steps: Sequence[PlannedStep]) -> _Written:
        household = self.household
        code = household_code(household.id)
        if household.status != HouseholdStatus.CANDIDATE.value:
            raise RuleViolation(f"{code} is {household.status}; a history starts from a candidate")
        if not steps or steps[0].step is not Step.VISIT:
            raise RuleViolation(f"{code}: a history starts with {step_label(Step.VISIT)}")
        self.written = _Written(
            case={
                "household_id": household.id,
                "round": self.round,
                "status": CaseStatus.OPEN.value,
                "started_on": steps[0].on,
                "closed_on": None,
                "rejected_step": None,
                "reject_reason": None,
                "follows_archive_no": household.archive_no,
            },
            household={"id": household.id, "status": household.status},
        )
        last = household.registered_on
        if self.latest_change is not None and self.latest_change > last:
            last = self.latest_change
        self.notice_until: dt.date | None = None
        self.proposed: str | None = None
        for index, planned in enumerate(steps):
            if index >= len(ORDER) or planned.step is not ORDER[index]:
                due = ORDER[index] if index < len(ORDER) else None
                raise RuleViolation(
                    f"steps go in order: the next step for {code} is "
                    f"{step_label(due) if due else 'none (all seven are done)'}"
                )
            if self.written.case["status"] != CaseStatus.OPEN.value:
                raise RuleViolation(
                    f"{code} was rejected at {self.written.case['rejected_step']}; "
                    "its history cannot go on"
                )
            if planned.on < last:
                what = "registered" if index == 0 else ORDER[index - 1].value
                raise RuleViolation(
                    f"dates cannot go backwards: {code} {planned.step.value} on "
                    f"{planned.on.isoformat()} is before {what} on {last.isoformat()}"
                )
            getattr(self, f"_{planned.step.value}")(planned)
            last = planned.on
        return self.written

    # -- what each step records -------------------------------------------------------------

    def _record(self, planned: PlannedStep, operators: list[str], details: dict[str, Any]) -> None:
        self.written.steps.append(
            {
                "step": planned.step.value,
                "done_on": planned.on,
                "operators": json.dumps(operators, ensure_ascii=False),
                "note": planned.note,
                "details": json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
                "recorded_at": audit.context(self.session).at,
            }
        )
        changes = {
            "step": planned.step.value,
            "on": planned.on,
            "round": self.round,
            **details,
            "note": planned.note,
        }
        self.written.audits.append(
            audit.row(
                self.session,
                action="step",
                entity="identification",
                entity_ref=household_code(self.household.id),
                household_id=self.household.id,
                changes=changes,
            )
        )

    def _change(
        self, status: HouseholdStatus, on: dt.date, reason: str, category: str | None
    ) -> None:
        self.written.household["status"] = status.value
        if category is not None:
            self.written.household["category"] = category
        self.written.changes.append(
            {
                "household_id": self.household.id,
                "changed_on": on,
                "status": status.value,
                "category": self.written.household.get("category", self.household.category),
                "reason": reason[:200],
                "recorded_at": audit.context(self.session).at,
            }
        )

    def _reject(self, planned: PlannedStep, reason: str) -> None:
        case = self.written.case
        case.update(
            status=CaseStatus.REJECTED.value,
            closed_on=planned.on,
            rejected_step=planned.step.value,
            reject_reason=reason,
        )
        self._change(HouseholdStatus.REJECTED, planned.on, reason, None)
        self.written.audits.append(
            audit.row(
                self.session,
                action="reject",
                entity="identification",
                entity_ref=household_code(self.household.id),
                household_id=self.household.id,
                changes={
                    "step": planned.step.value,
                    "on": planned.on,
                    "reason": reason,
                    "round": self.round,
                },
            )
        )

    def _operator(self) -> list[str]:
        return [audit.context(self.session).operator]

    def _visit(self, planned: PlannedStep) -> None:
        names = list(dict.fromkeys(name.strip() for name in planned.visitors if name.strip()))
        if len(names) < MIN_VISITORS:
            raise RuleViolation(
                f"{household_code(self.household.id)}: a home visit needs at least "
                f"{MIN_VISITORS} visitors, {len(names)} given"
            )
        self._change(HouseholdStatus.IDENTIFYING, planned.on, "home visit", None)
        self._record(planned, names, {"visitors": names})

    def _inspect(self, planned: PlannedStep) -> None:
        facts = planned.inspect or InspectFacts(None, None, 0, False, False)
        limit = int(self.policy.value("car_value_limit", planned.on))
        reasons = exclusions(
            Inspection(facts.car_value_fen, facts.second_home, facts.business),
            car_value_limit_fen=limit,
        )
        if facts.housing_type is not None:
            self.written.household["housing_type"] = facts.housing_type
        if facts.housing_area_m2 is not None:
            self.written.household["housing_area_m2"] = facts.housing_area_m2
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
        if reasons and planned.override:
            details["override"] = planned.override
        self._record(planned, self._operator(), details)
        if reasons and not planned.override:
            self._reject(planned, "; ".join(reasons))

    def _calculate(self, planned: PlannedStep) -> None:
        on, costs = planned.on, planned.costs
        line = self.policy.line(self.household.area_code, on.year)
        facts = IncomeFacts(
            members=self.members,
            earned_fen=self.earned,
            other_fen=costs.other_income_fen,
            medical_costs_fen=costs.medical_costs_fen,
            schooling_costs_fen=costs.schooling_costs_fen,
            accident_costs_fen=costs.accident_costs_fen,
            dibao_line_fen=line,
            marginal_multiplier=Decimal(self.policy.value("marginal_multiplier", on)),
            accident_multiplier=Decimal(self.policy.value("accident_multiplier", on)),
            marginal_rigid_test=self.policy.value("marginal_rigid_test", on) == "on",
        )
        result = assess(facts)
        self.proposed = result.category.value if result.category else None
        self.written.calculation = {
            "household_id": self.household.id,
            "calculated_on": on,
            "purpose": "identify",
            "members": facts.members,
            "earned_fen": facts.earned_fen,
            "other_income_fen": facts.other_fen,
            "medical_costs_fen": facts.medical_costs_fen,
            "schooling_costs_fen": facts.schooling_costs_fen,
            "accident_costs_fen": facts.accident_costs_fen,
            "area_code": self.household.area_code,
            "year": on.year,
            "dibao_line_fen": line,
            "marginal_multiplier": str(facts.marginal_multiplier),
            "accident_multiplier": str(facts.accident_multiplier),
            "marginal_rigid_test": facts.marginal_rigid_test,
            "per_capita_fen": result.per_capita_fen,
            "proposed_category": self.proposed,
        }
        details = {
            "calculation": None,  # filled in with the calculation's id when written
            "members": facts.members,
            "income_fen": facts.income_fen,
            "per_capita_fen": result.per_capita_fen,
            "dibao_line_fen": line,
            "proposed_category": self.proposed,
        }
        self._record(planned, self._operator(), details)

    def _deliberate(self, planned: PlannedStep) -> None:
        if planned.attendees < 1:
            raise InvalidInput("--attendees: a committee meeting has at least one attendee")
        if not planned.minutes.strip():
            raise InvalidInput("--minutes: the committee's minutes must not be empty")
        details = {
            "decision": planned.decision.value,
            "attendees": planned.attendees,
            "minutes": planned.minutes,
        }
        self._record(planned, self._operator(), details)
        if planned.decision is Decision.REJECT:
            self._reject(planned, f"the union committee decided against: {planned.minutes}")

    def _appraise(self, planned: PlannedStep) -> None:
        votes_for, votes_against = planned.votes_for, planned.votes_against
        if votes_for < 0 or votes_against < 0 or votes_for + votes_against == 0:
            raise InvalidInput(
                "--for and --against are vote counts: zero or more, and some votes cast"
            )
        share = Decimal(self.policy.value("appraisal_pass_share", planned.on))
        passed = appraisal_passes(votes_for, votes_against, share)
        details = {
            "for": votes_for,
            "against": votes_against,
            "pass_share": str(share),
            "passed": passed,
        }
        self._record(planned, self._operator(), details)
        if not passed:
            self._reject(
                planned,
                f"the workers' representatives did not pass it: {votes_for} for, "
                f"{votes_against} against (needs more than {share} of votes cast)",
            )

    def _publicize(self, planned: PlannedStep) -> None:
        minimum = int(self.policy.value("notice_days", planned.on))
        length = minimum if planned.days is None else planned.days
        if length < minimum:
            raise RuleViolation(f"a public notice runs at least {minimum} days, not {length}")
        self.notice_until = notice_end(planned.on, length)
        details = {
            "from": planned.on.isoformat(),
            "until": self.notice_until.isoformat(),
            "days": length,
            "place": planned.place,
        }
        self._record(planned, self._operator(), details)

    def _confirm(self, planned: PlannedStep) -> None:
        code = household_code(self.household.id)
        facts = planned.confirm
        if facts is None:
            raise InvalidInput(f"{code}: confirm needs the approving union")
        approver = self.by_ref.get(facts.by_org.strip())
        if approver is None or OrgKind(approver.kind) not in UNION_KINDS:
            raise RuleViolation(f"'{facts.by_org}' is not a union")
        own = self.orgs[self.household.org_id]
        above = approver.path != own.path and own.path.startswith(approver.path)
        if not (above or (own.parent_id is None and approver.id == own.id)):
            raise RuleViolation(
                f"'{approver.name}' is not above '{own.name}'; a higher-level union confirms"
            )
        assert self.notice_until is not None
        if planned.on <= self.notice_until:
            raise RuleViolation(
                f"the public notice for {code} runs until {self.notice_until.isoformat()}; "
                f"confirm on {(self.notice_until + dt.timedelta(days=1)).isoformat()} or later"
            )
        category = facts.category or (Category(self.proposed) if self.proposed else None)
        if category is None:
            raise RuleViolation(
                f'{code} was not eligible by income; give --category with --override "reason"'
            )
        if self.proposed != category.value and not facts.override:
            raise RuleViolation(
                f"the calculated category is {self.proposed or 'none'}; confirming {category.value} "
                'needs --override "reason"'
            )
        main_cause = facts.main_cause or (
            Cause(self.household.main_cause) if self.household.main_cause else None
        )
        if main_cause is None:
            raise InvalidInput(f"--cause: {code} has no main cause of hardship yet; give one")
        if facts.secondary_causes is not None:
            self.written.secondary = facts.secondary_causes
        area, year = self.household.area_code, planned.on.year
        if (area, year) not in self.serials:
            prefix = f"{area}-{year}-"
            latest = self.session.scalar(
                select(func.max(Household.archive_no)).where(
                    Household.archive_no.startswith(prefix)
                )
            )
            self.serials[(area, year)] = int(latest.rsplit("-", 1)[1]) if latest else 0
        self.serials[(area, year)] += 1
        archive_no = archive_number(area, year, self.serials[(area, year)])
        self.written.household.update(
            main_cause=main_cause.value,
            archive_no=archive_no,
            archive_level=facts.level.value,
            archived_on=planned.on,
        )
        details: dict[str, Any] = {
            "by": approver.code,
            "category": category.value,
            "calculated_category": self.proposed,
            "main_cause": main_cause.value,
            "archive_no": archive_no,
            "level": facts.level.value,
        }
        if facts.override:
            details["override"] = facts.override
        self._record(planned, [*self._operator(), approver.name], details)
        self.written.case.update(status=CaseStatus.ARCHIVED.value, closed_on=planned.on)
        self._change(HouseholdStatus.ARCHIVED, planned.on, "confirmed", category.value)


def _write(session: Session, written: Sequence[_Written]) -> None:
    """Insert every row the histories produce, in bulk, and bring the households up to date."""
    session.flush()
    connection = session.connection()
    case_ids = insert_returning_ids(
        connection, _table(IdentificationCase), [w.case for w in written]
    )
    calculations = [
        (w, case_id) for w, case_id in zip(written, case_ids, strict=True) if w.calculation
    ]
    calc_ids = insert_returning_ids(
        connection,
        _table(IncomeCalculation),
        [{**w.calculation, "case_id": case_id} for w, case_id in calculations if w.calculation],
    )
    calc_of = {id(w): calc_id for (w, _case), calc_id in zip(calculations, calc_ids, strict=True)}
    steps: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for w, case_id in zip(written, case_ids, strict=True):
        calc_id = calc_of.get(id(w))
        steps.extend(
            {**step, "case_id": case_id, "details": _with_calculation(step["details"], calc_id)}
            if step["step"] == Step.CALCULATE.value
            else {**step, "case_id": case_id}
            for step in w.steps
        )
        audits.extend(
            {**entry, "changes": _with_calculation(entry["changes"], calc_id)}
            if '"calculation": null' in entry["changes"]
            else entry
            for entry in w.audits
        )
        changes.extend(w.changes)
    insert_rows(connection, _table(IdentificationStep), steps)
    insert_rows(connection, _table(StatusChange), changes)
    insert_rows(connection, _table(AuditEntry), audits)
    _update_households(session, written)


def _with_calculation(text: str, calculation_id: int | None) -> str:
    """A step's (or its audit row's) JSON with the id its calculation got when written."""
    data = json.loads(text)
    data["calculation"] = calculation_id
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _update_households(session: Session, written: Sequence[_Written]) -> None:
    now = audit.context(session).at
    columns = (
        "status",
        "category",
        "main_cause",
        "archive_no",
        "archive_level",
        "archived_on",
        "housing_type",
        "housing_area_m2",
    )
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for w in written:
        values = {key: w.household[key] for key in columns if key in w.household}
        groups[tuple(sorted(values))].append(
            {"key_id": w.household["id"], **values, "updated_at": now}
        )
    table = _table(Household)
    for keys, rows in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("key_id"))
            .values({key: bindparam(key) for key in (*keys, "updated_at")})
        )
        session.connection().execute(statement, rows)
    secondary = [w for w in written if w.secondary is not None]
    if secondary:
        ids = [w.household["id"] for w in secondary]
        cause_table = _table(HouseholdCause)
        session.connection().execute(delete(cause_table).where(cause_table.c.household_id.in_(ids)))
        insert_rows(
            session.connection(),
            cause_table,
            [
                {"household_id": w.household["id"], "cause": cause.value, "position": index}
                for w in secondary
                for index, cause in enumerate(w.secondary or ())
            ],
        )
    session.expire_all()


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)
