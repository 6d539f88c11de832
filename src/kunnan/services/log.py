"""The event log's use cases: the ledger's checkpoint key, signed checkpoints, inclusion
proofs of a record's events and checking one offline (``kunnan ledger key|checkpoint|show|
prove|check-proof``).

A checkpoint is a C2SP tlog-checkpoint (``domain.note``): the ledger's origin, the log's
size and its RFC 6962 root (``domain.merkle``), signed by the ledger's key. Whoever holds a
checkpoint (a witness, a notice on a wall) can later be shown that the log still holds what
it pinned (a consistency proof), and anyone can be shown that an event is in it (an
inclusion proof), without trusting the ledger's keeper.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan import keys
from kunnan.db.triggers import SIGNED
from kunnan.domain.codes import code_number, fund_code, household_code
from kunnan.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from kunnan.domain.events import (
    BUNDLE_FORMAT,
    PROOF_FORMAT,
    Pinned,
    b64,
    event_data,
    not_a_file,
    not_a_proof,
    read_event,
    rollback_refusal,
    unb64,
)
from kunnan.domain.merkle import (
    consistency_proof,
    inclusion_holds,
    inclusion_proof,
    leaf_hash,
    root,
)
from kunnan.domain.note import (
    Checkpoint as CheckpointText,
)
from kunnan.domain.note import (
    checkpoint_body,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    sign_note,
    valid_key_name,
    verifier_key,
)
from kunnan.domain.signing import fingerprint, new_key, public_bytes
from kunnan.i18n import LANGUAGES, N_, _, translate
from kunnan.models import Checkpoint, LedgerKey, LogEntry, Org
from kunnan.store import audit, log
from kunnan.store.signatures import seal

#: The largest proof or bundle file read.
MAX_PROOF_BYTES = 4 * 1024 * 1024


def default_origin(session: Session) -> str:
    """The origin a ledger's first key names: kunnan/ and its root union's name, blanks and
    + taken out (a key name may hold neither)."""
    name = session.scalars(select(Org.name).where(Org.parent_id.is_(None)).order_by(Org.id)).first()
    return "kunnan/" + re.sub(r"[\s+]+", "-", name or "ledger")


@dataclass(frozen=True)
class KeyMade:
    origin: str
    fingerprint: str
    verifier_key: str
    replaced: str | None


def new_ledger_key(
    session: Session,
    *,
    origin: str | None,
    passphrase: str | None,
    given: Ed25519PrivateKey | None = None,
) -> KeyMade:
    """A new key for the ledger's checkpoints (``given``: the sample ledger's, made from a
    seed), kept in this user's key folder; the current one is retired, its checkpoints
    still verify."""
    old = log.current_key(session)
    chosen = (origin or (old.origin if old is not None else default_origin(session))).strip()
    if not valid_key_name(chosen):
        raise InvalidInput(
            _(
                "--origin: a ledger's origin is one word without blanks or +, such as "
                "kunnan/白银市总工会",
            )
        )
    private = given if given is not None else new_key()
    public = public_bytes(private)
    print_ = fingerprint(public)
    at = audit.context(session).at
    if old is not None:
        old.retired_at = at
    session.add(LedgerKey(origin=chosen, public_key=public, fingerprint=print_, added_at=at))
    if keys.load_private_key(print_) is None:
        keys.save_private_key(private, passphrase)
    audit.record(
        session,
        action="create",
        entity="ledger_key",
        entity_ref=print_,
        changes={"origin": chosen, "replaces": old.fingerprint if old else None},
    )
    session.flush()
    return KeyMade(chosen, print_, verifier_key(chosen, public), old.fingerprint if old else None)


def no_ledger_key() -> RuleViolation:
    return RuleViolation(
        _("this ledger has no key to sign checkpoints with: make one with kunnan ledger key")
    )


def _signing_key(session: Session) -> tuple[LedgerKey, Ed25519PrivateKey]:
    found = log.current_key(session)
    if found is None:
        raise no_ledger_key()
    private = keys.load_private_key(found.fingerprint)
    if private is None or fingerprint(public_bytes(private)) != found.fingerprint:
        raise PermissionDenied(
            _(
                "the ledger's checkpoint key {fingerprint} is not on this machine: sign "
                "checkpoints where it is kept, or make a new one with kunnan ledger key",
                fingerprint=found.fingerprint,
            )
        )
    return found, private


@dataclass(frozen=True)
class CheckpointMade:
    note: str
    size: int
    root: bytes
    origin: str
    verifier_key: str
    new: bool


def make_checkpoint(session: Session) -> CheckpointMade:
    """Sign the log as it stands, this checkpoint's own audit row included, unless nothing
    was written since the latest checkpoint made with the current key (then that one)."""
    key, private = _signing_key(session)
    verifier = verifier_key(key.origin, key.public_key)
    seal(session)  # what came before: a staffed ledger's first write signs every row
    latest = log.latest_checkpoint(session)
    if latest is not None and latest.ledger_key_id == key.id and latest.size == log.size(session):
        top = bytes(latest.root_hash)
        return CheckpointMade(latest.note, latest.size, top, key.origin, verifier, False)
    audit.record(session, action="create", entity="checkpoint", entity_ref=key.origin)
    seal(session)
    size = log.size(session)
    top = root(log.leaf_hashes(session))
    note = sign_note(checkpoint_body(CheckpointText(key.origin, size, top)), key.origin, private)
    session.add(
        Checkpoint(
            ledger_key_id=key.id,
            size=size,
            root_hash=top,
            note=note,
            made_at=audit.context(session).at,
        )
    )
    session.flush()
    return CheckpointMade(note, size, top, key.origin, verifier, True)


def bundle(session: Session, made: CheckpointMade, *, since: int) -> dict[str, Any]:
    """The checkpoint with the consistency proof from the log's first ``since`` events, for
    a witness holding that size (``kunnan witness update``)."""
    if since < 0 or since > made.size:
        raise InvalidInput(
            _(
                "--since: the log holds {size} events; a witness cannot hold {since}",
                size=made.size,
                since=since,
            )
        )
    return _bundle(session, made.note, made.size, [since])


#: How many earlier checkpoints the return sent up carries a proof from.
UPSTREAM_PROOFS = 12
#: The return's sheet that carries the checkpoint (its title, translated; one cell holds the
#: bundle, under the header ``BUNDLE_FORMAT``).
CHECKPOINT_SHEET = N_("Ledger checkpoint")
#: The most an Excel cell holds.
_CELL_MAX = 32767


def _bundle(session: Session, note: str, size: int, since: Sequence[int]) -> dict[str, Any]:
    leaves = log.leaf_hashes(session, upto=size)
    return {
        "format": BUNDLE_FORMAT,
        "checkpoint": note,
        "proofs": [
            {
                "old_size": old,
                "proof": [b64(h) for h in (consistency_proof(leaves, old) if old else [])],
            }
            for old in since
        ],
    }


def upstream_bundle(session: Session) -> dict[str, Any] | None:
    """The latest checkpoint with a consistency proof from each of the checkpoints before it
    (the latest ``UPSTREAM_PROOFS``), whichever the witness above holds: what the return sent
    up carries (None: the ledger has no checkpoint)."""
    latest = log.latest_checkpoint(session)
    if latest is None:
        return None
    earlier = session.scalars(
        select(Checkpoint.size)
        .where(Checkpoint.size < latest.size)
        .distinct()
        .order_by(Checkpoint.size.desc())
        .limit(UPSTREAM_PROOFS)
    ).all()
    return _bundle(session, latest.note, latest.size, [0, *sorted(earlier)])


def upstream_text(session: Session) -> str | None:
    """``upstream_bundle`` as the one cell of the return's checkpoint sheet, the oldest proofs
    left out if it would not fit."""
    carried = upstream_bundle(session)
    if carried is None:
        return None
    while True:
        text = json.dumps(carried, separators=(",", ":"))
        if len(text) <= _CELL_MAX or len(carried["proofs"]) <= 1:
            return text
        del carried["proofs"][1]


def bundle_in_return(path: Path) -> str:
    """The checkpoint bundle a return sent up carries (``kunnan export upstream``)."""
    from kunnan.sheets.read import open_table

    for lang in LANGUAGES:
        try:
            with open_table(
                path,
                sheet=translate(CHECKPOINT_SHEET, lang),
                is_header=lambda cells: tuple(cells[:1]) == (BUNDLE_FORMAT,),
            ) as table:
                for row in table.rows():
                    if row.cells and isinstance(row.cells[0], str):
                        return row.cells[0]
        except InvalidInput:
            continue
    raise InvalidInput(
        _("{path} carries no ledger checkpoint: it was made before the ledger had one", path=path)
    )


@dataclass(frozen=True)
class LogState:
    origin: str | None
    verifier_key: str | None
    size: int
    root: bytes
    checkpoint_size: int | None
    checkpoint_at: str | None


def state(session: Session) -> LogState:
    key = log.current_key(session)
    latest = log.latest_checkpoint(session)
    return LogState(
        origin=key.origin if key else None,
        verifier_key=verifier_key(key.origin, key.public_key) if key else None,
        size=log.size(session),
        root=root(log.leaf_hashes(session)),
        checkpoint_size=latest.size if latest else None,
        checkpoint_at=latest.made_at.isoformat(timespec="seconds") if latest else None,
    )


# --- restoring a copy ----------------------------------------------------------------------


def pinned(session: Session) -> Pinned | None:
    """What the ledger's latest checkpoint pinned (None: it has none)."""
    latest = log.latest_checkpoint(session)
    if latest is None:
        return None
    return Pinned(latest.size, bytes(latest.root_hash), latest.made_at.date())


