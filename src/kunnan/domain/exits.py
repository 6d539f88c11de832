"""解困脱困: the rules for leaving the register, and when exited households are followed up."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kunnan.domain.money import format_fen


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day if it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
        relation = "≥" if self.passes else "<"
        return (
            f"per capita {format_fen(self.per_capita_fen)} {relation} exit line "
            f"{format_fen(self.exit_line_fen)} ({self.multiplier} × {format_fen(self.dibao_line_fen)})"
        )


def parse_months(text: str) -> list[int]:
    """'3,6,12' → [3, 6, 12]: distinct, increasing, 1 to 120 months."""
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(f"'{text}' is not a list of months like 3,6,12")
    months = [int(part) for part in parts]
    if months != sorted(set(months)) or not 1 <= months[0] <= months[-1] <= 120:
        raise ValueError("follow-up months must increase, each from 1 to 120")
    return months
