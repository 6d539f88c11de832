"""A household's status over time: every change is kept, so reports can read any past day."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code
from kunnan.domain.enums import Category, HouseholdStatus
from kunnan.domain.errors import RuleViolation
from kunnan.models import Household, StatusChange
from kunnan.services import audit


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
    so the latest change on or before any day is the status that day.
    """
    latest = session.scalar(
        select(func.max(StatusChange.changed_on)).where(StatusChange.household_id == household.id)
    )
    if latest is not None and on < latest:
        raise RuleViolation(
            f"{household_code(household.id)} changed status on {latest.isoformat()}; "
            f"a change dated {on.isoformat()} would go back in time"
        )
    household.status = status.value
    if category is not None:
        household.category = category.value
    household.updated_at = audit.context(session).at
    session.add(
        StatusChange(
            household_id=household.id,
            changed_on=on,
            status=status.value,
            category=household.category,
            reason=reason[:200],
            recorded_at=audit.context(session).at,
        )
    )


def statuses_on(day: dt.date) -> Select[int, str, str | None]:
    """Each household's status and category on ``day``: (household_id, status, category),
    from its latest status change on or before the day.

    History only moves forward (``change_status``), so the latest change is the one with the
    highest id; every report and coverage read a day's status through this one query.
    """
    latest = (
        select(StatusChange.household_id, func.max(StatusChange.id).label("change_id"))
        .where(StatusChange.changed_on <= day)
        .group_by(StatusChange.household_id)
        .subquery()
    )
    return select(
        StatusChange.household_id.label("household_id"),
        StatusChange.status.label("status"),
        StatusChange.category.label("category"),
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
        )
        .order_by(StatusChange.id.desc())
        .limit(1)
    )
