"""The event log: appending a write's events, reading the tree, and checking it.

``append`` runs inside ``store.signatures.seal``, once per write, with the rows the write
changed: each becomes an event (``domain.events``) at the next leaf index, with its RFC 6962
leaf hash. Appends queue on the chain head's lock (``ledger_head``, as the aid ledger does),
so the log never forks and its indices never gap. ``problems`` is ``kunnan db verify``'s
"log" check: each event as it was written, each row as its latest event says, each signed
row in the log, and every checkpoint signed or witnessed by this ledger against the tree.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Table, exists, func, insert, select
from sqlalchemy.orm import Session

from kunnan.db.session import AUDIT_KEY
from kunnan.db.triggers import SIGNED, SignedTable
from kunnan.domain.audit import AuditContext
from kunnan.domain.events import Event, event_data
from kunnan.domain.merkle import leaf_hash, root
from kunnan.domain.note import open_note, parse_checkpoint
from kunnan.domain.signing import SignedEntry, digests, key_text, row_digest
from kunnan.i18n import _
from kunnan.models import (
    Base,
    Checkpoint,
    LedgerHead,
    LedgerKey,
    LedgerSecret,
    LogEntry,
    Signature,
    SignedRow,
    WitnessedLog,
)


def when(session: Session) -> dt.datetime:
    """The write's time: its audit context's, else now (a session kunnan opened itself)."""
    found = session.info.get(AUDIT_KEY)
    return found.at if isinstance(found, AuditContext) else dt.datetime.now(dt.UTC)


_PERSONAL_KEY = "kunnan.personal_data_key"


def secret(session: Session) -> bytes | None:
    """The ledger's secret for personal data (``domain.signing.keyed``), read once per session."""
    if _PERSONAL_KEY not in session.info:
        found = session.scalar(select(LedgerSecret.secret).where(LedgerSecret.id == 1))
        session.info[_PERSONAL_KEY] = None if found is None else bytes(found)
    value = session.info[_PERSONAL_KEY]
    return value if isinstance(value, bytes) else None


def is_empty(session: Session) -> bool:
    return not session.scalar(select(exists().where(LogEntry.leaf_index.is_not(None))))


def size(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LogEntry)) or 0)


def append(session: Session, entries: Sequence[SignedEntry], *, signature_id: int | None) -> int:
    """Add one event per entry, in order, after the last; return the log's new size."""
    session.scalars(select(LedgerHead.id).where(LedgerHead.id == 1).with_for_update()).all()
    start = int(session.scalar(select(func.max(LogEntry.leaf_index))) or -1) + 1
    at = when(session)
    rows = []
    for offset, entry in enumerate(entries):
        event = Event(start + offset, entry.table, entry.key, entry.digest, signature_id, at)
        rows.append(
            {
                "leaf_index": event.index,
                "signature_id": signature_id,
                "table_name": entry.table,
                "row_key": entry.key,
                "digest": entry.digest,
                "recorded_at": at,
                "leaf_hash": leaf_hash(event_data(event)),
            }
        )
    if rows:
        session.execute(insert(LogEntry), rows)
    return start + len(rows)


class StoredEvent(Protocol):
    """A ``log_entry`` as read: the model, or its columns as a plain row."""

    @property
    def leaf_index(self) -> int: ...
    @property
    def table_name(self) -> str: ...
    @property
    def row_key(self) -> str: ...
    @property
    def digest(self) -> bytes: ...
    @property
    def signature_id(self) -> int | None: ...
    @property
    def recorded_at(self) -> dt.datetime: ...


def stored_event(entry: StoredEvent) -> Event:
    """The event a ``log_entry`` row (a model, or its columns as a plain row) holds."""
    return Event(
        entry.leaf_index,
        entry.table_name,
        entry.row_key,
        bytes(entry.digest),
        entry.signature_id,
        entry.recorded_at,
    )


def leaf_hashes(session: Session, upto: int | None = None) -> list[bytes]:
    """The tree's leaves in order (the first ``upto`` of them when given)."""
    query = select(LogEntry.leaf_hash).order_by(LogEntry.leaf_index)
    if upto is not None:
        query = query.where(LogEntry.leaf_index < upto)
    return [bytes(h) for h in session.scalars(query)]


def latest_digests(session: Session) -> dict[tuple[str, str], bytes]:
    """Each row's digest as its latest event gives it."""
    latest = select(func.max(LogEntry.leaf_index)).group_by(LogEntry.table_name, LogEntry.row_key)
    return {
        (table, key): bytes(digest)
        for table, key, digest in session.execute(
            select(LogEntry.table_name, LogEntry.row_key, LogEntry.digest).where(
                LogEntry.leaf_index.in_(latest)
            )
        )
    }


