"""找寻: contact attempts, and the households nobody has reached yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Exists, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import ContactMethod, ContactOutcome, HouseholdStatus, Relation, Step
from kunnan.models import (
    ContactAttempt,
    Household,
    IdentificationCase,
    IdentificationStep,
    Member,
    Org,
)
from kunnan.store import audit
from kunnan.store.orgs import find_org, within


def log_contact(
    session: Session,
    household: Household,
    *,
    method: ContactMethod,
    outcome: ContactOutcome,
    on: dt.date,
    caseworker: str,
    note: str,
) -> ContactAttempt:
    attempt = ContactAttempt(
        household_id=household.id,
        method=method.value,
        outcome=outcome.value,
        attempted_on=on,
        caseworker=caseworker,
        note=note,
        recorded_at=audit.context(session).at,
    )
    session.add(attempt)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="contact",
        entity_ref=household_code(household.id),
        household_id=household.id,
        changes={"method": method.value, "outcome": outcome.value, "on": on, "note": note},
    )
    return attempt


@dataclass(frozen=True)
class ContactRow:
    attempted_on: dt.date
    method: str
    outcome: str
    caseworker: str
    note: str


def contacts_of(session: Session, household: Household) -> list[ContactRow]:
    """Every attempt and the home visit (一进) that reached the household, oldest first."""
    rows = [
        ContactRow(a.attempted_on, a.method, a.outcome, a.caseworker, a.note)
        for a in session.scalars(
            select(ContactAttempt)
            .where(ContactAttempt.household_id == household.id, ContactAttempt.void_id.is_(None))
            .order_by(ContactAttempt.attempted_on, ContactAttempt.id)
        )
    ]
    return rows


def reached_on_visit() -> Exists:
    """Whether the household's identification began with a home visit (which reaches it)."""
    return exists().where(
        IdentificationCase.household_id == Household.id,
        IdentificationStep.case_id == IdentificationCase.id,
        IdentificationStep.step == Step.VISIT.value,
        IdentificationStep.void_id.is_(None),
    )


@dataclass(frozen=True)
class UnreachedRow:
    code: str
    head_name: str
    org: str
    address: str
    attempts: int
    last_attempt_on: dt.date | None
    last_outcome: str | None


def unreached(session: Session, *, org: str | None = None) -> Sequence[UnreachedRow]:
    """Candidates never reached: no attempt that reached them and no home visit."""
    head = aliased(Member)
    counts = (
        select(
            ContactAttempt.household_id,
            func.count().label("attempts"),
            func.max(ContactAttempt.attempted_on).label("last_on"),
        )
        .where(ContactAttempt.void_id.is_(None))
        .group_by(ContactAttempt.household_id)
        .subquery()
    )
    last = aliased(ContactAttempt)
    last_outcome = (
        select(last.outcome)
        .where(last.household_id == Household.id, last.void_id.is_(None))
        .order_by(last.attempted_on.desc(), last.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    reached = exists().where(
        ContactAttempt.household_id == Household.id,
        ContactAttempt.outcome == ContactOutcome.REACHED.value,
        ContactAttempt.void_id.is_(None),
    )
    query = (
        select(
            Household.id,
            head.name,
            Org.name,
            Household.address,
            func.coalesce(counts.c.attempts, 0),
            counts.c.last_on,
            last_outcome,
        )
        .join(head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value))
        .join(Org, Org.id == Household.org_id)
        .outerjoin(counts, counts.c.household_id == Household.id)
        .where(Household.status == HouseholdStatus.CANDIDATE.value, Household.void_id.is_(None))
        .where(~reached)
        .where(~reached_on_visit())
        .order_by(Household.id)
    )
    if org is not None:
        query = query.where(within(find_org(session, org)))
    return [
        UnreachedRow(household_code(hid), name, org_name, address, attempts, last_on, outcome)
        for hid, name, org_name, address, attempts, last_on, outcome in session.execute(query)
    ]
