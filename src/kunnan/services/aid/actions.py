"""Every action on a household's record in one list: cash grants, loans, training, placements,
housing, legal cases and counselling (``kunnan aid list``).

One SQL query (a UNION of one select per kind) gives each action its kind,
programme, status and amount, filtered and ordered by date in the database.
What ``amount_fen`` means depends on the kind:

==========  =====================================================================
grant       the amount paid (a reversal: the negative amount)
loan        the principal lent; ``outstanding_fen`` is what is still owed
training    none
placement   the monthly wage
housing     the latest subsidy or amount recorded on the case
legal       money recovered for the household (wages, compensation: not union money)
counseling  none
==========  =====================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import TypeEngine

from kunnan.domain.casework import (
    COUNSELING_PROGRAM,
    HOUSING_PROGRAM,
    LEGAL_PROGRAM,
    PLACEMENT_PROGRAM,
    TRAINING_PROGRAM,
)
from kunnan.domain.codes import (
    class_code,
    counseling_code,
    fund_code,
    household_code,
    housing_code,
    legal_code,
    loan_code,
    placement_code,
)
from kunnan.domain.enums import ActionKind, ActionStatus, EntryKind, Relation, TrainingStage
from kunnan.models import (
    AidEntry,
    CounselingSession,
    HousingCase,
    HousingStatusChange,
    JobPlacement,
    LegalCase,
    LegalStatusChange,
    Loan,
    LoanDefault,
    Member,
    Program,
    TrainingClass,
    TrainingEnrolment,
    TrainingProgress,
)
from kunnan.services.aid.loan import outstanding_sql, repaid_sql, status_sql

#: The code each kind's records are addressed by (grants: their entry number).
RECORD_CODE = {
    ActionKind.LOAN: loan_code,
    ActionKind.TRAINING: class_code,
    ActionKind.PLACEMENT: placement_code,
    ActionKind.HOUSING: housing_code,
    ActionKind.LEGAL: legal_code,
    ActionKind.COUNSELING: counseling_code,
}


def _none(type_: TypeEngine[Any]) -> ColumnElement[Any]:
    return cast(null(), type_)


def _text(value: str) -> ColumnElement[str]:
    return cast(literal(value), String(32))


def _columns(
    kind: ActionKind,
    *,
    record_id: Any,
    seq: Any,
    on_date: Any,
    year: Any,
    household_id: Any,
    member_id: Any,
    program: Any,
    status: Any,
    fund_id: Any = None,
    amount_fen: Any = None,
    outstanding_fen: Any = None,
    subtype: Any = None,
    detail: Any = None,
    ref: Any = None,
    reverses_seq: Any = None,
    reversed_by: Any = None,
    override_reason: Any = None,
) -> list[ColumnElement[Any]]:
    """One select's columns, in the order every part of the UNION shares."""

    def given(value: Any, type_: TypeEngine[Any]) -> ColumnElement[Any]:
        return _none(type_) if value is None else value

    return [
        cast(literal(list(ActionKind).index(kind)), Integer).label("rank"),
        _text(kind.value).label("kind"),
        given(record_id, BigInteger()).label("record_id"),
        given(seq, BigInteger()).label("seq"),
        on_date.label("on_date"),
        year.label("year"),
        household_id.label("household_id"),
        given(member_id, BigInteger()).label("member_id"),
        program.label("program"),
        status.label("status"),
        given(fund_id, BigInteger()).label("fund_id"),
        given(amount_fen, BigInteger()).label("amount_fen"),
        given(outstanding_fen, BigInteger()).label("outstanding_fen"),
        given(subtype, String(32)).label("subtype"),
        given(detail, String(400)).label("detail"),
        given(ref, String(100)).label("ref"),
        given(reverses_seq, BigInteger()).label("reverses_seq"),
        given(reversed_by, BigInteger()).label("reversed_by"),
        given(override_reason, String(400)).label("override_reason"),
    ]


def _grants() -> Select[*tuple[Any, ...]]:
    reversal = aliased(AidEntry)
    status = case(
        (AidEntry.reverses_seq.is_not(None), ActionStatus.REVERSAL.value),
        (reversal.seq.is_not(None), ActionStatus.REVERSED.value),
        else_=ActionStatus.PAID.value,
    )
    return (
        select(
            *_columns(
                ActionKind.GRANT,
                record_id=None,
                seq=AidEntry.seq,
                on_date=AidEntry.on_date,
                year=AidEntry.year,
                household_id=AidEntry.household_id,
                member_id=AidEntry.member_id,
                program=AidEntry.program,
                status=status,
                fund_id=AidEntry.fund_id,
                amount_fen=AidEntry.amount_fen,
                ref=AidEntry.ref,
                reverses_seq=AidEntry.reverses_seq,
                reversed_by=reversal.seq,
                override_reason=AidEntry.override_reason,
            )
        )
        .outerjoin(reversal, reversal.reverses_seq == AidEntry.seq)
        .where(AidEntry.kind == EntryKind.GRANT.value)
    )


