"""年审 and the national system's checks: lists of archived and exited households that need attention.

Each list is a query; ``by_union`` turns any of them into counts per union.
Other parts of the ledger add what counts as activity on a household (aid,
pair visits) to ACTIVITY_SOURCES, so "stale" sees everything done for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Select, Table, and_, bindparam, delete, func, select, union_all, update
from sqlalchemy.orm import Session, aliased

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import household_code
from kunnan.domain.enums import Category, Cause, HouseholdStatus, Relation, ReviewState
from kunnan.domain.members import Roster, earned_on
from kunnan.domain.review import ReviewAsked, ReviewDecision, ReviewFacts, judge_review
from kunnan.domain.status import status_on
from kunnan.models import (
    AidEntry,
    AuditEntry,
    ContactAttempt,
    CounselingSession,
    EndedCause,
    Followup,
    Household,
    HouseholdCause,
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
    Review,
    StatusChange,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.services.identify import CostFacts, income_test
from kunnan.services.policy import PolicyBook
from kunnan.store import audit
from kunnan.store.households import resolve_households, rosters
from kunnan.store.orgs import within
from kunnan.store.status import change_row

YEAR = dt.timedelta(days=365)
#: A follow-up within this many days counts as due.
DUE_SOON = dt.timedelta(days=30)


def _activity_dates() -> list[Select[*tuple[Any, ...]]]:
    return [
        select(Household.id.label("household_id"), Household.registered_on.label("day")),
        select(Household.id, Household.archived_on).where(Household.archived_on.is_not(None)),
        select(IncomeCalculation.household_id, IncomeCalculation.calculated_on).where(
            IncomeCalculation.void_id.is_(None)
        ),
        select(ContactAttempt.household_id, ContactAttempt.attempted_on).where(
            ContactAttempt.void_id.is_(None)
        ),
        select(IdentificationCase.household_id, IdentificationStep.done_on)
        .join(IdentificationStep, IdentificationStep.case_id == IdentificationCase.id)
        .where(IdentificationStep.void_id.is_(None)),
        select(PairVisit.household_id, PairVisit.visited_on).where(PairVisit.void_id.is_(None)),
        select(Pairing.household_id, Pairing.started_on),
        select(AidEntry.household_id, AidEntry.on_date).where(AidEntry.household_id.is_not(None)),
        # service aid (loans and repayments are aid entries above)
        select(TrainingEnrolment.household_id, TrainingEnrolment.enrolled_on),
        select(TrainingEnrolment.household_id, TrainingProgress.on_date)
        .join(TrainingEnrolment, TrainingEnrolment.id == TrainingProgress.enrolment_id)
        .where(TrainingProgress.void_id.is_(None)),
        select(JobPlacement.household_id, JobPlacement.placed_on).where(
            JobPlacement.void_id.is_(None)
        ),
        select(Loan.household_id, LoanDefault.declared_on).join(
            Loan, Loan.id == LoanDefault.loan_id
        ),
        select(HousingCase.household_id, HousingStatusChange.changed_on)
        .join(HousingCase, HousingCase.id == HousingStatusChange.case_id)
        .where(HousingStatusChange.void_id.is_(None)),
        select(LegalCase.household_id, LegalStatusChange.changed_on)
        .join(LegalCase, LegalCase.id == LegalStatusChange.case_id)
        .where(LegalStatusChange.void_id.is_(None)),
        select(CounselingSession.household_id, CounselingSession.held_on).where(
            CounselingSession.void_id.is_(None)
        ),
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
    state: ReviewState


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
    session: Session,
    query: Select[*tuple[Any, ...]],
    as_of: dt.date,
    state: Callable[[Any], ReviewState],
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
        .where(IncomeCalculation.calculated_on <= as_of, IncomeCalculation.void_id.is_(None))
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
        session,
        _scoped(query, org),
        as_of,
        lambda day: ReviewState.NEVER if day is None else ReviewState.OVERDUE,
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
    return _rows(session, _scoped(query, org), as_of, lambda _day: ReviewState.NEVER_AIDED)


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
    return _rows(session, _scoped(query, org), as_of, lambda _day: ReviewState.STALE)


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
        session,
        _scoped(query, org),
        as_of,
        lambda day: ReviewState.OVERDUE if day < as_of else ReviewState.DUE,
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


# Recording yearly reviews: one path for one household and for a spreadsheet of thousands ----


@dataclass(frozen=True)
class ReviewPlan:
    """One review to record: ``kunnan review record``'s input, or a row of a reviews file."""

    household_id: int
    asked: ReviewAsked
    costs: CostFacts = dataclasses.field(default_factory=CostFacts)
    note: str = ""


