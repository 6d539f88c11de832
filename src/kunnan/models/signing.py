"""Signatures: the operators' public keys, and who signed each row of the ledger as it is.

``row_change`` notes (by triggers, ``kunnan.db.triggers``) each row a write inserts, updates
or deletes; at the end of the write ``store.signatures`` signs them: one ``signature`` row
(who, with which key, when, the digest of what was signed) and one ``signed_row`` for each
row (its digest). The latest ``signed_row`` of a row is what ``kunnan db verify`` checks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class OperatorKey(Base):
    """A public key the ledger knows an operator by; retired, never deleted, when replaced."""

    __tablename__ = "operator_key"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    operator_id: Mapped[int] = mapped_column(Key, ForeignKey("operator.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Signature(Base):
    """One write's signature over the (table, key, digest) of every row it changed."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    operator_id: Mapped[int] = mapped_column(Key, ForeignKey("operator.id"), index=True)
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    rows: Mapped[int] = mapped_column(Integer)
    message_digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class SignedRow(Base):
    """A row's digest as a signature signed it (a deleted row's: its tombstone)."""

    __tablename__ = "signed_row"
    __table_args__ = (Index("ix_signed_row_table_name_row_key", "table_name", "row_key"),)

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    signature_id: Mapped[int] = mapped_column(Key, ForeignKey("signature.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(120))
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))


class RowChange(Base):
    """A row the write under way changed (noted by a trigger), waiting to be signed."""

    __tablename__ = "row_change"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(120))
