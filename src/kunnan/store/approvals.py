"""Pending actions (maker-checker) as the services that make them write them: whether this
command's action waits for a second operator, and the pending row that holds it.

The rules are ``domain.approvals``; ``services.approve`` lists, accepts and declines them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kunnan.domain.approvals import CHECKERS, expires_on
from kunnan.domain.codes import pending_code
from kunnan.domain.enums import PendingKind, PendingStatus, Role
from kunnan.models import Pending
from kunnan.store import audit
from kunnan.store.operators import register_in_use


@dataclass(frozen=True)
class Checked:
    """The approval an accepted pending action runs with: its code and its maker."""

    code: str
    maker: str


@dataclass(frozen=True)
class Held:
    """An action held for approval instead of taking effect."""

    code: str
    kind: PendingKind
    #: Who may accept it.
    checker: Role
    expires_on: dt.date


def today(session: Session) -> dt.date:
    """The command's day, where the ledger is kept."""
    return audit.context(session).at.astimezone().date()


def must_wait(session: Session, checked: Checked | None) -> bool:
    """Whether an action that needs a second pair of eyes waits for it: in a ledger with
    operators, unless it is being accepted (``checked``)."""
    return checked is None and register_in_use(session)


def hold(
    session: Session,
    *,
    kind: PendingKind,
    action: BaseModel,
    household_id: int | None,
    days: int,
    summary: dict[str, object],
) -> Held:
    """Write the pending row for ``action`` (its model's JSON) and its audit row."""
    context = audit.context(session)
    last = expires_on(today(session), days)
    pending = Pending(
        kind=kind.value,
        payload=action.model_dump_json(),
        household_id=household_id,
        maker=context.operator,
        made_at=context.at,
        expires_on=last,
        status=PendingStatus.PENDING.value,
    )
    session.add(pending)
    session.flush()
    code = pending_code(pending.id)
    audit.record(
        session,
        action="hold",
        entity="pending",
        entity_ref=code,
        household_id=household_id,
        changes={"kind": kind.value, "expires_on": last, **summary},
    )
    return Held(code, kind, CHECKERS[kind], last)