@dataclass(frozen=True)
class ReviewResult:
    code: str
    on: dt.date
    decision: ReviewDecision
    proposed: Category | None
    lines: tuple[str, ...]


@dataclass
class _Reviewed:
    """A household as the batch reviews it: its facts, updated by each review in turn."""

    facts: ReviewFacts
    area_code: str
    #: Its members' monthly incomes and the days they belong between.
    roster: Roster
    #: Its status changes in the order made: (day, status); a review reads its day's status.
    history: list[tuple[dt.date, str]]
    #: The days it was reviewed on.
    reviewed: set[dt.date] = dataclasses.field(default_factory=set)


def review_many(session: Session, plans: Sequence[ReviewPlan]) -> list[ReviewResult]:
    """Record each review in order (a household may have several, oldest first); any refusal
    refuses the whole batch."""
    if not plans:
        return []
    book = ReviewBook(session)
    book.load(plan.household_id for plan in plans)
    results = [book.review(plan) for plan in plans]
    book.write()
    return results


class ReviewBook:
    """Records reviews batch after batch in one transaction: the facts of a batch's households
    are read in a few queries (``load``), each review judged by ``domain.review.judge_review``
    against them as earlier reviews of the batch left them (``review``), and the rows written
    in bulk (``write``). A refused review changes nothing, so a file's good rows go on."""

    def __init__(self, session: Session) -> None:
        session.flush()
        self._session = session
        self._policy = PolicyBook(session)
        self._households: dict[int, _Reviewed] = {}
        self._calculations: list[dict[str, Any]] = []
        self._reviews: list[dict[str, Any]] = []
        self._changes: list[dict[str, Any]] = []
        self._updates: dict[int, dict[str, Any]] = {}
        self._secondary: list[tuple[int, dt.date, tuple[Cause, ...]]] = []
        self._audits: list[dict[str, Any]] = []

    def load(self, household_ids: Iterable[int]) -> None:
        """Read the facts of these households (those the book holds already stay as reviewed)."""
        wanted = sorted({i for i in household_ids if i not in self._households})
        if wanted:
            self._households.update(_review_facts(self._session, wanted))

    def reviewed(self, household_id: int, day: dt.date) -> bool:
        """The household (loaded) has a review on ``day`` already: a file read again."""
        found = self._households.get(household_id)
        return found is not None and day in found.reviewed

    def review(self, plan: ReviewPlan) -> ReviewResult:
        """Judge one review and hold its rows for ``write``; a KunnanError says why not."""
        session = self._session
        found = self._households.get(plan.household_id)
        if found is None:
            code = household_code(plan.household_id)
            error = resolve_households(session, [code])[code]
            assert not isinstance(error, int)
            raise error
        on = plan.asked.on
        facts = dataclasses.replace(
            found.facts,
            status=status_on(found.history, on) or HouseholdStatus.CANDIDATE,
        )
        members, earned = earned_on(found.roster, on)
        assessment, calculation = income_test(
            self._policy,
            household_id=plan.household_id,
            area_code=found.area_code,
            members=members,
            earned_fen=earned,
            on=on,
            costs=plan.costs,
            purpose="review",
        )
        decision = judge_review(facts, plan.asked, proposed=assessment.category)
        context = audit.context(session)
        reason = plan.asked.reason.strip()
        self._calculations.append(calculation)
        self._reviews.append(
            {
                "household_id": plan.household_id,
                "reviewed_on": on,
                "outcome": decision.outcome.value,
                "category_before": _slug(facts.category),
                "category_after": _slug(decision.category),
                "main_cause_before": _slug(facts.main_cause),
                "main_cause_after": _slug(decision.main_cause),
                "secondary_before": json.dumps([c.value for c in facts.secondary]),
                "secondary_after": json.dumps([c.value for c in decision.secondary]),
                "reason": reason,
                "reviewer": context.operator,
                "note": plan.note,
                "recorded_at": context.at,
            }
        )
        if decision.changes_status:
            self._changes.append(
                change_row(
                    session,
                    plan.household_id,
                    on=on,
                    status=HouseholdStatus.ARCHIVED,
                    category=_slug(decision.category),
                    main_cause=_slug(decision.main_cause),
                    reason=f"yearly review: {decision.outcome.value}",
                )
            )
            self._updates[plan.household_id] = {
                "category": _slug(decision.category),
                "main_cause": _slug(decision.main_cause),
            }
            found.history.append((on, HouseholdStatus.ARCHIVED.value))
        if decision.secondary != facts.secondary:
            self._secondary.append((plan.household_id, on, decision.secondary))
        self._audits.append(
            audit.row(
                session,
                action="create",
                entity="review",
                entity_ref=facts.code,
                household_id=plan.household_id,
                changes={
                    "reviewed_on": on,
                    "outcome": decision.outcome.value,
                    "per_capita_fen": calculation["per_capita_fen"],
                    "proposed_category": calculation["proposed_category"],
                    "category": (_slug(facts.category), _slug(decision.category)),
                    "main_cause": (_slug(facts.main_cause), _slug(decision.main_cause)),
                    "reason": reason,
                },
            )
        )
        found.reviewed.add(on)
        found.facts = dataclasses.replace(
            found.facts,
            category=decision.category,
            main_cause=decision.main_cause,
            secondary=decision.secondary,
            latest_review=on,
            latest_change=on if decision.changes_status else found.facts.latest_change,
        )
        return ReviewResult(facts.code, on, decision, assessment.category, assessment.lines)

    def write(self) -> None:
        """Write the reviews held so far (and hold none)."""
        _write_reviews(
            self._session,
            self._calculations,
            self._reviews,
            self._changes,
            self._updates,
            self._secondary,
            self._audits,
        )
        self._calculations, self._reviews, self._changes, self._audits = [], [], [], []
        self._updates, self._secondary = {}, []


