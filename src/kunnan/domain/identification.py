"""精准识别: the seven steps in their order and the rules between them.

一进二看三算四议五评六公示七确认 — visit, inspect, calculate, deliberate,
appraise, publicize, confirm. No household is archived without all seven,
in order, with the public notice run to its end.

Every refusal of a step is judged here, from the facts the service gathers
(the household's status and registration, the steps its case has done and
their dates, the notice, the objections still open, the approving union's
place above the household's own): for one step typed at the command line
and for the thousands of an identification history played in bulk alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kunnan.domain.enums import (
    Category,
    Cause,
    Decision,
    HouseholdStatus,
    ObjectionStatus,
    Step,
    named,
    shown,
)
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.i18n import _

ORDER: tuple[Step, ...] = (
    Step.VISIT,
    Step.INSPECT,
    Step.CALCULATE,
    Step.DELIBERATE,
    Step.APPRAISE,
    Step.PUBLICIZE,
    Step.CONFIRM,
)

MIN_VISITORS = 2

#: The statuses of a household that takes identification steps.
ACTIVE = (HouseholdStatus.CANDIDATE, HouseholdStatus.IDENTIFYING)


def next_step(done: Sequence[Step]) -> Step | None:
    """The step due after ``done`` (which must be a prefix of ORDER), or None when all are done."""
    if tuple(done) != ORDER[: len(done)]:
        raise ValueError(f"steps out of order: {[s.value for s in done]}")
    return ORDER[len(done)] if len(done) < len(ORDER) else None


def step_label(step: Step) -> str:
    """A step as messages name it: ``visit (一进)`` in English, ``一进`` in Chinese."""
    return named(step)


def notice_end(start: dt.date, days: int) -> dt.date:
    """The last day of a notice that runs ``days`` days from ``start`` inclusive."""
    return start + dt.timedelta(days=days - 1)


def status_refusal(code: str, status: HouseholdStatus) -> RuleViolation:
    """Why a household that is neither a candidate nor in identification takes no step."""
    if status is HouseholdStatus.REJECTED:
        return RuleViolation(
            _("{code} was rejected; it takes steps again only after a restart", code=code),
            hint=f"kunnan identify restart {code} --reason …",
        )
    return RuleViolation(
        _(
            "{code} is {status}; only candidate and identifying households take "
            "identification steps",
            code=code,
            status=shown(status),
        )
    )


def check_due(
    code: str,
    *,
    status: HouseholdStatus,
    registered_on: dt.date,
    done: Mapping[Step, dt.date],
    step: Step,
    on: dt.date,
) -> None:
    """Refuse ``step`` on ``on`` unless it is the step due and dated no earlier than the last.

    ``done`` is what the open case has recorded and when, in order (empty for a candidate,
    whose first step is the visit, dated no earlier than its registration).
    """
    if status not in ACTIVE:
        raise status_refusal(code, status)
    if status is HouseholdStatus.CANDIDATE:
        if step is not Step.VISIT:
            raise RuleViolation(
                _(
                    "{code} has not been visited yet: the first step is {first}, not {step}",
                    code=code,
                    first=step_label(Step.VISIT),
                    step=step_label(step),
                )
            )
        if on < registered_on:
            raise RuleViolation(
                _(
                    "the visit on {on} is before {code} was registered ({registered})",
                    on=on.isoformat(),
                    code=code,
                    registered=registered_on.isoformat(),
                )
            )
        return
    due = next_step(list(done))
    if step is not due:
        already = done.get(step)
        if already is not None:
            raise RuleViolation(
                _(
                    "{step} is already recorded for {code} (on {on}); the next step is {due}",
                    step=step_label(step),
                    code=code,
                    on=already.isoformat(),
                    due=step_label(due),
                )
                if due
                else _("{step} is already recorded for {code}", step=step_label(step), code=code)
            )
        raise RuleViolation(
            _(
                "steps go in order: the next step for {code} is {due}",
                code=code,
                due=step_label(due),
            )
            if due
            else _("{code} has done every step", code=code),
        )
    check_not_backwards(code, shown(step), on, done)


def check_not_backwards(code: str, what: str, on: dt.date, done: Mapping[Step, dt.date]) -> None:
    """Refuse ``what`` (a step, a rejection, as the language shown names it) dated before the
    last step the case has done."""
    last_step, last_on = list(done.items())[-1]
    if on < last_on:
        raise RuleViolation(
            _(
                "dates cannot go backwards: {code} {what} on {on} is before {last} on {last_on}",
                code=code,
                what=what,
                on=on.isoformat(),
                last=shown(last_step),
                last_on=last_on.isoformat(),
            )
        )


def visitors(names: Sequence[str]) -> list[str]:
    """一进: the people on a home visit, each once; at least ``MIN_VISITORS`` of them."""
    found = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if len(found) < MIN_VISITORS:
        raise RuleViolation(
            _(
                "a home visit needs at least {least} visitors, {given} given "
                "(a visit that found nobody is a contact attempt: kunnan household contact)",
                least=MIN_VISITORS,
                given=len(found),
            )
        )
    return found


def check_meeting(attendees: int, minutes: str) -> None:
    """四议: a committee meeting has attendees and minutes."""
    if attendees < 1:
        raise InvalidInput(_("--attendees: a committee meeting has at least one attendee"))
    if not minutes.strip():
        raise InvalidInput(_("--minutes: the committee's minutes must not be empty"))


def committee_rejects(decision: Decision, minutes: str) -> str | None:
    """Why the committee's decision rejects the case, or None when it lets it go on."""
    if decision is Decision.REJECT:
        return _("the union committee decided against: {minutes}", minutes=minutes)
    return None


