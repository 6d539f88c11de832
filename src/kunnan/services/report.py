"""Reports read the register as it stood on a day, aggregated in SQL.

``--as-of D``: a household's status and category that day are those of its
latest status change on or before D (status history only moves forward, so
that is the change with the highest id among them). ``--org`` takes a union
and everything under it. Every report (one function per ``kunnan report``
command, of the same name) returns plain rows and a total; the command layer
lays them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, distinct, extract, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from kunnan.domain.aid import CASH, FUND_DIRECTION
from kunnan.domain.codes import fund_code
from kunnan.domain.enums import (
    Category,
    Cause,
    EntryKind,
    ExitKind,
    HouseholdStatus,
    PipelineStage,
    PlacementChannel,
    Step,
    Trade,
)
from kunnan.domain.shares import largest_remainder
from kunnan.models import (
    AidEntry,
    EndedCause,
    Fund,
    Household,
    HouseholdCause,
    HouseholdExit,
    IdentificationCase,
    IdentificationStep,
    JobPlacement,
    Member,
    Org,
    Program,
    StatusChange,
    TrainingClass,
    TrainingEnrolment,
)
from kunnan.services.agreement import agreement_results
from kunnan.services.pair import coverage as pairing_coverage
from kunnan.services.training import stage_flags
from kunnan.store.funds import with_union, within_scope
from kunnan.store.households import present_on
from kunnan.store.orgs import within
from kunnan.store.status import statuses_on


@dataclass(frozen=True)
class Scope:
    """Which part of the register a report looks at, and on which day."""

    as_of: dt.date
    org: Org | None = None


@dataclass
class Report:
    name: str
    scope: Scope
    rows: list[dict[str, Any]]
    total: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def status_on(scope: Scope) -> Any:
    """A subquery (household_id, status, category) of every household's status on ``scope.as_of``."""
    query = statuses_on(scope.as_of)
    if scope.org is not None:
        query = (
            query.join(Household, Household.id == StatusChange.household_id)
            .join(Org, Org.id == Household.org_id)
            .where(within(scope.org))
        )
    return query.subquery()


def _archived(scope: Scope) -> Any:
    on = status_on(scope)
    return (
        select(on.c.household_id, on.c.category, on.c.main_cause)
        .where(on.c.status == HouseholdStatus.ARCHIVED.value)
        .subquery()
    )


def _people(day: dt.date) -> Any:
    """Each household's people on ``day``: the members who belonged to it that day."""
    return (
        select(Member.household_id, func.count().label("people"))
        .where(present_on(day))
        .group_by(Member.household_id)
        .subquery()
    )


def _with_shares(rows: list[dict[str, Any]], key: str = "households") -> list[dict[str, Any]]:
    shares = largest_remainder([row[key] for row in rows])
    for row, share in zip(rows, shares, strict=True):
        row["share_pct"] = str(share)
    return rows


def categories(session: Session, scope: Scope) -> Report:
    """Archived households by category: households, people, share."""
    archived = _archived(scope)
    people = _people(scope.as_of)
    counts = {
        category: (households, int(persons or 0))
        for category, households, persons in session.execute(
            select(archived.c.category, func.count(), func.sum(people.c.people))
            .outerjoin(people, people.c.household_id == archived.c.household_id)
            .group_by(archived.c.category)
        )
    }
    rows = [
        {
            "category": c.value,
            "households": counts.get(c.value, (0, 0))[0],
            "people": counts.get(c.value, (0, 0))[1],
        }
        for c in Category
    ]
    _with_shares(rows)
    total = {"households": sum(r["households"] for r in rows), "people": sum(r["people"] for r in rows),
             "share_pct": "100.0" if any(r["households"] for r in rows) else "0.0"}  # fmt: skip
    return Report("categories", scope, rows, total)


def _secondary_on(day: dt.date) -> Any:
    """Each household's secondary causes on ``day``: (household_id, cause), from those it has
    now (given by then) and those a yearly review ended after it."""
    given = or_(HouseholdCause.since_on.is_(None), HouseholdCause.since_on <= day)
    began = or_(EndedCause.since_on.is_(None), EndedCause.since_on <= day)
    return union_all(
        select(HouseholdCause.household_id, HouseholdCause.cause).where(given),
        select(EndedCause.household_id, EndedCause.cause).where(began, EndedCause.until_on > day),
    ).subquery()