def _loans(as_of: dt.date) -> Select[*tuple[Any, ...]]:
    repaid = repaid_sql(as_of)
    return (
        select(
            *_columns(
                ActionKind.LOAN,
                record_id=Loan.id,
                seq=Loan.entry_seq,
                on_date=Loan.issued_on,
                year=Loan.year,
                household_id=Loan.household_id,
                member_id=Loan.member_id,
                program=AidEntry.program,
                status=status_sql(repaid, as_of),
                fund_id=Loan.fund_id,
                amount_fen=Loan.amount_fen,
                outstanding_fen=outstanding_sql(repaid),
                detail=Loan.purpose,
                ref=AidEntry.ref,
            )
        )
        .join(AidEntry, AidEntry.seq == Loan.entry_seq)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(LoanDefault, LoanDefault.loan_id == Loan.id)
    )


def _reached(stage: TrainingStage) -> ColumnElement[bool]:
    return exists().where(
        TrainingProgress.enrolment_id == TrainingEnrolment.id,
        TrainingProgress.stage == stage.value,
        TrainingProgress.void_id.is_(None),
    )


def _training() -> Select[*tuple[Any, ...]]:
    stage = case(
        *(
            (_reached(s), s.value)
            for s in (TrainingStage.EMPLOYED, TrainingStage.CERTIFIED, TrainingStage.COMPLETED)
        ),
        else_=TrainingStage.ENROLLED.value,
    )
    return select(
        *_columns(
            ActionKind.TRAINING,
            record_id=TrainingClass.id,
            seq=None,
            on_date=TrainingEnrolment.enrolled_on,
            year=TrainingClass.year,
            household_id=TrainingEnrolment.household_id,
            member_id=TrainingEnrolment.member_id,
            program=_text(TRAINING_PROGRAM),
            status=stage,
            subtype=TrainingClass.trade,
            detail=TrainingClass.name,
        )
    ).join(TrainingClass, TrainingClass.id == TrainingEnrolment.class_id)


def _placements() -> Select[*tuple[Any, ...]]:
    return select(
        *_columns(
            ActionKind.PLACEMENT,
            record_id=JobPlacement.id,
            seq=None,
            on_date=JobPlacement.placed_on,
            year=JobPlacement.year,
            household_id=JobPlacement.household_id,
            member_id=JobPlacement.member_id,
            program=_text(PLACEMENT_PROGRAM),
            status=_text(ActionStatus.PLACED.value),
            amount_fen=JobPlacement.monthly_wage_fen,
            subtype=JobPlacement.channel,
            detail=JobPlacement.employer + " / " + JobPlacement.job,
        )
    ).where(JobPlacement.void_id.is_(None))


