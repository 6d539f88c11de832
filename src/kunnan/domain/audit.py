"""What every change is stamped with: who made it, with which command, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    operator: str
    command: str
    at: dt.datetime
