"""The operator register as every write reads it: may this command's operator write?"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from kunnan.db.session import AUDIT_KEY
from kunnan.domain.enums import Role
from kunnan.domain.errors import PermissionDenied
from kunnan.domain.operators import (
    OperatorFacts,
    login_refusal,
    read_refusal,
    scope_refusal,
    union_scope_refusal,
    write_refusal,
)
from kunnan.models import Operator, Org
from kunnan.store import audit


def facts_of(operator: Operator) -> OperatorFacts:
    return OperatorFacts(operator.name, Role(operator.role), operator.disabled_on)


def find_operator(session: Session, name: str) -> Operator | None:
    return session.scalars(select(Operator).where(Operator.name == name)).first()


def register_in_use(session: Session) -> bool:
    """The ledger has an operator registered: from then on, only operators write."""
    return bool(session.scalar(select(exists().where(Operator.id.is_not(None)))))


def adopt_database_role(session: Session, *, given: bool) -> None:
    """PostgreSQL: connected as an operator's own database role (``operator.db_role``), the
    command is that operator's, whatever the login name; ``given``: ``--operator`` (or
    ``KUNNAN_OPERATOR``) was given, and must then name them (``domain.operators``)."""
    if session.connection().dialect.name != "postgresql":
        return
    found = session.execute(
        select(Operator.name, Operator.db_role).where(Operator.db_role == func.current_user())
    ).first()
    if found is None:
        return
    name, role = found
    context = audit.context(session)
    refusal = login_refusal(context.operator if given else None, name, str(role))
    if refusal is not None:
        raise PermissionDenied(refusal)
    session.info[AUDIT_KEY] = dataclasses.replace(context, operator=name)


def check_writer(session: Session, *, reveals: bool = False) -> None:
    """Refuse the command's write unless its operator may do it (``domain.operators``); a
    ledger with no operator registered lets anyone write, as before."""
    context = audit.context(session)
    found = find_operator(session, context.operator)
    if found is None and not register_in_use(session):
        return
    refusal = write_refusal(
        context.operator,
        facts_of(found) if found is not None else None,
        context.command,
        reveals=reveals,
    )
    if refusal is not None:
        raise PermissionDenied(refusal)


@contextmanager
def acting_as(session: Session, name: str, command: str) -> Iterator[None]:
    """Do a block of work as operator ``name`` running ``command`` (its path, ``kunnan aid
    grant``), as bulk work (the demo) records what several people did: the block's audit rows
    and records name them, their union bounds what they see, and the block is refused as the
    command line would refuse it (``check_writer``)."""
    before = audit.context(session)
    session.info[AUDIT_KEY] = dataclasses.replace(before, operator=name, command=command)
    session.info.pop(_SCOPE_KEY, None)
    try:
        check_writer(session)
        yield
    finally:
        session.info[AUDIT_KEY] = before
        session.info.pop(_SCOPE_KEY, None)


def check_reader(session: Session) -> None:
    """A disabled operator can do nothing, not even read (``domain.operators.read_refusal``)."""
    context = audit.context(session)
    found = find_operator(session, context.operator)
    if found is not None:
        refusal = read_refusal(facts_of(found))
        if refusal is not None:
            raise PermissionDenied(refusal)


@dataclass(frozen=True)
class Scope:
    """The union an operator works at: they see and change what is of it or under it."""

    operator: str
    path: str
    union: str


_SCOPE_KEY = "kunnan.scope"


def scope_of(session: Session) -> Scope | None:
    """The command's operator's union (None: no registered operator with a union, so the
    whole ledger), read once per session."""
    if _SCOPE_KEY in session.info:
        found: Scope | None = session.info[_SCOPE_KEY]
        return found
    context = session.info.get(AUDIT_KEY)
    scope = None
    if context is not None:
        row = session.execute(
            select(Org.path, Org.name)
            .join(Operator, Operator.org_id == Org.id)
            .where(Operator.name == audit.context(session).operator)
        ).first()
        if row is not None:
            scope = Scope(audit.context(session).operator, row[0], row[1])
    session.info[_SCOPE_KEY] = scope
    return scope


def out_of_scope(session: Session, households: dict[int, tuple[str, str]]) -> dict[int, str]:
    """Of these households ({id: (union path, union name)}), those the command's operator may
    not see or change, with why (``domain.operators.scope_refusal``)."""
    from kunnan.domain.codes import household_code

    scope = scope_of(session)
    if scope is None:
        return {}
    refused = {}
    for household_id, (path, union) in households.items():
        refusal = scope_refusal(
            household_code(household_id), path, union,
            operator=scope.operator, scope=scope.path, union=scope.union,
        )  # fmt: skip
        if refusal is not None:
            refused[household_id] = refusal
    return refused


def check_union(session: Session, org: Org) -> Org:
    """``org``, if the command's operator may work on it (their union or one under it)."""
    scope = scope_of(session)
    if scope is not None:
        refusal = union_scope_refusal(
            org.path, org.name, operator=scope.operator, scope=scope.path, union=scope.union
        )
        if refusal is not None:
            raise PermissionDenied(refusal)
    return org


def scoped_org(session: Session, ref: str | None) -> Org | None:
    """The union a list or report is kept to: the one named (within the operator's union), or
    without one the operator's own union (None: the whole ledger)."""
    from kunnan.store.orgs import find_org

    if ref is not None:
        return check_union(session, find_org(session, ref))
    scope = scope_of(session)
    if scope is None:
        return None
    return session.scalars(select(Org).where(Org.path == scope.path)).one()
