"""Writing and reading the audit log.

Every mutation calls ``record`` in the same transaction as the change, so a
change and its audit row land together or not at all. ID numbers and phone
numbers are stored masked: the audit says that a number changed, the
register holds the number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.db.session import AUDIT_KEY
from kunnan.domain.audit import AuditContext
from kunnan.domain.masking import mask_id_number, mask_phone
from kunnan.models import AuditEntry

_MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


def context(session: Session) -> AuditContext:
    found = session.info.get(AUDIT_KEY)
    if not isinstance(found, AuditContext):
        raise RuntimeError("the session carries no audit context")
    return found


def _jsonable(key: str, value: Any) -> Any:
    """A JSON value for the audit row, with ID numbers and phones masked at any depth."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(key, part) for part in value]
    text = str(value)
    masker = _MASKERS.get(key)
    return masker(text) if masker else text


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_ref: str | None,
    household_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Add one audit row. ``changes`` maps a field to its value, or to (old, new) for updates."""
    ctx = context(session)
    payload = _jsonable("", changes or {})
    session.add(
        AuditEntry(
            at=ctx.at,
            operator=ctx.operator,
            command=ctx.command,
            action=action,
            entity=entity,
            entity_ref=entity_ref,
            household_id=household_id,
            changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        )
    )


def row(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_ref: str | None,
    household_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of one audit row, for bulk paths that insert many at once (see ``record``)."""
    ctx = context(session)
    return {
        "at": ctx.at,
        "operator": ctx.operator,
        "command": ctx.command,
        "action": action,
        "entity": entity,
        "entity_ref": entity_ref,
        "household_id": household_id,
        "changes": json.dumps(_jsonable("", changes or {}), ensure_ascii=False, sort_keys=True),
    }


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as {field: (old, new)}."""
    return {
        key: (before.get(key), value) for key, value in after.items() if before.get(key) != value
    }


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
            changes=json.loads(entry.changes),
        )
        for entry in session.scalars(query)
    ]
