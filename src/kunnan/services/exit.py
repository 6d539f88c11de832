"""退出: households leave the register, are followed up, and may relapse (返困).

An exit is a decision the union must be able to justify later, so each kind
records its own facts: a stable exit its income figures (or, for an accident
household, what was resolved), a move where to, and so on.

Exits and follow-ups go one way for one household or many: the facts of a whole
batch (each household's standing, its latest income calculation, its members'
income for a new one, the policy in force) are read in a few queries, each plan
is judged by the rules in ``kunnan.domain.exits``, and the rows are written in
bulk. ``kunnan exit …`` is a batch of one; the demo exits its households in one
batch. An exit ends the household's pairing through ``pairing.end_many`` and
changes its status through ``status.change_many``, the same paths as ``pair end``
and every other status change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import household_code
from kunnan.domain.enums import (
    ExitKind,
    ExitRule,
    FollowupOutcome,
    HouseholdStatus,
    ObjectionStatus,
    WatchGrade,
)
from kunnan.domain.errors import InvalidInput
from kunnan.domain.exits import (
    ExitVerdict,
    Figures,
    IncomeFigure,
    StableFacts,
    Standing,
    check_can_exit,
    check_followup,
    check_relapse,
    followup_dates,
    judge_other,
    judge_stable,
    objection_closing_note,
    pairing_end_reason,
    parse_months,
)
from kunnan.domain.members import earned_on
from kunnan.domain.watch import Visit, WatchFacts, WatchRules
from kunnan.domain.watch import grade as grade_watch
from kunnan.i18n import _
from kunnan.models import (
    AuditEntry,
    Followup,
    Household,
    HouseholdExit,
    IncomeCalculation,
    Member,
    Objection,
)
from kunnan.services.identify import CostFacts, income_test
from kunnan.services.pair import PairingEnd, end_many
from kunnan.services.policy import PolicyBook
from kunnan.store import audit
from kunnan.store.households import no_household, rosters
from kunnan.store.status import StatusPlan, change_many, change_status, latest_exit


@dataclass(frozen=True)
class ExitPlan:
    """One household's exit, as ``kunnan exit KIND`` takes it."""

    household_id: int
    kind: ExitKind
    on: dt.date
    reason: str = ""
    moved_to: str | None = None
    #: A stable exit: record a new income calculation on the exit day first.
    recalculate: CostFacts | None = None
    #: A stable exit of an accident household: what was resolved.
    resolved: str | None = None


@dataclass(frozen=True)
class ExitOutcome:
    code: str
    kind: ExitKind
    exited_on: dt.date
    message: str
    followups: tuple[dt.date, ...] = ()


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _last_exits(
    session: Session, household_ids: set[int]
) -> dict[int, tuple[int, dt.date, ExitKind]]:
    """Each household's latest exit: its id, day and kind."""
    found: dict[int, tuple[int, dt.date, ExitKind]] = {}
    if not household_ids:
        return found
    for exit_id, household_id, exited_on, kind in session.execute(
        select(HouseholdExit.id, HouseholdExit.household_id, HouseholdExit.exited_on, HouseholdExit.kind)
        .where(HouseholdExit.household_id.in_(household_ids), HouseholdExit.void_id.is_(None))
        .order_by(HouseholdExit.exited_on, HouseholdExit.id)
    ):  # fmt: skip
        found[household_id] = (exit_id, exited_on, ExitKind(kind))
    return found


@dataclass(frozen=True)
class _Registered:
    """A household's columns that an exit reads and records."""

    id: int
    status: str
    archived_on: dt.date | None
    archive_no: str | None
    category: str | None
    area_code: str


def _standing(
    household: Household | _Registered, last: tuple[int, dt.date, ExitKind] | None
) -> Standing:
    return Standing(
        code=household_code(household.id),
        status=HouseholdStatus(household.status),
        archived_on=household.archived_on,
        category=household.category,
        last_exit=(last[1], last[2]) if last else None,
    )


@dataclass
class _Exit:
    """One exit judged, with the rows it writes (the ids they link by come at writing)."""

    plan: ExitPlan
    code: str
    verdict: ExitVerdict
    row: dict[str, Any]
    calculation: dict[str, Any] | None = None
    calculation_id: int | None = None
    followups: tuple[dt.date, ...] = ()