def causes(session: Session, scope: Scope, *, secondary: bool = False) -> Report:
    """Archived households by main cause (and, with ``secondary``, how often each is a secondary cause)."""
    archived = _archived(scope)
    # The main cause in force on the day: a yearly review may have changed it since.
    main: dict[str | None, int] = dict(
        session.execute(
            select(archived.c.main_cause, func.count()).group_by(archived.c.main_cause)
        ).all()
    )
    rows: list[dict[str, Any]] = [
        {"cause": c.value, "households": main.get(c.value, 0)} for c in Cause
    ]
    unknown = main.get(None, 0)
    if unknown:
        rows.append({"cause": "unknown", "households": unknown})
    _with_shares(rows)
    if secondary:
        held = _secondary_on(scope.as_of)
        extra: dict[str, int] = dict(
            session.execute(
                select(held.c.cause, func.count())
                .join(archived, archived.c.household_id == held.c.household_id)
                .group_by(held.c.cause)
            ).all()
        )
        for row in rows:
            row["secondary"] = extra.get(row["cause"], 0)
    total: dict[str, Any] = {"households": sum(r["households"] for r in rows),
                             "share_pct": "100.0" if any(r["households"] for r in rows) else "0.0"}  # fmt: skip
    if secondary:
        total["secondary"] = sum(r["secondary"] for r in rows)
    return Report("causes", scope, rows, total)


def pipeline(session: Session, scope: Scope) -> Report:
    """The identification funnel on the day: households waiting at each step and past it."""
    on = status_on(scope)
    by_status: dict[str, int] = dict(
        session.execute(select(on.c.status, func.count()).group_by(on.c.status)).all()
    )
    # Each current case (its household's latest round started by the day) carries its
    # household's status on the day, so that the households still identifying are picked
    # from it rather than by joining the status subquery again (which SQLite planned as a
    # scan per row: minutes on 100,000 households).
    earlier = aliased(IdentificationCase)
    latest_round = (
        select(func.max(earlier.round))
        .where(
            earlier.household_id == IdentificationCase.household_id,
            earlier.started_on <= scope.as_of,
        )
        .scalar_subquery()
    )

    def current(*statuses: HouseholdStatus) -> Any:
        return (
            select(IdentificationCase.id, on.c.status)
            .join(on, on.c.household_id == IdentificationCase.household_id)
            .where(IdentificationCase.started_on <= scope.as_of)
            .where(on.c.status.in_([status.value for status in statuses]))
            .where(IdentificationCase.round == latest_round)
            .subquery()
        )

    def steps_done(cases: Any) -> Any:
        """Steps done by the day in ``cases``: joined, not looked up case by case with IN."""
        return (
            select(IdentificationStep.case_id, IdentificationStep.step)
            .join(cases, cases.c.id == IdentificationStep.case_id)
            .where(IdentificationStep.done_on <= scope.as_of, IdentificationStep.void_id.is_(None))
            .subquery()
        )

    passed_steps = steps_done(current(HouseholdStatus.IDENTIFYING, HouseholdStatus.ARCHIVED))
    passed: dict[str, int] = dict(
        session.execute(
            select(passed_steps.c.step, func.count()).group_by(passed_steps.c.step)
        ).all()
    )
    # The households still identifying wait at the step after those they have done.
    waiting_steps = steps_done(current(HouseholdStatus.IDENTIFYING))
    done_per_case = (
        select(waiting_steps.c.case_id, func.count().label("done"))
        .group_by(waiting_steps.c.case_id)
        .subquery()
    )
    waiting_by_done: dict[int, int] = dict(
        session.execute(
            select(done_per_case.c.done, func.count()).group_by(done_per_case.c.done)
        ).all()
    )
    rows = []
    for index, step in enumerate(Step):
        waiting = waiting_by_done.get(index, 0)
        if step is Step.VISIT:
            waiting += by_status.get(HouseholdStatus.CANDIDATE.value, 0)
        rows.append({"stage": step.value, "waiting": waiting, "passed": passed.get(step.value, 0)})
    for stage, status in (
        (PipelineStage.ARCHIVED, HouseholdStatus.ARCHIVED),
        (PipelineStage.REJECTED, HouseholdStatus.REJECTED),
    ):
        rows.append({"stage": stage.value, "waiting": by_status.get(status.value, 0), "passed": 0})
    return Report("pipeline", scope, rows, {"waiting": sum(r["waiting"] for r in rows)})


