"""A household's status over time: its history only moves forward.

Every change of status is kept with its date, so the status on any day is the latest change
on or before it. Services gather a household's changes (one query for a whole batch) and its
latest exit; these functions judge from them, for one household or for thousands alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kunnan.domain.enums import HouseholdStatus
from kunnan.domain.errors import RuleViolation
from kunnan.i18n import _


def check_moves_forward(code: str, latest: dt.date | None, on: dt.date) -> None:
    """Refuse a change of status dated before the household's latest one."""
    if latest is not None and on < latest:
        raise RuleViolation(
            _(
                "{code} changed status on {latest}; a change dated {on} would go back in time",
                code=code,
                latest=latest.isoformat(),
                on=on.isoformat(),
            )
        )


def status_on(changes: Sequence[tuple[dt.date, str]], day: dt.date) -> HouseholdStatus | None:
    """The status on ``day`` from the changes in the order they were made (None: none by then)."""
    found = None
    for changed_on, status in changes:
        if changed_on <= day:
            found = status
    return HouseholdStatus(found) if found is not None else None
