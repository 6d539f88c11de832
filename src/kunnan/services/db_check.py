"""The ledger's own consistency checks, as data: each returns the problems it finds.

Like a plain-text accounting checker, ``kunnan db verify`` runs every check in
CHECKS and fails if any problem is found. Other parts of the ledger (the aid
ledger's hash chain, fund balances) register their checks here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code, loan_code
from kunnan.domain.enums import HouseholdStatus, Relation
from kunnan.domain.money import format_fen
from kunnan.i18n import _
from kunnan.models import Household, HouseholdExit, Member, StatusChange


@dataclass(frozen=True)
class Problem:
    check: str
    ref: str
    message: str


Check = Callable[[Session], list[Problem]]


def one_head_each(session: Session) -> list[Problem]:
    heads = (
        select(Member.household_id, func.count().label("n"))
        .where(Member.relation == Relation.HEAD.value)
        .group_by(Member.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Household.id, func.coalesce(heads.c.n, 0))
        .outerjoin(heads, heads.c.household_id == Household.id)
        .where(func.coalesce(heads.c.n, 0) != 1)
    )
    return [
        Problem("one-head", household_code(hid), _("has {n} head workers, not 1", n=n))
        for hid, n in rows
    ]


def status_matches_history(session: Session) -> list[Problem]:
    latest = (
        select(StatusChange.household_id, func.max(StatusChange.id).label("change_id"))
        .where(StatusChange.void_id.is_(None))
        .group_by(StatusChange.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Household.id, Household.status, StatusChange.status)
        .outerjoin(latest, latest.c.household_id == Household.id)
        .outerjoin(StatusChange, StatusChange.id == latest.c.change_id)
        .where((StatusChange.status.is_(None)) | (StatusChange.status != Household.status))
        .where(Household.void_id.is_(None))
    )
    return [
        Problem(
            "status-history",
            household_code(hid),
            _("status is {now} but its history ends at {last}", now=now, last=last),
        )
        for hid, now, last in rows
    ]


def archives_are_complete(session: Session) -> list[Problem]:
    rows = session.execute(
        select(Household.id).where(
            Household.status == HouseholdStatus.ARCHIVED.value,
            (Household.archive_no.is_(None))
            | (Household.category.is_(None))
            | (Household.main_cause.is_(None)),
        )
    )
    return [
        Problem(
            "archive",
            household_code(hid),
            _("is archived without archive number, category or main cause"),
        )
        for (hid,) in rows
    ]


def exits_are_recorded(session: Session) -> list[Problem]:
    rows = session.execute(
        select(Household.id)
        .outerjoin(
            HouseholdExit,
            and_(HouseholdExit.household_id == Household.id, HouseholdExit.void_id.is_(None)),
        )
        .where(Household.status == HouseholdStatus.EXITED.value, HouseholdExit.id.is_(None))
        .where(Household.void_id.is_(None))
    )
    return [
        Problem("exit", household_code(hid), _("has exited but no exit is recorded"))
        for (hid,) in rows
    ]


def aid_ledger_holds(session: Session) -> list[Problem]:
    """The aid ledger's hash chain, fund balances and balance assertions (kunnan ledger verify)."""
    from kunnan.services import ledger

    return [
        Problem(
            "aid-ledger",
            _("entry {seq}", seq=p.seq) if p.seq is not None else _("ledger"),
            p.message,
        )
        for p in ledger.verify(session, events=False).problems
    ]


def loans_within_principal(session: Session) -> list[Problem]:
    """No loan has more repaid than was lent, or less than nothing (kunnan.domain.loans)."""
    from kunnan.models import AidEntry, Loan, LoanRepayment

    repaid = func.coalesce(func.sum(AidEntry.amount_fen), 0)
    rows = session.execute(
        select(Loan.id, Loan.amount_fen, repaid)
        .join(LoanRepayment, LoanRepayment.loan_id == Loan.id)
        .join(AidEntry, AidEntry.seq == LoanRepayment.entry_seq)
        .group_by(Loan.id, Loan.amount_fen)
        .having((repaid > Loan.amount_fen) | (repaid < 0))
    )
    return [
        Problem(
            "loan",
            loan_code(lid),
            _(
                "has {paid} yuan repaid against {lent} yuan lent",
                paid=format_fen(int(paid)),
                lent=format_fen(lent),
            ),
        )
        for lid, lent, paid in rows
    ]


def append_only_triggers_intact(session: Session) -> list[Problem]:
    """Every append-only trigger kunnan installs is there, unchanged and enabled
    (``kunnan.db.triggers``): without them raw SQL could rewrite history unrefused."""
    from kunnan.db.triggers import trigger_problems

    return [
        Problem("append-only", p.table, p.message) for p in trigger_problems(session.connection())
    ]


def rows_signed(session: Session) -> list[Problem]:
    """Every row is as its operator signed it, and every signature verifies against the key
    of its operator in force then (``store.signatures``): a row added, changed or deleted
    outside kunnan is named by its table and key."""
    from kunnan.store.signatures import problems

    return [Problem("signature", p.ref, p.message) for p in problems(session)]


def rows_logged(session: Session) -> list[Problem]:
    """Every row is as the latest event of the log records it, every event hashes to its
    leaf, every signed row is an event, and every checkpoint signed or witnessed here still
    matches the tree (``store.log``)."""
    from kunnan.store.log import problems

    return [Problem("log", p.ref, p.message) for p in problems(session)]


CHECKS: list[tuple[str, Check]] = [
    ("append-only triggers in place", append_only_triggers_intact),
    ("rows as their operators signed them", rows_signed),
    ("rows, events and checkpoints as the log records them", rows_logged),
    ("one head worker per household", one_head_each),
    ("status equals its history", status_matches_history),
    ("archives complete", archives_are_complete),
    ("exits recorded", exits_are_recorded),
    ("aid ledger chain, balances and assertions", aid_ledger_holds),
    ("loans repaid within their principal", loans_within_principal),
]


def run_checks(session: Session) -> tuple[int, list[Problem]]:
    """Run every registered check; return how many ran and the problems found."""
    problems: list[Problem] = []
    for _name, check in CHECKS:
        problems.extend(check(session))
    return len(CHECKS), problems
