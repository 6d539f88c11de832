"""结对帮扶: the rules of pairing a household with a responsible unit and a contact person.

A pairing runs from ``started_on`` up to, not including, ``ended_on``; a household has at
most one active pairing and its pairings never overlap. Nothing here reads the database:
``services.pairing`` gathers each household's pairings (its spans) for a whole batch and
asks here whether a pairing may start or end on a day, and which pairing a visit on a day
belongs to. A single ``kunnan pair`` command is a batch of one, so each refusal is worded
once, below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kunnan.domain.enums import HouseholdStatus
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation


@dataclass(frozen=True)
class Span:
    """One pairing of a household, as the rules read it."""

    id: int
    started_on: dt.date
    ended_on: dt.date | None
    contact: str
    #: The responsible unit's name (for messages).
    unit: str


def assign_hint(code: str) -> str:
    return f"kunnan pair assign {code} --unit … --contact … --phone …"


def active(spans: Sequence[Span]) -> Span | None:
    """The household's current pairing: the one not ended."""
    return next((span for span in spans if span.ended_on is None), None)


def check_pairable(
    code: str, status: HouseholdStatus, archived_on: dt.date | None, on: dt.date
) -> None:
    """Only archived households are paired, and not before the day they were archived."""
    if status is not HouseholdStatus.ARCHIVED:
        hint = None
        if status in (HouseholdStatus.CANDIDATE, HouseholdStatus.IDENTIFYING):
            hint = f"it is archived after the seven identification steps: kunnan identify status {code}"
        raise RuleViolation(
            f"{code} is {status.value} ({status.zh}); only archived households are paired",
            hint=hint,
        )
    if archived_on is not None and on < archived_on:
        raise RuleViolation(
            f"{code} was archived on {archived_on.isoformat()}; "
            f"it cannot be paired on {on.isoformat()}, before that"
        )


def check_start(code: str, spans: Sequence[Span], on: dt.date) -> None:
    """A new pairing needs no active one, and starts no earlier than the last one ended."""
    current = active(spans)
    if current is not None:
        raise Conflict(
            f"{code} is already paired with {current.unit} ({current.contact}) "
            f"since {current.started_on.isoformat()}",
            hint=f"to change its unit or contact person: kunnan pair reassign {code} …",
        )
    last_end = max((span.ended_on for span in spans if span.ended_on is not None), default=None)
    if last_end is not None and on < last_end:
        raise RuleViolation(
            f"{code} was paired until {last_end.isoformat()}; "
            f"a new pairing starts on that day or later, not {on.isoformat()}"
        )


def check_end(
    code: str, current: Span, last_visit_on: dt.date | None, on: dt.date, what: str
) -> None:
    """A pairing ends (``what``: "ending it", "a reassignment") no earlier than it began or
    than its last visit."""
    if on < current.started_on:
        raise RuleViolation(
            f"{code} has been paired since {current.started_on.isoformat()}; "
            f"{what} on {on.isoformat()} would be before that"
        )
    if last_visit_on is not None and on < last_visit_on:
        raise RuleViolation(
            f"{current.contact} visited {code} on {last_visit_on.isoformat()}; "
            f"{what} on {on.isoformat()} would be before that visit"
        )


def check_end_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput("--reason: say why the pairing ends")


def nothing_to_end(code: str) -> RuleViolation:
    return RuleViolation(f"{code} is not paired, so there is no pairing to end")


def check_reassign(code: str, spans: Sequence[Span]) -> Span:
    """The pairing a reassignment ends: the active one, which it needs."""
    current = active(spans)
    if current is None:
        raise RuleViolation(
            f"{code} is not paired, so there is nothing to reassign", hint=assign_hint(code)
        )
    return current


def check_change(code: str, unchanged: bool, unit: str, contact: str) -> None:
    """A reassignment changes the unit, the contact person or the number."""
    if unchanged:
        raise InvalidInput(
            f"{code} is already paired with {unit} ({contact}) at that number; nothing to change"
        )


def pairing_on(spans: Sequence[Span], day: dt.date) -> Span | None:
    """The pairing a visit on ``day`` belongs to: in force that day (on a reassignment day,
    the new one). ``spans`` are the household's pairings, oldest first."""
    found: Span | None = None
    for span in spans:  # oldest first, so a later one in force replaces an earlier one
        if span.started_on <= day and (span.ended_on is None or span.ended_on >= day):
            found = span
    return found


def visit_pairing(code: str, spans: Sequence[Span], day: dt.date) -> Span:
    """The pairing a visit on ``day`` is logged under; refused when none was in force."""
    found = pairing_on(spans, day)
    if found is not None:
        return found
    current = active(spans)
    if current is None:
        raise RuleViolation(
            f"{code} is not paired; visits are logged by its contact person once it is",
            hint=assign_hint(code),
        )
    raise RuleViolation(
        f"{code} was not paired on {day.isoformat()} "
        f"(its pairing began on {current.started_on.isoformat()})"
    )
