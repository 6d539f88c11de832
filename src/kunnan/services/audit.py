"""Reading the audit log (``kunnan audit``).

Rows are masked again when read (``store.audit.jsonable``), so rows written under an older,
wider mask show no more than the mask of today.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.models import AuditEntry
from kunnan.store.audit import jsonable


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    operator: str
    command: str
    action: str
    entity: str
    entity_ref: str | None
    household_id: int | None
    changes: dict[str, Any]


def list_entries(
    session: Session,
    *,
    operator: str | None = None,
    household_id: int | None = None,
    command: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
) -> Sequence[AuditRow]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if operator:
        query = query.where(AuditEntry.operator == operator)
    if household_id is not None:
        query = query.where(AuditEntry.household_id == household_id)
    if command:
        query = query.where(AuditEntry.command.contains(command, autoescape=True))
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        start = dt.datetime.combine(since, dt.time()).astimezone()  # the operator's local day
        query = query.where(AuditEntry.at >= start)
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time()).astimezone()
        query = query.where(AuditEntry.at < end)
    if limit:
        query = query.limit(limit)
    today = dt.date.today()
    return [
        AuditRow(
            id=entry.id,
            at=entry.at,
            operator=entry.operator,
            command=entry.command,
            action=entry.action,
            entity=entry.entity,
            entity_ref=entry.entity_ref,
            household_id=entry.household_id,
            changes=jsonable("", json.loads(entry.changes), today=today),
        )
        for entry in session.scalars(query)
    ]
