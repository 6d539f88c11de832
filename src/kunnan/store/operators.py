"""The operator register as every write reads it: may this command's operator write?"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kunnan.domain.enums import Role
from kunnan.domain.errors import PermissionDenied
from kunnan.domain.operators import OperatorFacts, read_refusal, write_refusal
from kunnan.models import Operator
from kunnan.store import audit


def facts_of(operator: Operator) -> OperatorFacts:
    return OperatorFacts(operator.name, Role(operator.role), operator.disabled_on)


def find_operator(session: Session, name: str) -> Operator | None:
    return session.scalars(select(Operator).where(Operator.name == name)).first()


def register_in_use(session: Session) -> bool:
    """The ledger has an operator registered: from then on, only operators write."""
    return bool(session.scalar(select(exists().where(Operator.id.is_not(None)))))


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


def check_reader(session: Session) -> None:
    """A disabled operator can do nothing, not even read (``domain.operators.read_refusal``)."""
    context = audit.context(session)
    found = find_operator(session, context.operator)
    if found is not None:
        refusal = read_refusal(facts_of(found))
        if refusal is not None:
            raise PermissionDenied(refusal)
