"""Members over time: who belongs to a household on a day, and the rules for joining,
leaving and changing the head worker (户主变更).

A member belongs to the household from the day they joined (a member recorded without a
date belongs from the household's registration) until the day before they left. History is
kept: a member who left stays with the household, marked with the day and the reason, and
every count of a day (people in a report, members in an income calculation, who may receive
a grant) takes the members present that day. ``store.households.present_on`` is this same
rule written as SQL for the queries that count many households at once; a test holds the
two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kunnan.domain.enums import HeadChangeReason, LeaveReason, Relation, named
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.i18n import _


def present(joined_on: dt.date | None, left_on: dt.date | None, day: dt.date) -> bool:
    """The member belongs to the household on ``day``."""
    return (joined_on is None or joined_on <= day) and (left_on is None or left_on > day)


#: A household's members as an income test reads them: (monthly income in fen, joined, left).
Roster = list[tuple[int, dt.date | None, dt.date | None]]


def earned_on(roster: Roster, day: dt.date) -> tuple[int, int]:
    """How many members the household has on ``day``, and what they earn a month together."""
    here = [income for income, joined, left in roster if present(joined, left, day)]
    return len(here), sum(here)


@dataclass(frozen=True)
class MemberDates:
    """What the rules read of a member: who, and the days they belong between."""

    name: str
    relation: str
    joined_on: dt.date | None
    left_on: dt.date | None


def absence_refusal(member: MemberDates, day: dt.date, *, what: str) -> str | None:
    """Why ``what`` (a grant, a service) cannot go to ``member`` on ``day``: they had not
    joined the household yet, or had left it. None when they belong to it that day."""
    if member.joined_on is not None and day < member.joined_on:
        return _(
            "{name} joined the household on {joined}; {what} dated {on} is before that",
            name=member.name,
            joined=member.joined_on.isoformat(),
            what=what,
            on=day.isoformat(),
        )
    if member.left_on is not None and day >= member.left_on:
        return _(
            "{name} left the household on {left}; {what} dated {on} is not for them",
            name=member.name,
            left=member.left_on.isoformat(),
            what=what,
            on=day.isoformat(),
        )
    return None


def check_join(code: str, on: dt.date, *, registered_on: dt.date) -> None:
    """A member joins on a day after the household was registered (one who was there
    before is recorded without a date: they belong from the registration)."""
    if on < registered_on:
        raise RuleViolation(
            _(
                "{code} was registered on {registered}; a member who was there before joins "
                "without --on",
                code=code,
                registered=registered_on.isoformat(),
            )
        )


def check_leave(
    code: str, member: MemberDates, on: dt.date, *, registered_on: dt.date, reason: LeaveReason
) -> None:
    """A member other than the head leaves once, on a day they belonged to the household."""
    del reason  # every reason is allowed; kept in the signature for the record's sake
    if member.relation == Relation.HEAD.value:
        raise RuleViolation(
            _(
                "{name} is the head worker of {code}; change the head first "
                "(kunnan household head {code} --to MEMBER …)",
                name=member.name,
                code=code,
            )
        )
    if member.left_on is not None:
        raise RuleViolation(
            _(
                "{name} already left {code} on {left}",
                name=member.name,
                code=code,
                left=member.left_on.isoformat(),
            )
        )
    start = member.joined_on or registered_on
    if on < start:
        raise RuleViolation(
            _(
                "{name} belongs to {code} from {start}; they cannot leave on {on}",
                name=member.name,
                code=code,
                start=start.isoformat(),
                on=on.isoformat(),
            )
        )


#: The reasons for which the former head leaves the household the day the head changes.
LEAVES_WITH = {
    HeadChangeReason.DEATH: LeaveReason.DEATH,
    HeadChangeReason.MOVED: LeaveReason.MOVED_OUT,
    HeadChangeReason.DIVORCE: LeaveReason.DIVORCE,
}


def check_head_change(
    code: str,
    *,
    head: MemberDates,
    successor: MemberDates,
    on: dt.date,
    registered_on: dt.date,
    last_change: dt.date | None,
    reason: HeadChangeReason,
    former_relation: Relation | None,
) -> LeaveReason | None:
    """Judge a head change; return why the former head leaves, if they do.

    The new head is another member present that day; head changes move forward in time;
    a former head who stays names their relation to the new head."""
    if successor.relation == Relation.HEAD.value:
        raise InvalidInput(
            _("{name} is already the head worker of {code}", name=successor.name, code=code)
        )
    if not present(successor.joined_on, successor.left_on, on):
        raise RuleViolation(
            _(
                "{name} is not a member of {code} on {on}",
                name=successor.name,
                code=code,
                on=on.isoformat(),
            )
        )
    if on < registered_on or (last_change is not None and on < last_change):
        since = max(registered_on, last_change or registered_on)
        raise RuleViolation(
            _(
                "the head of {code} can change from {since} on, not on {on}",
                code=code,
                since=since.isoformat(),
                on=on.isoformat(),
            )
        )
    leaves = LEAVES_WITH.get(reason)
    if leaves is None and former_relation is None:
        raise InvalidInput(
            _(
                "{name} stays in {code} ({reason}): give --former-relation, their relation "
                "to the new head",
                name=head.name,
                code=code,
                reason=named(reason),
            )
        )
    if former_relation is Relation.HEAD:
        raise InvalidInput(_("--former-relation: the former head cannot stay the head"))
    return leaves