def _slug(member: Category | Cause | None) -> str | None:
    return member.value if member is not None else None


def _review_facts(session: Session, ids: Sequence[int]) -> dict[int, _Reviewed]:
    """What the review rules read of these households, in a few queries."""
    latest_change = (
        select(func.max(StatusChange.changed_on))
        .where(StatusChange.household_id == Household.id, StatusChange.void_id.is_(None))
        .scalar_subquery()
    )
    latest_review = (
        select(func.max(Review.reviewed_on))
        .where(Review.household_id == Household.id)
        .scalar_subquery()
    )
    members = rosters(session, ids)
    reviewed: dict[int, set[dt.date]] = defaultdict(set)
    for household_id, day in session.execute(
        select(Review.household_id, Review.reviewed_on).where(Review.household_id.in_(ids))
    ):
        reviewed[household_id].add(day)
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for household_id, day, status in session.execute(
        select(StatusChange.household_id, StatusChange.changed_on, StatusChange.status)
        .where(StatusChange.household_id.in_(ids), StatusChange.void_id.is_(None))
        .order_by(StatusChange.id)
    ):
        history[household_id].append((day, status))
    causes: dict[int, list[Cause]] = defaultdict(list)
    for household_id, cause in session.execute(
        select(HouseholdCause.household_id, HouseholdCause.cause)
        .where(HouseholdCause.household_id.in_(ids))
        .order_by(HouseholdCause.household_id, HouseholdCause.position)
    ):
        causes[household_id].append(Cause(cause))
    found = {}
    for row in session.execute(
        select(
            Household.id,
            Household.status,
            Household.category,
            Household.main_cause,
            Household.area_code,
            latest_change,
            latest_review,
        ).where(Household.id.in_(ids))
    ):
        household_id = row[0]
        found[household_id] = _Reviewed(
            ReviewFacts(
                code=household_code(household_id),
                status=HouseholdStatus(row[1]),
                category=Category(row[2]) if row[2] else None,
                main_cause=Cause(row[3]) if row[3] else None,
                secondary=tuple(causes.get(household_id, ())),
                latest_change=row[5],
                latest_review=row[6],
            ),
            area_code=row[4],
            roster=members.get(household_id, []),
            history=history.get(household_id, []),
            reviewed=reviewed.get(household_id, set()),
        )
    return found


