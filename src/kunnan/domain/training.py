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
from kunnan.domain.enums import HouseholdStatus, TrainingStage, named
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.i18n import N_, _

#: How a message says a trainee reached each stage: (has …, … on a date), shown with ``_``.
_REACHED = {
    TrainingStage.ENROLLED: (
        N_("been enrolled in class {klass}"),
        N_("was enrolled in class {klass}"),
    ),
    TrainingStage.COMPLETED: (N_("completed class {klass}"), N_("completed class {klass}")),
    TrainingStage.CERTIFIED: (N_("been certified after class {klass}"), N_("was certified")),
    TrainingStage.EMPLOYED: (N_("been employed after class {klass}"), N_("was employed")),
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
        return _("{member} of {household}", member=self.member, household=self.household)


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
            _(
                "{household} is {status} on {on}, not archived; classes are open, but a "
                "trainee from a household that is not archived is enrolled only with "
                "--not-archived",
                household=trainee.household,
                status=named(standing),
                on=on.isoformat(),
            )
        )
    if on > klass.ends_on:
        raise RuleViolation(
            _(
                "class {klass} ended on {ended}; an enrolment dated {on} is after it",
                klass=klass.code,
                ended=klass.ends_on.isoformat(),
                on=on.isoformat(),
            )
        )
    if enrolled_since is not None:
        raise Conflict(
            _(
                "{who} is already enrolled in class {klass} (since {since})",
                who=trainee.who,
                klass=klass.code,
                since=enrolled_since.isoformat(),
            )
        )
    if klass.capacity is not None and taken >= klass.capacity:
        raise RuleViolation(
            _(
                "class {klass} ({name}) is full: all {places} places are taken",
                klass=klass.code,
                name=klass.name,
                places=klass.capacity,
            )
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
            _(
                "{who} has already {reached} (on {on})",
                who=trainee.who,
                reached=_(_REACHED[stage][0], klass=klass.code),
                on=reached[stage].isoformat(),
            )
        )
    before = stage_before(stage)
    if before is None:
        raise ValueError("enrolment is judged by check_enrolment")
    if before not in reached:
        missing = next(s for s in STAGES if s not in reached)
        member = "" if trainee.is_head else f" --member {trainee.member}"
        raise RuleViolation(
            _(
                "{who} has not {reached} yet; the stages go enrolled → completed → certified "
                "→ employed, each after the one before",
                who=trainee.who,
                reached=_(_REACHED[before][0], klass=klass.code),
            ),
            hint=f"kunnan training {_COMMAND[missing]} {klass.code} {trainee.household}{member}",
        )
    if on < reached[before]:
        raise RuleViolation(
            _(
                "{who} {reached} on {day}; the next stage cannot be dated {on}, before that",
                who=trainee.who,
                reached=_(_REACHED[before][1], klass=klass.code),
                day=reached[before].isoformat(),
                on=on.isoformat(),
            )
        )
    if stage is TrainingStage.COMPLETED and on < klass.starts_on:
        raise RuleViolation(
            _(
                "class {klass} starts on {starts}; it cannot be completed on {on}",
                klass=klass.code,
                starts=klass.starts_on.isoformat(),
                on=on.isoformat(),
            )
        )


def check_certificate(certificate_no: str | None) -> str:
    """鉴定: a certification names the skills certificate's number."""
    if certificate_no is None:
        raise InvalidInput(_("--certificate: is required (the skills certificate's number)"))
    return certificate_no