class _Facts:
    """What a batch of exits is judged on, read for the whole batch at once."""

    def __init__(self, session: Session, plans: Sequence[ExitPlan]) -> None:
        ids = [plan.household_id for plan in plans]
        self.households = {
            row[0]: _Registered(*row)
            for row in session.execute(
                select(
                    Household.id, Household.status, Household.archived_on, Household.archive_no,
                    Household.category, Household.area_code,
                ).where(Household.id.in_(ids))
            )
        }  # fmt: skip
        exited = {
            h.id for h in self.households.values() if h.status == HouseholdStatus.EXITED.value
        }
        self.last_exits = _last_exits(session, exited)
        self.policy = PolicyBook(session)
        recalculating = {plan.household_id for plan in plans if plan.recalculate is not None}
        # The members present on each recalculating household's exit day, and their income.
        days = {plan.household_id: plan.on for plan in plans if plan.recalculate is not None}
        self.members: dict[int, tuple[int, int]] = {
            household_id: earned_on(roster, days[household_id])
            for household_id, roster in rosters(session, recalculating).items()
        }
        on_file = {
            p.household_id: p.on
            for p in plans
            if p.kind is ExitKind.STABLE and p.recalculate is None
        }
        self.calculations: dict[int, tuple[int, Figures]] = {}
        if on_file:
            for household_id, calc_id, calculated_on, members, income, line in session.execute(
                select(
                    IncomeCalculation.household_id, IncomeCalculation.id, IncomeCalculation.calculated_on,
                    IncomeCalculation.members, IncomeCalculation.earned_fen + IncomeCalculation.other_income_fen,
                    IncomeCalculation.dibao_line_fen,
                )
                .where(
                    IncomeCalculation.household_id.in_(set(on_file)),
                    IncomeCalculation.void_id.is_(None),
                )
                .order_by(IncomeCalculation.calculated_on, IncomeCalculation.id)
            ):  # fmt: skip
                if calculated_on <= on_file[household_id]:
                    multiplier = Decimal(self.policy.value("exit_multiplier", calculated_on))
                    self.calculations[household_id] = (
                        calc_id, Figures(calculated_on, members, int(income), line, multiplier),
                    )  # fmt: skip
        self.history = self._income_history(session, plans)

    def _income_history(
        self, session: Session, plans: Sequence[ExitPlan]
    ) -> dict[int, list[IncomeFigure]]:
        """Every income figure up to its exit day of each household whose stable exit is judged
        by ``exit_rule`` months: its income calculations (yearly reviews among them) and the
        incomes its follow-ups found."""
        exit_days = {
            plan.household_id: plan.on
            for plan in plans
            if plan.kind is ExitKind.STABLE
            and ExitRule(self.policy.value("exit_rule", plan.on)) is ExitRule.MONTHS
        }
        history: dict[int, list[IncomeFigure]] = {}
        if not exit_days:
            return history
        calculations = select(
            IncomeCalculation.household_id, IncomeCalculation.calculated_on,
            IncomeCalculation.members,
            IncomeCalculation.earned_fen + IncomeCalculation.other_income_fen,
            IncomeCalculation.dibao_line_fen,
        ).where(
            IncomeCalculation.household_id.in_(set(exit_days)), IncomeCalculation.void_id.is_(None)
        )  # fmt: skip
        visits = select(
            Followup.household_id, Followup.done_on, Followup.members, Followup.income_fen,
            Followup.dibao_line_fen,
        ).where(
            Followup.household_id.in_(set(exit_days)), Followup.done_on.is_not(None),
            Followup.void_id.is_(None), Followup.income_fen.is_not(None), Followup.members > 0,
            Followup.dibao_line_fen.is_not(None),
        )  # fmt: skip
        rows: list[Any] = [*session.execute(calculations), *session.execute(visits)]
        for household_id, on, members, income, line in rows:
            if on <= exit_days[household_id]:
                history.setdefault(household_id, []).append(
                    IncomeFigure(on, int(members), int(income), int(line))
                )
        return history

    def recalculation(
        self, household: _Registered, on: dt.date, costs: CostFacts
    ) -> tuple[dict[str, Any], Figures]:
        """A new income calculation on the exit day (三算, as ``identify calculate`` makes one):
        its row and its figures."""
        members, earned = self.members.get(household.id, (0, 0))
        result, row = income_test(
            self.policy,
            household_id=household.id,
            area_code=household.area_code,
            members=members,
            earned_fen=earned,
            on=on,
            costs=costs,
            purpose="exit",
        )
        row["case_id"] = None
        multiplier = Decimal(self.policy.value("exit_multiplier", on))
        facts = result.facts
        return row, Figures(on, facts.members, facts.income_fen, facts.dibao_line_fen, multiplier)


