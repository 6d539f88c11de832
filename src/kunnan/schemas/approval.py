"""Input models of the actions that may wait for a second operator's approval, as stored in a
pending row (``models.Pending.payload``) and run again when it is accepted. A grant waits as
its ``schemas.aid.GrantCreate``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kunnan.schemas.aid import ReversalCreate


class ReversalAction(BaseModel):
    """``aid reverse``: the entry reversed, and the reversal's reason and day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry: int
    change: ReversalCreate


class VoidAction(BaseModel):
    """``void``: the record's code as typed, why (checked by the command as free text), and
    the day the void counts from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record: str
    reason: str
    on_date: dt.date
