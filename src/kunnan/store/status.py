"""A household's standing: its status over time (every change is kept, so reports can read any
past day), its latest exit, and whether it may receive aid or a service on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_rows
from kunnan.domain.aid import receipt_refusal
from kunnan.domain.codes import household_code
from kunnan.domain.enums import Category, Cause, HouseholdStatus
from kunnan.domain.errors import RuleViolation
from kunnan.domain.status import check_moves_forward
from kunnan.models import Household, HouseholdExit, StatusChange
from kunnan.store import audit


def change_status(
    session: Session,
    household: Household,
    *,
    status: HouseholdStatus,
    on: dt.date,
    reason: str,
    category: Category | None = None,
) -> None:
    """Set the household's status (and category, when given) from ``on``, keeping the history.

    History only moves forward: a change dated before the household's latest one is refused,
    so the latest change on or before any day is the status that day. A batch of one of
    ``change_many``.
    """
    change_many(session, [StatusPlan(household.id, status, on, reason, category)])


@dataclass(frozen=True)
class StatusPlan:
    """One household's change of status (and category, when given), for ``change_many``."""

    household_id: int
    status: HouseholdStatus
    on: dt.date
    reason: str
    category: Category | None = None
    #: The main cause from ``on`` (a yearly review may change it); None keeps the household's.
    main_cause: Cause | None = None


def change_many(session: Session, plans: Sequence[StatusPlan]) -> None:
    """Change many households' status at once, each judged as ``change_status`` judges one.

    Each household at most once. The latest change of every household is read in one
    query and the rows are written in bulk; the households' objects in the session are
    expired, so they read their new status.
    """
    if not plans:
        return
    session.flush()  # the households' pending changes, before their objects are expired
    ids = [plan.household_id for plan in plans]
    latest_change = (
        select(func.max(StatusChange.changed_on))
        .where(StatusChange.household_id == Household.id, StatusChange.void_id.is_(None))
        .scalar_subquery()
    )
    found = {
        household_id: (category, latest, cause)
        for household_id, category, latest, cause in session.execute(
            select(Household.id, Household.category, latest_change, Household.main_cause).where(
                Household.id.in_(ids)
            )
        )
    }
    for plan in plans:
        check_moves_forward(household_code(plan.household_id), found[plan.household_id][1], plan.on)
    at = audit.context(session).at
    rows = [
        change_row(
            session,
            plan.household_id,
            on=plan.on,
            status=plan.status,
            category=plan.category.value if plan.category else found[plan.household_id][0],
            main_cause=plan.main_cause.value if plan.main_cause else found[plan.household_id][2],
            reason=plan.reason,
        )
        for plan in plans
    ]
    connection = session.connection()
    insert_rows(connection, cast(Table, StatusChange.__table__), rows)
    households = cast(Table, Household.__table__)
    connection.execute(
        update(households)
        .where(households.c.id == bindparam("key_id"))
        .values(status=bindparam("new_status"), category=bindparam("new_category"),
                main_cause=bindparam("new_cause"), updated_at=at),
        [
            {"key_id": row["household_id"], "new_status": row["status"],
             "new_category": row["category"], "new_cause": row["main_cause"]}
            for row in rows
        ],
    )  # fmt: skip
    for household_id in ids:
        held = session.identity_map.get(session.identity_key(Household, household_id))
        if held is not None:
            session.expire(held)


def change_row(
    session: Session,
    household_id: int,
    *,
    on: dt.date,
    status: HouseholdStatus,
    category: str | None,
    main_cause: str | None,
    reason: str,
) -> dict[str, Any]:
    """The columns of one status change, for ``change_many`` and the paths that insert many
    at once (their caller has checked ``check_moves_forward``)."""
    return {
        "household_id": household_id,
        "changed_on": on,
        "status": status.value,
        "category": category,
        "main_cause": main_cause,
        "reason": reason[:200],
        "recorded_at": audit.context(session).at,
    }


def statuses_on(day: dt.date) -> Select[int, str, str | None, str | None]:
    """Each household's status, category and main cause on ``day``: (household_id, status,
    category, main_cause), from its latest status change on or before the day.

    History only moves forward (``change_status``), so the latest change is the one with the
    highest id; every report and coverage read a day's status through this one query.
    Voided changes (a voided exit's, a merged duplicate's) never stood.
    """
    latest = (
        select(StatusChange.household_id, func.max(StatusChange.id).label("change_id"))
        .where(StatusChange.changed_on <= day, StatusChange.void_id.is_(None))
        .group_by(StatusChange.household_id)
        .subquery()
    )
    return select(
        StatusChange.household_id.label("household_id"),
        StatusChange.status.label("status"),
        StatusChange.category.label("category"),
        StatusChange.main_cause.label("main_cause"),
    ).join(latest, latest.c.change_id == StatusChange.id)


def status_on(session: Session, household: Household, day: dt.date) -> HouseholdStatus | None:
    """The household's status on ``day`` (its latest change up to then), None before it was registered."""
    status = session.scalar(_status_query(), {"household_id": household.id, "day": day})
    return HouseholdStatus(status) if status is not None else None


@cache
def _status_query() -> Select[str]:
    """Built once: every grant and service asks it."""
    return (
        select(StatusChange.status)
        .where(
            StatusChange.household_id == bindparam("household_id"),
            StatusChange.changed_on <= bindparam("day"),
            StatusChange.void_id.is_(None),
        )
        .order_by(StatusChange.id.desc())
        .limit(1)
    )


def latest_exit(session: Session, household: Household) -> HouseholdExit | None:
    return session.scalars(
        select(HouseholdExit)
        .where(HouseholdExit.household_id == household.id, HouseholdExit.void_id.is_(None))
        .order_by(HouseholdExit.exited_on.desc(), HouseholdExit.id.desc())
        .limit(1)
    ).first()


def check_may_receive(
    session: Session, household: Household, on: dt.date, *, what: str
) -> HouseholdStatus:
    """The household's status on ``on``, refusing aid dated before it was registered or after it
    left the register (``domain.aid.receipt_refusal``). Grants, loans and every service follow
    this one rule."""
    standing = status_on(session, household, on) or HouseholdStatus(household.status)
    left = None
    if standing is HouseholdStatus.EXITED:
        latest = latest_exit(session, household)
        left = (latest.exited_on, latest.kind) if latest is not None else None
    refusal = receipt_refusal(
        household_code(household.id),
        on,
        what=what,
        registered_on=household.registered_on,
        status=standing,
        left=left,
    )
    if refusal is not None:
        raise RuleViolation(refusal)
    return standing
