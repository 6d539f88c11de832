"""三算: a household's monthly income per person against the local dibao line.

Everything is integer fen and exact decimals: a comparison such as "per-capita
income ≤ 1.5 × line" is made as ``income ≤ 1.5 × line × members`` so that no
division ever rounds a household across a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kunnan.domain.enums import Category
from kunnan.domain.money import format_fen


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
        f"members: {members}",
        f"income: {_yuan(facts.earned_fen)} earned + {_yuan(facts.other_fen)} other "
        f"= {_yuan(income)} yuan a month",
        f"per capita: {_yuan(income)} ÷ {members} = {_yuan(per_capita(income, members))}",
        f"dibao line: {_yuan(line)} per person a month",
    ]
    category: Category | None = None
    if income < line * members:
        lines.append(f"dibao: {_yuan(per_capita(income, members))} < {_yuan(line)}: yes")
        category = Category.DIBAO
    else:
        lines.append(f"dibao: {_yuan(per_capita(income, members))} < {_yuan(line)}: no")
        category = _marginal(facts, lines) or _accident(facts, lines)
    if category is None:
        lines.append("proposed category: none (not eligible)")
    else:
        lines.append(f"proposed category: {category.value} ({category.zh})")
    return Assessment(facts=facts, category=category, lines=tuple(lines))


def _within_multiple(name: str, multiplier: Decimal, facts: IncomeFacts, lines: list[str]) -> bool:
    """Per-capita income at most ``multiplier`` times the dibao line (the line it writes)."""
    members, income, line = facts.members, facts.income_fen, facts.dibao_line_fen
    within = income <= multiplier * line * members
    lines.append(
        f"{name}: {_yuan(per_capita(income, members))} ≤ {multiplier} × {_yuan(line)} = "
        f"{_yuan(_times(multiplier, line))}: " + ("yes" if within else "no")
    )
    return within


def _left_within_line(name: str, costs_fen: int, facts: IncomeFacts, lines: list[str]) -> bool:
    """Per-capita income less ``costs_fen`` at most the dibao line (the line it writes)."""
    members, income, line = facts.members, facts.income_fen, facts.dibao_line_fen
    left = income - costs_fen
    within = left <= line * members
    lines.append(
        f"{name}: ({_yuan(income)} − {_yuan(costs_fen)}) ÷ {members}"
        f" = {_yuan(per_capita(left, members))} ≤ {_yuan(line)}: " + ("yes" if within else "no")
    )
    return within


def _marginal(facts: IncomeFacts, lines: list[str]) -> Category | None:
    within = _within_multiple("marginal", facts.marginal_multiplier, facts, lines)
    if within and facts.marginal_rigid_test:
        within = _left_within_line(
            "marginal rigid-expenditure test", facts.rigid_costs_fen, facts, lines
        )
    return Category.MARGINAL if within else None


def _accident(facts: IncomeFacts, lines: list[str]) -> Category | None:
    if not _within_multiple("accident", facts.accident_multiplier, facts, lines):
        return None
    if not _left_within_line("accident costs test", facts.accident_costs_fen, facts, lines):
        return None
    return Category.ACCIDENT
