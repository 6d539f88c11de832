"""Writing the audit log.

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
from collections.abc import Mapping
from typing import Any

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


def jsonable(key: str, value: Any, *, today: dt.date) -> Any:
    """A JSON value for the audit row, with ID numbers, phones and birth dates masked at any
    depth (under their own keys, and in (old, new) pairs)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(str(k), v, today=today) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(key, part, today=today) for part in value]
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
    payload = jsonable("", changes or {}, today=ctx.at.date())
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
            jsonable("", changes or {}, today=ctx.at.date()), ensure_ascii=False, sort_keys=True
        ),
    }


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as {field: (old, new)}."""
    return {
        key: (before.get(key), value) for key, value in after.items() if before.get(key) != value
    }
