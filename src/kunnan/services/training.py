"""技能培训: skills classes and the 培训-鉴定-就业 one-stop, enrolment to employment.

A class has a trade, dates and (optionally) a number of places. Any
registered household's member may be enrolled — classes are open — but a
household that is not archived on the day only with an explicit flag, and
the enrolment keeps the household's status of that day. Each later stage
(completed, certified, employed) is a row of its own, recorded only after
the stage before and never dated before it; employment is also a job
placement, so it changes the member's work and income. The rules are
``kunnan.domain.training``'s.

One path records enrolments and stages, for one trainee at the command line
and for whole cohorts at once (the demo's year of classes): ``train_many``
gathers what the rules need for the batch in a few queries, judges each
trainee and writes with bulk inserts; ``enrol``, ``complete`` and ``certify``
are batches of one through it.

The funnel counts, per class, trade or year, how many trainees reached each
stage. A class counts toward the year it starts, and so do its trainees and
whatever they go on to reach.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, Table, case, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.aid import receipt_refusal
from kunnan.domain.codes import class_code, household_code
from kunnan.domain.dates import DateError, not_in_future
from kunnan.domain.enums import HouseholdStatus, Relation, Trade, TrainingStage
from kunnan.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from kunnan.domain.members import MemberDates, absence_refusal
from kunnan.domain.status import status_on
from kunnan.domain.training import (
    ClassFacts,
    TraineeFacts,
    check_certificate,
    check_enrolment,
    check_stage,
)
from kunnan.i18n import _
from kunnan.models import (
    AuditEntry,
    Household,
    HouseholdExit,
    JobPlacement,
    Member,
    Org,
    StatusChange,
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
from kunnan.services.aid.placement import member_or_head, place_member
from kunnan.store import audit
from kunnan.store.households import resolve_household, resolve_households
from kunnan.store.orgs import find_org

_CODE = re.compile(r"[Cc]([0-9０-９]{1,12})")


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
        raise NotFound(
            _("no training class '{text}'", text=text), hint=_("kunnan training list shows them")
        )
    return found


def add_class(session: Session, *, data: TrainingClassCreate) -> TrainingClass:
    if session.scalars(select(TrainingClass).where(TrainingClass.name == data.name)).first():
        raise Conflict(_("a training class named '{name}' already exists", name=data.name))
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


# Enrolment, completion and certification: one path for one trainee and for cohorts ------------


@dataclass(frozen=True)
class TraineePlan:
    """One member's way through a class: the enrolment (``enrolled_on``; None when the member
    is enrolled already) and the stages reached after it (None: not yet)."""

    class_id: int
    household_id: int
    member_id: int
    enrolled_on: dt.date | None
    not_archived: bool = False
    completed_on: dt.date | None = None
    certified_on: dt.date | None = None
    certificate_no: str | None = None


def enrol(session: Session, *, data: EnrolmentCreate) -> TrainingEnrolment:
    """Enrol a member (default: the head worker) in a class with a place left."""
    household = resolve_household(session, data.household, lock=True)
    found = resolve_class(session, data.training_class)
    member = member_or_head(household, data.member)
    plan = TraineePlan(found.id, household.id, member.id, data.on_date, data.not_archived)
    [enrolment_id] = train_many(session, [plan])
    enrolment = session.get(TrainingEnrolment, enrolment_id)
    assert enrolment is not None
    return enrolment


def complete(session: Session, *, data: StageCreate) -> TrainingProgress:
    """The trainee completed the class (结业)."""
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    train_many(session, [trainee.plan(completed_on=data.on_date)])
    return _progress_of(session, trainee.enrolment, TrainingStage.COMPLETED)


def certify(session: Session, *, data: StageCreate) -> TrainingProgress:
    """The trainee passed the skills appraisal and holds certificate ``certificate_no`` (鉴定)."""
    number = check_certificate(data.certificate_no)
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    train_many(session, [trainee.plan(certified_on=data.on_date, certificate_no=number)])
    return _progress_of(session, trainee.enrolment, TrainingStage.CERTIFIED)


def train_many(session: Session, plans: Sequence[TraineePlan]) -> list[int]:
    """Record every plan, or none: any refusal refuses the batch. Returns the enrolment ids."""
    if not plans:
        return []
    session.flush()
    cohort = _Cohort(session, plans)
    for plan in plans:
        cohort.play(plan)
    return cohort.write()


@dataclass(frozen=True)
class _Member:
    household_id: int
    name: str
    is_head: bool
    dates: MemberDates


@dataclass(slots=True)
class _Enrolled:
    """A member's enrolment in a class: in the ledger (``id``) or a new row of the batch
    (``row``, its place), its date and the stages reached after it."""

    on: dt.date
    id: int | None = None
    row: int | None = None
    reached: dict[TrainingStage, dt.date] = field(default_factory=dict)


class _Cohort:
    """What the rules need for a batch of trainees, loaded in a few queries, and the rows the
    batch writes."""

    def __init__(self, session: Session, plans: Sequence[TraineePlan]) -> None:
        self.session = session
        self.today = audit.context(session).at.date()
        household_ids = sorted({p.household_id for p in plans})
        class_ids = sorted({p.class_id for p in plans})
        enrolling = sorted({p.household_id for p in plans if p.enrolled_on is not None})
        self.households: dict[int, tuple[dt.date, str]] = {
            household_id: (registered_on, status)
            for household_id, registered_on, status in session.execute(
                select(Household.id, Household.registered_on, Household.status).where(
                    Household.id.in_(household_ids)
                )
            )
        }
        self.members = {
            member_id: _Member(
                household_id,
                name,
                relation == Relation.HEAD.value,
                MemberDates(name, relation, joined_on, left_on),
            )
            for member_id, household_id, name, relation, joined_on, left_on in session.execute(
                select(
                    Member.id, Member.household_id, Member.name, Member.relation,
                    Member.joined_on, Member.left_on,
                ).where(Member.id.in_(sorted({p.member_id for p in plans})))
            )
        }  # fmt: skip
        query = select(TrainingClass).where(TrainingClass.id.in_(class_ids))
        if enrolling:
            # Two enrolments into a class's last place queue on its row (PostgreSQL).
            query = query.with_for_update().execution_options(populate_existing=True)
        self.classes = {c.id: c for c in session.scalars(query)}
        self.history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
        self.exits: dict[int, tuple[dt.date, str]] = {}
        if enrolling:
            for household_id, changed_on, status in session.execute(
                select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
                .where(StatusChange.household_id.in_(enrolling), StatusChange.void_id.is_(None))
                .order_by(StatusChange.id)
            ):
                self.history[household_id].append((changed_on, status))
            for household_id, exited_on, kind in session.execute(
                select(HouseholdExit.household_id, HouseholdExit.exited_on, HouseholdExit.kind)
                .where(HouseholdExit.household_id.in_(enrolling), HouseholdExit.void_id.is_(None))
                .order_by(HouseholdExit.exited_on, HouseholdExit.id)
            ):
                self.exits[household_id] = (exited_on, kind)
        self.taken: Counter[int] = Counter()
        #: Each member's enrolment in each class, by (class, member).
        self.enrolled: dict[tuple[int, int], _Enrolled] = {}
        for enrolment_id, class_id, member_id, on in session.execute(
            select(
                TrainingEnrolment.id,
                TrainingEnrolment.class_id,
                TrainingEnrolment.member_id,
                TrainingEnrolment.enrolled_on,
            ).where(TrainingEnrolment.class_id.in_(class_ids))
        ):
            self.taken[class_id] += 1
            self.enrolled[(class_id, member_id)] = _Enrolled(on, id=enrolment_id)
        going_on = {
            found.id: found
            for p in plans
            if p.enrolled_on is None
            and (found := self.enrolled.get((p.class_id, p.member_id))) is not None
        }
        if going_on:
            for enrolment_id, stage, on in session.execute(
                select(
                    TrainingProgress.enrolment_id, TrainingProgress.stage, TrainingProgress.on_date
                ).where(
                    TrainingProgress.enrolment_id.in_(list(going_on)),
                    TrainingProgress.void_id.is_(None),
                )
            ):
                going_on[enrolment_id].reached[TrainingStage(stage)] = on
        self.enrolments: list[dict[str, Any]] = []
        #: Progress rows, each with the enrolment it belongs to (whose id may come later).
        self.progress: list[tuple[_Enrolled, dict[str, Any]]] = []
        self.audits: list[dict[str, Any]] = []
        #: The enrolment each plan is about, plan by plan.
        self.planned: list[_Enrolled] = []

    def play(self, plan: TraineePlan) -> None:
        """Judge one trainee's plan and record it (nothing is written until ``write``)."""
        klass = self.classes.get(plan.class_id)
        if klass is None:
            raise _lookup_error(resolve_class, self.session, class_code(plan.class_id))
        code = household_code(plan.household_id)
        household = self.households.get(plan.household_id)
        if household is None:
            error = resolve_households(self.session, [code])[code]
            assert not isinstance(error, int)
            raise error
        member = self.members.get(plan.member_id)
        if member is None or member.household_id != plan.household_id:
            raise NotFound(_("{code} has no member {id}", code=code, id=plan.member_id))
        facts = _class_facts(klass)
        trainee = TraineeFacts(code, member.name, member.is_head)
        if plan.enrolled_on is not None:
            away = absence_refusal(member.dates, plan.enrolled_on, what=_("a training place"))
            if away is not None:
                raise RuleViolation(away)
            enrolled = self._enrol(plan, facts, trainee, household)
        else:
            found = self.enrolled.get((klass.id, plan.member_id))
            if found is None:
                raise _not_enrolled(trainee, facts.code)
            enrolled = found
        self.planned.append(enrolled)
        if plan.completed_on is not None:
            self._stage(enrolled, plan, facts, trainee, TrainingStage.COMPLETED)
        if plan.certified_on is not None:
            self._stage(enrolled, plan, facts, trainee, TrainingStage.CERTIFIED)

    def _enrol(
        self,
        plan: TraineePlan,
        klass: ClassFacts,
        trainee: TraineeFacts,
        household: tuple[dt.date, str],
    ) -> _Enrolled:
        on = plan.enrolled_on
        assert on is not None
        self._not_future(on)
        registered_on, status = household
        standing = status_on(self.history[plan.household_id], on) or HouseholdStatus(status)
        refusal = receipt_refusal(
            trainee.household,
            on,
            what=_("an enrolment"),
            registered_on=registered_on,
            status=standing,
            left=self.exits.get(plan.household_id),
        )
        if refusal is not None:
            raise RuleViolation(refusal)
        key = (plan.class_id, plan.member_id)
        earlier = self.enrolled.get(key)
        check_enrolment(
            klass,
            trainee,
            on=on,
            standing=standing,
            not_archived=plan.not_archived,
            enrolled_since=earlier.on if earlier is not None else None,
            taken=self.taken[plan.class_id],
        )
        self.taken[plan.class_id] += 1
        enrolled = self.enrolled[key] = _Enrolled(on, row=len(self.enrolments))
        self.enrolments.append(
            {
                "class_id": plan.class_id,
                "household_id": plan.household_id,
                "member_id": plan.member_id,
                "enrolled_on": on,
                "household_status": standing.value,
                "recorded_at": audit.context(self.session).at,
            }
        )
        self.audits.append(
            audit.row(
                self.session,
                action="create",
                entity="training_enrolment",
                entity_ref=klass.code,
                household_id=plan.household_id,
                changes={
                    "class": klass.code,
                    "member": trainee.member,
                    "on_date": on,
                    "household_status": standing.value,
                },
            )
        )
        return enrolled

    def _stage(
        self,
        enrolled: _Enrolled,
        plan: TraineePlan,
        klass: ClassFacts,
        trainee: TraineeFacts,
        stage: TrainingStage,
    ) -> None:
        certificate = None
        if stage is TrainingStage.CERTIFIED:
            certificate = check_certificate(plan.certificate_no)
            on = plan.certified_on
        else:
            on = plan.completed_on
        assert on is not None
        self._not_future(on)
        check_stage(
            klass, trainee, {TrainingStage.ENROLLED: enrolled.on, **enrolled.reached}, stage, on
        )
        enrolled.reached[stage] = on
        row, entry = progress_rows(
            self.session,
            class_id=plan.class_id,
            household_id=plan.household_id,
            member=trainee.member,
            stage=stage,
            on=on,
            certificate_no=certificate,
        )
        self.progress.append((enrolled, row))
        self.audits.append(entry)

    def _not_future(self, on: dt.date) -> None:
        try:
            not_in_future(on, today=self.today)
        except DateError as error:
            raise InvalidInput(_("--on: {error}", error=error)) from None

    def write(self) -> list[int]:
        """Insert every row the batch produced; the enrolment ids, plan by plan."""
        connection = self.session.connection()
        new_ids = insert_returning_ids(connection, _table(TrainingEnrolment), self.enrolments)
        for enrolled in self.enrolled.values():
            if enrolled.row is not None:
                enrolled.id = new_ids[enrolled.row]
        insert_rows(
            connection,
            _table(TrainingProgress),
            [{**row, "enrolment_id": enrolled.id} for enrolled, row in self.progress],
        )
        insert_rows(connection, _table(AuditEntry), self.audits)
        self.session.expire_all()
        return [cast(int, enrolled.id) for enrolled in self.planned]


