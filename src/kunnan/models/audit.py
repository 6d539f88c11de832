"""The audit log: who changed what, when, with which command. Rows are only ever added.

Triggers refuse UPDATE and DELETE on its rows (migration 0004) and, on PostgreSQL,
TRUNCATE (migration 0009); ``kunnan.db.triggers`` lists them for ``kunnan db verify``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    operator: Mapped[str] = mapped_column(String(64), index=True)
    command: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_ref: Mapped[str | None] = mapped_column(String(40))
    household_id: Mapped[int | None] = mapped_column(Key, index=True)
    #: JSON object {field: [old, new]} (or {field: value} for creations);
    #: ID numbers and phones are stored masked, the full values live in the register.
    changes: Mapped[str] = mapped_column(Text)
