"""年审 and the national system's checks: lists of archived and exited households that need attention.

Each list is a query; ``by_union`` turns any of them into counts per union.
Other parts of the ledger add what counts as activity on a household (aid,
pair visits) to ACTIVITY_SOURCES, so "stale" sees everything done for it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, and_, func, select, union_all
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import HouseholdStatus, Relation
from kunnan.models import (
    AidEntry,
    ContactAttempt,
    CounselingSession,
    Followup,
    Household,
    HouseholdExit,
    HousingCase,
    HousingStatusChange,
    IdentificationCase,
    IdentificationStep,
    IncomeCalculation,
    JobPlacement,
    LegalCase,
    LegalStatusChange,
    Loan,
    LoanDefault,
    Member,
    Org,
    Pairing,
    PairVisit,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.store.orgs import within

YEAR = dt.timedelta(days=365)
#: A follow-up within this many days counts as due.
DUE_SOON = dt.timedelta(days=30)


def _activity_dates() -> list[Select[*tuple[Any, ...]]]:
    return [
        select(Household.id.label("household_id"), Household.registered_on.label("day")),
        select(Household.id, Household.archived_on).where(Household.archived_on.is_not(None)),
        select(IncomeCalculation.household_id, IncomeCalculation.calculated_on),
        select(ContactAttempt.household_id, ContactAttempt.attempted_on).where(
            ContactAttempt.void_id.is_(None)
        ),
        select(IdentificationCase.household_id, IdentificationStep.done_on).join(
            IdentificationStep, IdentificationStep.case_id == IdentificationCase.id
        ),
        select(PairVisit.household_id, PairVisit.visited_on),
        select(Pairing.household_id, Pairing.started_on),
        select(AidEntry.household_id, AidEntry.on_date).where(AidEntry.household_id.is_not(None)),
        # service aid (loans and repayments are aid entries above)
        select(TrainingEnrolment.household_id, TrainingEnrolment.enrolled_on),
        select(TrainingEnrolment.household_id, TrainingProgress.on_date).join(
            TrainingEnrolment, TrainingEnrolment.id == TrainingProgress.enrolment_id
        ),
        select(JobPlacement.household_id, JobPlacement.placed_on),
        select(Loan.household_id, LoanDefault.declared_on).join(
            Loan, Loan.id == LoanDefault.loan_id
        ),
        select(HousingCase.household_id, HousingStatusChange.changed_on).join(
            HousingCase, HousingCase.id == HousingStatusChange.case_id
        ),
        select(LegalCase.household_id, LegalStatusChange.changed_on).join(
            LegalCase, LegalCase.id == LegalStatusChange.case_id
        ),
        select(CounselingSession.household_id, CounselingSession.held_on),
    ]


#: Queries of (household_id, day) that count as something done for a household.
ACTIVITY_SOURCES: list[Callable[[], list[Select[*tuple[Any, ...]]]]] = [_activity_dates]


@dataclass(frozen=True)
class ReviewRow:
    code: str
    head_name: str
    org: str
    category: str | None
    archived_on: dt.date | None
    #: The date the list is about: last calculation, last activity, or follow-up due.
    last_on: dt.date | None
    #: Days from that date to the as-of date (for follow-ups: days overdue, negative if not yet due).
    days: int | None
    state: str


def _base(extra: Any) -> Select[*tuple[Any, ...]]:
    head = aliased(Member)
    return (
        select(Household.id, head.name, Org.name, Household.category, Household.archived_on, extra)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .where(Household.void_id.is_(None))
        .order_by(Household.id)
    )


def _rows(
    session: Session, query: Select[*tuple[Any, ...]], as_of: dt.date, state: Callable[[Any], str]
) -> list[ReviewRow]:
    rows = []
    for hid, name, org, category, archived_on, last_on in session.execute(query):
        rows.append(
            ReviewRow(
                code=household_code(hid),
                head_name=name,
                org=org,
                category=category,
                archived_on=archived_on,
                last_on=last_on,
                days=(as_of - last_on).days if last_on else None,
                state=state(last_on),
            )
        )
    return rows


def _scoped(query: Select[*tuple[Any, ...]], org: Org | None) -> Select[*tuple[Any, ...]]:
    return query.where(within(org)) if org is not None else query


def review_due(session: Session, *, as_of: dt.date, org: Org | None = None) -> list[ReviewRow]:
    """Archived households whose latest income calculation is more than a year old (or missing)."""
    latest = (
        select(
            IncomeCalculation.household_id, func.max(IncomeCalculation.calculated_on).label("day")
        )
        .where(IncomeCalculation.calculated_on <= as_of)
        .group_by(IncomeCalculation.household_id)
        .subquery()
    )
    query = (
        _base(latest.c.day)
        .outerjoin(latest, latest.c.household_id == Household.id)
        .where(Household.status == HouseholdStatus.ARCHIVED.value)
        .where((latest.c.day.is_(None)) | (latest.c.day < as_of - YEAR))
    )
    return _rows(
        session, _scoped(query, org), as_of, lambda day: "never" if day is None else "overdue"
    )


def review_never_aided(
    session: Session, *, as_of: dt.date, org: Org | None = None
) -> list[ReviewRow]:
    """Archived households that have had no aid at all (no grant that stands) up to the day."""
    from kunnan.services.aid.grant import live_grants

    aided = select(AidEntry.household_id).where(live_grants(), AidEntry.on_date <= as_of)
    query = (
        _base(Household.archived_on)
        .where(Household.status == HouseholdStatus.ARCHIVED.value)
        .where(Household.id.not_in(aided.where(AidEntry.household_id.is_not(None))))
    )
    return _rows(session, _scoped(query, org), as_of, lambda _day: "never aided")


def review_stale(session: Session, *, as_of: dt.date, org: Org | None = None) -> list[ReviewRow]:
    """Archived households with nothing done for them for a year."""
    parts = [part for source in ACTIVITY_SOURCES for part in source()]
    activity = union_all(*parts).subquery()
    latest = (
        select(activity.c.household_id, func.max(activity.c.day).label("day"))
        .where(activity.c.day <= as_of)
        .group_by(activity.c.household_id)
        .subquery()
    )
    query = (
        _base(latest.c.day)
        .outerjoin(latest, latest.c.household_id == Household.id)
        .where(Household.status == HouseholdStatus.ARCHIVED.value)
        .where((latest.c.day.is_(None)) | (latest.c.day < as_of - YEAR))
    )
    return _rows(session, _scoped(query, org), as_of, lambda _day: "stale")


def review_followups(
    session: Session, *, as_of: dt.date, org: Org | None = None
) -> list[ReviewRow]:
    """Exited households with a follow-up visit overdue, or due within 30 days."""
    due = (
        select(Followup.household_id, func.min(Followup.due_on).label("day"))
        .join(HouseholdExit, HouseholdExit.id == Followup.exit_id)
        .where(Followup.done_on.is_(None), Followup.due_on.is_not(None))
        .where(Followup.void_id.is_(None), HouseholdExit.relapsed_on.is_(None))
        .group_by(Followup.household_id)
        .subquery()
    )
    query = (
        _base(due.c.day)
        .join(due, due.c.household_id == Household.id)
        .where(Household.status == HouseholdStatus.EXITED.value)
        .where(due.c.day <= as_of + DUE_SOON)
    )
    return _rows(
        session, _scoped(query, org), as_of, lambda day: "overdue" if day < as_of else "due"
    )


class InUnion(Protocol):
    @property
    def org(self) -> str: ...


@dataclass(frozen=True)
class UnionCount:
    org: str
    households: int


def by_union(rows: Sequence[InUnion]) -> list[UnionCount]:
    counts = Counter(row.org for row in rows)
    return [
        UnionCount(org, n)
        for org, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
