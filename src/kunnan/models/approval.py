"""A second pair of eyes (maker-checker): actions that wait for a second operator's approval."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kunnan.models.base import Base, Key, UtcDateTime


class Pending(Base):
    """An action judged and held instead of taking effect (P0001): its kind, its input as the
    command took it (the Pydantic model's JSON), who made it and when, until when it may be
    accepted, and how it was decided."""

    __tablename__ = "pending"

    id: Mapped[int] = mapped_column(Key, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The action's input: the JSON of its Pydantic model, run again when it is accepted.
    payload: Mapped[str] = mapped_column(Text)
    #: The household it is about (its union is the scope of who may decide it).
    household_id: Mapped[int | None] = mapped_column(Key, ForeignKey("household.id"), index=True)
    maker: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    #: The last day it may be accepted.
    expires_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    #: Why it was declined.
    reason: Mapped[str | None] = mapped_column(Text)
