"""三算: a household's monthly income per person against the local dibao line.

Everything is integer fen and exact decimals: a comparison such as "per-capita
income ≤ 1.5 × line" is made as ``income ≤ 1.5 × line × members`` so that no
division ever rounds a household across a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kunnan.domain.enums import Category, named
from kunnan.domain.money import format_fen
from kunnan.i18n import _, p_


@dataclass(frozen=True)
class IncomeFacts:
    """What the calculation needs to know, all monthly, in fen."""

    members: int
    earned_fen: int
    other_fen: int
    medical_costs_fen: int
    schooling_costs_fen: int
    accident_costs_fen: int
    dibao_line_fen: int
    marginal_multiplier: Decimal
    accident_multiplier: Decimal
    marginal_rigid_test: bool

    @property
    def income_fen(self) -> int:
        return self.earned_fen + self.other_fen

    @property
    def rigid_costs_fen(self) -> int:
        return self.medical_costs_fen + self.schooling_costs_fen


@dataclass(frozen=True)
class Assessment:
    facts: IncomeFacts
    category: Category | None
    lines: tuple[str, ...]

    @property
    def per_capita_fen(self) -> int:
        """Per-capita income rounded to the fen, for display and storage only."""
        return per_capita(self.facts.income_fen, self.facts.members)


def per_capita(total_fen: int, members: int) -> int:
    return int((Decimal(total_fen) / members).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _yuan(fen: int) -> str:
    return format_fen(fen)


def _times(multiplier: Decimal, line: int) -> int:
    return int((multiplier * line).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def assess(facts: IncomeFacts) -> Assessment:
    """Propose a category: dibao, marginal, accident, or None (not eligible).

    - dibao: income per person below the line;
    - marginal: at most ``marginal_multiplier`` × line (and, with the 2017
      rigid-expenditure test on, (income − medical − schooling) ÷ members ≤ line);
    - accident: at most ``accident_multiplier`` × line, and (income − accident
      costs) ÷ members ≤ line.
    """
    if facts.members < 1:
        raise ValueError("a household has at least one member")
    members = facts.members
    income = facts.income_fen
    line = facts.dibao_line_fen
    lines = [
        _("members: {members}", members=members),
        _(
            "income: {earned} earned + {other} other = {income} yuan a month",
            earned=_yuan(facts.earned_fen),
            other=_yuan(facts.other_fen),
            income=_yuan(income),
        ),
        _(
            "per capita: {income} ÷ {members} = {per_capita}",
            income=_yuan(income),
            members=members,
            per_capita=_yuan(per_capita(income, members)),
        ),
        _("dibao line: {line} per person a month", line=_yuan(line)),
    ]
    below = income < line * members
    lines.append(
        _(
            "dibao: {per_capita} < {line}: {answer}",
            per_capita=_yuan(per_capita(income, members)),
            line=_yuan(line),
            answer=_answer(below),
        )
    )
    category = Category.DIBAO if below else _marginal(facts, lines) or _accident(facts, lines)
    if category is None:
        lines.append(_("proposed category: none (not eligible)"))
    else:
        lines.append(_("proposed category: {category}", category=named(category)))
    return Assessment(facts=facts, category=category, lines=tuple(lines))


def _answer(yes: bool) -> str:
    return _("yes") if yes else _("no")


def _within_multiple(name: str, multiplier: Decimal, facts: IncomeFacts, lines: list[str]) -> bool:
    """Per-capita income at most ``multiplier`` times the dibao line (the line it writes)."""
    members, income, line = facts.members, facts.income_fen, facts.dibao_line_fen
    within = income <= multiplier * line * members
    lines.append(
        _(
            "{test}: {per_capita} ≤ {multiplier} × {line} = {most}: {answer}",
            test=name,
            per_capita=_yuan(per_capita(income, members)),
            multiplier=multiplier,
            line=_yuan(line),
            most=_yuan(_times(multiplier, line)),
            answer=_answer(within),
        )
    )
    return within


def _left_within_line(name: str, costs_fen: int, facts: IncomeFacts, lines: list[str]) -> bool:
    """Per-capita income less ``costs_fen`` at most the dibao line (the line it writes)."""
    members, income, line = facts.members, facts.income_fen, facts.dibao_line_fen
    left = income - costs_fen
    within = left <= line * members
    lines.append(
        _(
            "{test}: ({income} − {costs}) ÷ {members} = {per_capita} ≤ {line}: {answer}",
            test=name,
            income=_yuan(income),
            costs=_yuan(costs_fen),
            members=members,
            per_capita=_yuan(per_capita(left, members)),
            line=_yuan(line),
            answer=_answer(within),
        )
    )
    return within


def _marginal(facts: IncomeFacts, lines: list[str]) -> Category | None:
    within = _within_multiple(
        p_("income test", "marginal"), facts.marginal_multiplier, facts, lines
    )
    if within and facts.marginal_rigid_test:
        within = _left_within_line(
            p_("income test", "marginal rigid-expenditure test"),
            facts.rigid_costs_fen,
            facts,
            lines,
        )
    return Category.MARGINAL if within else None


def _accident(facts: IncomeFacts, lines: list[str]) -> Category | None:
    if not _within_multiple(p_("income test", "accident"), facts.accident_multiplier, facts, lines):
        return None
    if not _left_within_line(
        p_("income test", "accident costs test"), facts.accident_costs_fen, facts, lines
    ):
        return None
    return Category.ACCIDENT
