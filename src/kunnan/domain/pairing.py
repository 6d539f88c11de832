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

from kunnan.domain.enums import HouseholdStatus, named
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.i18n import _


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
            hint = _(
                "it is archived after the seven identification steps: "
                "kunnan identify status {code}",
                code=code,
            )
        raise RuleViolation(
            _(
                "{code} is {status}; only archived households are paired",
                code=code,
                status=named(status),
            ),
            hint=hint,
        )
    if archived_on is not None and on < archived_on:
        raise RuleViolation(
            _(
                "{code} was archived on {archived}; it cannot be paired on {on}, before that",
                code=code,
                archived=archived_on.isoformat(),
                on=on.isoformat(),
            )
        )


def check_start(code: str, spans: Sequence[Span], on: dt.date) -> None:
    """A new pairing needs no active one, and starts no earlier than the last one ended."""
    current = active(spans)
    if current is not None:
        raise Conflict(
            _(
                "{code} is already paired with {unit} ({contact}) since {since}",
                code=code,
                unit=current.unit,
                contact=current.contact,
                since=current.started_on.isoformat(),
            ),
            hint=_(
                "to change its unit or contact person: kunnan pair reassign {code} …", code=code
            ),
        )
    last_end = max((span.ended_on for span in spans if span.ended_on is not None), default=None)
    if last_end is not None and on < last_end:
        raise RuleViolation(
            _(
                "{code} was paired until {until}; a new pairing starts on that day or later, "
                "not {on}",
                code=code,
                until=last_end.isoformat(),
                on=on.isoformat(),
            )
        )


def check_end(
    code: str, current: Span, last_visit_on: dt.date | None, on: dt.date, what: str
) -> None:
    """A pairing ends (``what``: "ending it", "a reassignment", in the language shown) no
    earlier than it began or than its last visit."""
    if on < current.started_on:
        raise RuleViolation(
            _(
                "{code} has been paired since {since}; {what} on {on} would be before that",
                code=code,
                since=current.started_on.isoformat(),
                what=what,
                on=on.isoformat(),
            )
        )
    if last_visit_on is not None and on < last_visit_on:
        raise RuleViolation(
            _(
                "{contact} visited {code} on {visited}; {what} on {on} would be before that visit",
                contact=current.contact,
                code=code,
                visited=last_visit_on.isoformat(),
                what=what,
                on=on.isoformat(),
            )
        )


def check_end_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the pairing ends"))


def nothing_to_end(code: str) -> RuleViolation:
    return RuleViolation(_("{code} is not paired, so there is no pairing to end", code=code))


def check_reassign(code: str, spans: Sequence[Span]) -> Span:
    """The pairing a reassignment ends: the active one, which it needs."""
    current = active(spans)
    if current is None:
        raise RuleViolation(
            _("{code} is not paired, so there is nothing to reassign", code=code),
            hint=assign_hint(code),
        )
    return current


def check_change(code: str, unchanged: bool, unit: str, contact: str) -> None:
    """A reassignment changes the unit, the contact person or the number."""
    if unchanged:
        raise InvalidInput(
            _(
                "{code} is already paired with {unit} ({contact}) at that number; "
                "nothing to change",
                code=code,
                unit=unit,
                contact=contact,
            )
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
            _(
                "{code} is not paired; visits are logged by its contact person once it is",
                code=code,
            ),
            hint=assign_hint(code),
        )
    raise RuleViolation(
        _(
            "{code} was not paired on {day} (its pairing began on {since})",
            code=code,
            day=day.isoformat(),
            since=current.started_on.isoformat(),
        )
    )