def current_key(session: Session) -> LedgerKey | None:
    return session.scalars(
        select(LedgerKey).where(LedgerKey.retired_at.is_(None)).order_by(LedgerKey.id.desc())
    ).first()


def latest_checkpoint(session: Session) -> Checkpoint | None:
    return session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc())).first()


# --- db verify -----------------------------------------------------------------------------


def signed_table(signed: SignedTable) -> Table:
    return Base.metadata.tables[signed.table]


def key_of(table: Table, row: Any) -> str:
    return key_text([row._mapping[column.name] for column in table.primary_key.columns])


class Drift(enum.Enum):
    """How a row differs from the digest its latest signature or event gives it."""

    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"


Drifted = list[tuple[str, Drift]]
_DRIFT = "kunnan.drift"


def drift(session: Session, latest: Sequence[dict[tuple[str, str], bytes]]) -> list[Drifted]:
    """For each map of ``latest`` digests (a signature's, the log's), every row of every
    signed table whose digest is not that map's for its (table, key): added (none, or a
    tombstone), changed, or deleted (a digest but no row); named "table key". One pass over
    the rows for all the maps: each row is digested once (and in version 1 only when the
    current encoding does not match)."""
    remaining = [dict(digests_of) for digests_of in latest]
    found: list[Drifted] = [[] for _ in latest]
    key_of_ledger = secret(session)
    for signed in SIGNED:
        table = signed_table(signed)
        for row in session.execute(select(table)):
            key = key_of(table, row)
            ref = f"{signed.table} {key}"
            current: bytes | None = None
            every: tuple[bytes, ...] | None = None
            for left, drifted in zip(remaining, found, strict=True):
                digest = left.pop((signed.table, key), None)
                if digest is None:
                    drifted.append((ref, Drift.ADDED))
                    continue
                if current is None:
                    current = row_digest(signed.table, key, row._asdict(), secret=key_of_ledger)
                if digest == current:
                    continue
                if every is None:
                    every = digests(signed.table, key, row._asdict(), key_of_ledger)
                if digest in every:
                    continue
                tombstone = digest in digests(signed.table, key, None, key_of_ledger)
                drifted.append((ref, Drift.ADDED if tombstone else Drift.CHANGED))
    for left, drifted in zip(remaining, found, strict=True):
        for (table_name, key), digest in sorted(left.items()):
            if digest not in digests(table_name, key, None, key_of_ledger):
                drifted.append((f"{table_name} {key}", Drift.DELETED))
    return found


def row_drift(session: Session) -> tuple[Drifted, Drifted]:
    """How the rows differ from their latest signatures, and from their latest events:
    ``drift`` once per session for both checks of ``kunnan db verify``."""
    cached = session.info.get(_DRIFT)
    if cached is None:
        signed = latest_signed(session) if signed_any(session) else None
        logged = None if is_empty(session) else latest_digests(session)
        maps = [m for m in (signed, logged) if m is not None]
        results = iter(drift(session, maps))
        cached = (
            next(results) if signed is not None else [],
            next(results) if logged is not None else [],
        )
        session.info[_DRIFT] = cached
    return cached


def signed_any(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(Signature.id.is_not(None)))))


def latest_signed(session: Session) -> dict[tuple[str, str], bytes]:
    """Each row's digest as its latest signature signed it."""
    latest_ids = select(func.max(SignedRow.id)).group_by(SignedRow.table_name, SignedRow.row_key)
    return {
        (table, key): bytes(digest)
        for table, key, digest in session.execute(
            select(SignedRow.table_name, SignedRow.row_key, SignedRow.digest).where(
                SignedRow.id.in_(latest_ids)
            )
        )
    }


@dataclass(frozen=True)
class LogProblem:
    ref: str
    message: str


