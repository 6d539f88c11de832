"""作废 and 一户一档: which records may be voided, when, and which households may be merged.

A record entered by mistake is never deleted: it is voided with a reason and stays in the
ledger marked void, and every list, report and rule reads past it. Nothing here reads the
database: ``services.void`` gathers a record's facts (is it already voided, is it the latest
of its kind, what came after it) and asks here; each refusal is worded once, below. Money is
not voided: a grant is corrected by a reversal (``kunnan aid reverse``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kunnan.domain.codes import code_number
from kunnan.domain.enums import HouseholdStatus
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.i18n import _


class Voidable(StrEnum):
    """The kinds of record ``kunnan void`` takes, each named by its code's letters."""

    CONTACT = "contact"
    EXIT = "exit"
    FOLLOWUP = "followup"


#: The letters of each voidable record's code (``domain.codes``).
LETTERS = {Voidable.CONTACT: "CA", Voidable.EXIT: "EX", Voidable.FOLLOWUP: "FU"}


def parse_record(text: str) -> tuple[Voidable, int]:
    """The kind and id of the record a typed code names (CA012, EX003, FU007)."""
    for kind, letters in LETTERS.items():
        number = code_number(letters, text.strip())
        if number is not None:
            return kind, number
    if code_number("H", text.strip()) is not None:
        raise InvalidInput(
            _(
                "{text} is a household: a duplicate registration is merged into the household "
                "that stays, with 'kunnan household merge {text} --into CODE --reason TEXT'",
                text=text.strip(),
            )
        )
    raise InvalidInput(
        _(
            "'{text}' names no record that can be voided; give a contact (CA012), an exit "
            "(EX003) or a follow-up (FU007) as household show prints it",
            text=text.strip(),
        )
    )


def check_not_voided(code: str, voided_on: dt.date | None) -> None:
    """A record is voided once."""
    if voided_on is not None:
        raise Conflict(_("{code} was already voided on {on}", code=code, on=voided_on.isoformat()))


def check_void_day(code: str, recorded_for: dt.date, on: dt.date) -> None:
    """A record is voided on or after the day it is dated: a void comes after what it undoes."""
    if on < recorded_for:
        raise RuleViolation(
            _(
                "{code} is dated {day}; it cannot be voided on {on}, before it",
                code=code,
                day=recorded_for.isoformat(),
                on=on.isoformat(),
            )
        )


@dataclass(frozen=True)
class ExitFacts:
    """What voiding an exit is judged on."""

    code: str
    household: str
    exited_on: dt.date
    relapsed_on: dt.date | None
    #: The id of the household's latest standing exit (None: none stands).
    latest_exit: int | None
    exit_id: int
    #: The household's latest standing status change: its day and status.
    latest_change: tuple[dt.date, str] | None


def check_exit_void(facts: ExitFacts) -> None:
    """An exit may be voided only while it is the household's last word: its latest exit,
    with no relapse and no change of status since (the household has not re-entered)."""
    if facts.latest_exit != facts.exit_id:
        raise RuleViolation(
            _(
                "{code} is not the latest exit of {household}; void the later one first",
                code=facts.code,
                household=facts.household,
            )
        )
    came_back = facts.relapsed_on is not None or (
        facts.latest_change is not None
        and (
            facts.latest_change[1] != HouseholdStatus.EXITED.value
            or facts.latest_change[0] != facts.exited_on
        )
    )
    if came_back:
        raise RuleViolation(
            _(
                "{household} came back onto the register after exit {code}; "
                "an exit is voided only while the household is still out",
                code=facts.code,
                household=facts.household,
            )
        )


def check_followup_void(code: str, done_on: dt.date | None) -> None:
    """A follow-up is voided when one was recorded by mistake: a visit still only due has
    nothing to void (the follow-ups of a voided exit are voided with it)."""
    if done_on is None:
        raise RuleViolation(
            _("{code} is only due, not done: there is no visit recorded to void", code=code)
        )


def check_merge(duplicate: str, keep: str, *, same: bool, duplicate_merged: str | None,
                keep_merged: str | None) -> None:  # fmt: skip
    """一户一档: a duplicate registration is merged into another household that stands."""
    if same:
        raise InvalidInput(_("{code} cannot be merged into itself", code=duplicate))
    if duplicate_merged is not None:
        raise Conflict(
            _("{code} was already merged into {into}", code=duplicate, into=duplicate_merged)
        )
    if keep_merged is not None:
        raise RuleViolation(
            _(
                "{code} was itself merged into {into}; merge into {into}",
                code=keep,
                into=keep_merged,
            )
        )


def merged_refusal(code: str, into: str) -> str:
    """Why nothing more is recorded for a merged duplicate."""
    return _(
        "{code} was merged into {into} (a duplicate registration); use {into}",
        code=code,
        into=into,
    )