def check_votes(votes_for: int, votes_against: int) -> None:
    """五评: vote counts are zero or more, and some votes were cast."""
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against == 0:
        raise InvalidInput(
            _("--for and --against are vote counts: zero or more, and some votes cast")
        )


def appraisal_passes(votes_for: int, votes_against: int, share: Decimal) -> bool:
    """Passes when the votes for are more than ``share`` of the votes cast (0.5: simple majority)."""
    cast = votes_for + votes_against
    return cast > 0 and votes_for > share * cast


def appraisal_fails(votes_for: int, votes_against: int, share: Decimal) -> str | None:
    """Why the workers' representatives' appraisal rejects the case, or None when it passes."""
    if appraisal_passes(votes_for, votes_against, share):
        return None
    return _(
        "the workers' representatives did not pass it: {votes_for} for, {votes_against} "
        "against (needs more than {share} of votes cast)",
        votes_for=votes_for,
        votes_against=votes_against,
        share=share,
    )


@dataclass(frozen=True)
class Inspection:
    """二看: what the inspection found that can exclude a household."""

    car_value_fen: int
    second_home: bool
    business: bool


def exclusions(inspection: Inspection, *, car_value_limit_fen: int) -> list[str]:
    """The reasons this household is excluded, empty if none."""
    reasons = []
    if inspection.second_home:
        reasons.append(_("owns a second home (二套房)"))
    if inspection.business:
        reasons.append(_("runs a business or employs others (经商办企业)"))
    if inspection.car_value_fen > car_value_limit_fen:
        reasons.append(
            _(
                "owns a car worth {value:,} yuan, above the {limit:,}-yuan limit (车辆超标)",
                value=inspection.car_value_fen // 100,
                limit=car_value_limit_fen // 100,
            )
        )
    return reasons


def notice_days(days: int | None, minimum: int) -> int:
    """六公示: how long a notice runs (the policy's minimum when not given, never less)."""
    length = minimum if days is None else days
    if length < minimum:
        raise RuleViolation(
            _(
                "a public notice runs at least {least} days, not {length}",
                least=minimum,
                length=length,
            )
        )
    return length


def check_objection_filed(code: str, notice: tuple[dt.date, dt.date] | None, on: dt.date) -> None:
    """An objection is filed while the notice runs (``notice``: its first and last day, None
    when no notice is running)."""
    if notice is None:
        raise RuleViolation(
            _("{code} has no public notice running; objections are filed during one", code=code)
        )
    start, until = notice
    if not start <= on <= until:
        raise RuleViolation(
            _(
                "the notice for {code} runs {start} to {until}; an objection on {on} is outside it",
                code=code,
                start=start.isoformat(),
                until=until.isoformat(),
                on=on.isoformat(),
            )
        )


