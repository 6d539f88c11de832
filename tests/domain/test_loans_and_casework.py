"""The arithmetic of start-up loans and the order of service aid, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.casework import stage_before, transition_refusal
from kunnan.domain.enums import (
    HouseholdStatus,
    HousingStatus,
    LegalStatus,
    LoanStatus,
    TrainingStage,
)
from kunnan.domain.loans import (
    LoanFacts,
    cancel_refusal,
    default_refusal,
    due_date,
    issue_refusal,
    outstanding,
    repayment_refusal,
)

ISSUED = dt.date(2018, 1, 31)


def facts(repaid: int = 0, **extra: object) -> LoanFacts:
    values: dict[str, object] = {
        "code": "L001",
        "amount_fen": 2_000_000,
        "repaid_fen": repaid,
        "due_on": due_date(ISSUED, 12),
    }
    values.update(extra)
    return LoanFacts(**values)  # type: ignore[arg-type]


def test_a_loan_falls_due_its_term_in_months_later() -> None:
    assert due_date(ISSUED, 12) == dt.date(2019, 1, 31)
    assert due_date(ISSUED, 1) == dt.date(2018, 2, 28)  # the month's last day
    assert due_date(dt.date(2019, 12, 15), 25) == dt.date(2022, 1, 15)


@given(
    amount=st.integers(1, 10**9),
    attempts=st.lists(st.integers(1, 10**9), max_size=20),
)
def test_outstanding_is_amount_less_repayments_and_never_negative(
    amount: int, attempts: list[int]
) -> None:
    repaid = 0
    for asked in attempts:
        refusal = repayment_refusal(LoanFacts("L001", amount, repaid, due_on=ISSUED), asked)
        assert (refusal is None) == (asked <= amount - repaid)  # exactly over-repayment is refused
        if refusal is None:
            repaid += asked
        assert LoanFacts("L001", amount, repaid, due_on=ISSUED).outstanding_fen == amount - repaid
    final = LoanFacts("L001", amount, repaid, due_on=ISSUED)
    assert final.outstanding_fen == amount - repaid >= 0
    assert (final.status_on(ISSUED) is LoanStatus.REPAID) == (repaid == amount)


def test_over_repayment_is_refused_with_the_figures() -> None:
    refusal = repayment_refusal(facts(repaid=500_000), 1_500_001)
    assert refusal == (
        "loan L001 has 15,000.00 yuan outstanding (20,000.00 lent, 5,000.00 repaid); "
        "a repayment of 15,000.01 yuan would be more than is owed"
    )
    assert repayment_refusal(facts(repaid=500_000), 1_500_000) is None
    assert "repaid in full" in str(repayment_refusal(facts(repaid=2_000_000), 1))
    assert "cancelled" in str(repayment_refusal(facts(cancelled=True), 1))
    assert outstanding(100, 250) == 0


@pytest.mark.parametrize(
    ("day", "extra", "status"),
    [
        (dt.date(2018, 6, 1), {}, LoanStatus.CURRENT),
        (dt.date(2019, 1, 31), {}, LoanStatus.CURRENT),  # the due date itself
        (dt.date(2019, 2, 1), {}, LoanStatus.OVERDUE),
        (dt.date(2019, 3, 1), {"defaulted_on": dt.date(2019, 3, 1)}, LoanStatus.DEFAULTED),
        (dt.date(2019, 2, 28), {"defaulted_on": dt.date(2019, 3, 1)}, LoanStatus.OVERDUE),
        (dt.date(2019, 3, 1), {"defaulted_on": dt.date(2019, 3, 1), "repaid": 2_000_000}, LoanStatus.REPAID),
        (dt.date(2019, 3, 1), {"cancelled": True}, LoanStatus.CANCELLED),
    ],
)  # fmt: skip
def test_a_loans_status_on_a_day(
    day: dt.date, extra: dict[str, object], status: LoanStatus
) -> None:
    assert facts(**extra).status_on(day) is status


def test_a_loan_is_declared_defaulted_only_after_its_due_date() -> None:
    assert "falls due on 2019-01-31" in str(default_refusal(facts(), dt.date(2019, 1, 31)))
    assert default_refusal(facts(), dt.date(2019, 2, 1)) is None
    later = facts(defaulted_on=dt.date(2019, 2, 1))
    assert "already declared defaulted on 2019-02-01" in str(default_refusal(later, ISSUED))
    assert "repaid in full" in str(default_refusal(facts(repaid=2_000_000), dt.date(2020, 1, 1)))


def test_training_stages_follow_one_another() -> None:
    assert stage_before(TrainingStage.ENROLLED) is None
    assert stage_before(TrainingStage.COMPLETED) is TrainingStage.ENROLLED
    assert stage_before(TrainingStage.CERTIFIED) is TrainingStage.COMPLETED
    assert stage_before(TrainingStage.EMPLOYED) is TrainingStage.CERTIFIED


def test_cases_move_forward_and_end() -> None:
    assert transition_refusal(HousingStatus.APPLIED, HousingStatus.ALLOCATED) is None
    assert transition_refusal(HousingStatus.APPLIED, HousingStatus.REFUSED) is None
    assert transition_refusal(HousingStatus.ALLOCATED, HousingStatus.REFUSED) == (
        "it is allocated (已分配), which is final"
    )
    assert transition_refusal(LegalStatus.OPENED, LegalStatus.CLOSED) is None
    assert transition_refusal(LegalStatus.RESOLVED, LegalStatus.CLOSED) is None
    assert transition_refusal(LegalStatus.RESOLVED, LegalStatus.OPENED) == (
        "it is resolved (已解决); it can become closed, not opened"
    )


def test_a_loan_goes_to_an_archived_household_only() -> None:
    assert issue_refusal("H000002", HouseholdStatus.ARCHIVED, ISSUED) is None
    assert issue_refusal("H000002", HouseholdStatus.CANDIDATE, ISSUED) == (
        "start-up loans are for archived households only; H000002 is candidate (候选) on 2018-01-31"
    )


def test_a_repayment_is_never_dated_before_the_loan() -> None:
    issued = facts(issued_on=ISSUED)
    assert repayment_refusal(issued, 1, on=ISSUED) is None
    assert repayment_refusal(issued, 1, on=dt.date(2018, 1, 30)) == (
        "loan L001 was issued on 2018-01-31; a repayment dated 2018-01-30 is before it"
    )


def test_a_loan_with_repayments_is_not_cancelled_before_they_are_reversed() -> None:
    assert cancel_refusal(facts()) is None
    assert cancel_refusal(facts(repaid=50_000)) == (
        "loan L001 has 500.00 yuan repaid; reverse its repayments before cancelling it"
    )
