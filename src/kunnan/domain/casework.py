"""The order of service aid: training stages, housing and legal cases.

Each is a small state machine, kept here as data so that the services and
their tests agree on it:

- training (培训-鉴定-就业): enrolled → completed → certified → employed,
  each stage only after the one before;
- housing: a case is applied for, then allocated or refused (both final);
- legal: a case is opened, then resolved and closed, or closed unresolved.
"""

from __future__ import annotations

import datetime as dt

from kunnan.domain.enums import (
    HousingKind,
    HousingStatus,
    LegalKind,
    LegalStatus,
    TrainingStage,
    named,
    shown,
)
from kunnan.domain.errors import RuleViolation
from kunnan.i18n import _

#: The training stages in order.
STAGES: tuple[TrainingStage, ...] = tuple(TrainingStage)

#: The statuses a housing or legal case may move to from each status.
HOUSING_NEXT: dict[HousingStatus, frozenset[HousingStatus]] = {
    HousingStatus.APPLIED: frozenset({HousingStatus.ALLOCATED, HousingStatus.REFUSED}),
    HousingStatus.ALLOCATED: frozenset(),
    HousingStatus.REFUSED: frozenset(),
}
LEGAL_NEXT: dict[LegalStatus, frozenset[LegalStatus]] = {
    LegalStatus.OPENED: frozenset({LegalStatus.RESOLVED, LegalStatus.CLOSED}),
    LegalStatus.RESOLVED: frozenset({LegalStatus.CLOSED}),
    LegalStatus.CLOSED: frozenset(),
}
#: The status a new case starts with.
HOUSING_START = HousingStatus.APPLIED
LEGAL_START = LegalStatus.OPENED

#: The programme code each kind of legal case is counted under.
LEGAL_PROGRAM: dict[LegalKind, str] = {kind: kind.value.replace("_", "-") for kind in LegalKind}

#: The programmes of service aid (their codes in the catalogue).
TRAINING_PROGRAM = "training"
PLACEMENT_PROGRAM = "job-placement"
LOAN_PROGRAM = "startup-loan"
HOUSING_PROGRAM = "housing"
COUNSELING_PROGRAM = "counseling"


def stage_before(stage: TrainingStage) -> TrainingStage | None:
    """The stage that must be reached before ``stage`` (None for enrolment)."""
    index = STAGES.index(stage)
    return STAGES[index - 1] if index else None


def is_open(status: HousingStatus | LegalStatus) -> bool:
    """Whether a case in ``status`` can still change."""
    if isinstance(status, HousingStatus):
        return bool(HOUSING_NEXT[status])
    return bool(LEGAL_NEXT[status])


def transition_refusal(
    current: HousingStatus | LegalStatus, wanted: HousingStatus | LegalStatus
) -> str | None:
    """Why a case cannot move from ``current`` to ``wanted``, or None when it can."""
    allowed: frozenset[HousingStatus] | frozenset[LegalStatus] = (
        HOUSING_NEXT[current] if isinstance(current, HousingStatus) else LEGAL_NEXT[current]
    )
    if wanted in allowed:
        return None
    if not allowed:
        return _("it is {status}, which is final", status=named(current))
    choices = _(" or ").join(shown(status) for status in sorted(allowed, key=str))
    return _(
        "it is {status}; it can become {choices}, not {wanted}",
        status=named(current),
        choices=choices,
        wanted=shown(wanted),
    )


def check_step(
    case: str,
    whose: str,
    current: HousingStatus | LegalStatus,
    wanted: HousingStatus | LegalStatus,
    *,
    since: dt.date,
    on: dt.date,
) -> None:
    """RuleViolation when ``case`` (of the household ``whose`` names; both as the language
    shown names them) cannot move from
    ``current`` (reached on ``since``) to ``wanted`` on ``on``: housing and legal cases alike."""
    refusal = transition_refusal(current, wanted)
    if refusal is not None:
        raise RuleViolation(
            _(
                "{case} of {whose} cannot become {wanted}: {refusal}",
                case=case,
                whose=whose,
                wanted=shown(wanted),
                refusal=refusal,
            )
        )
    if on < since:
        raise RuleViolation(
            _(
                "{case} last changed on {since}; a change dated {on} would go back in time",
                case=case,
                since=since.isoformat(),
                on=on.isoformat(),
            )
        )


def no_open_case(
    code: str, kind: HousingKind | LegalKind, wanted: HousingStatus | LegalStatus
) -> RuleViolation:
    """The refusal of a status change for household ``code`` when it has no open case of
    ``kind``: a case starts with the first status, and the hint opens one."""
    if isinstance(kind, HousingKind):
        return RuleViolation(
            _(
                "{code} has no open {kind} housing case to become {status}; "
                "a case starts as {start}",
                code=code,
                kind=kind.value,
                status=wanted.value,
                start=HOUSING_START.value,
            ),
            hint=_(
                "kunnan aid housing {code} --kind {kind} --status applied",
                code=code,
                kind=kind.value,
            ),
        )
    return RuleViolation(
        _(
            "{code} has no open {kind} case to become {status}; a case starts as {start}",
            code=code,
            kind=kind.value,
            status=wanted.value,
            start=LEGAL_START.value,
        ),
        hint=_(
            "kunnan aid legal {code} --kind {kind} --status opened",
            code=code,
            kind=kind.value,
        ),
    )