def _judge(session: Session, facts: _Facts, plan: ExitPlan) -> _Exit:
    household = facts.households.get(plan.household_id)
    if household is None:
        raise no_household(plan.household_id)
    standing = _standing(household, facts.last_exits.get(household.id))
    on = plan.on
    check_can_exit(standing, on)
    calculation: dict[str, Any] | None = None
    calculation_id: int | None = None
    followups: tuple[dt.date, ...] = ()
    if plan.kind is ExitKind.STABLE:
        policy = facts.policy
        figures: Figures | None = None
        if plan.recalculate is not None:
            calculation, figures = facts.recalculation(household, on, plan.recalculate)
        elif household.id in facts.calculations:
            calculation_id, figures = facts.calculations[household.id]
        history = list(facts.history.get(household.id, ()))
        if calculation is not None and figures is not None:  # the new calculation is one too
            history.append(
                IncomeFigure(on, figures.members, figures.income_fen, figures.dibao_line_fen)
            )
        verdict = judge_stable(
            standing,
            StableFacts(
                on=on,
                calculation=figures,
                window_days=int(policy.value("exit_calculation_days", on)),
                multiplier=Decimal(policy.value("exit_multiplier", on)),
                resolved=plan.resolved,
                rule=ExitRule(policy.value("exit_rule", on)),
                months=int(policy.value("exit_months", on)),
                history=tuple(history),
            ),
        )
        followups = tuple(followup_dates(on, parse_months(policy.value("followup_months", on))))
    else:
        verdict = judge_other(standing, plan.kind, plan.reason, plan.moved_to)
    row = {
        "household_id": household.id,
        "kind": plan.kind.value,
        "exited_on": on,
        "archive_no": household.archive_no,
        "category": household.category,
        "reason": verdict.reason,
        "details": json.dumps(verdict.details, ensure_ascii=False, sort_keys=True),
        "calculation_id": None,
        "relapsed_on": None,
        "recorded_at": audit.context(session).at,
    }
    return _Exit(plan, standing.code, verdict, row, calculation, calculation_id, followups)


def exit_many(session: Session, plans: Sequence[ExitPlan]) -> list[ExitOutcome]:
    """Record each exit, judged as ``kunnan exit`` judges one; any refusal refuses the batch
    (the caller rolls back).

    What an exit writes: any new calculation, the exit, its follow-ups (a stable exit),
    the status change, the end of the active pairing, its open objections closed, and the
    audit rows.
    """
    if not plans:
        return []
    ids = [plan.household_id for plan in plans]
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("a household appears twice in one batch of exits"))
    session.flush()
    facts = _Facts(session, plans)
    exits = [_judge(session, facts, plan) for plan in plans]
    change_many(
        session,
        [StatusPlan(e.plan.household_id, HouseholdStatus.EXITED, e.plan.on,
                    f"exit: {e.plan.kind.value}") for e in exits],
    )  # fmt: skip
    end_many(
        session,
        [PairingEnd(e.plan.household_id, e.plan.on, pairing_end_reason(e.plan.kind.value))
         for e in exits],
    )  # fmt: skip
    _write(session, exits)
    return [_outcome(e) for e in exits]