def restore_refusal(copy: Session, pinned_here: Pinned | None) -> str | None:
    """Why the ledger ``copy`` is may not replace one whose latest checkpoint pinned
    ``pinned_here`` (``domain.events.rollback_refusal``)."""
    if pinned_here is None:
        return None
    size = log.size(copy)
    top = root(log.leaf_hashes(copy, upto=pinned_here.size)) if size >= pinned_here.size else None
    return rollback_refusal(pinned_here, size, top)


def record_restore(
    session: Session, *, source: str, pinned_before: Pinned | None, refusal: str | None
) -> None:
    """The restore as an event of the restored ledger: from which copy, what the replaced
    ledger's checkpoint had pinned, and whether this rolled it back (``--roll-back``)."""
    audit.record(
        session,
        action="restore",
        entity="ledger",
        entity_ref=source,
        changes={
            "pinned_size": pinned_before.size if pinned_before else None,
            "pinned_root": pinned_before.root.hex() if pinned_before else None,
            "rolled_back": refusal is not None,
            "why": refusal,
        },
    )


@dataclass(frozen=True)
class PostedCheckpoint:
    """The latest checkpoint as a notice or report prints it, to pin the ledger's history on
    the day it is posted: ``note`` is the signed note, byte for byte (its QR code), and
    ``events_since`` the events written after it, which it does not cover."""

    origin: str
    size: int
    root: bytes
    made_on: dt.date
    note: str
    events_since: int


