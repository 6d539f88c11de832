"""作废: void a record entered by mistake; 一户一档: merge a duplicate household into another.

A voided record is never deleted. Its ``void_id`` names a ``void`` row (who, when, why), an
audit row says the same, and every list, report and rule reads past it
(``X.void_id.is_(None)``). What the record had changed is undone through the same
history it was written to:

- an exit: its status change is voided too, so the household's status on every day is what
  it was before the exit (``store.status`` reads standing changes only), its follow-ups go
  with it, and the pairing and open objections the exit closed stand again;
- a follow-up that was recorded against one due: that visit is due again;
- a contact attempt: nothing else (the household may be unreached again).

A merged duplicate is voided the same way, with its status history, so it leaves every list
and report on every day; its records stay its own rows (money in the hash chain is never
rewritten) and the household it was merged into shows them in its timeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import (
    code_number,
    contact_code,
    counseling_code,
    exit_code,
    followup_code,
    household_code,
    housing_change_code,
    housing_code,
    legal_change_code,
    legal_code,
    objection_code,
    pair_visit_code,
    placement_code,
    stage_code,
    step_code,
)
from kunnan.domain.enums import (
    CaseStatus,
    ObjectionStatus,
    PendingKind,
    Relation,
    Step,
    TrainingStage,
    WorkerIdentity,
)
from kunnan.domain.errors import NotFound
from kunnan.domain.exits import objection_closing_note, pairing_end_reason
from kunnan.domain.identification import ORDER, step_label
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
from kunnan.i18n import _
from kunnan.models import (
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
    Member,
    Objection,
    Org,
    Pairing,
    PairVisit,
    StatusChange,
    TrainingEnrolment,
    TrainingProgress,
    Void,
)
from kunnan.schemas.approval import VoidAction
from kunnan.services.policy import approval_policy
from kunnan.store import audit
from kunnan.store.approvals import Checked, Held, hold, must_wait, today
from kunnan.store.households import resolve_household
from kunnan.store.orgs import find_org, within


class _Voidable(Protocol):
    void_id: int | None


@dataclass(frozen=True)
class VoidOutcome:
    code: str
    household: str
    message: str
    #: Set when the void waits for a second operator's approval instead of taking effect.
    held: Held | None = None


def _voided_on(session: Session, void_id: int | None) -> dt.date | None:
    if void_id is None:
        return None
    found = session.get(Void, void_id)
    return found.voided_on if found is not None else None


def _new_void(
    session: Session,
    *,
    entity: str,
    code: str,
    household_id: int,
    reason: str,
    on: dt.date,
    changes: dict[str, object],
) -> int:
    """The void row and its audit row: who voided what, when, and why."""
    ctx = audit.context(session)
    row = Void(
        at=ctx.at,
        voided_on=on,
        operator=ctx.operator,
        reason=reason,
        entity=entity,
        entity_ref=code,
        household_id=household_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="void",
        entity=entity,
        entity_ref=code,
        household_id=household_id,
        changes={"reason": reason, "on": on, **changes},
    )
    return row.id


def void_record(
    session: Session, data: VoidAction, *, checked: Checked | None = None
) -> VoidOutcome:
    """Void the record a code names (CA012, EX003, ST004 …), judged by ``domain.voids``.

    In a ledger with operators the void waits for a second operator's approval: it is judged
    by the very code that makes it, inside a savepoint rolled back at once (a refused void
    is refused, and no rule is written twice), and the pending row holds it instead; accepted,
    it comes back here with ``checked`` and takes effect if it is still allowed."""
    kind, number = parse_record(data.record)
    voider = _VOIDERS[kind]
    if not must_wait(session, checked):
        return voider(session, number, reason=data.reason, on=data.on_date)
    trial = session.begin_nested()
    try:
        outcome = voider(session, number, reason=data.reason, on=data.on_date)
        session.flush()
    finally:
        trial.rollback()
    household_id = code_number("H", outcome.household)
    _above, days = approval_policy(session, on=today(session))
    held = hold(
        session, kind=PendingKind.VOID, action=data, household_id=household_id, days=days,
        summary={"record": outcome.code, "reason": data.reason, "on_date": data.on_date},
    )  # fmt: skip
    return dataclasses.replace(outcome, held=held)


def _missing(code: str) -> NotFound:
    return NotFound(_("no record {code}", code=code))


def _lock(session: Session, household_id: int) -> str:
    """Hold the record's household as every change to it does; its code."""
    code = household_code(household_id)
    resolve_household(session, code, lock=True)
    return code