def problems(session: Session) -> list[LogProblem]:
    """Everything the log and its checkpoints prove, checked against the ledger as it is."""
    if is_empty(session):
        return []
    found: list[LogProblem] = []
    leaves: list[bytes] = []
    columns = (
        LogEntry.leaf_index, LogEntry.table_name, LogEntry.row_key, LogEntry.digest,
        LogEntry.signature_id, LogEntry.recorded_at, LogEntry.leaf_hash,
    )  # fmt: skip
    query = select(*columns).order_by(LogEntry.leaf_index).execution_options(yield_per=5000)
    for entry in session.execute(query):
        ref = _("event {index}", index=entry.leaf_index)
        if entry.leaf_index != len(leaves):
            found.append(
                LogProblem(
                    ref,
                    _(
                        "the log has a gap before it: events {first} to {last} were "
                        "deleted outside kunnan",
                        first=len(leaves),
                        last=entry.leaf_index - 1,
                    ),
                )
            )
            leaves.extend([bytes(32)] * (entry.leaf_index - len(leaves)))  # no such leaf
        if bytes(entry.leaf_hash) != leaf_hash(event_data(stored_event(entry))):
            found.append(
                LogProblem(
                    ref,
                    _(
                        "was changed outside kunnan: it no longer hashes to its leaf "
                        "({table} {key})",
                        table=entry.table_name,
                        key=entry.row_key,
                    ),
                )
            )
        leaves.append(bytes(entry.leaf_hash))
    words = {
        Drift.ADDED: _("was added outside kunnan: no event of the log records it"),
        Drift.CHANGED: _("was changed outside kunnan: it is not as its latest event records it"),
        Drift.DELETED: _("was deleted outside kunnan: its latest event records it"),
    }
    found.extend(LogProblem(ref, words[kind]) for ref, kind in row_drift(session)[1])
    found.extend(_unlogged_signatures(session))
    found.extend(_checkpoint_problems(session, leaves))
    return found


def _unlogged_signatures(session: Session) -> list[LogProblem]:
    """Every row a signature signed is an event of the log, and every signed event was
    signed by the signature it names."""
    logged = {
        (sig, table, key, bytes(digest))
        for sig, table, key, digest in session.execute(
            select(
                LogEntry.signature_id, LogEntry.table_name, LogEntry.row_key, LogEntry.digest
            ).where(LogEntry.signature_id.is_not(None))
        )
    }
    found: list[LogProblem] = []
    for sig, table, key, digest in session.execute(
        select(SignedRow.signature_id, SignedRow.table_name, SignedRow.row_key, SignedRow.digest)
    ):
        if (sig, table, key, bytes(digest)) in logged:
            logged.discard((sig, table, key, bytes(digest)))
        else:
            found.append(
                LogProblem(
                    f"{table} {key}",
                    _(
                        "signature {id} signed it, but the log has no such event",
                        id=sig,
                    ),
                )
            )
    for stray, table, key, _digest in sorted(logged):
        found.append(
            LogProblem(
                f"{table} {key}",
                _("the log says signature {id} signed it, but that signature did not", id=stray),
            )
        )
    return found


def _checkpoint_problems(session: Session, leaves: list[bytes]) -> list[LogProblem]:
    keys = {k.id: k for k in session.scalars(select(LedgerKey))}
    found: list[LogProblem] = []
    for checkpoint in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        ref = _("checkpoint {size}", size=checkpoint.size)
        key = keys.get(checkpoint.ledger_key_id)
        message: str | None = None
        if key is None:
            message = _("its key is not the ledger's")
        elif not _note_holds(checkpoint.note, key.origin, key.public_key, checkpoint.size,
                             bytes(checkpoint.root_hash)):  # fmt: skip
            message = _("its signed note does not verify with the ledger's key")
        elif checkpoint.size > len(leaves):
            message = _(
                "the log holds only {n} events: events it pinned were deleted outside kunnan",
                n=len(leaves),
            )
        elif root(leaves[: checkpoint.size]) != bytes(checkpoint.root_hash):
            message = _(
                "the log's first {size} events no longer have the root it signed: the log was "
                "rewritten",
                size=checkpoint.size,
            )
        if message is not None:
            found.append(LogProblem(ref, message))
    for witnessed in session.scalars(select(WitnessedLog).order_by(WitnessedLog.id)):
        if witnessed.note is None or witnessed.size is None or witnessed.root_hash is None:
            continue
        if not _note_holds(witnessed.note, witnessed.origin, witnessed.public_key,
                           witnessed.size, bytes(witnessed.root_hash)):  # fmt: skip
            found.append(
                LogProblem(
                    witnessed.origin,
                    _("the checkpoint held for this witnessed ledger does not verify"),
                )
            )
    return found


def _note_holds(note: str, origin: str, public: bytes, size: int, root_hash: bytes) -> bool:
    from kunnan.domain.errors import InvalidInput

    try:
        checkpoint = parse_checkpoint(open_note(note, origin, bytes(public)))
    except InvalidInput:
        return False
    return (checkpoint.origin, checkpoint.size, checkpoint.root) == (origin, size, root_hash)
