"""The exit, pairing and status-history rules judged from facts alone, without a ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kunnan.domain.enums import ExitKind, HouseholdStatus
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.domain.exits import (
    Figures,
    StableFacts,
    Standing,
    check_can_exit,
    check_followup,
    judge_other,
    judge_stable,
)
from kunnan.domain.pairing import Span, check_end, check_start, pairing_on, visit_pairing
from kunnan.domain.status import check_moves_forward

D = dt.date
ARCHIVED = Standing("H000001", HouseholdStatus.ARCHIVED, D(2018, 1, 15), "dibao")
#: Paired from 1 May to 1 Aug with one contact, then from 1 Aug with another.
SPANS = (
    Span(1, D(2018, 5, 1), D(2018, 8, 1), "李发明", "华鹭铝业公司"),
    Span(2, D(2018, 8, 1), None, "张清满", "白银磷肥厂工会"),
)


def figures(on: D, income_fen: int) -> Figures:
    return Figures(on, members=2, income_fen=income_fen, dibao_line_fen=52000,
                   exit_multiplier=Decimal("1.5"))  # fmt: skip


def stable(on: D, calculation: Figures | None, resolved: str | None = None) -> StableFacts:
    return StableFacts(on, calculation, window_days=90, multiplier=Decimal("1.5"),
                       resolved=resolved)  # fmt: skip


def test_a_stable_exit_rests_on_a_fresh_calculation_at_the_exit_line() -> None:
    at_line = figures(D(2018, 5, 1), 156000)  # 780.00 a person: 1.5 × 520.00
    verdict = judge_stable(ARCHIVED, stable(D(2018, 6, 1), at_line))
    assert verdict.rests_on_calculation and verdict.details["exit_line_fen"] == 78000
    assert verdict.reason == "per capita 780.00 ≥ exit line 780.00 (1.5 × 520.00)"
    with pytest.raises(RuleViolation, match=r"cannot exit stably: per capita 779\.99 <"):
        judge_stable(ARCHIVED, stable(D(2018, 6, 1), figures(D(2018, 5, 1), 155998)))
    with pytest.raises(RuleViolation, match="more than 90 days before 2018-07-31") as stale:
        judge_stable(ARCHIVED, stable(D(2018, 7, 31), at_line))
    assert stale.value.hint == "add --recalculate"
    with pytest.raises(RuleViolation, match="has no income calculation"):
        judge_stable(ARCHIVED, stable(D(2018, 6, 1), None))
    with pytest.raises(RuleViolation, match="--resolved is for accident"):
        judge_stable(ARCHIVED, stable(D(2018, 6, 1), None, resolved="工伤赔偿到位"))


def test_only_an_archived_household_exits_and_only_an_exited_one_is_followed_up() -> None:
    exited = Standing("H000001", HouseholdStatus.EXITED, last_exit=(D(2018, 6, 1), ExitKind.MOVED))
    with pytest.raises(RuleViolation, match="already exited on 2018-06-01 \\(moved\\)"):
        check_can_exit(exited, D(2018, 7, 1))
    with pytest.raises(RuleViolation, match="was archived on 2018-01-15"):
        check_can_exit(ARCHIVED, D(2018, 1, 14))
    check_can_exit(ARCHIVED, D(2018, 1, 15))
    with pytest.raises(RuleViolation, match="has not exited"):
        check_followup(ARCHIVED, D(2018, 7, 1))
    with pytest.raises(RuleViolation, match="a follow-up cannot come before"):
        check_followup(exited, D(2018, 5, 31))
    check_followup(exited, D(2018, 6, 1))
    with pytest.raises(InvalidInput, match="where the household moved"):
        judge_other(ARCHIVED, ExitKind.MOVED, "", " ")
    assert judge_other(ARCHIVED, ExitKind.MOVED, "", "兰州市").reason == "moved to 兰州市"


def test_a_visit_belongs_to_the_pairing_in_force_that_day() -> None:
    assert pairing_on(SPANS, D(2018, 7, 31)) == SPANS[0]
    assert pairing_on(SPANS, D(2018, 8, 1)) == SPANS[1]  # a reassignment day: the new one
    assert pairing_on(SPANS, D(2018, 4, 30)) is None
    with pytest.raises(RuleViolation, match="was not paired on 2018-04-30 \\(its pairing began"):
        visit_pairing("H000001", SPANS, D(2018, 4, 30))
    with pytest.raises(RuleViolation, match="is not paired; visits are logged"):
        visit_pairing("H000001", SPANS[:1], D(2018, 9, 1))


def test_pairings_never_overlap_and_end_after_their_last_visit() -> None:
    with pytest.raises(Conflict, match="already paired with 白银磷肥厂工会 \\(张清满\\) since"):
        check_start("H000001", SPANS, D(2018, 9, 1))
    with pytest.raises(RuleViolation, match="was paired until 2018-08-01"):
        check_start("H000001", SPANS[:1], D(2018, 7, 1))
    check_start("H000001", SPANS[:1], D(2018, 8, 1))
    with pytest.raises(RuleViolation, match="张清满 visited H000001 on 2018-09-10"):
        check_end("H000001", SPANS[1], D(2018, 9, 10), D(2018, 9, 1), "ending it")
    with pytest.raises(RuleViolation, match="paired since 2018-08-01; ending it on 2018-07-01"):
        check_end("H000001", SPANS[1], None, D(2018, 7, 1), "ending it")


def test_a_households_status_history_only_moves_forward() -> None:
    check_moves_forward("H000001", None, D(2018, 1, 1))
    check_moves_forward("H000001", D(2018, 1, 1), D(2018, 1, 1))
    with pytest.raises(RuleViolation, match="a change dated 2017-12-31 would go back in time"):
        check_moves_forward("H000001", D(2018, 1, 1), D(2017, 12, 31))