def exits(session: Session, scope: Scope, *, since: int | None = None) -> Report:
    """Exits by year and kind up to the day, and totals since a year (e.g. stable exits since 2017)."""
    year = extract("year", HouseholdExit.exited_on)
    query: Select[*tuple[Any, ...]] = (
        select(year.label("year"), HouseholdExit.kind, func.count())
        .where(HouseholdExit.exited_on <= scope.as_of, HouseholdExit.void_id.is_(None))
        .group_by(year, HouseholdExit.kind)
    )
    # The households are read only to scope by union: the whole register's figures come from
    # the (exited_on, kind) index alone (a join read every exited household's row: 0.2 s of a
    # new process's 10,000 exits, against 0.01 s without).
    if scope.org is not None:
        query = (
            query.join(Household, Household.id == HouseholdExit.household_id)
            .join(Org, Org.id == Household.org_id)
            .where(within(scope.org))
        )
    table: dict[int, dict[str, int]] = {}
    for exit_year, kind, count in session.execute(query):
        table.setdefault(int(exit_year), {})[kind] = count
    rows = []
    for exit_year in sorted(table):
        row: dict[str, Any] = {"year": exit_year}
        for kind in ExitKind:
            row[kind.value] = table[exit_year].get(kind.value, 0)
        row["total"] = sum(table[exit_year].values())
        rows.append(row)
    total: dict[str, Any] = {kind.value: sum(r[kind.value] for r in rows) for kind in ExitKind}
    total["total"] = sum(r["total"] for r in rows)
    extra: dict[str, Any] = {}
    if since is not None:
        recent = [r for r in rows if r["year"] >= since]
        extra = {
            "since": since,
            "since_total": sum(r["total"] for r in recent),
            "since_stable": sum(r[ExitKind.STABLE.value] for r in recent),
        }
    return Report("exits", scope, rows, total, extra)


def areas(session: Session, scope: Scope) -> Report:
    """Per area (county/district): archived households, people, and exits up to the day."""
    archived = _archived(scope)
    people = _people(scope.as_of)
    register = {
        area: (households, int(persons or 0))
        for area, households, persons in session.execute(
            select(Household.area_code, func.count(), func.sum(people.c.people))
            .join(archived, archived.c.household_id == Household.id)
            .outerjoin(people, people.c.household_id == Household.id)
            .group_by(Household.area_code)
        )
    }
    exit_query: Select[*tuple[Any, ...]] = (
        select(Household.area_code, func.count())
        .join(HouseholdExit, HouseholdExit.household_id == Household.id)
        .where(HouseholdExit.exited_on <= scope.as_of, HouseholdExit.void_id.is_(None))
        .group_by(Household.area_code)
    )
    if scope.org is not None:
        exit_query = exit_query.join(Org, Org.id == Household.org_id).where(within(scope.org))
    left: dict[str, int] = dict(session.execute(exit_query).all())
    names = dict(session.execute(select(Org.area_code, Org.name).where(Org.kind == "county")).all())
    rows = [
        {
            "area_code": area,
            "area": names.get(area, ""),
            "households": register.get(area, (0, 0))[0],
            "people": register.get(area, (0, 0))[1],
            "exits": left.get(area, 0),
        }
        for area in sorted(set(register) | set(left))
    ]
    total = {key: sum(r[key] for r in rows) for key in ("households", "people", "exits")}
    return Report("areas", scope, rows, total)


