"""Whole cohorts of trainees at once: enrolment, completion and certification in bulk.

``train_many`` records, for each trainee, what `kunnan training enroll`,
`training complete` and `training certify` would record one by one: the same
rules (the household registered and not exited on the day, archived unless
enrolled as a non-archived trainee, the class not over, one enrolment per
member and class, the class's places, each stage after the one before and
not dated before it, completion not before the class starts, a certificate
number for certification) and the same rows (enrolments, progress, audit).
It loads what the rules need in a few queries and writes with bulk inserts,
so a year of classes (the demo's 3,647 trainees) takes a second. Employment
stays with ``training.employ``: each job is also a placement that changes the
member's work and income. A test plays the same cohort through both paths and
compares every row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import class_code, household_code
from kunnan.domain.enums import HouseholdStatus, TrainingStage
from kunnan.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from kunnan.models import (
    AuditEntry,
    Household,
    HouseholdExit,
    Member,
    StatusChange,
    TrainingClass,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.services import audit


@dataclass(frozen=True)
class TraineePlan:
    """One member's enrolment in a class and the stages reached after it (None: not yet)."""

    class_id: int
    household_id: int
    member_id: int
    enrolled_on: dt.date
    not_archived: bool = False
    completed_on: dt.date | None = None
    certified_on: dt.date | None = None
    certificate_no: str | None = None


@dataclass(frozen=True)
class _Member:
    household_id: int
    name: str


@dataclass
class _State:
    """What the rules need, loaded in a few queries."""

    registered: dict[int, dt.date]
    members: dict[int, _Member]
    classes: dict[int, TrainingClass]
    history: dict[int, list[tuple[dt.date, str]]]
    exits: dict[int, tuple[dt.date, str]]
    taken: Counter[int]
    enrolled: dict[tuple[int, int], dt.date]

    @classmethod
    def load(cls, session: Session, plans: Sequence[TraineePlan]) -> _State:
        household_ids = sorted({p.household_id for p in plans})
        class_ids = sorted({p.class_id for p in plans})
        registered = dict(
            session.execute(
                select(Household.id, Household.registered_on).where(Household.id.in_(household_ids))
            ).all()
        )
        members = {
            member_id: _Member(household_id, name)
            for member_id, household_id, name in session.execute(
                select(Member.id, Member.household_id, Member.name).where(
                    Member.id.in_(sorted({p.member_id for p in plans}))
                )
            )
        }
        classes = {
            c.id: c
            for c in session.scalars(
                select(TrainingClass).where(TrainingClass.id.in_(class_ids)).with_for_update()
            )
        }
        history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
        for household_id, changed_on, status in session.execute(
            select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
            .where(StatusChange.household_id.in_(household_ids))
            .order_by(StatusChange.id)
        ):
            history[household_id].append((changed_on, status))
        exits = {
            household_id: (exited_on, kind)
            for household_id, exited_on, kind in session.execute(
                select(HouseholdExit.household_id, HouseholdExit.exited_on, HouseholdExit.kind)
                .where(HouseholdExit.household_id.in_(household_ids))
                .order_by(HouseholdExit.exited_on, HouseholdExit.id)
            )
        }
        taken = Counter(
            dict(
                session.execute(
                    select(TrainingEnrolment.class_id, func.count(TrainingEnrolment.id))
                    .where(TrainingEnrolment.class_id.in_(class_ids))
                    .group_by(TrainingEnrolment.class_id)
                ).all()
            )
        )
        enrolled = {
            (class_id, member_id): on
            for class_id, member_id, on in session.execute(
                select(
                    TrainingEnrolment.class_id,
                    TrainingEnrolment.member_id,
                    TrainingEnrolment.enrolled_on,
                ).where(TrainingEnrolment.class_id.in_(class_ids))
            )
        }
        return cls(registered, members, classes, history, exits, taken, enrolled)


