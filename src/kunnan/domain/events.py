"""The ledger's event log (事件日志): every change kunnan records, one event each, in order.

When a write ends, each row it changed becomes an event (``store.log``): its position in the
log (the leaf index, from 0), the table and key of the row, the digest of the row as it now
stands (``domain.signing.row_digest``; a deleted row's tombstone), the signature that signed
it (None on a ledger without operators) and when. The event's bytes are its canonical,
versioned encoding; the log is the list of those bytes, and the Merkle tree over them
(``domain.merkle``, RFC 6962) is what a checkpoint signs (``domain.note``).

An event names the record and its content by digest only: it carries no personal data, so
a proof of it can be handed to anyone.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _

#: The version of the event encoding; a new encoding gets a new name, old events keep theirs.
EVENT_ENCODING = "kunnan-event/1"
#: The version of a proof file's layout.
PROOF_FORMAT = "kunnan-proof/1"
#: The version of a checkpoint bundle (a checkpoint and its consistency proof).
BUNDLE_FORMAT = "kunnan-checkpoint-bundle/1"


@dataclass(frozen=True)
class Event:
    index: int
    table: str
    key: str
    digest: bytes
    signature_id: int | None
    at: dt.datetime


def _at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def event_data(event: Event) -> bytes:
    """The event's canonical bytes: the leaf of the log's Merkle tree."""
    document = [
        EVENT_ENCODING,
        event.index,
        event.table,
        event.key,
        event.digest.hex(),
        event.signature_id,
        _at(event.at),
    ]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _not_an_event() -> InvalidInput:
    return InvalidInput(_("the proof holds an event that is not a kunnan event"))


def read_event(data: bytes) -> Event:
    """An event from its bytes, refusing anything that is not exactly an encoding this
    version of kunnan writes (so a proof cannot pass off other bytes as an event)."""
    try:
        document = json.loads(data.decode())
        version, index, table, key, digest, signature_id, at = document
        event = Event(
            index=index,
            table=table,
            key=key,
            digest=bytes.fromhex(digest),
            signature_id=signature_id,
            at=dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC),
        )
    except (ValueError, TypeError, UnicodeDecodeError):
        raise _not_an_event() from None
    if version != EVENT_ENCODING or event_data(event) != data:
        raise _not_an_event()
    return event


@dataclass(frozen=True)
class Pinned:
    """What a ledger's latest checkpoint pinned: the log's first ``size`` events, with this
    root, on that day."""

    size: int
    root: bytes
    made_on: dt.date


def rollback_refusal(pinned: Pinned | None, copy_size: int, copy_root: bytes | None) -> str | None:
    """Why a copy may not replace a ledger (None: it may): the ledger's latest checkpoint
    pinned events the copy does not hold, or holds otherwise (``copy_root``: the root of the
    copy's first ``pinned.size`` events, None when it holds fewer)."""
    if pinned is None or (copy_size >= pinned.size and copy_root == pinned.root):
        return None
    if copy_size < pinned.size:
        return _(
            "the copy is older than the ledger's checkpoint of {day}: it holds {n} events, "
            "the checkpoint pinned {size}, and restoring it would roll the ledger back",
            day=pinned.made_on.isoformat(),
            n=copy_size,
            size=pinned.size,
        )
    return _(
        "the copy's history differs from what the ledger's checkpoint of {day} pinned: its "
        "first {size} events are not the same",
        day=pinned.made_on.isoformat(),
        size=pinned.size,
    )


def not_a_proof() -> InvalidInput:
    return InvalidInput(_("the proof file is not one kunnan ledger prove writes"))


def not_a_file(kind: str) -> InvalidInput:
    """A proof or bundle file that is not of the ``kind`` (its format name) expected."""
    return InvalidInput(_("the file is not a {kind} file", kind=kind))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: Any, *, length: int | None = None) -> bytes:
    """Standard base64 text as bytes (of ``length`` bytes when given); InvalidInput if not."""
    try:
        if not isinstance(text, str):
            raise ValueError(text)
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise not_a_proof() from None
    if length is not None and len(data) != length:
        raise not_a_proof()
    return data
