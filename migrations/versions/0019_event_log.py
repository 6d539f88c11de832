"""event log: every change one event of an append-only log, and signed checkpoints of it

Creates ``log_entry`` (one event per row a write changed, in order; append-only), the
ledger's own secret that personal data is digested with (``ledger_secret``, made here), its
checkpoint key (``ledger_key``), its signed checkpoints (``checkpoint``), and the
lower ledgers it witnesses with the evidence of their rollbacks and forks
(``witnessed_log``, ``witness_evidence``), with the triggers that note changes of the new
signed tables and keep the log and the checkpoints append-only.

The log starts here. A ledger whose writes are already signed gets one event per signed row,
in the order they were signed (its history since signing began); any other ledger, a new one
too, one event per row as it stands, digested with the new secret.

Going down is refused once a checkpoint exists: what it pinned would go.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

from kunnan.db.triggers import (
    APPEND_ONLY,
    SIGNED,
    create_append_only,
    create_noting,
    drop_append_only,
    drop_noting,
    signed_since,
)
from kunnan.domain.events import Event, event_data
from kunnan.domain.merkle import leaf_hash
from kunnan.domain.signing import row_digest
from kunnan.models.base import UtcDateTime

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_GUARDED = [t for t in APPEND_ONLY if t.since == revision]
_BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("leaf_index", Key, autoincrement=False, nullable=False),
        sa.Column("signature_id", Key, nullable=True),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signature.id"], name=op.f("fk_log_entry_signature_id_signature")
        ),
        sa.PrimaryKeyConstraint("leaf_index", name=op.f("pk_log_entry")),
    )
    op.create_index(
        "ix_log_entry_table_name_row_key", "log_entry", ["table_name", "row_key"], unique=False
    )
    op.create_table(
        "ledger_secret",
        sa.Column("id", Key, autoincrement=False, nullable=False),
        sa.Column("secret", sa.LargeBinary(length=32), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_secret_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_secret")),
    )
    secret = secrets.token_bytes(32)
    op.execute(
        sa.table("ledger_secret", sa.column("id"), sa.column("secret"))
        .insert()
        .values(id=1, secret=secret)
    )
    op.create_table(
        "ledger_key",
        sa.Column("id", Key, nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_key")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_ledger_key_fingerprint")),
    )
    op.create_table(
        "checkpoint",
        sa.Column("id", Key, nullable=False),
        sa.Column("ledger_key_id", Key, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_key_id"],
            ["ledger_key.id"],
            name=op.f("fk_checkpoint_ledger_key_id_ledger_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoint")),
    )
    op.create_index(
        op.f("ix_checkpoint_ledger_key_id"), "checkpoint", ["ledger_key_id"], unique=False
    )
    op.create_table(
        "witnessed_log",
        sa.Column("id", Key, nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_witnessed_log")),
        sa.UniqueConstraint("origin", name=op.f("uq_witnessed_log_origin")),
    )
    op.create_table(
        "witness_evidence",
        sa.Column("id", Key, nullable=False),
        sa.Column("witnessed_id", Key, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("held_size", sa.BigInteger(), nullable=False),
        sa.Column("held_root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("offered_note", sa.Text(), nullable=False),
        sa.Column("offered_proof", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["witnessed_id"],
            ["witnessed_log.id"],
            name=op.f("fk_witness_evidence_witnessed_id_witnessed_log"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_witness_evidence")),
    )
    op.create_index(
        op.f("ix_witness_evidence_witnessed_id"),
        "witness_evidence",
        ["witnessed_id"],
        unique=False,
    )
    connection = op.get_bind()
    if not _log_what_is_signed(connection):
        _log_every_row(connection, secret)
    for table in _GUARDED:
        create_append_only(connection, table)
    create_noting(connection, signed_since(revision))


_LOG_TABLE = sa.table(
    "log_entry",
    sa.column("leaf_index"),
    sa.column("signature_id"),
    sa.column("table_name"),
    sa.column("row_key"),
    sa.column("digest"),
    sa.column("recorded_at", UtcDateTime()),  # stored as kunnan's models store it
    sa.column("leaf_hash"),
)


def _event_row(index: int, table: str, key: str, digest: bytes, signature_id: int | None,
               at: dt.datetime) -> dict[str, object]:  # fmt: skip
    event = Event(index, table, key, digest, signature_id, at)
    return {
        "leaf_index": index,
        "signature_id": signature_id,
        "table_name": table,
        "row_key": key,
        "digest": digest,
        "recorded_at": at,
        "leaf_hash": leaf_hash(event_data(event)),
    }


def _log_every_row(connection: sa.Connection, secret: bytes) -> None:
    """A ledger without signatures (a new one too): every row as it stands, one event each,
    digested with the new secret as ``store.signatures.seal`` digests them (the baseline)."""
    from kunnan.models import Base
    from kunnan.store.log import key_of

    at = dt.datetime.now(dt.UTC)
    present = sa.inspect(connection)
    index = 0
    for signed in SIGNED:
        table = Base.metadata.tables[signed.table]
        columns = {c["name"] for c in present.get_columns(signed.table)}
        chosen = [column for column in table.columns if column.name in columns]
        values = []
        for row in connection.execute(sa.select(*chosen)):
            key = key_of(table, row)
            digest = row_digest(signed.table, key, row._asdict(), secret=secret)
            values.append(_event_row(index, signed.table, key, digest, None, at))
            index += 1
        for start in range(0, len(values), _BATCH):
            connection.execute(sa.insert(_LOG_TABLE), values[start : start + _BATCH])


def _log_what_is_signed(connection: sa.Connection) -> bool:
    """One event per signed row, in the order they were signed (the ledger's history since
    its writes were first signed); False when nothing is signed."""
    rows = connection.execute(
        sa.text(
            "SELECT r.signature_id, r.table_name, r.row_key, r.digest, s.signed_at "
            "FROM signed_row r JOIN signature s ON s.id = r.signature_id ORDER BY r.id"
        )
    )
    index = 0
    while batch := rows.fetchmany(_BATCH):
        values = [
            _event_row(
                index + offset, table_name, row_key, bytes(digest), signature_id, _utc(signed_at)
            )
            for offset, (signature_id, table_name, row_key, digest, signed_at) in enumerate(batch)
        ]
        index += len(values)
        connection.execute(sa.insert(_LOG_TABLE), values)
    return index > 0


def _utc(stored: dt.datetime | str) -> dt.datetime:
    """A timestamp as the database returns it (SQLite: text without a zone, in UTC)."""
    at = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def downgrade() -> None:
    pinned = op.get_bind().execute(sa.text("SELECT count(*) FROM checkpoint")).scalar()
    if pinned:
        raise RuntimeError(
            f"{pinned} checkpoints are signed; downgrading below 0019 would drop the log they pin"
        )
    connection = op.get_bind()
    drop_noting(connection, signed_since(revision))
    for table in _GUARDED:
        drop_append_only(connection, table)
    op.drop_index(op.f("ix_witness_evidence_witnessed_id"), table_name="witness_evidence")
    op.drop_table("witness_evidence")
    op.drop_table("witnessed_log")
    op.drop_index(op.f("ix_checkpoint_ledger_key_id"), table_name="checkpoint")
    op.drop_table("checkpoint")
    op.drop_table("ledger_key")
    op.drop_table("ledger_secret")
    op.drop_index("ix_log_entry_table_name_row_key", table_name="log_entry")
    op.drop_table("log_entry")
