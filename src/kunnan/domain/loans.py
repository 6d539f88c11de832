"""创业担保借款: the arithmetic of a start-up loan, how its standing is decided, and why a
loan, a repayment, a cancellation or a default is refused.

A loan is principal lent from a fund for ``term_months``; it falls due on the
same day that many months after it was issued (the month's last day when it
has no such day). Repayments return money to the fund. Interest is recorded
as a rate and not charged through the ledger: a guarantee loan's interest is
subsidised, and what the household owes the union is the principal.

On a given day a loan is, in this order of precedence:

- ``cancelled`` when its ledger entry was reversed (it was entered by mistake);
- ``repaid`` when nothing is outstanding;
- ``defaulted`` when the union declared it defaulted (``kunnan aid loan-default``)
  on or before the day, which it may do only once the loan is past due;
- ``overdue`` when the day is after the due date and something is outstanding;
- ``current`` otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kunnan.domain.enums import HouseholdStatus, LoanStatus, named
from kunnan.domain.exits import add_months
from kunnan.domain.money import format_fen
from kunnan.i18n import _

#: The longest term a start-up loan may run.
MAX_TERM_MONTHS = 360
#: The highest yearly rate, in percent, kunnan accepts.
MAX_RATE_PCT = Decimal(100)


def due_date(issued_on: dt.date, term_months: int) -> dt.date:
    """The day a loan falls due: ``term_months`` after it was issued."""
    return add_months(issued_on, term_months)


def outstanding(amount_fen: int, repaid_fen: int) -> int:
    """What is still owed: the principal less what was repaid, never below zero."""
    return max(amount_fen - repaid_fen, 0)


def issue_refusal(household: str, status: HouseholdStatus, on: dt.date) -> str | None:
    """Why a loan dated ``on`` cannot go to a household of ``status`` that day, or None.
    (That it was registered and has not left the register is ``domain.aid.receipt_refusal``.)"""
    if status is HouseholdStatus.ARCHIVED:
        return None
    return _(
        "start-up loans are for archived households only; {household} is {status} on {on}",
        household=household,
        status=named(status),
        on=on.isoformat(),
    )


@dataclass(frozen=True)
class LoanFacts:
    """A loan's figures on a day, gathered by the service."""

    code: str
    amount_fen: int
    repaid_fen: int
    due_on: dt.date
    cancelled: bool = False
    defaulted_on: dt.date | None = None
    issued_on: dt.date | None = None

    @property
    def outstanding_fen(self) -> int:
        return 0 if self.cancelled else outstanding(self.amount_fen, self.repaid_fen)

    def status_on(self, day: dt.date) -> LoanStatus:
        if self.cancelled:
            return LoanStatus.CANCELLED
        if self.outstanding_fen == 0:
            return LoanStatus.REPAID
        if self.defaulted_on is not None and self.defaulted_on <= day:
            return LoanStatus.DEFAULTED
        if day > self.due_on:
            return LoanStatus.OVERDUE
        return LoanStatus.CURRENT


def repayment_refusal(
    facts: LoanFacts, amount_fen: int, *, on: dt.date | None = None
) -> str | None:
    """Why a repayment of ``amount_fen`` (dated ``on``) cannot be taken, or None when it can."""
    if on is not None and facts.issued_on is not None and on < facts.issued_on:
        return _(
            "loan {code} was issued on {issued}; a repayment dated {on} is before it",
            code=facts.code,
            issued=facts.issued_on.isoformat(),
            on=on.isoformat(),
        )
    if facts.cancelled:
        return _(
            "loan {code} was cancelled (its entry was reversed); nothing is owed", code=facts.code
        )
    left = facts.outstanding_fen
    if left == 0:
        return _("loan {code} is repaid in full; nothing is outstanding", code=facts.code)
    if amount_fen > left:
        return _(
            "loan {code} has {left} yuan outstanding ({lent} lent, {repaid} repaid); "
            "a repayment of {amount} yuan would be more than is owed",
            code=facts.code,
            left=format_fen(left),
            lent=format_fen(facts.amount_fen),
            repaid=format_fen(facts.repaid_fen),
            amount=format_fen(amount_fen),
        )
    return None


def cancel_refusal(facts: LoanFacts) -> str | None:
    """Why the loan's entry cannot be reversed (cancelling the loan), or None when it can:
    what was repaid on it must be reversed first."""
    if facts.repaid_fen == 0:
        return None
    return _(
        "loan {code} has {repaid} yuan repaid; reverse its repayments before cancelling it",
        code=facts.code,
        repaid=format_fen(facts.repaid_fen),
    )


def default_refusal(facts: LoanFacts, on: dt.date) -> str | None:
    """Why the loan cannot be declared defaulted on ``on``, or None when it can."""
    if facts.cancelled:
        return _("loan {code} was cancelled (its entry was reversed)", code=facts.code)
    if facts.defaulted_on is not None:
        return _(
            "loan {code} was already declared defaulted on {day}",
            code=facts.code,
            day=facts.defaulted_on.isoformat(),
        )
    if facts.outstanding_fen == 0:
        return _("loan {code} is repaid in full", code=facts.code)
    if on <= facts.due_on:
        return _(
            "loan {code} falls due on {due}; it can be declared defaulted only after that "
            "({left} yuan outstanding)",
            code=facts.code,
            due=facts.due_on.isoformat(),
            left=format_fen(facts.outstanding_fen),
        )
    return None
