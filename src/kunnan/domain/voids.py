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
from kunnan.domain.enums import CaseStatus, HouseholdStatus, ObjectionStatus, Step
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.domain.identification import step_label
from kunnan.i18n import _, n_


class Voidable(StrEnum):
    """The kinds of record ``kunnan void`` takes, each named by its code's letters."""

    CONTACT = "contact"
    EXIT = "exit"
    FOLLOWUP = "followup"
    STEP = "identification_step"
    OBJECTION = "objection"
    PAIR_VISIT = "pair_visit"
    STAGE = "training_progress"
    PLACEMENT = "job_placement"
    HOUSING_CASE = "housing_case"
    HOUSING_CHANGE = "housing_status_change"
    LEGAL_CASE = "legal_case"
    LEGAL_CHANGE = "legal_status_change"
    COUNSELING = "counseling_session"


#: The letters of each voidable record's code (``domain.codes``).
LETTERS = {
    Voidable.CONTACT: "CA",
    Voidable.EXIT: "EX",
    Voidable.FOLLOWUP: "FU",
    Voidable.STEP: "ST",
    Voidable.OBJECTION: "OB",
    Voidable.PAIR_VISIT: "PV",
    Voidable.STAGE: "TS",
    Voidable.PLACEMENT: "P",
    Voidable.HOUSING_CASE: "HC",
    Voidable.HOUSING_CHANGE: "HS",
    Voidable.LEGAL_CASE: "LC",
    Voidable.LEGAL_CHANGE: "LS",
    Voidable.COUNSELING: "CS",
}


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
            "'{text}' names no record that can be voided; give its code as household show "
            "prints it (a contact CA012, a step ST004, a visit PV002 …); money is not voided "
            "but reversed",
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


@dataclass(frozen=True)
class StepFacts:
    """What voiding an identification step is judged on."""

    code: str
    household: str
    step: Step
    #: The status of the step's case, and whether it is the household's latest case.
    case_status: CaseStatus
    latest_case: bool
    #: The case's latest standing step (the step itself if none came after it).
    latest_step: Step
    #: The household's latest standing status change: its day, status and reason.
    latest_change: tuple[dt.date, str, str] | None
    done_on: dt.date
    #: Standing objections filed in the case (a public notice's).
    objections: int = 0


def check_step_void(facts: StepFacts) -> None:
    """A step may be voided only while it is the latest step done in its open case: the case
    then waits for that step again. The home visit is never voided: it opened the case and
    the household's identification (reject the case instead). The confirmation (七确认)
    closed the case; it may be voided only while nothing has happened since in the
    household's status history (its latest change is the archiving), and the household then
    goes back to identifying at confirm. A public notice with objections filed in it keeps
    them: void the objections first."""
    code, household = facts.code, facts.household
    if facts.step is Step.VISIT:
        raise RuleViolation(
            _(
                "{code} is the home visit that opened {household}'s case; it is not voided: "
                "reject the case instead (kunnan identify reject)",
                code=code,
                household=household,
            )
        )
    if facts.step is Step.CONFIRM:
        archived_since = (
            facts.case_status is CaseStatus.ARCHIVED
            and facts.latest_case
            and facts.latest_change is not None
            and facts.latest_change[0] == facts.done_on
            and facts.latest_change[1] == HouseholdStatus.ARCHIVED.value
            and facts.latest_change[2] == "confirmed"
        )
        if not archived_since:
            raise RuleViolation(
                _(
                    "{household}'s status has changed since {code} archived it; a confirmation "
                    "is voided only while nothing has happened since",
                    code=code,
                    household=household,
                )
            )
        return
    if facts.case_status is not CaseStatus.OPEN:
        raise RuleViolation(
            _(
                "{code} belongs to a closed case of {household}; a step is voided only while "
                "its case is open",
                code=code,
                household=household,
            )
        )
    if facts.latest_step is not facts.step:
        raise RuleViolation(
            _(
                "{code} is not the latest step of {household}'s case ({step} came after it); "
                "void that first",
                code=code,
                household=household,
                step=step_label(facts.latest_step),
            )
        )
    if facts.objections:
        raise RuleViolation(
            n_(
                "{code}'s public notice has {n} objection filed in it; void it first",
                "{code}'s public notice has {n} objections filed in it; void them first",
                facts.objections,
                code=code,
                n=facts.objections,
            )
        )


def check_objection_void(code: str, *, status: ObjectionStatus, case_status: CaseStatus) -> None:
    """An objection may be voided while its case is open (an open one then no longer holds
    up the confirmation). An upheld objection rejected the case: it is not voidable (the
    household is restarted instead); nor is one of a case already closed."""
    if status is ObjectionStatus.UPHELD:
        raise RuleViolation(
            _(
                "{code} was upheld and rejected its case; it is not voided "
                "(restart the household: kunnan identify restart)",
                code=code,
            )
        )
    if case_status is not CaseStatus.OPEN:
        raise RuleViolation(
            _(
                "{code} was filed in a case that is closed; an objection is voided only while "
                "its case is open",
                code=code,
            )
        )


def check_latest_void(code: str, *, of: str, later: str | None) -> None:
    """A training stage (of its enrolment), a job placement (of its member) or a housing or
    legal case's status change (of its case) is voided only while it is the latest: what
    came after it rests on it. ``later`` is the code of the latest one, when it is another."""
    if later is not None:
        raise RuleViolation(
            _(
                "{code} is not the latest of {of} ({later} came after it); void that first",
                code=code,
                of=of,
                later=later,
            )
        )


def check_change_void(code: str, case: str, *, first: bool) -> None:
    """A case's first status change opened it: the case itself is voided instead."""
    if first:
        raise RuleViolation(
            _(
                "{code} opened case {case}; void the case instead: kunnan void {case}",
                code=code,
                case=case,
            )
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