def _write(session: Session, exits: list[_Exit]) -> None:
    connection = session.connection()
    new = [e for e in exits if e.calculation is not None]
    new_ids = insert_returning_ids(
        connection, _table(IncomeCalculation), [e.calculation for e in new if e.calculation]
    )
    for e, calculation_id in zip(new, new_ids, strict=True):
        e.calculation_id = calculation_id
    for e in exits:
        if e.verdict.rests_on_calculation:
            e.row["calculation_id"] = e.calculation_id
    exit_ids = insert_returning_ids(connection, _table(HouseholdExit), [e.row for e in exits])
    insert_rows(
        connection,
        _table(Followup),
        [
            {"exit_id": exit_id, "household_id": e.plan.household_id, "due_on": due,
             "done_on": None, "visitor": None, "outcome": None, "note": ""}
            for e, exit_id in zip(exits, exit_ids, strict=True)
            for due in e.followups
        ],
    )  # fmt: skip
    objections = _table(Objection)
    connection.execute(
        update(objections)
        .where(
            objections.c.household_id == bindparam("key_id"),
            objections.c.status == ObjectionStatus.OPEN.value,
            objections.c.void_id.is_(None),
        )
        .values(
            status=ObjectionStatus.CLOSED.value,
            settled_on=bindparam("on"),
            settlement=bindparam("note"),
        ),
        [
            {"key_id": e.plan.household_id, "on": e.plan.on,
             "note": objection_closing_note(e.plan.kind.value)}
            for e in exits
        ],
    )  # fmt: skip
    insert_rows(
        connection,
        _table(AuditEntry),
        [
            audit.row(
                session, action="exit", entity="household", entity_ref=e.code,
                household_id=e.plan.household_id,
                changes={"kind": e.plan.kind.value, "on": e.plan.on, "reason": e.verdict.reason,
                         **e.verdict.details},
            )
            for e in exits
        ],
    )  # fmt: skip
    session.expire_all()


def _outcome(e: _Exit) -> ExitOutcome:
    code, kind, on = e.code, e.plan.kind, e.plan.on
    if kind is ExitKind.STABLE:
        due = ", ".join(day.isoformat() for day in e.followups)
        message = _(
            "{code}: exited stably on {on}: {reason}; follow-ups due {due}",
            code=code,
            on=on.isoformat(),
            reason=e.verdict.reason,
            due=due,
        )
    else:
        message = _(
            "{code}: exited on {on} ({kind} {label})",
            code=code,
            on=on.isoformat(),
            kind=kind.value,
            label=kind.zh,
        )
    return ExitOutcome(code, kind, on, message, e.followups)


def exit_stable(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    recalculate: CostFacts | None = None,
    resolved: str | None = None,
) -> ExitOutcome:
    """稳定脱困: a fresh calculation at or above the exit line, or for accident households what was resolved."""
    plan = ExitPlan(household.id, ExitKind.STABLE, on, recalculate=recalculate, resolved=resolved)
    return exit_many(session, [plan])[0]


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
    plan = ExitPlan(household.id, kind, on, reason=reason, moved_to=moved_to)
    return exit_many(session, [plan])[0]


# Follow-ups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupPlan:
    """One follow-up visit, as ``kunnan exit followup`` records it."""

    household_id: int
    on: dt.date
    visitor: str
    outcome: FollowupOutcome
    note: str
    #: The household's total monthly income at the visit, when the visitor asked.
    income_fen: int | None = None
    #: A member has a new serious illness since the last visit.
    new_illness: bool = False


@dataclass(frozen=True)
class FollowupDone:
    """A follow-up recorded: against the one due on ``due_on``, or unscheduled (None)."""

    code: str
    on: dt.date
    due_on: dt.date | None


def _present_on_visits(session: Session, plans: Sequence[FollowupPlan]) -> dict[int, int]:
    """How many members share the income each follow-up found: those present on its day."""
    days = {plan.household_id: plan.on for plan in plans if plan.income_fen is not None}
    return {
        household_id: earned_on(roster, days[household_id])[0]
        for household_id, roster in rosters(session, days).items()
    }


