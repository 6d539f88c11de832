"""Housing (住房保障), legal cases (法律援助, 欠薪追讨, 工伤赔偿, 劳动争议) and counselling (心理疏导).

Housing and legal cases change status over time, and each change is a row of
its own with its date, so the history stays: a housing case is applied for,
then allocated (with a subsidy or floor area) or refused; a legal case is
opened, then resolved (with money recovered for the household — wages,
compensation; never union money) and closed. A household has at most one
open housing case of each kind, so a status names its case; it may have
several open legal cases of a kind (two employers owing wages), and then
``--case`` says which.

New cases and counselling are refused for a household that has left the
register (the rule grants follow); an open case still records how it ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.casework import (
    HOUSING_START,
    LEGAL_START,
    check_step,
    is_open,
    no_open_case,
)
from kunnan.domain.codes import (
    code_number,
    counseling_code,
    household_code,
    housing_code,
    legal_code,
)
from kunnan.domain.enums import HousingKind, HousingStatus, LegalStatus
from kunnan.domain.errors import InvalidInput, NotFound
from kunnan.i18n import _
from kunnan.models import (
    CounselingSession,
    Household,
    HousingCase,
    HousingStatusChange,
    JobPlacement,
    LegalCase,
    LegalStatusChange,
    Member,
    TrainingEnrolment,
)
from kunnan.schemas.service_aid import CounselCreate, HousingCreate, LegalCreate
from kunnan.store import audit
from kunnan.store.households import check_present, find_member, resolve_household
from kunnan.store.status import check_may_receive


def _locked(session: Session, ref: str) -> Household:
    household = resolve_household(session, ref, lock=True)
    return household


# Housing -----------------------------------------------------------------------


def housing_status(session: Session, case: HousingCase) -> tuple[HousingStatus, dt.date]:
    """A housing case's latest status and the day it took it."""
    status, on = session.execute(
        select(HousingStatusChange.status, HousingStatusChange.changed_on)
        .where(HousingStatusChange.case_id == case.id, HousingStatusChange.void_id.is_(None))
        .order_by(HousingStatusChange.changed_on.desc(), HousingStatusChange.id.desc())
        .limit(1)
    ).one()
    return HousingStatus(status), on


def _open_housing(session: Session, household: Household, kind: HousingKind) -> HousingCase | None:
    cases = session.scalars(
        select(HousingCase)
        .where(
            HousingCase.household_id == household.id,
            HousingCase.kind == kind.value,
            HousingCase.void_id.is_(None),
        )
        .order_by(HousingCase.id.desc())
    )
    for case in cases:
        if is_open(housing_status(session, case)[0]):
            return case
    return None


@dataclass(frozen=True)
class CaseChange:
    """A case and the status it just took."""

    code: str
    status: str
    opened: bool


def _changed(
    session: Session,
    change: HousingStatusChange | LegalStatusChange,
    *,
    entity: str,
    code: str,
    household: Household,
    opened: bool,
    changes: dict[str, object],
) -> CaseChange:
    """Record a case's status change, and audit it as the case's creation or an update."""
    session.add(change)
    session.flush()
    audit.record(
        session,
        action="create" if opened else "update",
        entity=entity,
        entity_ref=code,
        household_id=household.id,
        changes=changes,
    )
    return CaseChange(code=code, status=change.status, opened=opened)


def record_housing(session: Session, *, data: HousingCreate) -> CaseChange:
    """Apply for housing (opens a case) or record the open case's allocation or refusal."""
    household = _locked(session, data.household)
    code, on = household_code(household.id), data.on_date
    case = _open_housing(session, household, data.kind)
    opened = case is None
    if case is None:
        if data.status is not HOUSING_START:
            raise no_open_case(code, data.kind, data.status)
        check_may_receive(session, household, on, what=_("a housing case"))
        case = HousingCase(
            household_id=household.id,
            kind=data.kind.value,
            opened_on=on,
            year=on.year,
            recorded_at=audit.context(session).at,
        )
        session.add(case)
        session.flush()
    else:
        current, since = housing_status(session, case)
        check_step(
            _("housing case {code}", code=housing_code(case.id)),
            _("{code} ({kind})", code=code, kind=data.kind.value),
            current,
            data.status,
            since=since,
            on=on,
        )
    change = HousingStatusChange(
        case_id=case.id,
        status=data.status.value,
        changed_on=on,
        amount_fen=data.amount_fen,
        area_m2=data.area_m2,
        note=data.note or "",
        recorded_at=audit.context(session).at,
    )
    return _changed(
        session,
        change,
        entity="housing_case",
        code=housing_code(case.id),
        household=household,
        opened=opened,
        changes={
            "kind": data.kind.value,
            "status": data.status.value,
            "on_date": on,
            "amount_fen": data.amount_fen,
            "area_m2": str(data.area_m2) if data.area_m2 is not None else None,
            "note": data.note,
        },
    )


# Legal -------------------------------------------------------------------------


