"""防返困: how closely a household that left the register stably is watched, and why.

A household's grade on a day comes from its follow-ups (回访) up to that day: what the latest
visit found (the household's income per person, a new serious illness, the outcome the
visitor wrote down) and whether a visit that fell due has not been made. The thresholds are
policy settings (``watch_yellow_multiplier``, ``watch_red_overdue_days``) so a province sets
its own. Nothing here reads the database: ``services.exit.watch_list`` gathers the facts of
every household watched and asks ``grade`` for each, with the reasons the list shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kunnan.domain.enums import FollowupOutcome, WatchGrade
from kunnan.domain.money import format_fen
from kunnan.i18n import _


@dataclass(frozen=True)
class Visit:
    """A follow-up made, as the watch reads it (the income facts are None when not asked)."""

    on: dt.date
    outcome: FollowupOutcome | None = None
    income_fen: int | None = None
    members: int | None = None
    #: The dibao line of the visit's year, kept with the follow-up.
    dibao_line_fen: int | None = None
    new_illness: bool | None = None

    @property
    def per_capita_fen(self) -> int | None:
        """The income per person, rounded to the fen; None when the visit has no income."""
        if self.income_fen is None or not self.members:
            return None
        return int(
            (Decimal(self.income_fen) / self.members).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )


@dataclass(frozen=True)
class WatchFacts:
    """A watched household's follow-ups as they stood on the day the list is about."""

    exited_on: dt.date
    #: The latest follow-up made on or before the day.
    latest: Visit | None
    #: The earliest follow-up due before the day and not made by it.
    overdue_since: dt.date | None
    #: The next follow-up due on or after the day.
    next_due: dt.date | None


@dataclass(frozen=True)
class WatchRules:
    """The policy in force on the day: a yellow warning below this many times the dibao line,
    a red one for a follow-up more than this many days overdue."""

    yellow_multiplier: Decimal
    red_overdue_days: int


@dataclass(frozen=True)
class Watch:
    grade: WatchGrade
    #: Why, the most serious first; a green household's one reason says what was last seen.
    #: What the latest follow-up found is said without its day: the list shows the day.
    reasons: tuple[str, ...]


def grade(facts: WatchFacts, rules: WatchRules, as_of: dt.date) -> Watch:
    """红 (red): income per person below the dibao line at the latest follow-up, a new serious
    illness, a visitor who found the household relapsed, or a follow-up overdue by more than
    ``red_overdue_days``. 黄 (yellow): income below ``yellow_multiplier`` × the line, a visitor
    who found it at risk, or a follow-up overdue at all. 绿 (green): none of these."""
    red: list[str] = []
    yellow: list[str] = []
    latest = facts.latest
    if facts.overdue_since is not None:
        days = (as_of - facts.overdue_since).days
        overdue = _(
            "follow-up due {due} is {days} days overdue",
            due=facts.overdue_since.isoformat(),
            days=days,
        )
        (red if days > rules.red_overdue_days else yellow).append(overdue)
    if latest is not None:
        per_capita = latest.per_capita_fen
        line = latest.dibao_line_fen
        if per_capita is not None and line is not None:
            watch_line = int(
                (rules.yellow_multiplier * line).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
            if per_capita < line:
                red.append(
                    _(
                        "per capita {per_capita} < dibao line {line}",
                        per_capita=format_fen(per_capita),
                        line=format_fen(line),
                    )
                )
            elif per_capita < watch_line:
                yellow.append(
                    _(
                        "per capita {per_capita} < {multiplier} × dibao line ({watch_line})",
                        per_capita=format_fen(per_capita),
                        multiplier=rules.yellow_multiplier,
                        watch_line=format_fen(watch_line),
                    )
                )
        if latest.new_illness:
            red.append(_("a member has a new serious illness"))
        if latest.outcome is FollowupOutcome.RELAPSED:
            red.append(_("the visitor found it relapsed"))
        elif latest.outcome is FollowupOutcome.AT_RISK:
            yellow.append(_("the visitor found it at risk"))
    if red:
        return Watch(WatchGrade.RED, (*red, *yellow))
    if yellow:
        return Watch(WatchGrade.YELLOW, tuple(yellow))
    return Watch(WatchGrade.GREEN, (_seen(facts, latest),))


def _seen(facts: WatchFacts, latest: Visit | None) -> str:
    """What a green household's last follow-up found, or that none is made yet."""
    if latest is None:
        if facts.next_due is None:
            return _("no follow-up yet")
        return _("no follow-up yet; the first is due {due}", due=facts.next_due.isoformat())
    per_capita = latest.per_capita_fen
    if per_capita is not None:
        return _("per capita {per_capita}", per_capita=format_fen(per_capita))
    return _("the visitor found it stable")
