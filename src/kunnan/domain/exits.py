"""解困脱困: the rules for leaving the register, and when exited households are followed up.

Nothing here reads the database. ``services.exits`` gathers each household's facts (its
standing, its latest income calculation, the policy in force) for a whole batch of exits and
asks here whether each may exit and with what reason and figures; a single ``kunnan exit``
is a batch of one, so every refusal is worded once, below.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kunnan.domain.enums import Category, ExitKind, ExitRule, HouseholdStatus, shown
from kunnan.domain.errors import InvalidInput, RuleViolation
from kunnan.domain.money import format_fen
from kunnan.i18n import _, n_


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day if it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pairing_end_reason(kind: str) -> str:
    """What an exit writes as the reason its household's pairing ended (the record's own words;
    a voided exit finds the pairing it ended by them)."""
    return f"household exited ({kind})"


def objection_closing_note(kind: str) -> str:
    """What an exit writes on the objections it closes (a voided exit reopens them by it)."""
    return f"closed: the household exited ({kind})"


def followup_dates(exited_on: dt.date, months: Sequence[int]) -> list[dt.date]:
    return [add_months(exited_on, m) for m in months]


@dataclass(frozen=True)
class StableTest:
    """Whether a household's income clears the exit line: income ≥ multiplier × line × members."""

    members: int
    income_fen: int
    dibao_line_fen: int
    multiplier: Decimal

    @property
    def passes(self) -> bool:
        return Decimal(self.income_fen) >= self.multiplier * self.dibao_line_fen * self.members

    @property
    def exit_line_fen(self) -> int:
        return int(
            (self.multiplier * self.dibao_line_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )

    @property
    def per_capita_fen(self) -> int:
        return int(
            (Decimal(self.income_fen) / self.members).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )

    def explain(self) -> str:
        return _(
            "per capita {per_capita} {relation} exit line {exit_line} ({multiplier} × {line})",
            per_capita=format_fen(self.per_capita_fen),
            relation="≥" if self.passes else "<",
            exit_line=format_fen(self.exit_line_fen),
            multiplier=self.multiplier,
            line=format_fen(self.dibao_line_fen),
        )


def parse_months(text: str) -> list[int]:
    """'3,6,12' → [3, 6, 12]: distinct, increasing, 1 to 120 months."""
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(_("'{text}' is not a list of months like 3,6,12", text=text))
    months = [int(part) for part in parts]
    if months != sorted(set(months)) or not 1 <= months[0] <= months[-1] <= 120:
        raise ValueError(_("follow-up months must increase, each from 1 to 120"))
    return months


@dataclass(frozen=True)
class Standing:
    """A household as an exit, a follow-up or a relapse finds it."""

    code: str
    status: HouseholdStatus
    archived_on: dt.date | None = None
    category: str | None = None
    #: The day and kind of its latest exit, if it ever exited.
    last_exit: tuple[dt.date, ExitKind] | None = None


def exited_when(day: dt.date, kind: str) -> str:
    """When and how a household left the register, as a refusal says it after its code:
    `` on 2019-03-01 (stable)``."""
    known = kind in ExitKind.__members__.values()
    return _(
        " on {day} ({kind})", day=day.isoformat(), kind=shown(ExitKind(kind)) if known else kind
    )


def check_can_exit(standing: Standing, on: dt.date) -> None:
    """Only an archived household exits, and not before the day it was archived."""
    code = standing.code
    if standing.status is HouseholdStatus.EXITED:
        last = standing.last_exit
        when = exited_when(last[0], last[1].value) if last else ""
        raise RuleViolation(_("{code} already exited{when}", code=code, when=when))
    if standing.status is not HouseholdStatus.ARCHIVED:
        raise RuleViolation(
            _(
                "{code} is {status}; only archived households exit the register",
                code=code,
                status=shown(standing.status),
            )
        )
    if standing.archived_on is not None and on < standing.archived_on:
        raise RuleViolation(
            _(
                "{code} was archived on {archived}; it cannot exit on {on}",
                code=code,
                archived=standing.archived_on.isoformat(),
                on=on.isoformat(),
            )
        )


@dataclass(frozen=True)
class Figures:
    """An income calculation's figures, as the exit test reads them."""

    calculated_on: dt.date
    members: int
    income_fen: int
    dibao_line_fen: int
    #: The exit multiplier in force on the calculation's day: the line it is measured by.
    exit_multiplier: Decimal


@dataclass(frozen=True)
class IncomeFigure:
    """One figure of a household's income on a day: an income calculation (a yearly review's
    among them) or what a follow-up found, each with the dibao line it is measured by."""

    on: dt.date
    members: int
    income_fen: int
    dibao_line_fen: int

    @property
    def at_or_above_line(self) -> bool:
        return self.income_fen >= self.dibao_line_fen * self.members

    @property
    def per_capita_fen(self) -> int:
        return int(
            (Decimal(self.income_fen) / self.members).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )


@dataclass(frozen=True)
class StableFacts:
    """What a stable exit on ``on`` is judged on."""

    on: dt.date
    #: The calculation it rests on: a new one, or the latest up to the exit day.
    calculation: Figures | None
    #: How old the calculation may be (policy ``exit_calculation_days``).
    window_days: int
    #: The exit multiplier in force on the exit day (recorded with the figures).
    multiplier: Decimal
    #: For an accident household: what was resolved, instead of the figures.
    resolved: str | None = None
    #: The exit rule in force on the exit day (policy ``exit_rule``) and, for ``months``, how
    #: many (``exit_months``) and every income figure of the household up to the exit day.
    rule: ExitRule = ExitRule.MULTIPLE
    months: int = 6
    history: tuple[IncomeFigure, ...] = ()


@dataclass(frozen=True)
class ExitVerdict:
    """An exit allowed: the reason it records and its details (figures, where to)."""

    reason: str
    details: dict[str, Any]
    #: The exit rests on its calculation (a stable exit judged on its figures).
    rests_on_calculation: bool = False


def judge_stable(standing: Standing, facts: StableFacts) -> ExitVerdict:
    """稳定脱困: a fresh calculation at or above the exit line, or for an accident household
    what was resolved."""
    code, calculation = standing.code, facts.calculation
    test = (
        StableTest(
            members=calculation.members,
            income_fen=calculation.income_fen,
            dibao_line_fen=calculation.dibao_line_fen,
            multiplier=calculation.exit_multiplier,
        )
        if calculation is not None
        else None
    )
    if facts.resolved:
        if standing.category != Category.ACCIDENT.value:
            raise RuleViolation(
                _(
                    "--resolved is for accident (意外致困) households; {code} is {category}",
                    code=code,
                    category=_category_word(standing.category),
                )
            )
        details: dict[str, Any] = {"resolved": facts.resolved}
        if test is not None:
            details["figures"] = test.explain()
        return ExitVerdict(_("resolved: {what}", what=facts.resolved), details)
    if calculation is None or test is None:
        raise RuleViolation(
            _(
                "{code} has no income calculation; a stable exit needs one from the last "
                "{days} days",
                code=code,
                days=facts.window_days,
            ),
            hint=_("add --recalculate (with --other-income and costs if any)"),
        )
    if (facts.on - calculation.calculated_on).days > facts.window_days:
        raise RuleViolation(
            _(
                "{code}'s latest income calculation is from {calculated}, more than {days} "
                "days before {on}",
                code=code,
                calculated=calculation.calculated_on.isoformat(),
                days=facts.window_days,
                on=facts.on.isoformat(),
            ),
            hint=_("add --recalculate"),
        )
    if facts.rule is ExitRule.MONTHS:
        reason, since, count = _months_above_line(code, facts)
        details = {
            "rule": ExitRule.MONTHS.value,
            "months": facts.months,
            "since": since.isoformat(),
            "figures": count,
            "members": test.members,
            "income_fen": test.income_fen,
            "per_capita_fen": test.per_capita_fen,
            "dibao_line_fen": test.dibao_line_fen,
            "calculated_on": calculation.calculated_on.isoformat(),
        }
        return ExitVerdict(reason, details, rests_on_calculation=True)
    if not test.passes:
        raise RuleViolation(
            _("{code} cannot exit stably: {figures}", code=code, figures=test.explain())
        )
    details = {
        "members": test.members,
        "income_fen": test.income_fen,
        "per_capita_fen": test.per_capita_fen,
        "exit_line_fen": test.exit_line_fen,
        "dibao_line_fen": test.dibao_line_fen,
        "multiplier": str(facts.multiplier),
        "calculated_on": calculation.calculated_on.isoformat(),
    }
    return ExitVerdict(test.explain(), details, rests_on_calculation=True)


def _months_above_line(code: str, facts: StableFacts) -> tuple[str, dt.date, int]:
    """exit_rule ``months``: every income figure of the last ``months`` months at or above
    the dibao line per person, and the latest figure from before them too, so the household
    has been above the line for the whole time. Returns the reason, the day of that earlier
    figure and how many figures were read; refuses in one line otherwise."""
    start = add_months(facts.on, -facts.months)
    history = sorted(
        (figure for figure in facts.history if figure.on <= facts.on), key=lambda f: f.on
    )
    earlier = [figure for figure in history if figure.on <= start]
    within = [figure for figure in history if figure.on > start]
    if not earlier:
        raise RuleViolation(
            _(
                "{code} cannot exit stably: the rule is {months} months at or above the dibao "
                "line before {on}, and no income figure is from {start} or before",
                code=code,
                months=facts.months,
                on=facts.on.isoformat(),
                start=start.isoformat(),
            )
        )
    below = [figure for figure in (earlier[-1], *within) if not figure.at_or_above_line]
    if below:
        figure = below[-1]
        raise RuleViolation(
            _(
                "{code} cannot exit stably: per capita {per_capita} < dibao line {line} on "
                "{day}; the rule is {months} months at or above the line before {on}",
                code=code,
                per_capita=format_fen(figure.per_capita_fen),
                line=format_fen(figure.dibao_line_fen),
                day=figure.on.isoformat(),
                months=facts.months,
                on=facts.on.isoformat(),
            )
        )
    since = earlier[-1].on
    count = len(within) + 1
    reason = n_(
        "per capita at or above the dibao line since {since}, {months} months or more "
        "({count} income figure)",
        "per capita at or above the dibao line since {since}, {months} months or more "
        "({count} income figures)",
        count,
        since=since.isoformat(),
        months=facts.months,
        count=count,
    )
    return reason, since, count


def _category_word(category: str | None) -> str:
    """A household's category as a sentence names it (its slug in English)."""
    if category is None or category not in Category.__members__.values():
        return str(category)
    return shown(Category(category))


#: The exits that must say why the household leaves.
REASON_NEEDED = frozenset({ExitKind.SAFETY_NET, ExitKind.INELIGIBLE})


def judge_other(
    standing: Standing, kind: ExitKind, reason: str, moved_to: str | None
) -> ExitVerdict:
    """The exits that need a reason rather than figures: safety net, moved, deceased,
    ineligible, withdrew."""
    if kind is ExitKind.STABLE:
        raise ValueError("a stable exit is judged by judge_stable")
    if kind in REASON_NEEDED and not reason.strip():
        raise InvalidInput(
            _(
                "--reason: say why {code} leaves the register ({kind})",
                code=standing.code,
                kind=shown(kind),
            )
        )
    if kind is ExitKind.MOVED:
        if not moved_to or not moved_to.strip():
            raise InvalidInput(_("--to: say where the household moved"))
        return ExitVerdict(reason or _("moved to {place}", place=moved_to), {"moved_to": moved_to})
    return ExitVerdict(reason, {})


def _last_exit_on(standing: Standing, what: str) -> dt.date:
    if standing.last_exit is None or standing.status is not HouseholdStatus.EXITED:
        raise RuleViolation(_("{code} has not exited; {what}", code=standing.code, what=what))
    return standing.last_exit[0]


def check_followup(standing: Standing, on: dt.date) -> None:
    """A follow-up visits an exited household, on or after the day it exited."""
    exited_on = _last_exit_on(standing, _("follow-ups are for exited households"))
    if on < exited_on:
        raise RuleViolation(
            _(
                "{code} exited on {exited}; a follow-up cannot come before",
                code=standing.code,
                exited=exited_on.isoformat(),
            )
        )


def check_relapse(standing: Standing, on: dt.date, reason: str) -> None:
    """返困: only an exited household relapses, for a stated reason, not before it exited."""
    exited_on = _last_exit_on(standing, _("only an exited household can relapse"))
    if not reason.strip():
        raise InvalidInput(_("--reason: say what happened"))
    if on < exited_on:
        raise RuleViolation(
            _(
                "{code} exited on {exited}; it cannot relapse before",
                code=standing.code,
                exited=exited_on.isoformat(),
            )
        )
