"""技能培训: skills classes and the 培训-鉴定-就业 one-stop, enrolment to employment.

A class has a trade, dates and (optionally) a number of places. Any
registered household's member may be enrolled — classes are open — but a
household that is not archived on the day only with an explicit flag, and
the enrolment keeps the household's status of that day. Each later stage
(completed, certified, employed) is a row of its own, recorded only after
the stage before and never dated before it; employment is also a job
placement, so it changes the member's work and income.

The funnel counts, per class, trade or year, how many trainees reached each
stage. A class counts toward the year it starts, and so do its trainees and
whatever they go on to reach.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.casework import STAGES, stage_before
from kunnan.domain.codes import class_code, household_code
from kunnan.domain.enums import HouseholdStatus, Relation, Trade, TrainingStage
from kunnan.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from kunnan.models import (
    Household,
    JobPlacement,
    Member,
    Org,
    TrainingClass,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.schemas.service_aid import (
    EmployCreate,
    EnrolmentCreate,
    StageCreate,
    TrainingClassCreate,
)
from kunnan.services import audit
from kunnan.services.aid import check_may_receive
from kunnan.services.households import resolve_household
from kunnan.services.orgs import find_org
from kunnan.services.placements import member_or_head, place_member

_CODE = re.compile(r"[Cc]([0-9０-９]{1,12})")

#: How a message says a trainee reached each stage: (has …, … on a date).
_REACHED = {
    TrainingStage.ENROLLED: ("been enrolled in class {klass}", "was enrolled in class {klass}"),
    TrainingStage.COMPLETED: ("completed class {klass}", "completed class {klass}"),
    TrainingStage.CERTIFIED: ("been certified after class {klass}", "was certified"),
    TrainingStage.EMPLOYED: ("been employed after class {klass}", "was employed"),
}
#: The command that records each stage, for hints.
_COMMAND = {
    TrainingStage.COMPLETED: "complete",
    TrainingStage.CERTIFIED: "certify",
    TrainingStage.EMPLOYED: "employ",
}


def resolve_class(session: Session, ref: str) -> TrainingClass:
    """A class by its code (C001) or its exact name."""
    text = ref.strip()
    match = _CODE.fullmatch(text)
    found = (
        session.get(TrainingClass, int(match[1]))
        if match
        else session.scalars(select(TrainingClass).where(TrainingClass.name == text)).first()
    )
    if found is None:
        raise NotFound(f"no training class '{text}'", hint="kunnan training list shows them")
    return found


def _lock_class(session: Session, found: TrainingClass) -> TrainingClass:
    """Hold the class's row, so two enrolments into its last place queue (PostgreSQL)."""
    return session.scalars(
        select(TrainingClass)
        .where(TrainingClass.id == found.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def add_class(session: Session, *, data: TrainingClassCreate) -> TrainingClass:
    if session.scalars(select(TrainingClass).where(TrainingClass.name == data.name)).first():
        raise Conflict(f"a training class named '{data.name}' already exists")
    org = find_org(session, data.org) if data.org is not None else None
    found = TrainingClass(
        name=data.name,
        trade=data.trade.value,
        org_id=org.id if org is not None else None,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        year=data.starts_on.year,
        capacity=data.capacity,
        created_at=audit.context(session).at,
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="training_class",
        entity_ref=class_code(found.id),
        changes={
            "name": found.name,
            "trade": found.trade,
            "org": org.code if org is not None else None,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
            "capacity": found.capacity,
        },
    )
    return found


def enrol(session: Session, *, data: EnrolmentCreate) -> TrainingEnrolment:
    """Enrol a member (default: the head worker) in a class with a place left."""
    household = resolve_household(session, data.household, lock=True)
    found = _lock_class(session, resolve_class(session, data.training_class))
    on, code, klass = data.on_date, household_code(household.id), class_code(found.id)
    member = member_or_head(household, data.member)
    standing = check_may_receive(session, household, on, what="an enrolment")
    if standing is not HouseholdStatus.ARCHIVED and not data.not_archived:
        raise RuleViolation(
            f"{code} is {standing.value} ({standing.zh}) on {on.isoformat()}, not archived; "
            "classes are open, but a trainee from a household that is not archived is "
            "enrolled only with --not-archived"
        )
    if on > found.ends_on:
        raise RuleViolation(
            f"class {klass} ended on {found.ends_on.isoformat()}; "
            f"an enrolment dated {on.isoformat()} is after it"
        )
    already = session.scalars(
        select(TrainingEnrolment).where(
            TrainingEnrolment.class_id == found.id, TrainingEnrolment.member_id == member.id
        )
    ).first()
    if already is not None:
        raise Conflict(
            f"{member.name} of {code} is already enrolled in class {klass} "
            f"(since {already.enrolled_on.isoformat()})"
        )
    if found.capacity is not None:
        taken = session.scalar(
            select(func.count(TrainingEnrolment.id)).where(TrainingEnrolment.class_id == found.id)
        )
        if (taken or 0) >= found.capacity:
            raise RuleViolation(
                f"class {klass} ({found.name}) is full: all {found.capacity} places are taken"
            )
    enrolment = TrainingEnrolment(
        class_id=found.id,
        household_id=household.id,
        member_id=member.id,
        enrolled_on=on,
        household_status=standing.value,
        recorded_at=audit.context(session).at,
    )
    session.add(enrolment)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="training_enrolment",
        entity_ref=klass,
        household_id=household.id,
        changes={
            "class": klass,
            "member": member.name,
            "on_date": on,
            "household_status": standing.value,
        },
    )
    return enrolment


@dataclass(frozen=True)
class Trainee:
    klass: TrainingClass
    household: Household
    member: Member
    enrolment: TrainingEnrolment


def find_trainee(
    session: Session, *, training_class: str, household: str, member: str | None
) -> Trainee:
    """A member's enrolment in a class; the member defaults to the head worker."""
    target = resolve_household(session, household, lock=True)
    found = resolve_class(session, training_class)
    person = member_or_head(target, member)
    enrolment = session.scalars(
        select(TrainingEnrolment).where(
            TrainingEnrolment.class_id == found.id, TrainingEnrolment.member_id == person.id
        )
    ).first()
    if enrolment is None:
        code = household_code(target.id)
        raise NotFound(
            f"{person.name} of {code} is not enrolled in class {class_code(found.id)}",
            hint=f"kunnan training enroll {class_code(found.id)} {code}",
        )
    return Trainee(klass=found, household=target, member=person, enrolment=enrolment)


def stages_reached(session: Session, enrolment: TrainingEnrolment) -> dict[TrainingStage, dt.date]:
    """Each stage the trainee reached and its date, enrolment included."""
    reached = {TrainingStage.ENROLLED: enrolment.enrolled_on}
    for stage, on in session.execute(
        select(TrainingProgress.stage, TrainingProgress.on_date).where(
            TrainingProgress.enrolment_id == enrolment.id
        )
    ):
        reached[TrainingStage(stage)] = on
    return reached


def _check_next(session: Session, trainee: Trainee, stage: TrainingStage, on: dt.date) -> None:
    """Refuse a stage out of order, twice, or dated before the stage it follows."""
    reached = stages_reached(session, trainee.enrolment)
    who = f"{trainee.member.name} of {household_code(trainee.household.id)}"
    klass = class_code(trainee.klass.id)
    if stage in reached:
        raise Conflict(
            f"{who} has already {_REACHED[stage][0].format(klass=klass)} "
            f"(on {reached[stage].isoformat()})"
        )
    before = stage_before(stage)
    assert before is not None  # enrolment is not recorded through here
    if before not in reached:
        missing = next(s for s in STAGES if s not in reached)
        member = (
            f" --member {trainee.member.name}" if trainee.member.relation != Relation.HEAD else ""
        )
        raise RuleViolation(
            f"{who} has not {_REACHED[before][0].format(klass=klass)} yet; the stages go "
            "enrolled → completed → certified → employed, each after the one before",
            hint=f"kunnan training {_COMMAND[missing]} {klass} "
            f"{household_code(trainee.household.id)}{member}",
        )
    if on < reached[before]:
        raise RuleViolation(
            f"{who} {_REACHED[before][1].format(klass=klass)} on {reached[before].isoformat()}; "
            f"the next stage cannot be dated {on.isoformat()}, before that"
        )
    if stage is TrainingStage.COMPLETED and on < trainee.klass.starts_on:
        raise RuleViolation(
            f"class {klass} starts on {trainee.klass.starts_on.isoformat()}; "
            f"it cannot be completed on {on.isoformat()}"
        )


def _progress(
    session: Session,
    trainee: Trainee,
    stage: TrainingStage,
    on: dt.date,
    *,
    certificate_no: str | None = None,
    placement: JobPlacement | None = None,
) -> TrainingProgress:
    row = TrainingProgress(
        enrolment_id=trainee.enrolment.id,
        stage=stage.value,
        on_date=on,
        certificate_no=certificate_no,
        placement_id=placement.id if placement is not None else None,
        recorded_at=audit.context(session).at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="training_progress",
        entity_ref=class_code(trainee.klass.id),
        household_id=trainee.household.id,
        changes={
            "member": trainee.member.name,
            "stage": stage.value,
            "on_date": on,
            "certificate_no": certificate_no,
        },
    )
    return row


def complete(session: Session, *, data: StageCreate) -> TrainingProgress:
    """The trainee completed the class (结业)."""
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    _check_next(session, trainee, TrainingStage.COMPLETED, data.on_date)
    return _progress(session, trainee, TrainingStage.COMPLETED, data.on_date)


def certify(session: Session, *, data: StageCreate) -> TrainingProgress:
    """The trainee passed the skills appraisal and holds certificate ``certificate_no`` (鉴定)."""
    if data.certificate_no is None:
        raise InvalidInput("--certificate: is required (the skills certificate's number)")
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    _check_next(session, trainee, TrainingStage.CERTIFIED, data.on_date)
    return _progress(
        session,
        trainee,
        TrainingStage.CERTIFIED,
        data.on_date,
        certificate_no=data.certificate_no,
    )


def employ(session: Session, *, data: EmployCreate) -> tuple[TrainingProgress, JobPlacement]:
    """The certified trainee took a job (就业): a placement that becomes their work and income."""
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    _check_next(session, trainee, TrainingStage.EMPLOYED, data.on_date)
    placement = place_member(
        session,
        trainee.household,
        trainee.member,
        employer=data.employer,
        job=data.job or Trade(trainee.klass.trade).zh,
        monthly_wage_fen=data.monthly_wage_fen,
        channel=data.channel,
        on=data.on_date,
        enrolment=trainee.enrolment,
    )
    progress = _progress(
        session, trainee, TrainingStage.EMPLOYED, data.on_date, placement=placement
    )
    return progress, placement


# The funnel --------------------------------------------------------------------

#: What a funnel has one row per.
FUNNEL_BY = ("class", "trade", "year")


@dataclass(frozen=True)
class TrainingFilter:
    class_id: int | None = None
    trade: Trade | None = None
    year: int | None = None


@dataclass(frozen=True)
class FunnelRow:
    """How many trainees reached each stage, for a class, a trade or a year."""

    code: str | None
    name: str | None
    trade: str | None
    year: int | None
    org: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    capacity: int | None
    classes: int
    enrolled: int
    completed: int
    certified: int
    employed: int


def _stage_flags() -> Any:
    """Per enrolment: 1 for each stage reached after enrolment (one row per enrolment)."""
    return (
        select(
            TrainingProgress.enrolment_id.label("enrolment_id"),
            *(
                func.max(case((TrainingProgress.stage == stage.value, 1), else_=0)).label(
                    stage.value
                )
                for stage in (
                    TrainingStage.COMPLETED,
                    TrainingStage.CERTIFIED,
                    TrainingStage.EMPLOYED,
                )
            ),
        )
        .group_by(TrainingProgress.enrolment_id)
        .subquery()
    )


def _filtered(query: Select[*tuple[Any, ...]], where: TrainingFilter) -> Select[*tuple[Any, ...]]:
    if where.class_id is not None:
        query = query.where(TrainingClass.id == where.class_id)
    if where.trade is not None:
        query = query.where(TrainingClass.trade == where.trade.value)
    if where.year is not None:
        query = query.where(TrainingClass.year == where.year)
    return query


def funnel(
    session: Session, *, by: str, where: TrainingFilter
) -> tuple[list[FunnelRow], FunnelRow]:
    """enrolled → completed → certified → employed, per class, trade or year, and in all (SQL)."""
    if by not in FUNNEL_BY:
        raise InvalidInput(f"--by must be {', '.join(FUNNEL_BY)}, not '{by}'")
    flags = _stage_flags()
    counts = (
        func.count(func.distinct(TrainingClass.id)),
        func.count(TrainingEnrolment.id),
        *(func.coalesce(func.sum(flags.c[s]), 0) for s in ("completed", "certified", "employed")),
    )
    keys: tuple[Any, ...]
    if by == "class":
        keys = (
            TrainingClass.id.label("id"),
            TrainingClass.name.label("name"),
            TrainingClass.trade.label("trade"),
            TrainingClass.year.label("year"),
            Org.name.label("org"),
            TrainingClass.starts_on.label("starts_on"),
            TrainingClass.ends_on.label("ends_on"),
            TrainingClass.capacity.label("capacity"),
        )
        order: tuple[Any, ...] = (TrainingClass.starts_on, TrainingClass.id)
    elif by == "trade":
        keys = (TrainingClass.trade.label("trade"),)
        order = (TrainingClass.trade,)
    else:
        keys = (TrainingClass.year.label("year"),)
        order = (TrainingClass.year,)

    def base(*columns: Any) -> Select[*tuple[Any, ...]]:
        query = (
            select(*columns)
            .select_from(TrainingClass)
            .outerjoin(Org, Org.id == TrainingClass.org_id)
            .outerjoin(TrainingEnrolment, TrainingEnrolment.class_id == TrainingClass.id)
            .outerjoin(flags, flags.c.enrolment_id == TrainingEnrolment.id)
        )
        return _filtered(query, where)

    grouped = base(*keys, *counts).group_by(*(k.element for k in keys)).order_by(*order)
    rows = []
    for row in session.execute(grouped):
        values = dict(zip((k.key for k in keys), row[: len(keys)], strict=True))
        numbers = [int(n) for n in row[len(keys) :]]
        rows.append(
            FunnelRow(
                code=class_code(values["id"]) if "id" in values else None,
                name=values.get("name"),
                trade=values.get("trade"),
                year=values.get("year"),
                org=values.get("org"),
                starts_on=values.get("starts_on"),
                ends_on=values.get("ends_on"),
                capacity=values.get("capacity"),
                classes=numbers[0],
                enrolled=numbers[1],
                completed=numbers[2],
                certified=numbers[3],
                employed=numbers[4],
            )
        )
    total = [int(n) for n in session.execute(base(*counts)).one()]
    overall = FunnelRow(
        code=None, name=None, trade=None, year=None, org=None, starts_on=None, ends_on=None,
        capacity=None, classes=total[0], enrolled=total[1], completed=total[2],
        certified=total[3], employed=total[4],
    )  # fmt: skip
    return rows, overall


@dataclass(frozen=True)
class TraineeRow:
    """One trainee of a class and how far they got."""

    household: str
    head_name: str
    member: str
    household_status: str
    stage: str
    enrolled_on: dt.date
    completed_on: dt.date | None
    certified_on: dt.date | None
    certificate_no: str | None
    employed_on: dt.date | None
    employer: str | None
    monthly_wage_fen: int | None


def trainees(session: Session, found: TrainingClass) -> list[TraineeRow]:
    """Every trainee of a class, in the order they enrolled."""
    head = aliased(Member)
    done = {
        stage: aliased(TrainingProgress)
        for stage in (TrainingStage.COMPLETED, TrainingStage.CERTIFIED, TrainingStage.EMPLOYED)
    }
    query = (
        select(
            TrainingEnrolment.household_id,
            head.name,
            Member.name,
            TrainingEnrolment.household_status,
            TrainingEnrolment.enrolled_on,
            done[TrainingStage.COMPLETED].on_date,
            done[TrainingStage.CERTIFIED].on_date,
            done[TrainingStage.CERTIFIED].certificate_no,
            done[TrainingStage.EMPLOYED].on_date,
            JobPlacement.employer,
            JobPlacement.monthly_wage_fen,
        )
        .join(Member, Member.id == TrainingEnrolment.member_id)
        .join(
            head,
            (head.household_id == TrainingEnrolment.household_id)
            & (head.relation == Relation.HEAD.value),
        )
    )
    for stage, alias in done.items():
        query = query.outerjoin(
            alias, (alias.enrolment_id == TrainingEnrolment.id) & (alias.stage == stage.value)
        )
    query = (
        query.outerjoin(JobPlacement, JobPlacement.id == done[TrainingStage.EMPLOYED].placement_id)
        .where(TrainingEnrolment.class_id == found.id)
        .order_by(TrainingEnrolment.enrolled_on, TrainingEnrolment.id)
    )
    rows = []
    for (
        hid,
        head_name,
        name,
        status,
        enrolled,
        completed,
        certified,
        cert,
        employed,
        employer,
        wage,
    ) in session.execute(query):
        stage = (
            TrainingStage.EMPLOYED
            if employed
            else TrainingStage.CERTIFIED
            if certified
            else TrainingStage.COMPLETED
            if completed
            else TrainingStage.ENROLLED
        )
        rows.append(
            TraineeRow(
                household=household_code(hid),
                head_name=head_name,
                member=name,
                household_status=status,
                stage=stage.value,
                enrolled_on=enrolled,
                completed_on=completed,
                certified_on=certified,
                certificate_no=cert,
                employed_on=employed,
                employer=employer,
                monthly_wage_fen=wage,
            )
        )
    return rows