def legal_status(session: Session, case: LegalCase) -> tuple[LegalStatus, dt.date]:
    status, on = session.execute(
        select(LegalStatusChange.status, LegalStatusChange.changed_on)
        .where(LegalStatusChange.case_id == case.id, LegalStatusChange.void_id.is_(None))
        .order_by(LegalStatusChange.changed_on.desc(), LegalStatusChange.id.desc())
        .limit(1)
    ).one()
    return LegalStatus(status), on


def _legal_case(session: Session, household: Household, data: LegalCreate) -> LegalCase:
    """The open case a status change is for: the one named, or the only open one of the kind."""
    code = household_code(household.id)
    if data.case is not None:
        number = code_number("LC", data.case.strip())
        case = session.get(LegalCase, number) if number is not None else None
        if case is None or case.household_id != household.id or case.void_id is not None:
            raise NotFound(_("{code} has no legal case '{case}'", code=code, case=data.case))
        if case.kind != data.kind.value:
            raise InvalidInput(
                _(
                    "--kind: legal case {code} is {kind}, not {wanted}",
                    code=legal_code(case.id),
                    kind=case.kind,
                    wanted=data.kind.value,
                )
            )
        return case
    cases = session.scalars(
        select(LegalCase)
        .where(
            LegalCase.household_id == household.id,
            LegalCase.kind == data.kind.value,
            LegalCase.void_id.is_(None),
        )
        .order_by(LegalCase.id)
    ).all()
    open_cases = [case for case in cases if is_open(legal_status(session, case)[0])]
    if not open_cases:
        raise no_open_case(code, data.kind, data.status)
    if len(open_cases) > 1:
        codes = ", ".join(legal_code(case.id) for case in open_cases)
        raise InvalidInput(
            _(
                "give --case: {code} has {n} open {kind} cases ({codes})",
                code=code,
                n=len(open_cases),
                kind=data.kind.value,
                codes=codes,
            )
        )
    return open_cases[0]


def record_legal(session: Session, *, data: LegalCreate) -> CaseChange:
    """Open a legal case, or record an open case's resolution (money recovered) or closing."""
    household = _locked(session, data.household)
    on = data.on_date
    opened = data.status is LEGAL_START
    if opened:
        check_may_receive(session, household, on, what=_("a legal case"))
        member = find_member(household, data.member) if data.member is not None else None
        if member is not None:
            check_present(member, on, what=_("a legal case"))
        case = LegalCase(
            household_id=household.id,
            member_id=member.id if member is not None else None,
            kind=data.kind.value,
            against=data.against,
            opened_on=on,
            year=on.year,
            recorded_at=audit.context(session).at,
        )
        session.add(case)
        session.flush()
    else:
        case = _legal_case(session, household, data)
        current, since = legal_status(session, case)
        check_step(
            _("legal case {code}", code=legal_code(case.id)),
            household_code(household.id),
            current,
            data.status,
            since=since,
            on=on,
        )
    change = LegalStatusChange(
        case_id=case.id,
        status=data.status.value,
        changed_on=on,
        recovered_fen=data.recovered_fen,
        note=data.note or "",
        recorded_at=audit.context(session).at,
    )
    return _changed(
        session,
        change,
        entity="legal_case",
        code=legal_code(case.id),
        household=household,
        opened=opened,
        changes={
            "kind": data.kind.value,
            "status": data.status.value,
            "on_date": on,
            "against": data.against,
            "member": data.member,
            "recovered_fen": data.recovered_fen,
            "note": data.note,
        },
    )


# Counselling -------------------------------------------------------------------


def counsel(session: Session, *, data: CounselCreate) -> CounselingSession:
    """Record a counselling session with a household (or one member)."""
    household = _locked(session, data.household)
    check_may_receive(session, household, data.on_date, what=_("counselling"))
    member = find_member(household, data.member) if data.member is not None else None
    if member is not None:
        check_present(member, data.on_date, what=_("counselling"))
    row = CounselingSession(
        household_id=household.id,
        member_id=member.id if member is not None else None,
        counselor=data.counselor,
        note=data.note,
        held_on=data.on_date,
        year=data.on_date.year,
        recorded_at=audit.context(session).at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="counseling_session",
        entity_ref=counseling_code(row.id),
        household_id=household.id,
        changes={
            "counselor": row.counselor,
            "member": member.name if member is not None else None,
            "on_date": row.held_on,
            "note": row.note,
        },
    )
    return row


def area_text(value: Decimal | None) -> str | None:
    """A floor area with two decimals, whatever the backend returns."""
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def services_of_member(session: Session, member: Member) -> str | None:
    """The first service recorded for a member (training, a job, a legal case, counselling), if any."""
    sources = (
        (TrainingEnrolment.id, TrainingEnrolment.member_id, _("a training enrolment")),
        (JobPlacement.id, JobPlacement.member_id, _("a job placement")),
        (LegalCase.id, LegalCase.member_id, _("a legal case")),
        (CounselingSession.id, CounselingSession.member_id, _("a counselling session")),
    )
    for key, member_id, what in sources:
        if session.scalar(select(key).where(member_id == member.id).limit(1)) is not None:
            return what
    return None