def _standing_grants(scope: Scope) -> Any:
    """Grant entries (not reversals) dated up to the day and not reversed by then, with program."""
    reversal = aliased(AidEntry)
    reversed_by_then = (
        select(reversal.seq)
        .where(reversal.reverses_seq == AidEntry.seq, reversal.on_date <= scope.as_of)
        .exists()
    )
    query = select(
        AidEntry.seq, AidEntry.household_id, AidEntry.member_id, AidEntry.program,
        AidEntry.year, AidEntry.amount_fen,
    ).where(
        AidEntry.kind == EntryKind.GRANT.value,
        AidEntry.reverses_seq.is_(None),
        AidEntry.on_date <= scope.as_of,
        ~reversed_by_then,
    )  # fmt: skip
    if scope.org is not None:
        query = (
            query.join(Household, Household.id == AidEntry.household_id)
            .join(Org, Org.id == Household.org_id)
            .where(within(scope.org))
        )
    return query


def programs(
    session: Session, scope: Scope, *, year: int | None = None, since: int | None = None
) -> Report:
    """Cash aid by guarantee and programme: grants, households, people, amount (standing on the day).

    A grant reversed by the day does not count; ``year`` and ``since`` select the years the
    grants count toward.
    """
    grants = _standing_grants(scope)
    if year is not None:
        grants = grants.where(AidEntry.year == year)
    if since is not None:
        grants = grants.where(AidEntry.year >= since)
    standing = grants.subquery()
    figures = {
        program: (count, households, people, int(amount or 0))
        for program, count, households, people, amount in session.execute(
            select(
                standing.c.program,
                func.count(),
                func.count(distinct(standing.c.household_id)),
                func.count(distinct(standing.c.member_id)),
                func.sum(standing.c.amount_fen),
            ).group_by(standing.c.program)
        )
    }
    # Service programmes (training, loans, housing …) pay no grants: their own reports count them.
    catalogue = session.execute(
        select(Program.code, Program.name, Program.guarantee)
        .where(Program.kind == CASH)
        .order_by(Program.position)
    )
    rows = []
    for code, name, guarantee in catalogue:
        count, households, people, amount = figures.get(code, (0, 0, 0, 0))
        rows.append({"guarantee": guarantee, "program": code, "program_name": name, "grants": count,
                     "households": households, "people": people, "amount_fen": amount})  # fmt: skip
    every = session.execute(
        select(
            func.count(distinct(standing.c.household_id)),
            func.count(distinct(standing.c.member_id)),
        )
    ).one()
    total = {
        "grants": sum(r["grants"] for r in rows),
        "households": int(every[0]),
        "people": int(every[1]),
        "amount_fen": sum(r["amount_fen"] for r in rows),
    }
    extra: dict[str, Any] = {}
    if year is not None:
        extra["year"] = year
    if since is not None:
        extra["since"] = since
    return Report("programs", scope, rows, total, extra)


def funds(session: Session, scope: Scope) -> Report:
    """Every fund of the union (and those under it) on the day: money in, money out, balance;
    with totals by source."""
    # By kind, not by sign: a reversed grant lowers what went out rather than adding to what came in.
    into = [kind.value for kind, sign in FUND_DIRECTION.items() if sign > 0]
    out_of = [kind.value for kind, sign in FUND_DIRECTION.items() if sign < 0]
    incoming = func.coalesce(
        func.sum(case((AidEntry.kind.in_(into), AidEntry.amount_fen), else_=0)), 0
    )
    outgoing = func.coalesce(
        func.sum(case((AidEntry.kind.in_(out_of), AidEntry.amount_fen), else_=0)), 0
    )
    query = (
        with_union(
            select(Fund.id, Fund.name, Fund.source, Fund.year, incoming, outgoing).outerjoin(
                AidEntry, (AidEntry.fund_id == Fund.id) & (AidEntry.on_date <= scope.as_of)
            )
        )
        .where(within_scope(scope.org))
        .group_by(Fund.id, Fund.name, Fund.source, Fund.year)
        .order_by(Fund.id)
    )
    rows = [
        {"fund": fund_code(fid), "name": name, "source": source, "year": year,
         "in_fen": int(money_in), "out_fen": int(money_out), "balance_fen": int(money_in) - int(money_out)}
        for fid, name, source, year, money_in, money_out in session.execute(query)
    ]  # fmt: skip
    by_source: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = by_source.setdefault(row["source"], {"in_fen": 0, "out_fen": 0, "balance_fen": 0})
        for key in bucket:
            bucket[key] += row[key]
    total = {key: sum(r[key] for r in rows) for key in ("in_fen", "out_fen", "balance_fen")}
    sources = [{"source": source, **figures} for source, figures in sorted(by_source.items())]
    return Report("funds", scope, rows, total, {"by_source": sources})