def posted_checkpoint(session: Session) -> PostedCheckpoint | None:
    """The latest checkpoint, for the foot of a notice or report; None without one. Read
    only: a log grown since is told (``events_since``), never signed here."""
    latest = log.latest_checkpoint(session)
    if latest is None:
        return None
    return PostedCheckpoint(
        origin=latest.note.split("\n", 1)[0],  # the note's first line names its ledger
        size=latest.size,
        root=bytes(latest.root_hash),
        made_on=latest.made_at.astimezone().date(),  # the day on the office's clock
        note=latest.note,
        events_since=max(log.size(session) - latest.size, 0),
    )


# --- inclusion proofs ----------------------------------------------------------------------


def record_row(session: Session, record: str, key: str | None) -> tuple[str, str, str]:
    """The (name as typed, table, key) of the record to prove: a household (H000001) or fund
    (F001) code, or a table of the ledger and a row's key (``member 12``)."""
    typed = record.strip()
    if key is not None:
        tables = {t.table for t in SIGNED}
        if typed not in tables:
            raise InvalidInput(
                _("'{table}' is not a table the log records", table=typed),
                hint=_("a record is a household or fund code, or a table and a key"),
            )
        return f"{typed} {key.strip()}", typed, key.strip()
    for letters, table, code in (("H", "household", household_code), ("F", "fund", fund_code)):
        number = code_number(letters, typed)
        if number is not None:
            return code(number), table, str(number)
    raise InvalidInput(
        _("'{record}' is not a household or fund code", record=typed),
        hint=_("a record is a household or fund code, or a table and a key"),
    )