def _void_contact(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = contact_code(number)
    attempt = session.get(ContactAttempt, number)
    if attempt is None:
        raise _missing(code)
    household = _lock(session, attempt.household_id)
    check_not_voided(code, _voided_on(session, attempt.void_id))
    check_void_day(code, attempt.attempted_on, on)
    attempt.void_id = _new_void(
        session, entity="contact", code=code, household_id=attempt.household_id, reason=reason,
        on=on, changes={"household": household, "attempted_on": attempt.attempted_on},
    )  # fmt: skip
    return VoidOutcome(
        code, household, _("{code} voided: contact attempt with {household}", code=code,
                           household=household)
    )  # fmt: skip


def _latest_change(session: Session, household_id: int) -> StatusChange | None:
    return session.scalars(
        select(StatusChange)
        .where(StatusChange.household_id == household_id, StatusChange.void_id.is_(None))
        .order_by(StatusChange.id.desc())
        .limit(1)
    ).first()


def _void_exit(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = exit_code(number)
    left = session.get(HouseholdExit, number)
    if left is None:
        raise _missing(code)
    household_code_ = _lock(session, left.household_id)
    check_not_voided(code, _voided_on(session, left.void_id))
    check_void_day(code, left.exited_on, on)
    latest_exit = session.scalar(
        select(HouseholdExit.id)
        .where(HouseholdExit.household_id == left.household_id, HouseholdExit.void_id.is_(None))
        .order_by(HouseholdExit.exited_on.desc(), HouseholdExit.id.desc())
        .limit(1)
    )
    change = _latest_change(session, left.household_id)
    check_exit_void(
        ExitFacts(
            code=code,
            household=household_code_,
            exited_on=left.exited_on,
            relapsed_on=left.relapsed_on,
            latest_exit=latest_exit,
            exit_id=left.id,
            latest_change=(change.changed_on, change.status) if change is not None else None,
        )
    )
    assert change is not None
    reopened = _reopen_what_the_exit_closed(session, left)
    void_id = _new_void(
        session, entity="exit", code=code, household_id=left.household_id, reason=reason, on=on,
        changes={"household": household_code_, "kind": left.kind, "exited_on": left.exited_on,
                 "pairing_reopened": reopened is not None},
    )  # fmt: skip
    left.void_id = void_id
    change.void_id = void_id
    session.execute(
        update(Followup)
        .where(Followup.exit_id == left.id, Followup.void_id.is_(None))
        .values(void_id=void_id)
    )
    session.flush()
    restored = _latest_change(session, left.household_id)
    household = session.get(Household, left.household_id)
    assert household is not None and restored is not None
    household.status = restored.status
    household.category = restored.category
    household.updated_at = audit.context(session).at
    return VoidOutcome(
        code,
        household_code_,
        _(
            "{code} voided: {household} has the status it had before its exit on {on}",
            code=code,
            household=household_code_,
            on=left.exited_on.isoformat(),
        ),
    )


def _reopen_what_the_exit_closed(session: Session, left: HouseholdExit) -> int | None:
    """The pairing and the open objections the exit closed (``services.exit``) stand again,
    as if it had never been recorded; the pairing's id, if one is reopened."""
    closed_because = pairing_end_reason(left.kind)
    active = session.scalar(
        select(Pairing.id).where(
            Pairing.household_id == left.household_id, Pairing.ended_on.is_(None)
        )
    )
    pairing = None
    if active is None:
        pairing = session.scalars(
            select(Pairing)
            .where(
                Pairing.household_id == left.household_id,
                Pairing.ended_on == left.exited_on,
                Pairing.end_reason == closed_because,
            )
            .order_by(Pairing.id.desc())
            .limit(1)
        ).first()
        if pairing is not None:
            pairing.ended_on = None
            pairing.end_reason = None
    session.execute(
        update(Objection)
        .where(
            Objection.household_id == left.household_id,
            Objection.status == ObjectionStatus.CLOSED.value,
            Objection.settled_on == left.exited_on,
            Objection.settlement == objection_closing_note(left.kind),
        )
        .values(status=ObjectionStatus.OPEN.value, settled_on=None, settlement=None)
    )
    return pairing.id if pairing is not None else None


def _void_followup(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    code = followup_code(number)
    followup = session.get(Followup, number)
    if followup is None:
        raise _missing(code)
    household = _lock(session, followup.household_id)
    check_not_voided(code, _voided_on(session, followup.void_id))
    left = session.get(HouseholdExit, followup.exit_id)
    check_followup_void(code, followup.done_on)
    assert followup.done_on is not None
    check_void_day(code, followup.done_on, on)
    followup.void_id = _new_void(
        session, entity="followup", code=code, household_id=followup.household_id,
        reason=reason, on=on,
        changes={"household": household, "done_on": followup.done_on, "due_on": followup.due_on},
    )  # fmt: skip
    if followup.due_on is not None and (left is None or left.relapsed_on is None):
        session.add(
            Followup(
                exit_id=followup.exit_id, household_id=followup.household_id,
                due_on=followup.due_on, done_on=None, visitor=None, outcome=None, note="",
            )
        )  # fmt: skip
        return VoidOutcome(
            code,
            household,
            _(
                "{code} voided: the follow-up of {household} due {due} is due again",
                code=code,
                household=household,
                due=followup.due_on.isoformat(),
            ),
        )
    return VoidOutcome(code, household, _("{code} voided", code=code))


# Identification, pairing and service aid ----------------------------------------------


def _standing(session: Session, code: str, row: _Voidable | None, household_id: int | None,
              dated: dt.date | None, on: dt.date) -> str:  # fmt: skip
    """Hold the record's household, check the record stands and may be voided on the day;
    the household's code."""
    if row is None or household_id is None or dated is None:
        raise _missing(code)
    household = _lock(session, household_id)
    check_not_voided(code, _voided_on(session, row.void_id))
    check_void_day(code, dated, on)
    return household


def _void_step(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """A step done by mistake: its case waits for it again. A confirmation voided reopens
    the case at confirm and puts the household back to identifying through its status history
    (the archiving change is voided with it).

    The archive number the confirmation gave is released: the household has again the number
    it had before (an earlier archive's, for a household that came back, else none), since an
    archive number names an archived household and this one is not; the number stays in the
    voided step's details and the audit log, and the next confirmation numbers the archive
    afresh. What the other steps wrote beside their row stays as recorded (the housing an
    inspection noted, an income calculation): the step that is recorded again writes its own.
    """
    code = step_code(number)
    step = session.get(IdentificationStep, number)
    case = session.get(IdentificationCase, step.case_id) if step is not None else None
    household = _standing(session, code, step, case.household_id if case else None,
                          step.done_on if step else None, on)  # fmt: skip
    assert step is not None and case is not None
    done = [
        Step(value)
        for value in session.scalars(
            select(IdentificationStep.step).where(
                IdentificationStep.case_id == case.id, IdentificationStep.void_id.is_(None)
            )
        )
    ]
    latest_round = session.scalar(
        select(func.max(IdentificationCase.round)).where(
            IdentificationCase.household_id == case.household_id
        )
    )
    change = _latest_change(session, case.household_id)
    objections = session.scalar(
        select(func.count(Objection.id)).where(
            Objection.case_id == case.id, Objection.void_id.is_(None)
        )
    )
    kind = Step(step.step)
    check_step_void(
        StepFacts(
            code=code,
            household=household,
            step=kind,
            case_status=CaseStatus(case.status),
            latest_case=case.round == latest_round,
            latest_step=max(done, key=ORDER.index),
            latest_change=(change.changed_on, change.status, change.reason)
            if change is not None
            else None,
            done_on=step.done_on,
            objections=int(objections or 0) if kind is Step.PUBLICIZE else 0,
        )
    )
    void_id = _new_void(
        session, entity="identification_step", code=code, household_id=case.household_id,
        reason=reason, on=on,
        changes={"household": household, "step": kind.value, "done_on": step.done_on,
                 "round": case.round},
    )  # fmt: skip
    step.void_id = void_id
    calculation = json.loads(step.details or "{}").get("calculation")
    if kind is Step.CALCULATE and calculation is not None:
        # The income it found goes with it: no review, exit or list counts it any more.
        session.execute(
            update(IncomeCalculation)
            .where(IncomeCalculation.id == int(calculation))
            .values(void_id=void_id)
        )
    if kind is not Step.CONFIRM:
        return VoidOutcome(
            code,
            household,
            _(
                "{code} voided: {household}'s case waits for {step} again",
                code=code,
                household=household,
                step=step_label(kind),
            ),
        )
    assert change is not None
    change.void_id = void_id
    released = json.loads(step.details or "{}").get("archive_no")
    _reopen_confirmed(session, case)
    return VoidOutcome(
        code,
        household,
        _(
            "{code} voided: {household} is identifying again and waits for {step}; "
            "archive number {archive_no} released",
            code=code,
            household=household,
            step=step_label(kind),
            archive_no=released or "-",
        ),
    )


def _reopen_confirmed(session: Session, case: IdentificationCase) -> None:
    """The case a voided confirmation had archived is open again, and the household has the
    status, category, cause and archive it had before it."""
    case.status = CaseStatus.OPEN.value
    case.closed_on = None
    session.flush()
    restored = _latest_change(session, case.household_id)
    household = session.get(Household, case.household_id)
    assert household is not None and restored is not None
    household.status = restored.status
    household.category = restored.category
    if restored.main_cause is not None:
        household.main_cause = restored.main_cause
    household.archive_no = case.follows_archive_no
    earlier = None
    if case.follows_archive_no is not None:
        earlier = session.scalars(
            select(IdentificationStep)
            .join(IdentificationCase, IdentificationCase.id == IdentificationStep.case_id)
            .where(
                IdentificationCase.household_id == case.household_id,
                IdentificationCase.id != case.id,
                IdentificationStep.step == Step.CONFIRM.value,
                IdentificationStep.void_id.is_(None),
            )
            .order_by(IdentificationStep.done_on.desc(), IdentificationStep.id.desc())
            .limit(1)
        ).first()
    household.archived_on = earlier.done_on if earlier is not None else None
    household.archive_level = (
        json.loads(earlier.details or "{}").get("level") if earlier is not None else None
    )
    household.updated_at = audit.context(session).at


def _void_objection(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """An objection entered by mistake, while its case is open: an open one no longer holds
    up the confirmation."""
    code = objection_code(number)
    objection = session.get(Objection, number)
    household = _standing(session, code, objection,
                          objection.household_id if objection else None,
                          objection.filed_on if objection else None, on)  # fmt: skip
    assert objection is not None
    case = session.get(IdentificationCase, objection.case_id)
    assert case is not None
    check_objection_void(
        code, status=ObjectionStatus(objection.status), case_status=CaseStatus(case.status)
    )
    objection.void_id = _new_void(
        session, entity="objection", code=code, household_id=objection.household_id,
        reason=reason, on=on,
        changes={"household": household, "filed_on": objection.filed_on,
                 "status": objection.status},
    )  # fmt: skip
    return VoidOutcome(
        code,
        household,
        _("{code} voided: the objection to {household} no longer stands", code=code,
          household=household),
    )  # fmt: skip


def _void_visit(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """A pairing visit logged by mistake, at any time: it no longer counts as a visit."""
    code = pair_visit_code(number)
    visit = session.get(PairVisit, number)
    household = _standing(session, code, visit, visit.household_id if visit else None,
                          visit.visited_on if visit else None, on)  # fmt: skip
    assert visit is not None
    visit.void_id = _new_void(
        session, entity="pair_visit", code=code, household_id=visit.household_id,
        reason=reason, on=on,
        changes={"household": household, "visited_on": visit.visited_on,
                 "visitor": visit.visitor},
    )  # fmt: skip
    return VoidOutcome(
        code, household, _("{code} voided: visit to {household}", code=code, household=household)
    )


def _void_stage(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """A training stage recorded by mistake, the latest of its enrolment: the trainee is back
    at the stage before. An employed stage takes its job placement with it."""
    code = stage_code(number)
    progress = session.get(TrainingProgress, number)
    enrolment = (
        session.get(TrainingEnrolment, progress.enrolment_id) if progress is not None else None
    )
    household = _standing(session, code, progress,
                          enrolment.household_id if enrolment else None,
                          progress.on_date if progress else None, on)  # fmt: skip
    assert progress is not None and enrolment is not None
    stages = list(TrainingStage)
    latest = max(
        session.execute(
            select(TrainingProgress.stage, TrainingProgress.id).where(
                TrainingProgress.enrolment_id == enrolment.id, TrainingProgress.void_id.is_(None)
            )
        ).all(),
        key=lambda row: stages.index(TrainingStage(row[0])),
    )
    check_latest_void(
        code,
        of=_("the trainee's stages"),
        later=stage_code(latest[1]) if latest[1] != progress.id else None,
    )
    placement = (
        session.get(JobPlacement, progress.placement_id)
        if progress.placement_id is not None
        else None
    )
    return _void_training(session, code, household, enrolment.household_id, progress, placement,
                          reason=reason, on=on)  # fmt: skip


def _void_training(session: Session, code: str, household: str, household_id: int,
                   progress: TrainingProgress | None, placement: JobPlacement | None, *,
                   reason: str, on: dt.date) -> VoidOutcome:  # fmt: skip
    """Void a stage, a placement, or the employed stage and its placement together (one
    ``training employ`` recorded both); a placement's member gets back the work and income
    the placement replaced."""
    restored = _restore_member(session, placement) if placement is not None else None
    changes: dict[str, object] = {"household": household}
    if progress is not None:
        changes.update(stage=progress.stage, on_date=progress.on_date)
    if placement is not None:
        changes.update(placement=placement_code(placement.id), placed_on=placement.placed_on,
                       employer=placement.employer, member_restored=restored)  # fmt: skip
    void_id = _new_void(
        session, entity="training_progress" if progress is not None else "job_placement",
        code=code, household_id=household_id, reason=reason, on=on, changes=changes,
    )  # fmt: skip
    if progress is not None:
        progress.void_id = void_id
    if placement is not None:
        placement.void_id = void_id
    if placement is None:
        message = _("{code} voided: the trainee of {household} is back at the stage before",
                    code=code, household=household)  # fmt: skip
    elif restored:
        message = _(
            "{code} voided: {name} of {household} has the work and income recorded before "
            "the placement again",
            code=code,
            name=restored["member"],
            household=household,
        )
    else:
        message = _(
            "{code} voided; {household}'s member record was edited since the placement and "
            "is left as it is",
            code=code,
            household=household,
        )
    return VoidOutcome(code, household, message)


def _restore_member(session: Session, placement: JobPlacement) -> dict[str, object] | None:
    """The member's work and income back to what the placement replaced, if their record
    still says what the placement made it (an edit since is the caseworker's and stays)."""
    member = session.get(Member, placement.member_id)
    assert member is not None
    if (member.employer, member.monthly_income_fen, member.identity) != (
        placement.employer,
        placement.monthly_wage_fen,
        WorkerIdentity.EMPLOYED.value,
    ):
        return None
    member.employer = placement.previous_employer
    member.identity = placement.previous_identity
    member.monthly_income_fen = placement.previous_income_fen
    return {
        "member": member.name,
        "employer": placement.previous_employer,
        "identity": placement.previous_identity,
        "monthly_income_fen": placement.previous_income_fen,
    }


def _void_placement(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """A job placement recorded by mistake, while it is its member's latest: a later one
    replaced the work this one recorded, so it rests on it. One made by ``training employ``
    takes its employed stage with it."""
    code = placement_code(number)
    placement = session.get(JobPlacement, number)
    household = _standing(session, code, placement,
                          placement.household_id if placement else None,
                          placement.placed_on if placement else None, on)  # fmt: skip
    assert placement is not None
    latest = session.scalar(
        select(JobPlacement.id)
        .where(JobPlacement.member_id == placement.member_id, JobPlacement.void_id.is_(None))
        .order_by(JobPlacement.placed_on.desc(), JobPlacement.id.desc())
        .limit(1)
    )
    member = session.get(Member, placement.member_id)
    assert member is not None and latest is not None
    check_latest_void(
        code,
        of=_("{name}'s placements", name=member.name),
        later=placement_code(latest) if latest != placement.id else None,
    )
    progress = session.scalars(
        select(TrainingProgress).where(
            TrainingProgress.placement_id == placement.id, TrainingProgress.void_id.is_(None)
        )
    ).first()
    return _void_training(session, code, household, placement.household_id, progress, placement,
                          reason=reason, on=on)  # fmt: skip


def _void_case(session: Session, code: str, case: HousingCase | LegalCase | None, *,
               changes_of: type[HousingStatusChange] | type[LegalStatusChange], entity: str,
               reason: str, on: dt.date) -> VoidOutcome:  # fmt: skip
    """A whole housing or legal case opened by mistake, at any time, with its status changes."""
    household = _standing(session, code, case, case.household_id if case else None,
                          case.opened_on if case else None, on)  # fmt: skip
    assert case is not None
    void_id = _new_void(
        session, entity=entity, code=code, household_id=case.household_id, reason=reason,
        on=on, changes={"household": household, "kind": case.kind, "opened_on": case.opened_on},
    )  # fmt: skip
    case.void_id = void_id
    session.execute(
        update(changes_of)
        .where(changes_of.case_id == case.id, changes_of.void_id.is_(None))
        .values(void_id=void_id)
    )
    return VoidOutcome(
        code,
        household,
        _("{code} voided: the case of {household} and its status changes", code=code,
          household=household),
    )  # fmt: skip


def _void_housing_case(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    return _void_case(session, housing_code(number), session.get(HousingCase, number),
                      changes_of=HousingStatusChange, entity="housing_case", reason=reason,
                      on=on)  # fmt: skip


def _void_legal_case(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    return _void_case(session, legal_code(number), session.get(LegalCase, number),
                      changes_of=LegalStatusChange, entity="legal_case", reason=reason,
                      on=on)  # fmt: skip


def _void_change(session: Session, code: str,
                 change: HousingStatusChange | LegalStatusChange | None,
                 case: HousingCase | LegalCase | None, case_code: str, *, entity: str,
                 reason: str, on: dt.date) -> VoidOutcome:  # fmt: skip
    """A case's status change recorded by mistake, the latest of its case: the case has the
    status it had before. Its first change opened the case: the case is voided instead."""
    household = _standing(session, code, change, case.household_id if case else None,
                          change.changed_on if change else None, on)  # fmt: skip
    assert change is not None and case is not None
    model = type(change)
    standing = session.scalars(
        select(model.id)
        .where(model.case_id == case.id, model.void_id.is_(None))
        .order_by(model.changed_on, model.id)
    ).all()
    make = housing_change_code if model is HousingStatusChange else legal_change_code
    check_latest_void(
        code,
        of=_("case {case}'s status changes", case=case_code),
        later=make(standing[-1]) if standing[-1] != change.id else None,
    )
    check_change_void(code, case_code, first=standing[0] == change.id)
    change.void_id = _new_void(
        session, entity=entity, code=code, household_id=case.household_id, reason=reason,
        on=on, changes={"household": household, "case": case_code, "status": change.status,
                        "changed_on": change.changed_on},
    )  # fmt: skip
    return VoidOutcome(
        code,
        household,
        _("{code} voided: case {case} has the status it had before", code=code, case=case_code),
    )


def _void_housing_change(session: Session, number: int, *, reason: str,
                         on: dt.date) -> VoidOutcome:  # fmt: skip
    change = session.get(HousingStatusChange, number)
    case = session.get(HousingCase, change.case_id) if change is not None else None
    return _void_change(session, housing_change_code(number), change, case,
                        housing_code(case.id) if case else "", entity="housing_status_change",
                        reason=reason, on=on)  # fmt: skip


def _void_legal_change(session: Session, number: int, *, reason: str,
                       on: dt.date) -> VoidOutcome:  # fmt: skip
    change = session.get(LegalStatusChange, number)
    case = session.get(LegalCase, change.case_id) if change is not None else None
    return _void_change(session, legal_change_code(number), change, case,
                        legal_code(case.id) if case else "", entity="legal_status_change",
                        reason=reason, on=on)  # fmt: skip


def _void_counseling(session: Session, number: int, *, reason: str, on: dt.date) -> VoidOutcome:
    """A counselling session recorded by mistake, at any time."""
    code = counseling_code(number)
    row = session.get(CounselingSession, number)
    household = _standing(session, code, row, row.household_id if row else None,
                          row.held_on if row else None, on)  # fmt: skip
    assert row is not None
    row.void_id = _new_void(
        session, entity="counseling_session", code=code, household_id=row.household_id,
        reason=reason, on=on, changes={"household": household, "held_on": row.held_on},
    )  # fmt: skip
    return VoidOutcome(
        code,
        household,
        _("{code} voided: counselling session with {household}", code=code, household=household),
    )


class _Voider(Protocol):
    def __call__(
        self, session: Session, number: int, *, reason: str, on: dt.date
    ) -> VoidOutcome: ...


_VOIDERS: dict[Voidable, _Voider] = {
    Voidable.CONTACT: _void_contact,
    Voidable.EXIT: _void_exit,
    Voidable.FOLLOWUP: _void_followup,
    Voidable.STEP: _void_step,
    Voidable.OBJECTION: _void_objection,
    Voidable.PAIR_VISIT: _void_visit,
    Voidable.STAGE: _void_stage,
    Voidable.PLACEMENT: _void_placement,
    Voidable.HOUSING_CASE: _void_housing_case,
    Voidable.HOUSING_CHANGE: _void_housing_change,
    Voidable.LEGAL_CASE: _void_legal_case,
    Voidable.LEGAL_CHANGE: _void_legal_change,
    Voidable.COUNSELING: _void_counseling,
}


# 一户一档: duplicates and merging ------------------------------------------------------


def merge(
    session: Session, duplicate_ref: str, keep_ref: str, *, reason: str, on: dt.date
) -> VoidOutcome:
    """Merge a duplicate registration into the household that stays (一户一档)."""
    duplicate = resolve_household(session, duplicate_ref, lock=True, merged=True)
    keep = resolve_household(session, keep_ref, lock=True, merged=True)
    code, into = household_code(duplicate.id), household_code(keep.id)
    check_merge(
        code,
        into,
        same=duplicate.id == keep.id,
        duplicate_merged=household_code(duplicate.merged_into_id)
        if duplicate.merged_into_id is not None
        else None,
        keep_merged=household_code(keep.merged_into_id)
        if keep.merged_into_id is not None
        else None,
    )
    check_void_day(code, duplicate.registered_on, on)
    void_id = _new_void(
        session, entity="household", code=code, household_id=duplicate.id, reason=reason, on=on,
        changes={"merged_into": into},
    )  # fmt: skip
    duplicate.void_id = void_id
    duplicate.merged_into_id = keep.id
    duplicate.updated_at = audit.context(session).at
    # Its standing leaves every day's register (its status history, its exits and their
    # follow-ups); what was done for it stays, shown in the archive it was merged into.
    for model in (StatusChange, HouseholdExit, Followup):
        session.execute(
            update(model)
            .where(model.household_id == duplicate.id, model.void_id.is_(None))
            .values(void_id=void_id)
        )
    # What was merged into it earlier follows it.
    session.execute(
        update(Household)
        .where(Household.merged_into_id == duplicate.id)
        .values(merged_into_id=keep.id)
    )
    return VoidOutcome(
        code,
        into,
        _(
            "{code} merged into {into}: its records are shown in {into}'s archive; "
            "{code} stays in the ledger, voided",
            code=code,
            into=into,
        ),
    )


@dataclass(frozen=True)
class DuplicatePair:
    """Two standing households that may be one: a member of each with the same name and
    birth date (and, where ``same_address``, the same home address)."""

    first: str
    second: str
    name: str
    birth_date: dt.date
    first_org: str
    second_org: str
    same_address: bool
    first_head: str
    second_head: str


def duplicates(session: Session, *, org: str | None = None) -> list[DuplicatePair]:
    """Candidate duplicates for a person to judge: the same person (name and birth date) in
    two standing households, those at the same address first.

    Member ID numbers are unique in the register, so one person cannot be registered twice
    under one number; a second registration under a mistyped number is what this finds.
    """
    people = (
        select(Member.name, Member.birth_date)
        .join(Household, Household.id == Member.household_id)
        .where(Household.void_id.is_(None))
        .group_by(Member.name, Member.birth_date)
        .having(func.count(func.distinct(Member.household_id)) > 1)
        .subquery()
    )
    head = aliased(Member)
    query = (
        select(Member.name, Member.birth_date, Household.id, Household.address, Org.name, head.name)
        .join(people, and_(people.c.name == Member.name, people.c.birth_date == Member.birth_date))
        .join(Household, Household.id == Member.household_id)
        .join(Org, Org.id == Household.org_id)
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .where(Household.void_id.is_(None))
        .order_by(Member.name, Member.birth_date, Household.id)
    )
    if org is not None:
        query = query.where(within(find_org(session, org)))
    found: dict[tuple[str, dt.date], list[tuple[int, str, str, str]]] = defaultdict(list)
    for name, born, household_id, address, org_name, head_name in session.execute(query):
        found[(name, born)].append((household_id, address, org_name, head_name))
    pairs = []
    for (name, born), households in found.items():
        for i, (first, first_address, first_org, first_head) in enumerate(households):
            for second, second_address, second_org, second_head in households[i + 1 :]:
                if first == second:
                    continue
                pairs.append(
                    DuplicatePair(
                        household_code(first), household_code(second), name, born,
                        first_org, second_org,
                        bool(first_address) and first_address == second_address,
                        first_head, second_head,
                    )
                )  # fmt: skip
    return sorted(pairs, key=lambda p: (not p.same_address, p.first, p.second))