#: The union's job fairs (春风行动, 就业援助月, 民营企业招聘周): every channel but a direct referral.
JOB_FAIRS = tuple(c.value for c in PlacementChannel if c is not PlacementChannel.DIRECT)


def _years(column: Any, year: int | None, since: int | None) -> list[Any]:
    conditions = []
    if year is not None:
        conditions.append(column == year)
    if since is not None:
        conditions.append(column >= since)
    return conditions


def training(
    session: Session, scope: Scope, *, year: int | None = None, since: int | None = None
) -> Report:
    """培训-鉴定-就业 by year and trade: classes, trainees, and how many completed, were
    certified and were employed by the day; and the people placed in jobs each year.

    A class counts toward the year it starts, and its trainees and whatever they reach by
    the day count with it (one cohort per year). With ``--org``, trainees are those of the
    union's households, and a class counts if the union (or one under it) ran it or one of
    those households had a trainee in it. A class counts once it has started or has a
    trainee. ``placed`` counts jobs by the year they began: trainees employed, and jobs found
    at the job fairs, each placement once.
    """
    in_scope: list[Any] = []
    if scope.org is not None:
        in_scope.append(
            select(Household.id)
            .join(Org, Org.id == Household.org_id)
            .where(Household.id == TrainingEnrolment.household_id, within(scope.org))
            .exists()
        )
    reached = stage_flags(scope.as_of)
    stages = ("completed", "certified", "employed")
    trainees_by = {
        (int(class_year), trade): [int(n or 0) for n in numbers]
        for class_year, trade, *numbers in session.execute(
            select(
                TrainingClass.year,
                TrainingClass.trade,
                func.count(TrainingEnrolment.id),
                *(func.sum(func.coalesce(reached.c[stage], 0)) for stage in stages),
            )
            .join(TrainingClass, TrainingClass.id == TrainingEnrolment.class_id)
            .outerjoin(reached, reached.c.enrolment_id == TrainingEnrolment.id)
            .where(TrainingEnrolment.enrolled_on <= scope.as_of, *in_scope)
            .where(*_years(TrainingClass.year, year, since))
            .group_by(TrainingClass.year, TrainingClass.trade)
        )
    }
    has_trainee = (
        select(TrainingEnrolment.id)
        .where(
            TrainingEnrolment.class_id == TrainingClass.id,
            TrainingEnrolment.enrolled_on <= scope.as_of,
            *in_scope,
        )
        .exists()
    )
    held = TrainingClass.starts_on <= scope.as_of
    if scope.org is not None:
        runner = aliased(Org)
        held = and_(
            held,
            select(runner.id)
            .where(runner.id == TrainingClass.org_id, within(scope.org, runner.path.expression))
            .exists(),
        )
    classes_by: dict[tuple[int, str], int] = {
        (int(class_year), trade): int(count)
        for class_year, trade, count in session.execute(
            select(TrainingClass.year, TrainingClass.trade, func.count(TrainingClass.id))
            .where(held | has_trainee, *_years(TrainingClass.year, year, since))
            .group_by(TrainingClass.year, TrainingClass.trade)
        )
    }
    order = {trade.value: position for position, trade in enumerate(Trade)}
    rows: list[dict[str, Any]] = []
    for class_year, trade in sorted(
        set(classes_by) | set(trainees_by), key=lambda key: (key[0], order.get(key[1], len(order)))
    ):
        enrolled, completed, certified, employed = trainees_by.get((class_year, trade), (0,) * 4)
        rows.append({"year": class_year, "trade": trade,
                     "classes": classes_by.get((class_year, trade), 0), "trainees": enrolled,
                     "completed": completed, "certified": certified, "employed": employed})  # fmt: skip
    counted = ("classes", "trainees", "completed", "certified", "employed")
    total = {key: sum(r[key] for r in rows) for key in counted}

    from_training = JobPlacement.enrolment_id.is_not(None)
    placements = (
        select(
            JobPlacement.year,
            func.sum(case((from_training, 1), else_=0)),
            func.sum(case((from_training, 0), else_=1)),
        )
        .where(
            JobPlacement.placed_on <= scope.as_of,
            JobPlacement.void_id.is_(None),
            from_training | JobPlacement.channel.in_(JOB_FAIRS),
            *_years(JobPlacement.year, year, since),
        )
        .group_by(JobPlacement.year)
        .order_by(JobPlacement.year)
    )
    if scope.org is not None:
        placements = (
            placements.join(Household, Household.id == JobPlacement.household_id)
            .join(Org, Org.id == Household.org_id)
            .where(within(scope.org))
        )
    placed = [
        {"year": int(placed_year), "trainees_employed": int(trainees),
         "job_fairs": int(fairs), "placed": int(trainees) + int(fairs)}
        for placed_year, trainees, fairs in session.execute(placements)
    ]  # fmt: skip
    extra: dict[str, Any] = {
        "placed": placed,
        "placed_total": {
            key: sum(r[key] for r in placed) for key in ("trainees_employed", "job_fairs", "placed")
        },
    }
    if year is not None:
        extra["year"] = year
    if since is not None:
        extra["since"] = since
    return Report("training", scope, rows, total, extra)


