"""作废: a record voided by mistake stays in the ledger, marked with who voided it, when and why.

A voidable table has a nullable ``void_id`` naming its ``void`` row; a record stands while
``void_id IS NULL``, the one expression every list, report and rule reads it by. A merged
duplicate household (一户一档) is voided the same way and names the household it was merged
into. Money is never voided: the aid ledger is corrected by reversals only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Void(Base):
    __tablename__ = "void"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: The day the void counts from (the command's day).
    voided_on: Mapped[dt.date] = mapped_column(Date)
    operator: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    #: What was voided: ``contact``, ``exit``, ``followup``, ``household`` …, and its code.
    entity: Mapped[str] = mapped_column(String(32))
    entity_ref: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[int | None] = mapped_column(Key, index=True)