def followup_many(session: Session, plans: Sequence[FollowupPlan]) -> list[FollowupDone]:
    """Record each follow-up against the earliest one due after its household's latest exit
    (or as an extra one when none is), in the order given, as ``exit followup`` records one.

    Any refusal refuses the batch: the caller rolls back.
    """
    if not plans:
        return []
    session.flush()
    ids = {plan.household_id for plan in plans}
    status: dict[int, str] = {}
    areas: dict[int, str] = {}
    for household_id, household_status, area_code in session.execute(
        select(Household.id, Household.status, Household.area_code).where(Household.id.in_(ids))
    ):
        status[household_id], areas[household_id] = household_status, area_code
    last_exits = _last_exits(session, ids)
    with_income = {plan.household_id for plan in plans if plan.income_fen is not None}
    members = _present_on_visits(session, plans)
    policy = PolicyBook(session) if with_income else None
    pending: dict[int, list[tuple[dt.date, int]]] = {}
    for followup_id, exit_id, due_on in session.execute(
        select(Followup.id, Followup.exit_id, Followup.due_on)
        .where(Followup.household_id.in_(ids), Followup.done_on.is_(None), Followup.void_id.is_(None))
        .order_by(Followup.due_on, Followup.id)
    ):  # fmt: skip
        if due_on is not None:  # not cancelled by a relapse
            pending.setdefault(exit_id, []).append((due_on, followup_id))
    done: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    recorded: list[FollowupDone] = []
    for plan in plans:
        if plan.household_id not in status:
            raise no_household(plan.household_id)
        code = household_code(plan.household_id)
        last = last_exits.get(plan.household_id)
        standing = Standing(
            code, HouseholdStatus(status[plan.household_id]),
            last_exit=(last[1], last[2]) if last else None,
        )  # fmt: skip
        check_followup(standing, plan.on)
        assert last is not None
        values: dict[str, Any] = {
            "done_on": plan.on, "visitor": plan.visitor, "outcome": plan.outcome.value,
            "note": plan.note, "income_fen": plan.income_fen, "members": None,
            "dibao_line_fen": None, "new_illness": plan.new_illness,
        }  # fmt: skip
        found: dict[str, Any] = {}
        if plan.income_fen is not None and policy is not None:
            values["members"] = members.get(plan.household_id, 0)
            values["dibao_line_fen"] = policy.line(areas[plan.household_id], plan.on.year)
            found = {"income_fen": plan.income_fen, "members": values["members"]}
        if plan.new_illness:
            found["new_illness"] = True
        due: dt.date | None = None
        waiting = pending.get(last[0])
        if waiting:
            due, followup_id = waiting.pop(0)
            done.append({"key_id": followup_id, **values})
        else:
            extra.append({"exit_id": last[0], "household_id": plan.household_id, "due_on": None,
                          **values})  # fmt: skip
        recorded.append(FollowupDone(code, plan.on, due))
        audits.append(
            audit.row(
                session, action="followup", entity="household", entity_ref=code,
                household_id=plan.household_id,
                changes={"on": plan.on, "by": plan.visitor, "outcome": plan.outcome.value,
                         "note": plan.note, "due_on": due, **found},
            )
        )  # fmt: skip
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
                income_fen=bindparam("income_fen"),
                members=bindparam("members"),
                dibao_line_fen=bindparam("dibao_line_fen"),
                new_illness=bindparam("new_illness"),
            ),
            done,
        )
    insert_rows(connection, table, extra)
    insert_rows(connection, _table(AuditEntry), audits)
    session.expire_all()
    return recorded


def record_followup(
    session: Session,
    household: Household,
    *,
    on: dt.date,
    visitor: str,
    outcome: FollowupOutcome,
    note: str,
    income_fen: int | None = None,
    new_illness: bool = False,
) -> FollowupDone:
    """Record a follow-up visit against the earliest one due (or an extra one if none is)."""
    plan = FollowupPlan(household.id, on, visitor, outcome, note, income_fen, new_illness)
    return followup_many(session, [plan])[0]