def _write_reviews(
    session: Session,
    calculations: list[dict[str, Any]],
    reviews: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    updates: dict[int, dict[str, Any]],
    secondary: list[tuple[int, dt.date, tuple[Cause, ...]]],
    audits: list[dict[str, Any]],
) -> None:
    connection = session.connection()
    calculation_ids = insert_returning_ids(connection, _table(IncomeCalculation), calculations)
    for review, calculation_id in zip(reviews, calculation_ids, strict=True):
        review["calculation_id"] = calculation_id
    insert_rows(connection, _table(Review), reviews)
    insert_rows(connection, _table(StatusChange), changes)
    households = _table(Household)
    at = audit.context(session).at
    if updates:
        connection.execute(
            update(households)
            .where(households.c.id == bindparam("key_id"))
            .values(
                category=bindparam("new_category"),
                main_cause=bindparam("new_cause"),
                updated_at=at,
            ),
            [
                {"key_id": key, "new_category": values["category"],
                 "new_cause": values["main_cause"]}
                for key, values in updates.items()
            ],
        )  # fmt: skip
    for household_id, on, chosen in secondary:
        _replace_causes(connection, household_id, on, chosen)
    insert_rows(connection, _table(AuditEntry), audits)
    for household_id in {*updates, *(change[0] for change in secondary)}:
        held = session.identity_map.get(session.identity_key(Household, household_id))
        if held is not None:
            session.expire(held)


def _replace_causes(
    connection: Any, household_id: int, on: dt.date, chosen: tuple[Cause, ...]
) -> None:
    """The secondary causes a review gives from ``on``: those the household had end that day
    (kept, with their days, for reports as of an earlier day), the new ones start it."""
    causes, ended = _table(HouseholdCause), _table(EndedCause)
    held = connection.execute(
        select(causes.c.cause, causes.c.position, causes.c.since_on).where(
            causes.c.household_id == household_id
        )
    ).all()
    insert_rows(
        connection,
        ended,
        [
            {"household_id": household_id, "cause": cause, "position": position,
             "since_on": since, "until_on": on}
            for cause, position, since in held
        ],
    )  # fmt: skip
    connection.execute(delete(causes).where(causes.c.household_id == household_id))
    insert_rows(
        connection,
        causes,
        [
            {"household_id": household_id, "cause": cause.value, "position": position,
             "since_on": on}
            for position, cause in enumerate(chosen)
        ],
    )  # fmt: skip


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def record_review(session: Session, household: Household, plan: ReviewPlan) -> ReviewResult:
    """``kunnan review record``: a batch of one."""
    return review_many(session, [plan])[0]


@dataclass(frozen=True)
class ReviewSummary:
    """One union's yearly reviews of a year: its archived households at the year's end and
    how many were reviewed in the year, by outcome."""

    org: str
    archived: int
    reviewed: int
    kept: int
    category: int
    causes: int
    exit: int

    @property
    def not_reviewed(self) -> int:
        return self.archived - self.reviewed


def review_summary(session: Session, *, year: int, org: Org | None = None) -> list[ReviewSummary]:
    """Per union (of the household), the year's reviews: archived households on 31 December
    (or on ``today`` for this year), reviewed ones among them, and the outcomes recorded."""
    from kunnan.store.status import statuses_on

    end = min(dt.date(year, 12, 31), dt.date.today())
    on = statuses_on(end).subquery()
    archived = (
        select(Org.name, Household.id)
        .join(Household, Household.org_id == Org.id)
        .join(on, on.c.household_id == Household.id)
        .where(on.c.status == HouseholdStatus.ARCHIVED.value)
    )
    if org is not None:
        archived = archived.where(within(org))
    held = archived.subquery()
    counts: dict[str, list[int]] = {}
    for name, _household in session.execute(select(held.c.name, held.c.id)):
        counts.setdefault(name, [0, 0, 0, 0, 0, 0])[0] += 1
    # Each archived household's latest review of the year: reviewed once, by what it decided.
    latest = (
        select(Review.household_id, func.max(Review.id).label("review_id"))
        .where(Review.reviewed_on >= dt.date(year, 1, 1), Review.reviewed_on <= end)
        .group_by(Review.household_id)
        .subquery()
    )
    column = {"keep": 2, "category": 3, "causes": 4, "exit": 5}
    for name, outcome in session.execute(
        select(held.c.name, Review.outcome)
        .join(latest, latest.c.household_id == held.c.id)
        .join(Review, Review.id == latest.c.review_id)
    ):
        row = counts[name]
        row[1] += 1
        row[column[outcome]] += 1
    return [
        ReviewSummary(name, *values)
        for name, values in sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    ]
