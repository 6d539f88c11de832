"""The operator register (经办人员): add, list, show and disable the people who work in the
ledger, and their signing keys. Who may write what is judged by ``domain.operators`` at every
write (``store.operators.check_writer``); every write is signed (``store.signatures``).

An operator's key pair is made on the machine that registers them (or ``kunnan operator
key`` makes a new one on theirs): the private key goes to a file of this machine's user
(``kunnan.keys``), the public key to ``operator_key``. A key made elsewhere can be registered
by its public key alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan import keys
from kunnan.domain.enums import Role
from kunnan.domain.errors import Conflict, NotFound
from kunnan.domain.operators import check_first_operator, check_new_name
from kunnan.domain.signing import fingerprint, new_key, public_bytes
from kunnan.i18n import _
from kunnan.models import Operator, OperatorKey, Org
from kunnan.store import audit
from kunnan.store.operators import find_operator, register_in_use
from kunnan.store.orgs import find_union
from kunnan.store.signatures import current_key, sign_as


@dataclass(frozen=True)
class OperatorRow:
    name: str
    role: str
    org: str | None
    added_at: dt.datetime
    added_by: str
    disabled_on: dt.date | None
    disabled_reason: str | None


@dataclass(frozen=True)
class KeyRow:
    fingerprint: str
    added_at: dt.datetime
    retired_at: dt.datetime | None


@dataclass(frozen=True)
class OperatorDetail:
    operator: OperatorRow
    keys: list[KeyRow]


def _add_key(
    session: Session,
    operator: Operator,
    *,
    public_key: bytes | None,
    passphrase: str | None,
) -> tuple[OperatorKey, Ed25519PrivateKey | None]:
    """Register a key for ``operator``: the public key given, or a key pair made here whose
    private key is saved to this machine's key folder."""
    private = None
    if public_key is None:
        private = new_key()
        public_key = public_bytes(private)
    print_ = fingerprint(public_key)
    if session.scalar(select(OperatorKey.id).where(OperatorKey.fingerprint == print_)):
        raise Conflict(_("key {fingerprint} is registered already", fingerprint=print_))
    if private is not None:
        keys.save_private_key(private, passphrase)
    row = OperatorKey(
        operator_id=operator.id,
        public_key=public_key,
        fingerprint=print_,
        added_at=audit.context(session).at,
    )
    session.add(row)
    session.flush()
    return row, private


def add_operator(
    session: Session,
    *,
    name: str,
    role: Role,
    org: str | None,
    public_key: bytes | None = None,
    passphrase: str | None = None,
) -> Operator:
    """Register an operator with a signing key (made here unless ``public_key`` is given); the
    first one of a ledger is its administrator, whose key signs every row then."""
    first = not register_in_use(session)
    if first:
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
    key, private = _add_key(session, operator, public_key=public_key, passphrase=passphrase)
    if first and private is not None:
        sign_as(session, name, private)
    audit.record(
        session,
        action="create",
        entity="operator",
        entity_ref=name,
        changes={
            "name": name,
            "role": role.value,
            "org": union.code if union else None,
            "key": key.fingerprint,
        },
    )
    return operator


def new_operator_key(session: Session, *, passphrase: str | None) -> OperatorKey:
    """A new key for the command's own operator, made on this machine; their current key is
    retired (what it signed still verifies) and this write is signed with the new one."""
    operator = resolve_operator(session, audit.context(session).operator)
    old = current_key(session, operator.id)
    if old is not None:
        old.retired_at = audit.context(session).at
        session.flush()
    key, private = _add_key(session, operator, public_key=None, passphrase=passphrase)
    assert private is not None
    sign_as(session, operator.name, private)
    audit.record(
        session,
        action="update",
        entity="operator",
        entity_ref=operator.name,
        changes={"key": [old.fingerprint if old else None, key.fingerprint]},
    )
    return key


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


def show_operator(session: Session, name: str) -> OperatorDetail:
    """An operator, and their keys from the first: when each was added and retired."""
    operator = resolve_operator(session, name)
    org = session.scalar(select(Org.name).where(Org.id == operator.org_id))
    found = session.scalars(
        select(OperatorKey).where(OperatorKey.operator_id == operator.id).order_by(OperatorKey.id)
    )
    return OperatorDetail(
        OperatorRow(
            operator.name, operator.role, org, operator.added_at, operator.added_by,
            operator.disabled_on, operator.disabled_reason,
        ),
        [KeyRow(k.fingerprint, k.added_at, k.retired_at) for k in found],
    )  # fmt: skip


def list_operators(session: Session) -> list[OperatorRow]:
    rows = session.execute(
        select(Operator, Org.name).outerjoin(Org, Org.id == Operator.org_id).order_by(Operator.id)
    )
    return [
        OperatorRow(o.name, o.role, org, o.added_at, o.added_by, o.disabled_on, o.disabled_reason)
        for o, org in rows
    ]
