"""技能培训: the rules of a trainee's way from enrolment to a job (培训-鉴定-就业).

Classes are open: any registered household's member may be enrolled, one that is
not archived on the day only when the caseworker says so, while the class has
places and has not ended, once per member and class. Each later stage
(completed, certified, employed) comes after the one before, once, and is never
dated before it; a class is completed no earlier than it starts, and a
certificate has a number.

Services gather the facts (the class, the trainee, the stages reached, the places
taken) for one trainee or for a whole cohort, and these functions judge them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from kunnan.domain.casework import STAGES, stage_before
from kunnan.domain.enums import HouseholdStatus, TrainingStage
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation

#: How a message says a trainee reached each stage: (has …, … on a date).
_REACHED = {
    TrainingStage.ENROLLED: ("been enrolled in class {klass}", "was enrolled in class {klass}"),
    TrainingStage.COMPLETED: ("completed class {klass}", "completed class {klass}"),
    TrainingStage.CERTIFIED: ("been certified after class {klass}", "was certified"),
    TrainingStage.EMPLOYED: ("been employed after class {klass}", "was employed"),
}
#: The command that records each stage, for hints.
_COMMAND = {
    TrainingStage.COMPLETED: "complete",
    TrainingStage.CERTIFIED: "certify",
    TrainingStage.EMPLOYED: "employ",
}


@dataclass(frozen=True)
class ClassFacts:
    """What the rules need to know of a class."""

    code: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int | None


@dataclass(frozen=True)
class TraineeFacts:
    """Who the trainee is: a member (the head worker or another) of a household."""

    household: str
    member: str
    is_head: bool

    @property
    def who(self) -> str:
        return f"{self.member} of {self.household}"


def check_enrolment(
    klass: ClassFacts,
    trainee: TraineeFacts,
    *,
    on: dt.date,
    standing: HouseholdStatus,
    not_archived: bool,
    enrolled_since: dt.date | None,
    taken: int,
) -> None:
    """Refuse an enrolment on ``on`` of a trainee whose household stands at ``standing`` that day,
    into a class with ``taken`` places taken (``enrolled_since``: the trainee's earlier
    enrolment in the class, if any)."""
    if standing is not HouseholdStatus.ARCHIVED and not not_archived:
        raise RuleViolation(
            f"{trainee.household} is {standing.value} ({standing.zh}) on {on.isoformat()}, "
            "not archived; classes are open, but a trainee from a household that is not "
            "archived is enrolled only with --not-archived"
        )
    if on > klass.ends_on:
        raise RuleViolation(
            f"class {klass.code} ended on {klass.ends_on.isoformat()}; "
            f"an enrolment dated {on.isoformat()} is after it"
        )
    if enrolled_since is not None:
        raise Conflict(
            f"{trainee.who} is already enrolled in class {klass.code} "
            f"(since {enrolled_since.isoformat()})"
        )
    if klass.capacity is not None and taken >= klass.capacity:
        raise RuleViolation(
            f"class {klass.code} ({klass.name}) is full: all {klass.capacity} places are taken"
        )


def check_stage(
    klass: ClassFacts,
    trainee: TraineeFacts,
    reached: Mapping[TrainingStage, dt.date],
    stage: TrainingStage,
    on: dt.date,
) -> None:
    """Refuse ``stage`` on ``on`` out of order, twice, or dated before the stage it follows
    (``reached``: each stage the trainee reached and its date, enrolment included)."""
    if stage in reached:
        raise Conflict(
            f"{trainee.who} has already {_REACHED[stage][0].format(klass=klass.code)} "
            f"(on {reached[stage].isoformat()})"
        )
    before = stage_before(stage)
    if before is None:
        raise ValueError("enrolment is judged by check_enrolment")
    if before not in reached:
        missing = next(s for s in STAGES if s not in reached)
        member = "" if trainee.is_head else f" --member {trainee.member}"
        raise RuleViolation(
            f"{trainee.who} has not {_REACHED[before][0].format(klass=klass.code)} yet; the "
            "stages go enrolled → completed → certified → employed, each after the one before",
            hint=f"kunnan training {_COMMAND[missing]} {klass.code} {trainee.household}{member}",
        )
    if on < reached[before]:
        raise RuleViolation(
            f"{trainee.who} {_REACHED[before][1].format(klass=klass.code)} on "
            f"{reached[before].isoformat()}; the next stage cannot be dated {on.isoformat()}, "
            "before that"
        )
    if stage is TrainingStage.COMPLETED and on < klass.starts_on:
        raise RuleViolation(
            f"class {klass.code} starts on {klass.starts_on.isoformat()}; "
            f"it cannot be completed on {on.isoformat()}"
        )


def check_certificate(certificate_no: str | None) -> str:
    """鉴定: a certification names the skills certificate's number."""
    if certificate_no is None:
        raise InvalidInput("--certificate: is required (the skills certificate's number)")
    return certificate_no
