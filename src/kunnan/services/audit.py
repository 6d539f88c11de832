"""Writing and reading the audit log.

Every mutation calls ``record`` in the same transaction as the change, so a
change and its audit row land together or not at all. ID numbers and phone
numbers are stored masked, and birth dates as their year: the audit says
that a number changed, the register holds the number. Rows are masked again
when read, so rows written under an older, wider mask show no more than the
mask of today.
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
from kunnan.domain.masking import mask_birth_date, mask_id_number, mask_phone
from kunnan.models import AuditEntry


def _masked(key: str, value: Any, today: dt.date) -> str:
    if key == "birth_date":
        return mask_birth_date(value if isinstance(value, dt.date) else str(value))
    if key == "phone":
        return mask_phone(str(value))
    return mask_id_number(str(value), today=today)


#: The keys whose values the audit log keeps masked, wherever they are in a row's changes.
MASKED_KEYS = frozenset({"id_number", "phone", "birth_date"})


def context(session: Session) -> AuditContext:
    found = session.info.get(AUDIT_KEY)
    if not isinstance(found, AuditContext):
        raise RuntimeError("the session carries no audit context")
    return found


def _jsonable(key: str, value: Any, *, today: dt.date) -> Any:
    """A JSON value for the audit row, with ID numbers, phones and birth dates masked at any
    depth (under their own keys, and in (old, new) pairs)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(str(k), v, today=today) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(key, part, today=today) for part in value]
    if key in MASKED_KEYS:
        return _masked(key, value, today)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
    payload = _jsonable("", changes or {}, today=ctx.at.date())
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
        "changes": json.dumps(
            _jsonable("", changes or {}, today=ctx.at.date()), ensure_ascii=False, sort_keys=True
        ),
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
            changes=_jsonable("", json.loads(entry.changes), today=today),
        )
        for entry in session.scalars(query)
    ]
