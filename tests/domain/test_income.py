"""三算 at every boundary, in integer fen: exactly at the line, exactly 1.5×, exactly 3×."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.enums import Category
from kunnan.domain.income import IncomeFacts, assess

LINE = 52000  # 520.00 yuan per person per month


def facts(income: int, members: int = 3, **extra: object) -> IncomeFacts:
    values: dict[str, object] = {
        "members": members,
        "earned_fen": income,
        "other_fen": 0,
        "medical_costs_fen": 0,
        "schooling_costs_fen": 0,
        "accident_costs_fen": 0,
        "dibao_line_fen": LINE,
        "marginal_multiplier": Decimal("1.5"),
        "accident_multiplier": Decimal("3"),
        "marginal_rigid_test": False,
    }
    values.update(extra)
    return IncomeFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("income", "extra", "category"),
    [
        (3 * LINE - 1, {}, Category.DIBAO),  # one fen below the line for three people
        (3 * LINE, {}, Category.MARGINAL),  # exactly at the line is not below it
        (3 * 78000, {}, Category.MARGINAL),  # exactly 1.5 × line per person
        (3 * 78000 + 1, {}, None),  # one fen above 1.5 ×, no accident costs
        (3 * 78000 + 1, {"accident_costs_fen": 3 * 78000 + 1 - 3 * LINE}, Category.ACCIDENT),
        (
            3 * 156000,
            {"accident_costs_fen": 3 * 156000 - 3 * LINE},
            Category.ACCIDENT,
        ),  # exactly 3×
        (3 * 156000 + 1, {"accident_costs_fen": 10**9}, None),  # above 3×: never accident
        (3 * 156000, {"accident_costs_fen": 3 * 156000 - 3 * LINE - 1}, None),  # one fen short
    ],
)
def test_categories_at_each_boundary(
    income: int, extra: dict[str, int], category: Category | None
) -> None:
    assert assess(facts(income, **extra)).category is category


def test_odd_totals_are_compared_without_rounding() -> None:
    # 1,560.01 yuan for two people is 780.005 each: above 1.5 × 520 = 780.00.
    assert assess(facts(156001, members=2)).category is None
    assert assess(facts(156000, members=2)).category is Category.MARGINAL


def test_the_rigid_expenditure_switch_tightens_marginal() -> None:
    base = facts(3 * 70000, medical_costs_fen=3 * 10000, marginal_rigid_test=True)
    assert assess(base).category is None  # (2100 − 300) ÷ 3 = 600 > 520
    enough = facts(3 * 70000, medical_costs_fen=3 * 18000, marginal_rigid_test=True)
    assert assess(enough).category is Category.MARGINAL  # (2100 − 540) ÷ 3 = 520 ≤ 520


def test_the_printed_arithmetic_shows_each_figure() -> None:
    lines = assess(facts(120000, members=3, other_fen=6000)).lines
    assert lines == (
        "members: 3",
        "income: 1,200.00 earned + 60.00 other = 1,260.00 yuan a month",
        "per capita: 1,260.00 ÷ 3 = 420.00",
        "dibao line: 520.00 per person a month",
        "dibao: 420.00 < 520.00: yes",
        "proposed category: dibao (低保户)",
    )


def test_multipliers_are_policy_not_constants() -> None:
    wider = facts(3 * 100000, marginal_multiplier=Decimal("2"))
    assert assess(wider).category is Category.MARGINAL


@given(
    members=st.integers(min_value=1, max_value=12),
    income=st.integers(min_value=0, max_value=10_000_000),
    accident=st.integers(min_value=0, max_value=10_000_000),
)
def test_the_category_agrees_with_exact_per_capita_arithmetic(
    members: int, income: int, accident: int
) -> None:
    result = assess(facts(income, members=members, accident_costs_fen=accident)).category
    per_capita = Decimal(income) / members
    if per_capita < LINE:
        assert result is Category.DIBAO
    elif per_capita <= Decimal("1.5") * LINE:
        assert result is Category.MARGINAL
    elif per_capita <= 3 * LINE and Decimal(income - accident) / members <= LINE:
        assert result is Category.ACCIDENT
    else:
        assert result is None
