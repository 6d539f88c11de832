"""The exit rule ``months`` judged from facts alone: income at or above the dibao line in
every figure of the last N months and in the latest one before them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from kunnan.domain.enums import ExitRule, HouseholdStatus
from kunnan.domain.errors import RuleViolation
from kunnan.domain.exits import Figures, IncomeFigure, StableFacts, Standing, judge_stable

D = dt.date
ARCHIVED = Standing("H000001", HouseholdStatus.ARCHIVED, D(2018, 1, 15), "marginal")
ON = D(2018, 9, 3)  # six months before: 2018-03-03
#: A fresh calculation on the exit day: 1,200.00 for two, 600.00 a person (below 1.5 × 520.00).
FRESH = Figures(ON, members=2, income_fen=120000, dibao_line_fen=52000,
                exit_multiplier=Decimal("1.5"))  # fmt: skip


def figure(on: D, per_capita_yuan: int) -> IncomeFigure:
    return IncomeFigure(on, members=2, income_fen=per_capita_yuan * 200, dibao_line_fen=52000)


def facts(*history: IncomeFigure, rule: ExitRule = ExitRule.MONTHS) -> StableFacts:
    return StableFacts(ON, FRESH, window_days=90, multiplier=Decimal("1.5"), rule=rule,
                       months=6, history=(*history, figure(ON, 600)))  # fmt: skip


def test_six_months_at_or_above_the_line_pass_where_the_multiple_would_not() -> None:
    verdict = judge_stable(ARCHIVED, facts(figure(D(2018, 1, 8), 520), figure(D(2018, 6, 1), 560)))
    assert verdict.reason == (
        "per capita at or above the dibao line since 2018-01-08, 6 months or more "
        "(3 income figures)"
    )
    assert verdict.details["since"] == "2018-01-08" and verdict.rests_on_calculation
    with pytest.raises(RuleViolation, match=re.escape("per capita 600.00 < exit line 780.00")):
        judge_stable(ARCHIVED, facts(figure(D(2018, 1, 8), 520), rule=ExitRule.MULTIPLE))


def test_the_figure_at_the_window_start_counts_as_before_it() -> None:
    assert judge_stable(ARCHIVED, facts(figure(D(2018, 3, 3), 600))).details["figures"] == 2
    with pytest.raises(RuleViolation, match="no income figure is from 2018-03-03 or before"):
        judge_stable(ARCHIVED, facts(figure(D(2018, 3, 4), 600)))


@pytest.mark.parametrize(
    ("history", "named"),
    [
        # the latest figure before the six months is below: they are not all above
        ((figure(D(2017, 1, 1), 900), figure(D(2018, 2, 1), 519)), "519.00 < dibao line 520.00 on 2018-02-01"),
        # one figure within them is below (the latest below is named)
        ((figure(D(2018, 1, 8), 600), figure(D(2018, 4, 1), 500), figure(D(2018, 7, 1), 510)),
         "510.00 < dibao line 520.00 on 2018-07-01"),
    ],
)  # fmt: skip
def test_any_figure_below_the_line_refuses(history: tuple[IncomeFigure, ...], named: str) -> None:
    with pytest.raises(RuleViolation, match=re.escape(named)):
        judge_stable(ARCHIVED, facts(*history))


def test_figures_after_the_exit_day_are_not_read() -> None:
    later = figure(D(2018, 10, 1), 100)
    assert judge_stable(ARCHIVED, facts(figure(D(2018, 1, 8), 600), later)).details["figures"] == 2