def progress_rows(
    session: Session,
    *,
    class_id: int,
    household_id: int,
    member: str,
    stage: TrainingStage,
    on: dt.date,
    certificate_no: str | None = None,
    placement_id: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A stage reached after enrolment: its row (without its enrolment's id) and its audit row."""
    row = {
        "stage": stage.value,
        "on_date": on,
        "certificate_no": certificate_no,
        "placement_id": placement_id,
        "recorded_at": audit.context(session).at,
    }
    entry = audit.row(
        session,
        action="create",
        entity="training_progress",
        entity_ref=class_code(class_id),
        household_id=household_id,
        changes={
            "member": member,
            "stage": stage.value,
            "on_date": on,
            "certificate_no": certificate_no,
        },
    )
    return row, entry


def _class_facts(klass: TrainingClass) -> ClassFacts:
    return ClassFacts(
        class_code(klass.id), klass.name, klass.starts_on, klass.ends_on, klass.capacity
    )


def _lookup_error(find: Any, session: Session, ref: str) -> Exception:
    """The error ``find`` gives for ``ref``: the one wording of a missing record."""
    try:
        find(session, ref)
    except NotFound as error:
        return error
    raise AssertionError(f"{ref} was found after all")


def _not_enrolled(trainee: TraineeFacts, klass: str) -> NotFound:
    return NotFound(
        _("{who} is not enrolled in class {klass}", who=trainee.who, klass=klass),
        hint=_(
            "kunnan training enroll {klass} {household}", klass=klass, household=trainee.household
        ),
    )


def _progress_of(
    session: Session, enrolment: TrainingEnrolment, stage: TrainingStage
) -> TrainingProgress:
    return session.scalars(
        select(TrainingProgress).where(
            TrainingProgress.enrolment_id == enrolment.id,
            TrainingProgress.stage == stage.value,
            TrainingProgress.void_id.is_(None),
        )
    ).one()


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# Employment: the last stage, a job placement too -------------------------------------------------


@dataclass(frozen=True)
class Trainee:
    klass: TrainingClass
    household: Household
    member: Member
    enrolment: TrainingEnrolment

    def plan(
        self,
        *,
        completed_on: dt.date | None = None,
        certified_on: dt.date | None = None,
        certificate_no: str | None = None,
    ) -> TraineePlan:
        """This trainee's later stages, as a plan for ``train_many``."""
        return TraineePlan(
            self.klass.id,
            self.household.id,
            self.member.id,
            None,
            completed_on=completed_on,
            certified_on=certified_on,
            certificate_no=certificate_no,
        )


def _trainee_facts(household: Household, member: Member) -> TraineeFacts:
    return TraineeFacts(
        household_code(household.id), member.name, member.relation == Relation.HEAD.value
    )


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
        raise _not_enrolled(_trainee_facts(target, person), class_code(found.id))
    return Trainee(klass=found, household=target, member=person, enrolment=enrolment)


def stages_reached(session: Session, enrolment: TrainingEnrolment) -> dict[TrainingStage, dt.date]:
    """Each stage the trainee reached and its date, enrolment included."""
    reached = {TrainingStage.ENROLLED: enrolment.enrolled_on}
    for stage, on in session.execute(
        select(TrainingProgress.stage, TrainingProgress.on_date).where(
            TrainingProgress.enrolment_id == enrolment.id, TrainingProgress.void_id.is_(None)
        )
    ):
        reached[TrainingStage(stage)] = on
    return reached


def employ(session: Session, *, data: EmployCreate) -> tuple[TrainingProgress, JobPlacement]:
    """The certified trainee took a job (就业): a placement that becomes their work and income."""
    trainee = find_trainee(
        session, training_class=data.training_class, household=data.household, member=data.member
    )
    facts = _trainee_facts(trainee.household, trainee.member)
    reached = stages_reached(session, trainee.enrolment)
    check_stage(_class_facts(trainee.klass), facts, reached, TrainingStage.EMPLOYED, data.on_date)
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
    row, entry = progress_rows(
        session,
        class_id=trainee.klass.id,
        household_id=trainee.household.id,
        member=facts.member,
        stage=TrainingStage.EMPLOYED,
        on=data.on_date,
        placement_id=placement.id,
    )
    progress = TrainingProgress(**row, enrolment_id=trainee.enrolment.id)
    session.add(progress)
    session.add(AuditEntry(**entry))
    session.flush()
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


#: The stages a trainee reaches after enrolment, in order, as the funnel counts them.
FUNNEL_STAGES = (TrainingStage.COMPLETED, TrainingStage.CERTIFIED, TrainingStage.EMPLOYED)


def stage_flags(as_of: dt.date | None = None) -> Any:
    """Per enrolment: 1 for each stage reached after enrolment (by ``as_of``, when given),
    one row per enrolment: the funnel and the training report count the same way."""
    query = select(
        TrainingProgress.enrolment_id.label("enrolment_id"),
        *(
            func.max(case((TrainingProgress.stage == stage.value, 1), else_=0)).label(stage.value)
            for stage in FUNNEL_STAGES
        ),
    ).where(TrainingProgress.void_id.is_(None))
    if as_of is not None:
        query = query.where(TrainingProgress.on_date <= as_of)
    return query.group_by(TrainingProgress.enrolment_id).subquery()


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
        raise InvalidInput(
            _("--by must be {choices}, not '{by}'", choices=", ".join(FUNNEL_BY), by=by)
        )
    flags = stage_flags()
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
            alias,
            (alias.enrolment_id == TrainingEnrolment.id)
            & (alias.stage == stage.value)
            & alias.void_id.is_(None),
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
