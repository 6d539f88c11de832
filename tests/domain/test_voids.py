"""The rules of voiding and merging, on facts alone (``kunnan.domain.voids``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kunnan.domain.enums import CaseStatus, ObjectionStatus, Step
from kunnan.domain.errors import Conflict, InvalidInput, RuleViolation
from kunnan.domain.voids import (
    ExitFacts,
    StepFacts,
    Voidable,
    check_change_void,
    check_exit_void,
    check_followup_void,
    check_latest_void,
    check_merge,
    check_not_voided,
    check_objection_void,
    check_step_void,
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


def _step(**changes: object) -> StepFacts:
    facts: dict[str, object] = {
        "code": "ST005", "household": "H000001", "step": Step.APPRAISE,
        "case_status": CaseStatus.OPEN, "latest_case": True, "latest_step": Step.APPRAISE,
        "latest_change": (dt.date(2018, 2, 1), "identifying", "home visit"), "done_on": DAY,
    }  # fmt: skip
    facts.update(changes)
    return StepFacts(**facts)  # type: ignore[arg-type]


def test_the_other_records_are_named_by_their_codes() -> None:
    assert parse_record("ST004") == (Voidable.STEP, 4)
    assert parse_record("ob1") == (Voidable.OBJECTION, 1)
    assert parse_record("PV002") == (Voidable.PAIR_VISIT, 2)
    assert parse_record("TS003") == (Voidable.STAGE, 3)
    assert parse_record("P001") == (Voidable.PLACEMENT, 1)
    assert parse_record("HC001") == (Voidable.HOUSING_CASE, 1)
    assert parse_record("HS002") == (Voidable.HOUSING_CHANGE, 2)
    assert parse_record("LC001") == (Voidable.LEGAL_CASE, 1)
    assert parse_record("LS002") == (Voidable.LEGAL_CHANGE, 2)
    assert parse_record("CS001") == (Voidable.COUNSELING, 1)
    with pytest.raises(InvalidInput, match="money is not voided"):
        parse_record("C001")  # a class: not a record of what was done


def test_a_step_is_voided_only_as_the_latest_of_an_open_case() -> None:
    check_step_void(_step())
    with pytest.raises(RuleViolation, match="not the latest step"):
        check_step_void(_step(latest_step=Step.PUBLICIZE))
    with pytest.raises(RuleViolation, match="closed case"):
        check_step_void(_step(case_status=CaseStatus.REJECTED))
    with pytest.raises(RuleViolation, match="home visit"):
        check_step_void(_step(step=Step.VISIT, latest_step=Step.VISIT))
    with pytest.raises(RuleViolation, match="2 objections filed in it"):
        check_step_void(_step(step=Step.PUBLICIZE, latest_step=Step.PUBLICIZE, objections=2))


def test_a_confirmation_is_voided_only_while_nothing_happened_since() -> None:
    confirmed = _step(step=Step.CONFIRM, latest_step=Step.CONFIRM,
                      case_status=CaseStatus.ARCHIVED,
                      latest_change=(DAY, "archived", "confirmed"))  # fmt: skip
    check_step_void(confirmed)
    for since in ((dt.date(2018, 6, 1), "exited", "deceased"), (DAY, "archived", "review")):
        with pytest.raises(RuleViolation, match="status has changed since ST005"):
            check_step_void(replace(confirmed, latest_change=since))
    with pytest.raises(RuleViolation, match="status has changed"):
        check_step_void(replace(confirmed, latest_case=False))


def test_objections_stages_placements_and_case_changes() -> None:
    check_objection_void("OB001", status=ObjectionStatus.OPEN, case_status=CaseStatus.OPEN)
    check_objection_void("OB001", status=ObjectionStatus.DISMISSED, case_status=CaseStatus.OPEN)
    with pytest.raises(RuleViolation, match="upheld"):
        check_objection_void(
            "OB001", status=ObjectionStatus.UPHELD, case_status=CaseStatus.REJECTED
        )
    with pytest.raises(RuleViolation, match="closed"):
        check_objection_void(
            "OB001", status=ObjectionStatus.DISMISSED, case_status=CaseStatus.ARCHIVED
        )
    check_latest_void("TS003", of="the trainee's stages", later=None)
    with pytest.raises(RuleViolation, match="TS003 came after it"):
        check_latest_void("TS002", of="the trainee's stages", later="TS003")
    check_change_void("HS002", "HC001", first=False)
    with pytest.raises(RuleViolation, match="kunnan void HC001"):
        check_change_void("HS001", "HC001", first=True)
