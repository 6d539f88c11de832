"""The operator register (经办人员): add, list, show and disable the people who work in the
ledger. Who may write what is judged by ``domain.operators`` at every write
(``store.operators.check_writer``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.enums import Role
from kunnan.domain.errors import Conflict, NotFound
from kunnan.domain.operators import check_first_operator, check_new_name
from kunnan.i18n import _
from kunnan.models import Operator, Org
from kunnan.store import audit
from kunnan.store.operators import find_operator, register_in_use
from kunnan.store.orgs import find_union


@dataclass(frozen=True)
class OperatorRow:
    name: str
    role: str
    org: str | None
    added_at: dt.datetime
    added_by: str
    disabled_on: dt.date | None
    disabled_reason: str | None


def add_operator(session: Session, *, name: str, role: Role, org: str | None) -> Operator:
    """Register an operator; the first one of a ledger is its administrator."""
    if not register_in_use(session):
        check_first_operator(role)
    check_new_name(name, find_operator(session, name) is not None)
    union = find_union(session, org) if org is not None else None
    context = audit.context(session)
    operator = Operator(
        name=name,
        org_id=union.id if union is not None else None,
        role=role.value,
        added_at=context.at,
        added_by=context.operator,
    )
    session.add(operator)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="operator",
        entity_ref=name,
        changes={"name": name, "role": role.value, "org": union.code if union else None},
    )
    return operator


def resolve_operator(session: Session, name: str) -> Operator:
    found = find_operator(session, name.strip())
    if found is None:
        raise NotFound(
            _("no operator named '{name}'", name=name.strip()),
            hint=_("kunnan operator list shows them"),
        )
    return found


def disable_operator(session: Session, name: str, *, on: dt.date, reason: str) -> Operator:
    """Disable an operator from ``on``: they can do nothing more; their records stay theirs."""
    operator = resolve_operator(session, name)
    if operator.disabled_on is not None:
        raise Conflict(
            _(
                "{name} was disabled already on {on}",
                name=operator.name,
                on=operator.disabled_on.isoformat(),
            )
        )
    operator.disabled_on, operator.disabled_reason = on, reason
    session.flush()
    audit.record(
        session,
        action="update",
        entity="operator",
        entity_ref=operator.name,
        changes={"disabled_on": on, "reason": reason},
    )
    return operator


def list_operators(session: Session) -> list[OperatorRow]:
    rows = session.execute(
        select(Operator, Org.name).outerjoin(Org, Org.id == Operator.org_id).order_by(Operator.id)
    )
    return [
        OperatorRow(o.name, o.role, org, o.added_at, o.added_by, o.disabled_on, o.disabled_reason)
        for o, org in rows
    ]