def check_settle(number: int, status: ObjectionStatus, filed_on: dt.date, on: dt.date) -> None:
    """An objection is settled once, no earlier than it was filed."""
    if status is not ObjectionStatus.OPEN:
        raise RuleViolation(
            _(
                "objection #{number} was already settled ({status})",
                number=number,
                status=shown(status),
            )
        )
    if on < filed_on:
        raise RuleViolation(
            _(
                "objection #{number} was filed on {filed}; it cannot be settled on {on}",
                number=number,
                filed=filed_on.isoformat(),
                on=on.isoformat(),
            )
        )


def upheld_reason(number: int, text: str) -> str:
    """Why an upheld objection rejects the case."""
    return _("objection #{number} upheld: {text}", number=number, text=text)


@dataclass(frozen=True)
class UnionPlace:
    """Where a union sits in the tree of unions: what ``check_approver`` needs to know."""

    id: int
    name: str
    path: str
    parent_id: int | None


def check_approver(approver: UnionPlace, own: UnionPlace) -> None:
    """七确认: a union above the household's own confirms (the top union confirms its own)."""
    above = approver.path != own.path and own.path.startswith(approver.path)
    top = own.parent_id is None and approver.id == own.id
    if not (above or top):
        raise RuleViolation(
            _(
                "'{approver}' is not above '{own}'; a higher-level union confirms",
                approver=approver.name,
                own=own.name,
            )
        )


def check_notice_over(code: str, until: dt.date, on: dt.date) -> None:
    """Confirmation comes after the last day of the notice."""
    if on <= until:
        raise RuleViolation(
            _(
                "the public notice for {code} runs until {until}; confirm on {day} or later",
                code=code,
                until=until.isoformat(),
                day=(until + dt.timedelta(days=1)).isoformat(),
            )
        )


def check_objections_settled(code: str, open_objections: Sequence[int]) -> None:
    if open_objections:
        listed = ", ".join(f"#{n}" for n in open_objections)
        raise RuleViolation(
            _(
                "{code} has unsettled objections ({listed}); settle them first",
                code=code,
                listed=listed,
            )
        )


def confirmed_category(
    code: str, *, given: Category | None, proposed: Category | None, override: str | None
) -> Category:
    """The category a household is archived with: as calculated, or another with an override."""
    category = given or proposed
    if category is None:
        raise RuleViolation(
            _(
                '{code} was not eligible by income; give --category with --override "reason"',
                code=code,
            )
        )
    if proposed is not category and not override:
        raise RuleViolation(
            _(
                'the calculated category is {calculated}; confirming {category} needs --override "reason"',
                calculated=shown(proposed) if proposed else _("none"),
                category=shown(category),
            )
        )
    return category


def confirmed_cause(code: str, *, given: Cause | None, recorded: Cause | None) -> Cause:
    """The main cause a household is archived with: as given, else as registered."""
    cause = given or recorded
    if cause is None:
        raise InvalidInput(
            _("--cause: {code} has no main cause of hardship yet; give one", code=code)
        )
    return cause


def check_reject(code: str, status: HouseholdStatus, reason: str) -> None:
    """A case in identification (or a candidate's, before its visit) is rejected with a reason."""
    if status not in ACTIVE:
        raise status_refusal(code, status)
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the case is rejected"))


def check_restart(code: str, status: HouseholdStatus, reason: str) -> None:
    """Only a rejected household starts the seven steps again, with a reason."""
    if status is not HouseholdStatus.REJECTED:
        raise RuleViolation(
            _(
                "{code} is {status}; only a rejected household is restarted",
                code=code,
                status=shown(status),
            )
        )
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the case is opened again"))


def archive_number(area_code: str, year: int, serial: int) -> str:
    """档案号: area code, year and a serial, e.g. 620402-2018-00017."""
    return f"{area_code}-{year}-{serial:05d}"