def relapse(session: Session, household: Household, *, on: dt.date, reason: str) -> ExitOutcome:
    """返困: the household falls back into hardship; it becomes a candidate again, linked to its old archive."""
    last = latest_exit(session, household)
    standing = _standing(
        household, (last.id, last.exited_on, ExitKind(last.kind)) if last else None
    )
    check_relapse(standing, on, reason)
    assert last is not None
    code = standing.code
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
        _(
            "{code}: relapsed on {on}; a candidate again (earlier archive {archive_no}); "
            "the next step is visit (一进)",
            code=code,
            on=on.isoformat(),
            archive_no=last.archive_no,
        ),
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
    from kunnan.store.orgs import within

    head = aliased(Member)
    next_due = (
        select(func.min(Followup.due_on))
        .where(
            Followup.exit_id == HouseholdExit.id,
            Followup.done_on.is_(None),
            Followup.void_id.is_(None),
        )
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
        .where(HouseholdExit.void_id.is_(None))
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


# 防返困: the watch list -----------------------------------------------------------------


@dataclass(frozen=True)
class WatchRow:
    """A household watched after its stable exit, graded as of a day, with the reasons."""

    code: str
    head_name: str
    org: str
    exited_on: dt.date
    last_followup_on: dt.date | None
    #: Income per person at the latest follow-up (None when it recorded no income).
    per_capita_fen: int | None
    next_followup_on: dt.date | None
    grade: WatchGrade
    reasons: str


_GRADE_ORDER = {WatchGrade.RED: 0, WatchGrade.YELLOW: 1, WatchGrade.GREEN: 2}


def watch_list(
    session: Session, *, as_of: dt.date, org: Any = None, grade: WatchGrade | None = None
) -> list[WatchRow]:
    """Households whose latest exit by ``as_of`` is a stable one not relapsed by then, each
    graded by ``domain.watch.grade`` on its follow-ups up to the day: red first, then yellow,
    then green, each by code.

    Three queries for the whole list: the exits, their follow-ups, and the policy.
    """
    from sqlalchemy import and_
    from sqlalchemy.orm import aliased

    from kunnan.domain.enums import Relation
    from kunnan.models import Org
    from kunnan.store.orgs import within

    head = aliased(Member)
    query = (
        select(
            HouseholdExit.id, HouseholdExit.household_id, HouseholdExit.kind, HouseholdExit.exited_on,
            HouseholdExit.relapsed_on, head.name, Org.name,
        )
        .join(Household, Household.id == HouseholdExit.household_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .where(HouseholdExit.exited_on <= as_of, HouseholdExit.void_id.is_(None))
        .where(Household.void_id.is_(None))
        .order_by(HouseholdExit.exited_on, HouseholdExit.id)
    )  # fmt: skip
    if org is not None:
        query = query.where(within(org))
    latest: dict[int, tuple[int, str, dt.date, dt.date | None, str, str]] = {}
    for exit_id, household_id, kind, exited_on, relapsed_on, name, union in session.execute(query):
        latest[household_id] = (exit_id, kind, exited_on, relapsed_on, name, union)
    watched = {
        exit_id: (household_id, exited_on, name, union)
        for household_id, (exit_id, kind, exited_on, relapsed_on, name, union) in latest.items()
        if kind == ExitKind.STABLE.value and (relapsed_on is None or relapsed_on > as_of)
    }
    visits: dict[int, list[Visit]] = {}
    overdue: dict[int, dt.date] = {}
    upcoming: dict[int, dt.date] = {}
    if watched:
        for exit_id, due_on, done_on, outcome, income, members, line, illness in session.execute(
            select(
                Followup.exit_id, Followup.due_on, Followup.done_on, Followup.outcome,
                Followup.income_fen, Followup.members, Followup.dibao_line_fen, Followup.new_illness,
            )
            .where(Followup.exit_id.in_(watched), Followup.void_id.is_(None))
            .order_by(Followup.done_on, Followup.id)
        ):  # fmt: skip
            if done_on is not None and done_on <= as_of:
                found = FollowupOutcome(outcome) if outcome else None
                visits.setdefault(exit_id, []).append(
                    Visit(done_on, found, income, members, line, illness)
                )
            elif due_on is not None and due_on < as_of:
                overdue[exit_id] = min(due_on, overdue.get(exit_id, due_on))
            elif due_on is not None:
                upcoming[exit_id] = min(due_on, upcoming.get(exit_id, due_on))
    policy = PolicyBook(session)
    rules = WatchRules(
        yellow_multiplier=Decimal(policy.value("watch_yellow_multiplier", as_of)),
        red_overdue_days=int(policy.value("watch_red_overdue_days", as_of)),
    )
    rows = []
    for exit_id, (household_id, exited_on, name, union) in watched.items():
        last = visits[exit_id][-1] if exit_id in visits else None
        facts = WatchFacts(exited_on, last, overdue.get(exit_id), upcoming.get(exit_id))
        judged = grade_watch(facts, rules, as_of)
        if grade is not None and judged.grade is not grade:
            continue
        rows.append(
            WatchRow(
                code=household_code(household_id),
                head_name=name,
                org=union,
                exited_on=exited_on,
                last_followup_on=last.on if last else None,
                per_capita_fen=last.per_capita_fen if last else None,
                next_followup_on=overdue.get(exit_id) or upcoming.get(exit_id),
                grade=judged.grade,
                reasons=_("; ").join(judged.reasons),
            )
        )
    return sorted(rows, key=lambda row: (_GRADE_ORDER[row.grade], row.code))
