"""The level above as witness (见证): the latest checkpoint of each lower union's ledger,
kept in this ledger, moved on only by a consistency proof (``kunnan witness add|update|show``).

A witness holds, for each ledger it witnesses, that ledger's verifier key and the latest
checkpoint it accepted. A new checkpoint is accepted only if it is signed by that key and a
consistency proof shows the log it pins extends the one held. One that goes back (a smaller
size: a rollback) or differs (another root for a size seen, or no proof that it extends the
held one: a fork) is refused, and what was offered is kept as evidence (``witness_evidence``):
the refusal is itself recorded, so a ledger rolled back or rewritten cannot hide it from the
level above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kunnan.domain.errors import Conflict, InvalidInput, NotFound
from kunnan.domain.events import b64
from kunnan.domain.merkle import consistency_holds
from kunnan.domain.note import Checkpoint as CheckpointText
from kunnan.domain.note import open_note, parse_checkpoint, parse_verifier_key
from kunnan.i18n import _
from kunnan.models import WitnessedLog, WitnessEvidence
from kunnan.services.log import read_bundle
from kunnan.store import audit


def add(session: Session, key_text: str) -> WitnessedLog:
    """Witness the ledger whose verifier key this is (``kunnan ledger show --verifier-key``
    prints it); its first checkpoint is taken as it comes."""
    origin, public = parse_verifier_key(key_text.strip())
    if session.scalars(select(WitnessedLog).where(WitnessedLog.origin == origin)).first():
        raise Conflict(_("ledger {origin} is already witnessed here", origin=origin))
    witnessed = WitnessedLog(origin=origin, public_key=public, added_at=audit.context(session).at)
    session.add(witnessed)
    audit.record(session, action="create", entity="witnessed_log", entity_ref=origin)
    session.flush()
    return witnessed


def _witnessed(session: Session, origin: str) -> WitnessedLog:
    found = session.scalars(select(WitnessedLog).where(WitnessedLog.origin == origin)).first()
    if found is None:
        raise NotFound(
            _("ledger {origin} is not witnessed here", origin=origin),
            hint=_("kunnan witness add takes its verifier key first"),
        )
    return found


def _no_origin() -> InvalidInput:
    return InvalidInput(_("the file's checkpoint names no ledger"))


def _origin_of(note: str) -> str:
    first = note.split("\n", 1)[0]
    if not first:
        raise _no_origin()
    return first


@dataclass(frozen=True)
class Offered:
    origin: str
    checkpoint: CheckpointText
    #: Accepted: the size held before (None: the first); else the evidence's kind.
    held_before: int | None
    refused: str | None
    message: str


def update(session: Session, text: str) -> Offered:
    """Take a witnessed ledger's new checkpoint (a bundle of ``kunnan ledger checkpoint
    --since``), or refuse it and keep it as evidence."""
    note, proofs = read_bundle(text)
    witnessed = _witnessed(session, _origin_of(note))
    checkpoint = parse_checkpoint(open_note(note, witnessed.origin, witnessed.public_key))
    if checkpoint.origin != witnessed.origin:
        raise _no_origin()
    held_size, held_root = witnessed.size, witnessed.root_hash
    at = audit.context(session).at
    if held_size is None or held_root is None:
        _accept(session, witnessed, checkpoint, note)
        return Offered(witnessed.origin, checkpoint, None, None, _("first checkpoint held"))
    if checkpoint.size == held_size and checkpoint.root == bytes(held_root):
        return Offered(witnessed.origin, checkpoint, held_size, None, _("already held"))
    kind: str | None = None
    if checkpoint.size < held_size:
        kind = "rollback"
        message = _(
            "ledger {origin} went back: it offers size {size}, and the witness holds {held}",
            origin=witnessed.origin,
            size=checkpoint.size,
            held=held_size,
        )
    elif checkpoint.size == held_size:
        kind = "fork"
        message = _(
            "ledger {origin} forked: another root for size {size}, which the witness holds",
            origin=witnessed.origin,
            size=held_size,
        )
    elif held_size not in proofs:
        raise InvalidInput(
            _(
                "the file has no proof from size {held}, which the witness holds: make it with "
                "kunnan ledger checkpoint --since {held}",
                held=held_size,
            )
        )
    elif not consistency_holds(
        held_size, checkpoint.size, bytes(held_root), checkpoint.root, proofs[held_size]
    ):
        kind = "fork"
        message = _(
            "ledger {origin} forked: its log of size {size} does not extend the one of size "
            "{held} the witness holds",
            origin=witnessed.origin,
            size=checkpoint.size,
            held=held_size,
        )
    if kind is None:
        _accept(session, witnessed, checkpoint, note)
        return Offered(witnessed.origin, checkpoint, held_size, None, _("checkpoint held"))
    kept = session.scalars(
        select(WitnessEvidence.id).where(
            WitnessEvidence.witnessed_id == witnessed.id,
            WitnessEvidence.held_size == held_size,
            WitnessEvidence.offered_note == note,
        )
    ).first()
    if kept is not None:  # offered again: the evidence is kept once
        return Offered(witnessed.origin, checkpoint, held_size, kind, message)
    session.add(
        WitnessEvidence(
            witnessed_id=witnessed.id,
            kind=kind,
            held_size=held_size,
            held_root=bytes(held_root),
            offered_note=note,
            offered_proof=json.dumps(
                {str(size): [b64(h) for h in path] for size, path in sorted(proofs.items())}
            ),
            recorded_at=at,
        )
    )
    audit.record(
        session,
        action="refuse",
        entity="witnessed_log",
        entity_ref=witnessed.origin,
        changes={"kind": kind, "size": checkpoint.size, "held": held_size},
    )
    return Offered(witnessed.origin, checkpoint, held_size, kind, message)


def _accept(
    session: Session, witnessed: WitnessedLog, checkpoint: CheckpointText, note: str
) -> None:
    before = witnessed.size
    witnessed.size = checkpoint.size
    witnessed.root_hash = checkpoint.root
    witnessed.note = note
    witnessed.updated_at = audit.context(session).at
    audit.record(
        session,
        action="update",
        entity="witnessed_log",
        entity_ref=witnessed.origin,
        changes={"size": [before, checkpoint.size]},
    )


@dataclass(frozen=True)
class Held:
    origin: str
    size: int | None
    root: str | None
    updated_at: str | None
    evidence: int


def held(session: Session) -> list[Held]:
    counts = dict(
        session.execute(
            select(WitnessEvidence.witnessed_id, func.count()).group_by(
                WitnessEvidence.witnessed_id
            )
        ).all()
    )
    return [
        Held(
            w.origin,
            w.size,
            b64(bytes(w.root_hash)) if w.root_hash is not None else None,
            w.updated_at.isoformat(timespec="seconds") if w.updated_at else None,
            int(counts.get(w.id, 0)),
        )
        for w in session.scalars(select(WitnessedLog).order_by(WitnessedLog.origin))
    ]


@dataclass(frozen=True)
class Evidence:
    kind: str
    held_size: int
    offered_size: int
    recorded_at: str


def evidence(session: Session, origin: str) -> list[Evidence]:
    witnessed = _witnessed(session, origin.strip())
    found: list[Evidence] = []
    for row in session.scalars(
        select(WitnessEvidence)
        .where(WitnessEvidence.witnessed_id == witnessed.id)
        .order_by(WitnessEvidence.id)
    ):
        offered = row.offered_note.split("\n")
        size = int(offered[1]) if len(offered) > 1 and offered[1].isdigit() else -1
        found.append(
            Evidence(row.kind, row.held_size, size, row.recorded_at.isoformat(timespec="seconds"))
        )
    return found
