"""The watch grade (防返困) judged from facts alone, without a ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kunnan.domain.enums import FollowupOutcome, WatchGrade
from kunnan.domain.watch import Visit, WatchFacts, WatchRules, grade

D = dt.date
RULES = WatchRules(yellow_multiplier=Decimal("1.5"), red_overdue_days=90)
AS_OF = D(2019, 3, 1)


def facts(latest: Visit | None = None, overdue_since: D | None = None) -> WatchFacts:
    return WatchFacts(D(2018, 6, 1), latest, overdue_since, next_due=D(2019, 6, 1))


def income(fen: int, members: int = 2) -> Visit:
    """A visit that found this income, on a dibao line of 520.00."""
    return Visit(D(2019, 2, 1), FollowupOutcome.STABLE, fen, members, 52000)


def test_income_per_person_is_measured_by_the_line_and_the_yellow_multiple() -> None:
    assert grade(facts(income(103998)), RULES, AS_OF).grade is WatchGrade.RED  # 519.99
    assert grade(facts(income(104000)), RULES, AS_OF).grade is WatchGrade.YELLOW  # 520.00
    assert grade(facts(income(155998)), RULES, AS_OF).grade is WatchGrade.YELLOW  # 779.99
    green = grade(facts(income(156000)), RULES, AS_OF)
    assert (green.grade, green.reasons) == (WatchGrade.GREEN, ("per capita 780.00",))
    # three members: 1,000.00 ÷ 3 = 333.33 a person
    assert grade(facts(income(100000, members=3)), RULES, AS_OF).reasons == (
        "per capita 333.33 < dibao line 520.00",
    )


def test_a_follow_up_overdue_is_yellow_and_more_than_the_days_red() -> None:
    at_90 = grade(facts(overdue_since=AS_OF - dt.timedelta(days=90)), RULES, AS_OF)
    at_91 = grade(facts(overdue_since=AS_OF - dt.timedelta(days=91)), RULES, AS_OF)
    assert at_90.grade is WatchGrade.YELLOW and at_91.grade is WatchGrade.RED
    assert at_91.reasons == ("follow-up due 2018-11-30 is 91 days overdue",)


def test_red_reasons_come_first_and_the_yellow_ones_stay() -> None:
    found = Visit(D(2019, 2, 1), FollowupOutcome.AT_RISK, 60000, 1, 52000, new_illness=True)
    judged = grade(facts(found, overdue_since=D(2019, 2, 20)), RULES, AS_OF)
    assert judged.grade is WatchGrade.RED
    assert judged.reasons == (
        "a member has a new serious illness",
        "follow-up due 2019-02-20 is 9 days overdue",
        "per capita 600.00 < 1.5 × dibao line (780.00)",
        "the visitor found it at risk",
    )


def test_a_visit_without_income_is_graded_on_what_the_visitor_found() -> None:
    relapsed = Visit(D(2019, 2, 1), FollowupOutcome.RELAPSED)
    assert grade(facts(relapsed), RULES, AS_OF).reasons == ("the visitor found it relapsed",)
    stable = grade(facts(Visit(D(2019, 2, 1), FollowupOutcome.STABLE)), RULES, AS_OF)
    assert (stable.grade, stable.reasons) == (WatchGrade.GREEN, ("the visitor found it stable",))
    assert grade(facts(), RULES, AS_OF).reasons == (
        "no follow-up yet; the first is due 2019-06-01",
    )
