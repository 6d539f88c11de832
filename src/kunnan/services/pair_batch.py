"""Pairing many archived households at once, with the rules and rows of ``pair assign``/``visit``.

``pair_many`` checks each household as ``services.pairing.assign`` does
(archived, paired no earlier than its archive date, no active pairing, a
known unit, a valid mobile number) and logs each pairing's visits as
``log_visit`` does (under the pairing, on or after its start); it writes
the pairings, visits and audit rows in bulk. A test compares its rows with
the one-by-one commands'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kunnan.db.bulk import insert_returning_ids, insert_rows
from kunnan.domain.codes import household_code
from kunnan.domain.enums import HouseholdStatus, VisitKind
from kunnan.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from kunnan.domain.phone import PhoneError, parse_mobile
from kunnan.models import AuditEntry, Household, Org, Pairing, PairVisit
from kunnan.services import audit


@dataclass(frozen=True)
class VisitPlan:
    on: dt.date
    note: str
    kind: VisitKind = VisitKind.HOME
    by: str | None = None
    solved: str | None = None


@dataclass(frozen=True)
class PairingPlan:
    household_id: int
    unit: str
    contact: str
    phone: str
    on: dt.date
    visits: tuple[VisitPlan, ...] = ()


def pair_many(session: Session, plans: Sequence[PairingPlan]) -> int:
    """Pair each household and log its visits; return the number of pairings made."""
    if not plans:
        return 0
    ids = [plan.household_id for plan in plans]
    if len(set(ids)) != len(ids):
        raise InvalidInput("a household appears twice in one batch of pairings")
    session.flush()
    households = {
        row.id: row
        for row in session.execute(
            select(Household.id, Household.status, Household.archived_on).where(
                Household.id.in_(ids)
            )
        )
    }
    active = set(
        session.scalars(
            select(Pairing.household_id).where(
                Pairing.household_id.in_(ids), Pairing.ended_on.is_(None)
            )
        )
    )
    units = {ref: org for org in session.scalars(select(Org)) for ref in (org.code, org.name)}
    at = audit.context(session).at
    pairings: list[dict[str, Any]] = []
    pairing_audits: list[dict[str, Any]] = []
    for plan in plans:
        code = household_code(plan.household_id)
        found = households.get(plan.household_id)
        if found is None:
            raise NotFound(f"no household {code}")
        if found.status != HouseholdStatus.ARCHIVED.value:
            raise RuleViolation(f"{code} is {found.status}; only archived households are paired")
        if found.archived_on is not None and plan.on < found.archived_on:
            raise RuleViolation(
                f"{code} was archived on {found.archived_on.isoformat()}; "
                f"it cannot be paired on {plan.on.isoformat()}, before that"
            )
        if plan.household_id in active:
            raise Conflict(f"{code} is already paired")
        unit = units.get(plan.unit.strip())
        if unit is None:
            raise NotFound(f"no organisation '{plan.unit}'")
        try:
            phone = parse_mobile(plan.phone)
        except PhoneError as error:
            raise InvalidInput(f"{code}: {error}") from None
        pairings.append(
            {
                "household_id": plan.household_id,
                "unit_id": unit.id,
                "contact_name": plan.contact,
                "contact_phone": phone,
                "started_on": plan.on,
                "ended_on": None,
                "end_reason": None,
                "created_at": at,
            }
        )
        pairing_audits.append(
            audit.row(
                session,
                action="create",
                entity="pairing",
                entity_ref=code,
                household_id=plan.household_id,
                changes={"unit": unit.code, "contact": plan.contact, "phone": phone, "on": plan.on},
            )
        )
    connection = session.connection()
    pairing_ids = insert_returning_ids(connection, _table(Pairing), pairings)
    visits: list[dict[str, Any]] = []
    visit_audits: list[dict[str, Any]] = []
    for plan, pairing_id in zip(plans, pairing_ids, strict=True):
        code = household_code(plan.household_id)
        for visit in plan.visits:
            if visit.on < plan.on:
                raise RuleViolation(
                    f"{code} was not paired on {visit.on.isoformat()} "
                    f"(its pairing began on {plan.on.isoformat()})"
                )
            visitor = visit.by or plan.contact
            visits.append(
                {
                    "pairing_id": pairing_id,
                    "household_id": plan.household_id,
                    "visited_on": visit.on,
                    "visitor": visitor,
                    "kind": visit.kind.value,
                    "note": visit.note,
                    "solved": visit.solved or None,
                    "recorded_at": at,
                }
            )
            visit_audits.append(
                audit.row(
                    session,
                    action="create",
                    entity="pair_visit",
                    entity_ref=code,
                    household_id=plan.household_id,
                    changes={
                        "on": visit.on,
                        "by": visitor,
                        "kind": visit.kind.value,
                        "note": visit.note,
                        "solved": visit.solved or None,
                    },
                )
            )
    insert_rows(connection, _table(PairVisit), visits)
    insert_rows(connection, _table(AuditEntry), [*pairing_audits, *visit_audits])
    session.expire_all()
    return len(pairings)


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)
