"""The rules of voiding and merging, on facts alone (``kunnan.domain.voids``)."""

from __future__ import annotations

import datetime as dt

import pytest

from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.domain.voids import (
    ExitFacts,
    Voidable,
    check_exit_void,
    check_followup_void,
    check_merge,
    check_not_voided,
    check_void_day,
    parse_record,
)

DAY = dt.date(2018, 3, 1)


def _exit(**changes: object) -> ExitFacts:
    facts: dict[str, object] = {
        "code": "EX001", "household": "H000001", "exited_on": DAY, "relapsed_on": None,
        "latest_exit": 1, "exit_id": 1, "latest_change": (DAY, "exited"),
    }  # fmt: skip
    facts.update(changes)
    return ExitFacts(**facts)  # type: ignore[arg-type]


def test_a_record_is_named_by_its_code_in_either_case_and_full_width_digits() -> None:
    assert parse_record("CA012") == (Voidable.CONTACT, 12)
    assert parse_record(" ex3 ") == (Voidable.EXIT, 3)
    assert parse_record("FU００７") == (Voidable.FOLLOWUP, 7)
    with pytest.raises(InvalidInput, match="household merge"):
        parse_record("H000002")
    with pytest.raises(InvalidInput, match="names no record"):
        parse_record("L001")


def test_an_exit_is_voided_only_while_it_is_the_households_last_word() -> None:
    check_exit_void(_exit())
    with pytest.raises(RuleViolation, match="not the latest exit"):
        check_exit_void(_exit(latest_exit=2))
    with pytest.raises(RuleViolation, match="came back onto the register"):
        check_exit_void(_exit(relapsed_on=dt.date(2018, 4, 1)))
    with pytest.raises(RuleViolation, match="came back onto the register"):
        check_exit_void(_exit(latest_change=(dt.date(2018, 5, 1), "candidate")))


def test_voided_once_dated_after_the_record_and_only_what_was_done() -> None:
    check_not_voided("CA001", None)
    with pytest.raises(Conflict, match="already voided on 2018-03-02"):
        check_not_voided("CA001", dt.date(2018, 3, 2))
    check_void_day("CA001", DAY, DAY)
    with pytest.raises(RuleViolation, match="cannot be voided on 2018-02-28"):
        check_void_day("CA001", DAY, dt.date(2018, 2, 28))
    check_followup_void("FU001", DAY)
    with pytest.raises(RuleViolation, match="only due"):
        check_followup_void("FU001", None)


def test_a_duplicate_is_merged_once_into_a_household_that_stands() -> None:
    check_merge("H000002", "H000001", same=False, duplicate_merged=None, keep_merged=None)
    with pytest.raises(InvalidInput):
        check_merge("H000001", "H000001", same=True, duplicate_merged=None, keep_merged=None)
    with pytest.raises(Conflict):
        check_merge("H000002", "H000001", same=False, duplicate_merged="H000003", keep_merged=None)
    with pytest.raises(RuleViolation, match="merge into H000003"):
        check_merge("H000002", "H000001", same=False, duplicate_merged=None, keep_merged="H000003")
