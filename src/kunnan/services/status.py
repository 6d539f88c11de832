"""A household's status over time: every change is kept, so reports can read any past day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from kunnan.domain.enums import Category, HouseholdStatus
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
    """Set the household's status (and category, when given) from ``on``, keeping the history."""
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
