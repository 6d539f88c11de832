"""The event log: one event per change (``log_entry``), the ledger's checkpoint key, the
checkpoints it signed, and the lower ledgers it witnesses with the evidence of their
rollbacks and forks.

``log_entry`` and ``checkpoint`` are append-only (``kunnan.db.triggers.APPEND_ONLY``; a
checkpoint is its own proof: a signed note); the others are signed
tables, so each of their rows is itself an event of the log.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class LogEntry(Base):
    """An event: the row ``table_name``/``row_key`` as it stood after a write (its digest)."""

    __tablename__ = "log_entry"
    __table_args__ = (Index("ix_log_entry_table_name_row_key", "table_name", "row_key"),)

    #: The event's leaf index in the Merkle tree, from 0, without gaps.
    leaf_index: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=False)
    signature_id: Mapped[int | None] = mapped_column(Key, ForeignKey("signature.id"))
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(120))
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: RFC 6962 leaf hash of the event's encoding (``domain.events.event_data``).
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerSecret(Base):
    """The ledger's own secret, which personal data is digested with
    (``domain.signing.keyed``): one row, made when the ledger is."""

    __tablename__ = "ledger_secret"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True, autoincrement=False)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerKey(Base):
    """The key the ledger signs its checkpoints with, and the origin they name; retired,
    never deleted, when replaced."""

    __tablename__ = "ledger_key"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    origin: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Checkpoint(Base):
    """A signed checkpoint of the log: its size and root, as the note that signs them."""

    __tablename__ = "checkpoint"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    ledger_key_id: Mapped[int] = mapped_column(Key, ForeignKey("ledger_key.id"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    made_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class WitnessedLog(Base):
    """A lower union's ledger this ledger witnesses: its key and the latest checkpoint held."""

    __tablename__ = "witnessed_log"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    origin: Mapped[str] = mapped_column(String(200), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    size: Mapped[int | None] = mapped_column(BigInteger)
    root_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    note: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class WitnessEvidence(Base):
    """A checkpoint a witnessed ledger offered and the witness refused: a rollback (a smaller
    size), a fork (another root for a size already seen, or no consistency with it)."""

    __tablename__ = "witness_evidence"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    witnessed_id: Mapped[int] = mapped_column(Key, ForeignKey("witnessed_log.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    held_size: Mapped[int] = mapped_column(BigInteger)
    held_root: Mapped[bytes] = mapped_column(LargeBinary(32))
    offered_note: Mapped[str] = mapped_column(Text)
    offered_proof: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