def prove(session: Session, record: str, key: str | None) -> dict[str, Any]:
    """Every event of a record in the latest checkpoint, each with its inclusion proof."""
    name, table, row_key = record_row(session, record, key)
    latest = log.latest_checkpoint(session)
    if latest is None:
        raise RuleViolation(
            _(
                "the ledger has no checkpoint to prove against: make one with kunnan ledger checkpoint"
            )
        )
    entries = list(
        session.scalars(
            select(LogEntry)
            .where(
                LogEntry.table_name == table,
                LogEntry.row_key == row_key,
                LogEntry.leaf_index < latest.size,
            )
            .order_by(LogEntry.leaf_index)
        )
    )
    if not entries:
        raise NotFound(
            _(
                "no event of {record} is in the latest checkpoint (size {size})",
                record=name,
                size=latest.size,
            ),
            hint=_("a record written since is proved after kunnan ledger checkpoint"),
        )
    leaves = log.leaf_hashes(session, upto=latest.size)
    return {
        "format": PROOF_FORMAT,
        "record": name,
        "table": table,
        "key": row_key,
        "checkpoint": latest.note,
        "events": [
            {
                "index": entry.leaf_index,
                "data": b64(event_data(log.stored_event(entry))),
                "proof": [b64(h) for h in inclusion_proof(leaves, entry.leaf_index)],
            }
            for entry in entries
        ],
    }


@dataclass(frozen=True)
class ProvedEvent:
    index: int
    table: str
    key: str
    digest: str
    at: str
    holds: bool


@dataclass(frozen=True)
class ProofChecked:
    origin: str
    size: int
    root: bytes
    record: str
    events: list[ProvedEvent]


def _document(text: str, kind: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("format") != kind:
        raise not_a_file(kind)
    return document


def read_file(path: Path) -> str:
    """A proof or bundle file's text (at most ``MAX_PROOF_BYTES``)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PROOF_BYTES + 1)
    except OSError as error:
        raise InvalidInput(
            _("cannot read {path}: {reason}", path=path, reason=error.strerror or error)
        ) from None
    if len(data) > MAX_PROOF_BYTES:
        raise InvalidInput(_("{path} is larger than any file kunnan writes", path=path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(_("{path} is not UTF-8 text", path=path)) from None


def check_proof(text: str, key_text: str) -> ProofChecked:
    """Check an inclusion proof against the ledger's verifier key alone (no ledger needed)."""
    name, public = parse_verifier_key(key_text.strip())
    document = _document(text, PROOF_FORMAT)
    note, events = document.get("checkpoint"), document.get("events")
    if not isinstance(note, str) or not isinstance(events, list) or not events:
        raise not_a_proof()
    checkpoint = parse_checkpoint(open_note(note, name, public))
    if checkpoint.origin != name:
        raise InvalidInput(
            _(
                "the checkpoint is of ledger {origin}, not of {name} the key names",
                origin=checkpoint.origin,
                name=name,
            )
        )
    table, row_key = document.get("table"), document.get("key")
    checked: list[ProvedEvent] = []
    for item in events:
        if not isinstance(item, dict) or not isinstance(item.get("proof"), list):
            raise not_a_proof()
        data = unb64(item.get("data"))
        event = read_event(data)
        path = [unb64(h) for h in item["proof"]]
        holds = (
            item.get("index") == event.index
            and (event.table, event.key) == (table, row_key)
            and inclusion_holds(
                event.index, checkpoint.size, leaf_hash(data), path, checkpoint.root
            )
        )
        checked.append(
            ProvedEvent(
                event.index,
                event.table,
                event.key,
                event.digest.hex(),
                event.at.isoformat(timespec="seconds"),
                holds,
            )
        )
    return ProofChecked(
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root,
        str(document.get("record", "")),
        checked,
    )


def read_bundle(text: str) -> tuple[str, dict[int, list[bytes]]]:
    """A checkpoint bundle's note, and its consistency proofs by the size each starts from."""
    document = _document(text, BUNDLE_FORMAT)
    note, proofs = document.get("checkpoint"), document.get("proofs")
    if not isinstance(note, str) or not isinstance(proofs, list):
        raise not_a_file(BUNDLE_FORMAT)
    found: dict[int, list[bytes]] = {}
    for item in proofs:
        since = item.get("old_size") if isinstance(item, dict) else None
        path = item.get("proof") if isinstance(item, dict) else None
        if not isinstance(since, int) or isinstance(since, bool) or since < 0:
            raise not_a_file(BUNDLE_FORMAT)
        if not isinstance(path, list):
            raise not_a_file(BUNDLE_FORMAT)
        found[since] = [unb64(h) for h in path]
    return note, found
