"""A household's timeline: everything done for it, in date order (``household show``).

Registration, contact attempts, the identification steps (and objections,
rejections, later income checks), pairing and the contact person's visits,
every ledger entry (grants, reversals, loans, repayments) and service
(training stages, placements, housing and legal status changes,
counselling), exits, follow-ups and relapses.

Each source is one query filtered by the household; the rows of one
household are few, so they are merged and sorted here. A duplicate merged into the
household (一户一档) adds its records, each with the duplicate's code; a voided record
(作废) stays in, marked with when, by whom and why. Entries carry their
facts as ``parts`` (text, and enum members the command line labels in the
chosen language); identification steps carry their recorded details, which
``identify status`` already knows how to describe.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.codes import (
    class_code,
    contact_code,
    counseling_code,
    exit_code,
    followup_code,
    household_code,
    housing_change_code,
    housing_code,
    legal_change_code,
    legal_code,
    loan_code,
    objection_code,
    pair_visit_code,
    placement_code,
    stage_code,
    step_code,
)
from kunnan.domain.enums import (
    Category,
    Cause,
    ContactMethod,
    ContactOutcome,
    EntryKind,
    ExitKind,
    FollowupOutcome,
    HeadChangeReason,
    HousingKind,
    HousingStatus,
    JoinReason,
    Labelled,
    LeaveReason,
    LegalKind,
    LegalStatus,
    ObjectionStatus,
    PlacementChannel,
    ReviewOutcome,
    Step,
    TimelineEvent,
    Trade,
    TrainingStage,
    VisitKind,
)
from kunnan.i18n import _
from kunnan.models import (
    AidEntry,
    ContactAttempt,
    CounselingSession,
    Followup,
    HeadChange,
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
    LoanRepayment,
    Member,
    Objection,
    Org,
    Pairing,
    PairVisit,
    Program,
    Review,
    TrainingClass,
    TrainingEnrolment,
    TrainingProgress,
    Void,
)
from kunnan.services.aid.casework import area_text

Part = str | Labelled


@dataclass(frozen=True)
class TimelineEntry:
    on_date: dt.date
    event: TimelineEvent
    #: The record it is about: a ledger entry (#12), a loan (L001), a class (C001) …
    record: str | None = None
    amount_fen: int | None = None
    parts: tuple[Part, ...] = ()
    #: An identification step's recorded details (described like ``identify status``).
    step_details: dict[str, Any] | None = None
    #: Orders entries of one day: the order the work is done in, then the order recorded.
    order: tuple[int, int] = field(default=(0, 0), compare=False)
    #: A voided record (作废): when, by whom and why; it stays in the timeline, marked.
    voided: str | None = None


def _void_text(void: Void | None) -> str | None:
    if void is None:
        return None
    return _(
        "voided {on} by {operator}: {reason}",
        on=void.voided_on.isoformat(),
        operator=void.operator,
        reason=void.reason,
    )


_STEP_EVENT = {step: TimelineEvent(step.value) for step in Step}


def _text(*values: str | None) -> tuple[str, ...]:
    return tuple(value for value in values if value)


def _registered(session: Session, household: Household) -> Iterable[TimelineEntry]:
    org = session.get(Org, household.org_id)
    merged = session.get(Void, household.void_id) if household.void_id is not None else None
    into = household.merged_into_id
    yield TimelineEntry(
        household.registered_on,
        TimelineEvent.REGISTERED,
        parts=(
            *_text(org.name if org else None),
            *((_("merged into {code}", code=household_code(into)),) if into else ()),
        ),
        order=(0, 0),
        voided=_void_text(merged),
    )


def _contacts(session: Session, household: Household) -> Iterable[TimelineEntry]:
    rows = session.execute(
        select(ContactAttempt, Void)
        .outerjoin(Void, Void.id == ContactAttempt.void_id)
        .where(ContactAttempt.household_id == household.id)
    )
    for row, void in rows:
        yield TimelineEntry(
            row.attempted_on,
            TimelineEvent.CONTACT,
            record=contact_code(row.id),
            voided=_void_text(void),
            parts=(
                ContactMethod(row.method),
                ContactOutcome(row.outcome),
                *_text(row.caseworker, row.note),
            ),
            order=(1, row.id),
        )


def _identification(session: Session, household: Household) -> Iterable[TimelineEntry]:
    steps = session.execute(
        select(IdentificationStep, IdentificationCase.round, Void)
        .join(IdentificationCase, IdentificationCase.id == IdentificationStep.case_id)
        .outerjoin(Void, Void.id == IdentificationStep.void_id)
        .where(IdentificationCase.household_id == household.id)
    )
    for step, round_, void in steps:
        yield TimelineEntry(
            step.done_on,
            _STEP_EVENT[Step(step.step)],
            record=" ".join(
                _text(step_code(step.id), _("round {round}", round=round_) if round_ > 1 else None)
            ),
            parts=_text(step.note),
            step_details=json.loads(step.details or "{}"),
            order=(2, step.id),
            voided=_void_text(void),
        )
    objections = session.execute(
        select(Objection, Void)
        .outerjoin(Void, Void.id == Objection.void_id)
        .where(Objection.household_id == household.id)
    )
    for objection, void in objections:
        yield TimelineEntry(
            objection.filed_on,
            TimelineEvent.OBJECTION,
            record=objection_code(objection.id),
            parts=_text(objection.filed_by, objection.text),
            order=(3, objection.id),
            voided=_void_text(void),
        )
        if objection.settled_on is not None:
            yield TimelineEntry(
                objection.settled_on,
                TimelineEvent.OBJECTION_SETTLED,
                record=objection_code(objection.id),
                parts=(ObjectionStatus(objection.status), *_text(objection.settlement)),
                order=(3, objection.id),
                voided=_void_text(void),
            )
    rejected = session.scalars(
        select(IdentificationCase).where(
            IdentificationCase.household_id == household.id,
            IdentificationCase.rejected_step.is_not(None),
            IdentificationCase.closed_on.is_not(None),
        )
    )
    for case in rejected:
        assert case.closed_on is not None and case.rejected_step is not None
        yield TimelineEntry(
            case.closed_on,
            TimelineEvent.REJECTED,
            parts=(Step(case.rejected_step), *_text(case.reject_reason)),
            order=(4, case.id),
        )
    checks = session.scalars(
        select(IncomeCalculation).where(
            IncomeCalculation.household_id == household.id,
            IncomeCalculation.void_id.is_(None),
            IncomeCalculation.case_id.is_(None),
            IncomeCalculation.purpose != "review",  # the review's own entry names it
        )
    )
    for check in checks:
        yield TimelineEntry(
            check.calculated_on,
            TimelineEvent.INCOME_CHECK,
            amount_fen=check.per_capita_fen,
            parts=_text(check.purpose),
            order=(5, check.id),
        )


def _pairing(session: Session, household: Household) -> Iterable[TimelineEntry]:
    pairings = session.execute(
        select(Pairing, Org.name)
        .join(Org, Org.id == Pairing.unit_id)
        .where(Pairing.household_id == household.id)
    )
    for pairing, unit in pairings:
        yield TimelineEntry(
            pairing.started_on,
            TimelineEvent.PAIRED,
            parts=(unit, pairing.contact_name),
            order=(6, pairing.id),
        )
        if pairing.ended_on is not None:
            yield TimelineEntry(
                pairing.ended_on,
                TimelineEvent.PAIRING_ENDED,
                parts=(unit, *_text(pairing.end_reason)),
                order=(6, pairing.id),
            )
    visits = session.execute(
        select(PairVisit, Void)
        .outerjoin(Void, Void.id == PairVisit.void_id)
        .where(PairVisit.household_id == household.id)
    )
    for visit, void in visits:
        yield TimelineEntry(
            visit.visited_on,
            TimelineEvent.PAIR_VISIT,
            record=pair_visit_code(visit.id),
            parts=(VisitKind(visit.kind), visit.visitor, *_text(visit.note, visit.solved)),
            order=(7, visit.id),
            voided=_void_text(void),
        )


def _ledger(session: Session, household: Household) -> Iterable[TimelineEntry]:
    loans: dict[int, int] = dict(
        session.execute(
            select(Loan.entry_seq, Loan.id).where(Loan.household_id == household.id)
        ).all()
    )
    loans.update(
        session.execute(
            select(LoanRepayment.entry_seq, LoanRepayment.loan_id)
            .join(Loan, Loan.id == LoanRepayment.loan_id)
            .where(Loan.household_id == household.id)
        ).all()
    )
    entries = session.execute(
        select(AidEntry, Program.name, Member.name)
        .outerjoin(Program, Program.code == AidEntry.program)
        .outerjoin(Member, Member.id == AidEntry.member_id)
        .where(AidEntry.household_id == household.id)
    )
    for entry, program, member in entries:
        kind = EntryKind(entry.kind)
        loan_id = loans.get(entry.seq)
        if entry.reverses_seq is not None:
            event = TimelineEvent.REVERSAL
            parts: tuple[Part, ...] = (f"#{entry.reverses_seq}", *_text(program, entry.reason))
        elif kind is EntryKind.LOAN:
            event, parts = TimelineEvent.LOAN, _text(member)
        elif kind is EntryKind.REPAYMENT:
            event, parts = TimelineEvent.REPAYMENT, _text(member)
        else:
            event, parts = TimelineEvent.GRANT, _text(program, member, entry.ref)
        record = f"#{entry.seq}"
        if loan_id is not None and entry.reverses_seq is None:
            record = f"{loan_code(loan_id)} #{entry.seq}"
        yield TimelineEntry(
            entry.on_date,
            event,
            record=record,
            amount_fen=entry.amount_fen,
            parts=parts,
            order=(8, entry.seq),
        )
    defaults = session.execute(
        select(LoanDefault, Loan.id)
        .join(Loan, Loan.id == LoanDefault.loan_id)
        .where(Loan.household_id == household.id)
    )
    for default, loan_id in defaults:
        yield TimelineEntry(
            default.declared_on,
            TimelineEvent.LOAN_DEFAULT,
            record=loan_code(loan_id),
            parts=_text(default.reason),
            order=(8, 0),
        )


def _training(session: Session, household: Household) -> Iterable[TimelineEntry]:
    enrolments = session.execute(
        select(TrainingEnrolment, TrainingClass, Member.name)
        .join(TrainingClass, TrainingClass.id == TrainingEnrolment.class_id)
        .join(Member, Member.id == TrainingEnrolment.member_id)
        .where(TrainingEnrolment.household_id == household.id)
    )
    by_enrolment: dict[int, tuple[TrainingClass, str]] = {}
    for enrolment, klass, member in enrolments:
        by_enrolment[enrolment.id] = (klass, member)
        yield TimelineEntry(
            enrolment.enrolled_on,
            TimelineEvent.ENROLLED,
            record=class_code(klass.id),
            parts=(member, Trade(klass.trade), klass.name),
            order=(9, enrolment.id),
        )
    if not by_enrolment:
        return
    progress = session.execute(
        select(TrainingProgress, JobPlacement, Void)
        .outerjoin(JobPlacement, JobPlacement.id == TrainingProgress.placement_id)
        .outerjoin(Void, Void.id == TrainingProgress.void_id)
        .where(TrainingProgress.enrolment_id.in_(by_enrolment))
    )
    for row, placement, void in progress:
        klass, member = by_enrolment[row.enrolment_id]
        stage = TrainingStage(row.stage)
        parts: tuple[Part, ...] = (member, Trade(klass.trade))
        amount = None
        if stage is TrainingStage.CERTIFIED:
            parts += _text(row.certificate_no)
        if placement is not None:
            parts += (placement.employer, placement.job)
            amount = placement.monthly_wage_fen
        yield TimelineEntry(
            row.on_date,
            TimelineEvent(stage.value),
            record=f"{class_code(klass.id)} {stage_code(row.id)}",
            amount_fen=amount,
            parts=parts,
            order=(9, row.id),
            voided=_void_text(void),
        )


def _placements(session: Session, household: Household) -> Iterable[TimelineEntry]:
    placements = session.execute(
        select(JobPlacement, Member.name, Void)
        .join(Member, Member.id == JobPlacement.member_id)
        .outerjoin(Void, Void.id == JobPlacement.void_id)
        .where(JobPlacement.household_id == household.id, JobPlacement.enrolment_id.is_(None))
    )
    for placement, member, void in placements:
        yield TimelineEntry(
            placement.placed_on,
            TimelineEvent.PLACED,
            record=placement_code(placement.id),
            amount_fen=placement.monthly_wage_fen,
            parts=(member, PlacementChannel(placement.channel), placement.employer, placement.job),
            order=(10, placement.id),
            voided=_void_text(void),
        )


def _cases(session: Session, household: Household) -> Iterable[TimelineEntry]:
    housing = session.execute(
        select(HousingStatusChange, HousingCase, Void)
        .join(HousingCase, HousingCase.id == HousingStatusChange.case_id)
        .outerjoin(Void, Void.id == HousingStatusChange.void_id)
        .where(HousingCase.household_id == household.id)
    )
    for change, case, void in housing:
        area = area_text(change.area_m2)
        yield TimelineEntry(
            change.changed_on,
            TimelineEvent.HOUSING,
            record=f"{housing_code(case.id)} {housing_change_code(change.id)}",
            voided=_void_text(void),
            amount_fen=change.amount_fen,
            parts=(
                HousingKind(case.kind),
                HousingStatus(change.status),
                *_text(f"{area} m²" if area else None, change.note),
            ),
            order=(11, change.id),
        )
    legal = session.execute(
        select(LegalStatusChange, LegalCase, Void)
        .join(LegalCase, LegalCase.id == LegalStatusChange.case_id)
        .outerjoin(Void, Void.id == LegalStatusChange.void_id)
        .where(LegalCase.household_id == household.id)
    )
    for step, legal_case, void in legal:
        opened = LegalStatus(step.status) is LegalStatus.OPENED
        yield TimelineEntry(
            step.changed_on,
            TimelineEvent.LEGAL,
            record=f"{legal_code(legal_case.id)} {legal_change_code(step.id)}",
            voided=_void_text(void),
            amount_fen=step.recovered_fen,
            parts=(
                LegalKind(legal_case.kind),
                LegalStatus(step.status),
                *_text(legal_case.against if opened else None, step.note),
            ),
            order=(12, step.id),
        )
    sessions = session.execute(
        select(CounselingSession, Void)
        .outerjoin(Void, Void.id == CounselingSession.void_id)
        .where(CounselingSession.household_id == household.id)
    )
    for row, void in sessions:
        yield TimelineEntry(
            row.held_on,
            TimelineEvent.COUNSELING,
            record=counseling_code(row.id),
            parts=(row.counselor, row.note),
            order=(13, row.id),
            voided=_void_text(void),
        )


def _exits(session: Session, household: Household) -> Iterable[TimelineEntry]:
    exits = session.execute(
        select(HouseholdExit, Void)
        .outerjoin(Void, Void.id == HouseholdExit.void_id)
        .where(HouseholdExit.household_id == household.id)
    )
    for left, void in exits:
        yield TimelineEntry(
            left.exited_on,
            TimelineEvent.EXITED,
            record=" ".join(_text(exit_code(left.id), left.archive_no)),
            parts=(ExitKind(left.kind), *_text(left.reason)),
            order=(14, left.id),
            voided=_void_text(void),
        )
        if left.relapsed_on is not None:
            yield TimelineEntry(
                left.relapsed_on,
                TimelineEvent.RELAPSED,
                record=left.archive_no,
                order=(16, left.id),
            )
    followups = session.execute(
        select(Followup, Void)
        .outerjoin(Void, Void.id == Followup.void_id)
        .where(Followup.household_id == household.id, Followup.done_on.is_not(None))
    )
    for followup, void in followups:
        assert followup.done_on is not None
        outcome = (FollowupOutcome(followup.outcome),) if followup.outcome else ()
        yield TimelineEntry(
            followup.done_on,
            TimelineEvent.FOLLOWUP,
            record=followup_code(followup.id),
            parts=(*outcome, *_text(followup.visitor, followup.note)),
            order=(15, followup.id),
            voided=_void_text(void),
        )


def _over_time(session: Session, household: Household) -> Iterable[TimelineEntry]:
    """Members who joined or left on a day, head changes, and the yearly reviews."""
    names = {}
    for member in session.scalars(select(Member).where(Member.household_id == household.id)):
        names[member.id] = member.name
        if member.joined_on is not None:
            reason = (JoinReason(member.joined_reason),) if member.joined_reason else ()
            yield TimelineEntry(
                member.joined_on,
                TimelineEvent.MEMBER_JOINED,
                parts=(member.name, *reason),
                order=(0, member.id),
            )
        if member.left_on is not None:
            why = (LeaveReason(member.left_reason),) if member.left_reason else ()
            yield TimelineEntry(
                member.left_on,
                TimelineEvent.MEMBER_LEFT,
                parts=(member.name, *why),
                order=(17, member.id),
            )
    for change in session.scalars(
        select(HeadChange).where(HeadChange.household_id == household.id)
    ):
        yield TimelineEntry(
            change.changed_on,
            TimelineEvent.HEAD_CHANGED,
            parts=(
                f"{names.get(change.from_member_id, '')} → {names.get(change.to_member_id, '')}",
                HeadChangeReason(change.reason),
                *_text(change.note),
            ),
            order=(17, change.id),
        )
    reviews = session.execute(
        select(Review, IncomeCalculation.per_capita_fen)
        .join(IncomeCalculation, IncomeCalculation.id == Review.calculation_id)
        .where(Review.household_id == household.id)
    )
    for review, per_capita in reviews:
        parts: list[Part] = [ReviewOutcome(review.outcome)]
        if review.category_after != review.category_before and review.category_after:
            parts.append(Category(review.category_after))
        if review.main_cause_after != review.main_cause_before and review.main_cause_after:
            parts.append(Cause(review.main_cause_after))
        yield TimelineEntry(
            review.reviewed_on,
            TimelineEvent.REVIEW,
            amount_fen=per_capita,
            parts=(*parts, *_text(review.reason, review.note)),
            order=(5, review.id),
        )


SOURCES = (
    _registered,
    _over_time,
    _contacts,
    _identification,
    _pairing,
    _ledger,
    _training,
    _placements,
    _cases,
    _exits,
)


def timeline(session: Session, household: Household) -> list[TimelineEntry]:
    """Everything done for the household, oldest first, with the records of every duplicate
    merged into it (一户一档), each marked with the duplicate's code; voided records stay in,
    marked."""
    entries = [entry for source in SOURCES for entry in source(session, household)]
    merged = session.scalars(
        select(Household).where(Household.merged_into_id == household.id).order_by(Household.id)
    )
    for duplicate in merged:
        code = household_code(duplicate.id)
        entries += [
            replace(entry, record=" ".join(_text(code, entry.record)))
            for source in SOURCES
            for entry in source(session, duplicate)
        ]
    return sorted(entries, key=lambda e: (e.on_date, e.order))


def describe(entry: TimelineEntry, lang: str) -> str:
    """The entry's facts as one line, enum values labelled in ``lang``."""
    words = [part.label(lang) if isinstance(part, Labelled) else part for part in entry.parts]
    return " · ".join(word for word in words if word)
