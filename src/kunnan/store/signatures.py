"""Every write signed by its operator's key, and every row checked against its signature.

``seal`` runs once at the end of every write transaction, before it commits
(``commands.options.ledger``, where a writing block ends; a session that is not opened by
``ledger()``, such as the demo's, calls ``seal`` itself before its transaction ends). It
reads the rows ``row_change`` names (noted by the triggers of ``kunnan.db.triggers``), digests
each in its canonical form (``domain.signing``), signs the list with the operator's private
key, writes one ``signature`` and a ``signed_row`` per row, and empties ``row_change``: a
few queries for any number of rows. A ledger with no operator registered signs nothing. The
first signature of a ledger (when its first administrator is registered, or its first write
after an upgrade to signatures) signs every row as it stands: the baseline.

Whose key signs: the one given to the session with ``sign_as`` (an operator's key made in
the same command, or the sample ledger's ``domain.signing.key_from_seed`` keys), else the
command's operator's current key, read from this machine (``kunnan.keys``). An operator
without one is refused before the command does anything (``check_signer``).

``problems`` is ``kunnan db verify``'s check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import BigInteger, cast, delete, exists, insert, select, tuple_
from sqlalchemy.orm import Session

from kunnan import keys
from kunnan.db.triggers import SIGNED, SignedTable
from kunnan.domain.signing import (
    SignedEntry,
    fingerprint,
    in_force,
    message_digest,
    no_key_refusal,
    public_bytes,
    row_digest,
    sign,
    signature_holds,
    wrong_key_refusal,
)
from kunnan.i18n import _
from kunnan.models import Operator, OperatorKey, RowChange, Signature, SignedRow
from kunnan.store import audit, log
from kunnan.store.log import Drift, key_of, row_drift, signed_table
from kunnan.store.operators import find_operator, register_in_use

#: ``session.info`` entries: the key given to sign with, and the signer once resolved.
GIVEN_KEY = "kunnan.signing_key"
_SIGNER_KEY = "kunnan.signer"

#: Keys of a many-column key looked up at a time.
_CHUNK = 500


@dataclass(frozen=True)
class Signer:
    operator_id: int
    name: str
    fingerprint: str
    key: Ed25519PrivateKey


def sign_as(session: Session, name: str, key: Ed25519PrivateKey) -> None:
    """Sign what this session writes as operator ``name`` with ``key`` (which must be a key
    the ledger registered for them by the time the write is sealed), whatever keys this
    machine holds."""
    session.info[GIVEN_KEY] = (name, key)
    session.info.pop(_SIGNER_KEY, None)


def current_key(session: Session, operator_id: int) -> OperatorKey | None:
    return session.scalars(
        select(OperatorKey)
        .where(OperatorKey.operator_id == operator_id, OperatorKey.retired_at.is_(None))
        .order_by(OperatorKey.id.desc())
    ).first()


def _signer(session: Session) -> Signer:
    cached = session.info.get(_SIGNER_KEY)
    if isinstance(cached, Signer):
        return cached
    given = session.info.get(GIVEN_KEY)
    name = given[0] if given is not None else audit.context(session).operator
    operator = find_operator(session, name)
    if operator is None:
        raise no_key_refusal(name)
    if given is not None:
        key: Ed25519PrivateKey | None = given[1]
        assert key is not None
        print_ = fingerprint(public_bytes(key))
        registered = session.scalars(
            select(OperatorKey).where(
                OperatorKey.operator_id == operator.id,
                OperatorKey.fingerprint == print_,
                OperatorKey.retired_at.is_(None),
            )
        ).first()
        if registered is None:
            raise wrong_key_refusal(name)
    else:
        found = current_key(session, operator.id)
        if found is None:
            raise no_key_refusal(name)
        print_ = found.fingerprint
        key = keys.load_private_key(print_)
        if key is None or fingerprint(public_bytes(key)) != print_:
            raise no_key_refusal(name)
    signer = Signer(operator.id, operator.name, print_, key)
    session.info[_SIGNER_KEY] = signer
    return signer


def check_signer(session: Session) -> None:
    """Refuse, before the command does anything, a write its operator could not sign."""
    if register_in_use(session):
        _signer(session)


def _parsed(signed: SignedTable, key: str) -> tuple[Any, ...]:
    """A many-column key's values from its text (at most one part is text, and may hold /)."""
    parts = key.split("/")
    kinds = [kind for _column, kind in signed.key]
    extra = len(parts) - len(kinds)
    if extra > 0:
        at = kinds.index("text") if "text" in kinds else 0
        parts[at : at + extra + 1] = ["/".join(parts[at : at + extra + 1])]
    values: list[Any] = []
    for kind, part in zip(kinds, parts, strict=True):
        values.append(
            int(part) if kind == "int" else dt.date.fromisoformat(part) if kind == "date" else part
        )
    return tuple(values)


def _changed_rows(session: Session, signed: SignedTable, noted: Sequence[str]) -> Iterator[Any]:
    table = signed_table(signed)
    columns = list(table.primary_key.columns)
    if len(columns) == 1:  # one query, whatever the number of rows
        noted_keys = select(
            cast(RowChange.row_key, BigInteger) if signed.key[0][1] == "int" else RowChange.row_key
        ).where(RowChange.table_name == signed.table)
        yield from session.execute(select(table).where(columns[0].in_(noted_keys)))
        return
    values = sorted({_parsed(signed, key) for key in noted})
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        yield from session.execute(select(table).where(tuple_(*columns).in_(chunk)))