def _latest(column: Any, table: Any, case_id: Any, *conditions: Any) -> Any:
    """The value of ``column`` in a case's latest change (among those meeting ``conditions``)."""
    return (
        select(column)
        .where(table.case_id == case_id, table.void_id.is_(None), *conditions)
        .order_by(table.changed_on.desc(), table.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _housing() -> Select[*tuple[Any, ...]]:
    change = HousingStatusChange
    return select(
        *_columns(
            ActionKind.HOUSING,
            record_id=HousingCase.id,
            seq=None,
            on_date=HousingCase.opened_on,
            year=HousingCase.year,
            household_id=HousingCase.household_id,
            member_id=None,
            program=_text(HOUSING_PROGRAM),
            status=_latest(change.status, change, HousingCase.id),
            amount_fen=_latest(
                change.amount_fen, change, HousingCase.id, change.amount_fen.is_not(None)
            ),
            subtype=HousingCase.kind,
        )
    ).where(HousingCase.void_id.is_(None))


def _legal() -> Select[*tuple[Any, ...]]:
    change = LegalStatusChange
    recovered = (
        select(func.sum(change.recovered_fen))
        .where(change.case_id == LegalCase.id, change.void_id.is_(None))
        .scalar_subquery()
    )
    program = case({kind.value: code for kind, code in LEGAL_PROGRAM.items()}, value=LegalCase.kind)
    return select(
        *_columns(
            ActionKind.LEGAL,
            record_id=LegalCase.id,
            seq=None,
            on_date=LegalCase.opened_on,
            year=LegalCase.year,
            household_id=LegalCase.household_id,
            member_id=LegalCase.member_id,
            program=program,
            status=_latest(change.status, change, LegalCase.id),
            amount_fen=recovered,
            detail=LegalCase.against,
        )
    ).where(LegalCase.void_id.is_(None))


def _counseling() -> Select[*tuple[Any, ...]]:
    return select(
        *_columns(
            ActionKind.COUNSELING,
            record_id=CounselingSession.id,
            seq=None,
            on_date=CounselingSession.held_on,
            year=CounselingSession.year,
            household_id=CounselingSession.household_id,
            member_id=CounselingSession.member_id,
            program=_text(COUNSELING_PROGRAM),
            status=_text(ActionStatus.HELD.value),
            detail=CounselingSession.counselor,
        )
    ).where(CounselingSession.void_id.is_(None))


def actions_sql(as_of: dt.date) -> Any:
    """Every action of every household as one subquery (columns as ``_columns`` names them)."""
    parts = [
        _grants(),
        _loans(as_of),
        _training(),
        _placements(),
        _housing(),
        _legal(),
        _counseling(),
    ]
    return union_all(*parts).subquery("actions")


@dataclass(frozen=True)
class ActionFilter:
    household_id: int | None = None
    program: str | None = None
    year: int | None = None
    fund_id: int | None = None
    kind: ActionKind | None = None


@dataclass(frozen=True)
class ActionRow:
    seq: int | None
    record: str | None
    on_date: dt.date
    year: int
    household: str
    head_name: str
    member: str | None
    kind: str
    program: str
    program_name: str
    status: str
    subtype: str | None
    detail: str | None
    fund: str | None
    ref: str | None
    reverses_seq: int | None
    reversed_by: int | None
    override_reason: str | None
    amount_fen: int | None
    outstanding_fen: int | None


def _conditions(actions: Any, where: ActionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.household_id is not None:
        conditions.append(actions.c.household_id == where.household_id)
    if where.program is not None:
        conditions.append(actions.c.program == where.program)
    if where.year is not None:
        conditions.append(actions.c.year == where.year)
    if where.fund_id is not None:
        conditions.append(actions.c.fund_id == where.fund_id)
    if where.kind is not None:
        conditions.append(actions.c.kind == where.kind.value)
    return conditions


def list_actions(
    session: Session, *, where: ActionFilter, as_of: dt.date
) -> tuple[list[ActionRow], int]:
    """The matching actions, oldest first, and the total of cash grants among them (SQL).

    Loans are shown with their status on ``as_of``.
    """
    actions = actions_sql(as_of)
    conditions = _conditions(actions, where)
    head = aliased(Member)
    member = aliased(Member)
    query = (
        select(
            actions,
            head.name.label("head_name"),
            member.name.label("member_name"),
            Program.name.label("program_name"),
        )
        .join(
            head,
            (head.household_id == actions.c.household_id) & (head.relation == Relation.HEAD.value),
        )
        .outerjoin(member, member.id == actions.c.member_id)
        .join(Program, Program.code == actions.c.program)
        .where(*conditions)
        .order_by(
            actions.c.on_date,
            actions.c.rank,
            func.coalesce(actions.c.seq, 0),
            func.coalesce(actions.c.record_id, 0),
            actions.c.household_id,
            actions.c.member_id,
        )
    )
    rows = []
    for row in session.execute(query).mappings():
        kind = ActionKind(row["kind"])
        record_id = row["record_id"]
        rows.append(
            ActionRow(
                seq=row["seq"] if kind in (ActionKind.GRANT, ActionKind.LOAN) else None,
                record=RECORD_CODE[kind](record_id) if record_id is not None else None,
                on_date=_date(row["on_date"]),
                year=row["year"],
                household=household_code(row["household_id"]),
                head_name=row["head_name"],
                member=row["member_name"],
                kind=kind.value,
                program=row["program"],
                program_name=row["program_name"],
                status=row["status"],
                subtype=row["subtype"],
                detail=row["detail"],
                fund=fund_code(row["fund_id"]) if row["fund_id"] is not None else None,
                ref=row["ref"],
                reverses_seq=row["reverses_seq"],
                reversed_by=row["reversed_by"],
                override_reason=row["override_reason"],
                amount_fen=int(row["amount_fen"]) if row["amount_fen"] is not None else None,
                outstanding_fen=(
                    int(row["outstanding_fen"]) if row["outstanding_fen"] is not None else None
                ),
            )
        )
    total = session.scalar(
        select(func.coalesce(func.sum(actions.c.amount_fen), 0)).where(
            *conditions, actions.c.kind == ActionKind.GRANT.value
        )
    )
    return rows, int(total or 0)


def _date(value: Any) -> dt.date:
    """A date from the UNION (SQLite may hand back the ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
