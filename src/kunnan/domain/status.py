"""A household's status over time: its history only moves forward.

Reports read a past day's status as the latest change up to that day, which
is one answer only if no change is ever dated before the household's latest
one. The services gather the latest change's date and ask here.
"""

from __future__ import annotations

import datetime as dt

from kunnan.domain.errors import RuleViolation


def check_forward(code: str, latest_on: dt.date | None, on: dt.date) -> None:
    """RuleViolation when a status change dated ``on`` would come before the latest one."""
    if latest_on is not None and on < latest_on:
        raise RuleViolation(
            f"{code} changed status on {latest_on.isoformat()}; "
            f"a change dated {on.isoformat()} would go back in time"
        )