#: What the coverage report totals: the whole register, or the union with those under it.
COVERAGE_TOTALS = ("archived", "paired", "unpaired", "covered_pct", "visit_overdue")


def coverage(session: Session, scope: Scope) -> Report:
    """Pairing coverage on the day per union (each including those under it), and overall."""
    rows, overall = pairing_coverage(session, on=scope.as_of, org=scope.org)
    total = {k: v for k, v in dataclasses.asdict(overall).items() if k in COVERAGE_TOTALS}
    return Report("coverage", scope, [dataclasses.asdict(r) for r in rows], total)


def targets(session: Session, scope: Scope, *, year: int | None = None) -> Report:
    """Responsibility agreements (of a year, or all of them): targets against results."""
    org = scope.org.code if scope.org is not None else None
    rows = agreement_results(session, year=year, org=org)
    met = sum(1 for r in rows if r.met == "met")
    return Report(
        "targets",
        scope,
        [dataclasses.asdict(r) for r in rows],
        {},
        {"agreements": len(rows), "met": met},
    )


def dashboard(session: Session, scope: Scope, *, since: int) -> Report:
    """The headline figures of every report on one page."""
    parts = {
        "categories": categories(session, scope),
        "causes": causes(session, scope),
        "pipeline": pipeline(session, scope),
        "programs": programs(session, scope, since=since),
        "programs_this_year": programs(session, scope, year=scope.as_of.year),
        "exits": exits(session, scope, since=since),
        "training": training(session, scope, since=since),
        "areas": areas(session, scope),
    }
    _rows, overall = pairing_coverage(session, on=scope.as_of, org=scope.org)
    waiting = sum(
        r["waiting"] for r in parts["pipeline"].rows if r["stage"] not in ("archived", "rejected")
    )
    headline = {
        "archived": parts["categories"].total["households"],
        "people": parts["categories"].total["people"],
        "identifying": waiting,
        "paired": overall.paired,
        "covered_pct": str(overall.covered_pct) if overall.covered_pct is not None else None,
        "since": since,
        "exits_since": parts["exits"].extra["since_total"],
        "stable_exits_since": parts["exits"].extra["since_stable"],
        "aid_since_fen": parts["programs"].total["amount_fen"],
        "aided_households_since": parts["programs"].total["households"],
        "aid_this_year_fen": parts["programs_this_year"].total["amount_fen"],
        "classes_since": parts["training"].total["classes"],
        "trainees_since": parts["training"].total["trainees"],
        "employed_since": parts["training"].total["employed"],
        "placed_since": parts["training"].extra["placed_total"]["placed"],
    }
    return Report("dashboard", scope, [], headline, dict(parts))