def _entries(session: Session, baseline: bool) -> list[SignedEntry]:
    secret = log.secret(session)
    noted: dict[str, set[str]] = defaultdict(set)
    if not baseline:
        for table_name, key in session.execute(
            select(RowChange.table_name, RowChange.row_key).distinct()
        ):
            noted[table_name].add(key)
    entries: list[SignedEntry] = []
    for signed in SIGNED:
        if not baseline and signed.table not in noted:
            continue
        table = signed_table(signed)
        rows: Iterable[Any]
        if baseline:
            rows = session.execute(select(table))
        else:
            rows = _changed_rows(session, signed, sorted(noted[signed.table]))
        seen: set[str] = set()
        for row in rows:
            key = key_of(table, row)
            seen.add(key)
            entries.append(
                SignedEntry(
                    signed.table, key, row_digest(signed.table, key, row._asdict(), secret=secret)
                )
            )
        for key in sorted(noted.get(signed.table, set()) - seen):  # deleted: its tombstone
            entries.append(
                SignedEntry(signed.table, key, row_digest(signed.table, key, None, secret=secret))
            )
    return entries


def seal(session: Session) -> int:
    """Sign the rows this write changed and log them as events (every row, the first
    time); return how many."""
    session.flush()
    signing = register_in_use(session)
    signer = _signer(session) if signing else None
    baseline = signing and not session.scalar(select(exists().where(Signature.id.is_not(None))))
    entries = _entries(session, baseline)
    session.execute(delete(RowChange))
    if not entries:
        return 0
    signature_id = None if signer is None else _sign(session, signer, entries)
    log.append(session, entries, signature_id=signature_id)
    return len(entries)


def _sign(session: Session, signer: Signer, entries: list[SignedEntry]) -> int:
    at = audit.context(session).at
    digest = message_digest(
        entries, operator_id=signer.operator_id, fingerprint=signer.fingerprint, signed_at=at
    )
    signature_id: int = session.execute(
        insert(Signature)
        .values(
            operator_id=signer.operator_id,
            key_fingerprint=signer.fingerprint,
            signed_at=at,
            rows=len(entries),
            message_digest=digest,
            signature=sign(signer.key, digest),
        )
        .returning(Signature.id)
    ).scalar_one()
    session.execute(
        insert(SignedRow),
        [
            {"signature_id": signature_id, "table_name": e.table, "row_key": e.key,
             "digest": e.digest}
            for e in entries
        ],
    )  # fmt: skip
    return signature_id


# --- db verify -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureProblem:
    ref: str
    message: str


def problems(session: Session) -> list[SignatureProblem]:
    """Every row as it is now against its latest signed digest, and every signature against
    the public key of its operator in force when it was made."""
    if not session.scalar(select(exists().where(Signature.id.is_not(None)))):
        if register_in_use(session):
            return [
                SignatureProblem(
                    _("ledger"),
                    _(
                        "operators are registered but nothing is signed yet: the first write "
                        "by an operator with a key signs every row (kunnan operator key)"
                    ),
                )
            ]
        return []
    return [*_row_problems(session), *_signature_problems(session)]


def _row_problems(session: Session) -> list[SignatureProblem]:
    words = {
        Drift.ADDED: _("was added outside kunnan: no signature covers it"),
        Drift.CHANGED: _("was changed outside kunnan after it was signed"),
        Drift.DELETED: _("was deleted outside kunnan after it was signed"),
    }
    return [SignatureProblem(ref, words[kind]) for ref, kind in row_drift(session)[0]]


def _signature_problems(session: Session) -> list[SignatureProblem]:
    names: dict[int, str] = {
        row[0]: row[1] for row in session.execute(select(Operator.id, Operator.name))
    }
    known = {k.fingerprint: k for k in session.scalars(select(OperatorKey))}
    rows: dict[int, list[SignedEntry]] = defaultdict(list)
    for signature_id, table_name, key, digest in session.execute(
        select(SignedRow.signature_id, SignedRow.table_name, SignedRow.row_key, SignedRow.digest)
    ):
        rows[signature_id].append(SignedEntry(table_name, key, digest))
    found: list[SignatureProblem] = []
    for signature in session.scalars(select(Signature).order_by(Signature.id)):
        ref = _("signature {id}", id=signature.id)
        operator = names.get(signature.operator_id, f"#{signature.operator_id}")
        registered = known.get(signature.key_fingerprint)
        values = {"operator": operator, "fingerprint": signature.key_fingerprint}
        if registered is None:
            message = _("made with key {fingerprint}, which the ledger does not know", **values)
        elif registered.operator_id != signature.operator_id:
            message = _("made with key {fingerprint}, which is not {operator}'s", **values)
        elif not in_force(registered.added_at, registered.retired_at, signature.signed_at):
            message = _(
                "made with {operator}'s key {fingerprint} when that key was not in force",
                **values,
            )
        else:
            digest = message_digest(
                rows.get(signature.id, []),
                operator_id=signature.operator_id,
                fingerprint=signature.key_fingerprint,
                signed_at=signature.signed_at,
            )
            if signature_holds(registered.public_key, digest, signature.signature):
                continue
            message = _(
                "does not verify against {operator}'s key {fingerprint}: what it signed "
                "was changed",
                **values,
            )
        found.append(SignatureProblem(ref, message))
    return found
