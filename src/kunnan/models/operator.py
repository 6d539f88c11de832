"""The operators of the ledger (经办人员): registered people, each with a union and a role."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Operator(Base):
    """A person who works in the ledger: their name (what ``--operator`` gives), the union
    they work at (None: the whole ledger) and their role; disabled, never deleted."""

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int | None] = mapped_column(Key, ForeignKey("org.id"))
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    added_by: Mapped[str] = mapped_column(String(64))
    disabled_on: Mapped[dt.date | None] = mapped_column(Date)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    #: The PostgreSQL role ``kunnan db roles sync`` made for them (None: not made, or SQLite).
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True, index=True)