def train_many(session: Session, plans: Sequence[TraineePlan]) -> list[int]:
    """Record every plan, or none: any refusal refuses the batch. Returns the enrolment ids."""
    if not plans:
        return []
    session.flush()
    today = audit.context(session).at.date()
    state = _State.load(session, plans)
    registered, members, classes = state.registered, state.members, state.classes
    history, exits, taken, enrolled = state.history, state.exits, state.taken, state.enrolled
    enrolments: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    at = audit.context(session).at
    for plan in plans:
        klass = classes.get(plan.class_id)
        if klass is None:
            raise NotFound(f"no training class '{class_code(plan.class_id)}'")
        member = members.get(plan.member_id)
        code = household_code(plan.household_id)
        if plan.household_id not in registered:
            raise NotFound(f"no household {code}")
        if member is None or member.household_id != plan.household_id:
            raise NotFound(f"{code} has no member {plan.member_id}")
        standing = _standing(plan, registered[plan.household_id], history, exits, today)
        ref = class_code(klass.id)
        if plan.enrolled_on > klass.ends_on:
            raise RuleViolation(
                f"class {ref} ended on {klass.ends_on.isoformat()}; "
                f"an enrolment dated {plan.enrolled_on.isoformat()} is after it"
            )
        earlier = enrolled.get((klass.id, plan.member_id))
        if earlier is not None:
            raise Conflict(
                f"{member.name} of {code} is already enrolled in class {ref} "
                f"(since {earlier.isoformat()})"
            )
        enrolled[(klass.id, plan.member_id)] = plan.enrolled_on
        taken[klass.id] += 1
        if klass.capacity is not None and taken[klass.id] > klass.capacity:
            raise RuleViolation(
                f"class {ref} ({klass.name}) is full: all {klass.capacity} places are taken"
            )
        _check_stages(plan, klass, member.name, code, today)
        enrolments.append(
            {
                "class_id": klass.id,
                "household_id": plan.household_id,
                "member_id": plan.member_id,
                "enrolled_on": plan.enrolled_on,
                "household_status": standing.value,
                "recorded_at": at,
            }
        )
        audits.append(
            audit.row(
                session,
                action="create",
                entity="training_enrolment",
                entity_ref=ref,
                household_id=plan.household_id,
                changes={
                    "class": ref,
                    "member": member.name,
                    "on_date": plan.enrolled_on,
                    "household_status": standing.value,
                },
            )
        )
    connection = session.connection()
    ids = insert_returning_ids(connection, _table(TrainingEnrolment), enrolments)
    progress: list[dict[str, Any]] = []
    for stage in (TrainingStage.COMPLETED, TrainingStage.CERTIFIED):
        for plan, enrolment_id in zip(plans, ids, strict=True):
            on = plan.completed_on if stage is TrainingStage.COMPLETED else plan.certified_on
            if on is None:
                continue
            certificate = plan.certificate_no if stage is TrainingStage.CERTIFIED else None
            progress.append(
                {
                    "enrolment_id": enrolment_id,
                    "stage": stage.value,
                    "on_date": on,
                    "certificate_no": certificate,
                    "placement_id": None,
                    "recorded_at": at,
                }
            )
            audits.append(
                audit.row(
                    session,
                    action="create",
                    entity="training_progress",
                    entity_ref=class_code(plan.class_id),
                    household_id=plan.household_id,
                    changes={
                        "member": members[plan.member_id].name,
                        "stage": stage.value,
                        "on_date": on,
                        "certificate_no": certificate,
                    },
                )
            )
    insert_rows(connection, _table(TrainingProgress), progress)
    insert_rows(connection, _table(AuditEntry), audits)
    session.expire_all()
    return ids


def _standing(
    plan: TraineePlan,
    registered_on: dt.date,
    history: dict[int, list[tuple[dt.date, str]]],
    exits: dict[int, tuple[dt.date, str]],
    today: dt.date,
) -> HouseholdStatus:
    """The household's status on the day of enrolment, as ``aid.check_may_receive`` judges it."""
    code, on = household_code(plan.household_id), plan.enrolled_on
    if on > today:
        raise InvalidInput(f"--on: {on.isoformat()} is in the future")
    if on < registered_on:
        raise RuleViolation(
            f"{code} was registered on {registered_on.isoformat()}; "
            f"an enrolment dated {on.isoformat()} is before it"
        )
    statuses = [status for changed_on, status in history[plan.household_id] if changed_on <= on]
    standing = HouseholdStatus(statuses[-1]) if statuses else None
    if standing is None:
        raise RuleViolation(f"{code} has no status on {on.isoformat()}")
    if standing is HouseholdStatus.EXITED:
        left = exits.get(plan.household_id)
        when = f" on {left[0].isoformat()} ({left[1]})" if left else ""
        raise RuleViolation(
            f"{code} left the register{when}; exited households receive no new aid or services"
        )
    if standing is not HouseholdStatus.ARCHIVED and not plan.not_archived:
        raise RuleViolation(
            f"{code} is {standing.value} ({standing.zh}) on {on.isoformat()}, not archived; "
            "classes are open, but a trainee from a household that is not archived is "
            "enrolled only with --not-archived"
        )
    return standing


def _check_stages(
    plan: TraineePlan, klass: TrainingClass, name: str, code: str, today: dt.date
) -> None:
    who, ref = f"{name} of {code}", class_code(klass.id)
    if plan.completed_on is not None:
        if plan.completed_on > today:
            raise InvalidInput(f"--on: {plan.completed_on.isoformat()} is in the future")
        if plan.completed_on < plan.enrolled_on:
            raise RuleViolation(
                f"{who} was enrolled in class {ref} on {plan.enrolled_on.isoformat()}; the next "
                f"stage cannot be dated {plan.completed_on.isoformat()}, before that"
            )
        if plan.completed_on < klass.starts_on:
            raise RuleViolation(
                f"class {ref} starts on {klass.starts_on.isoformat()}; "
                f"it cannot be completed on {plan.completed_on.isoformat()}"
            )
    if plan.certified_on is None:
        return
    if plan.certificate_no is None:
        raise InvalidInput("--certificate: is required (the skills certificate's number)")
    if plan.completed_on is None:
        raise RuleViolation(
            f"{who} has not completed class {ref} yet; the stages go "
            "enrolled → completed → certified → employed, each after the one before"
        )
    if plan.certified_on > today:
        raise InvalidInput(f"--on: {plan.certified_on.isoformat()} is in the future")
    if plan.certified_on < plan.completed_on:
        raise RuleViolation(
            f"{who} completed class {ref} on {plan.completed_on.isoformat()}; the next stage "
            f"cannot be dated {plan.certified_on.isoformat()}, before that"
        )


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)
