"""The register read out for export, a thousand households at a time.

Households are read in id order by keyset pagination (``id > last``), with
their members (head first) and secondary causes fetched per page, so an
export of any size holds one page in memory and runs the same on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from kunnan.domain.codes import household_code
from kunnan.domain.enums import Relation, Sex
from kunnan.models import Household, HouseholdCause, Member, Org
from kunnan.services.household.register import HouseholdFilter, filter_conditions
from kunnan.services.imports.households import COLUMN
from kunnan.sheets.columns import Column
from kunnan.store import audit
from kunnan.store.households import present_on

PAGE = 1000

#: ``export members``: each person with their household's key facts, sex and birth date
#: (the year alone unless revealed).
MEMBER_COLUMNS: tuple[Column, ...] = (
    *(COLUMN[key] for key in ("household", "archive_no", "org", "area_code", "status", "category")),
    COLUMN["relation"],
    COLUMN["name"],
    COLUMN["id_number"],
    Column("sex", "性别", "enum", Sex),
    Column("birth_date", "出生日期", "birth_date"),
    *(
        COLUMN[key]
        for key in ("phone", "employer", "identity", "health", "schooling", "monthly_income_fen")
    ),
)


@dataclass(frozen=True)
class HouseholdRecord:
    """A household with its members, as the households file and JSON export carry it."""

    household: dict[str, Any]
    members: list[dict[str, Any]]


def households_for_export(
    session: Session, *, where: HouseholdFilter, page: int = PAGE
) -> Iterator[HouseholdRecord]:
    """Every matching household with its members (head first), oldest first."""
    conditions = filter_conditions(session, where)
    last = 0
    while True:
        query = (
            select(
                Household.id,
                Household.archive_no,
                Household.status,
                Household.category,
                Household.main_cause,
                Org.code,
                Org.name,
                Household.area_code,
                Household.address,
                Household.housing_type,
                Household.housing_area_m2,
                Household.registered_on,
                Household.archived_on,
            )
            .join(Org, Org.id == Household.org_id)
            .where(Household.id > last, *conditions)
            .order_by(Household.id)
            .limit(page)
        )
        households = session.execute(query).all()
        if not households:
            return
        ids = [row[0] for row in households]
        members = _members(session, ids)
        causes = _causes(session, ids)
        for row in households:
            household_id = row[0]
            yield HouseholdRecord(
                household={
                    "household": household_code(household_id),
                    "archive_no": row[1],
                    "status": row[2],
                    "category": row[3],
                    "main_cause": row[4],
                    "secondary_causes": causes.get(household_id, []),
                    "org": row[5],
                    "org_name": row[6],
                    "area_code": row[7],
                    "address": row[8] or None,
                    "housing_type": row[9],
                    "housing_area_m2": _area(row[10]),
                    "registered_on": row[11],
                    "archived_on": row[12],
                },
                members=members.get(household_id, []),
            )
        last = ids[-1]


def _area(value: Any) -> Decimal | None:
    """Floor area with its two decimals (SQLite may hand back fewer)."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"))


def _members(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    head_first = case((Member.relation == Relation.HEAD.value, 0), else_=1)
    query = (
        select(
            Member.household_id,
            Member.relation,
            Member.name,
            Member.id_number,
            Member.sex,
            Member.birth_date,
            Member.phone,
            Member.employer,
            Member.identity,
            Member.health,
            Member.schooling,
            Member.monthly_income_fen,
            Member.admitted_level,
            Member.admitted_year,
        )
        # The household as it is today: a member who left is in its history, not its roster.
        .where(Member.household_id.in_(ids), present_on(audit.context(session).at.date()))
        .order_by(Member.household_id, head_first, Member.id)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(
            {
                "relation": row[1],
                "name": row[2],
                "id_number": row[3],
                "sex": row[4],
                "birth_date": row[5],
                "phone": row[6],
                "employer": row[7],
                "identity": row[8],
                "health": row[9],
                "schooling": row[10],
                "monthly_income_fen": row[11],
                "admitted": row[12],
                "admitted_year": row[13],
            }
        )
    return found


def _causes(session: Session, ids: list[int]) -> dict[int, list[str]]:
    query = (
        select(HouseholdCause.household_id, HouseholdCause.cause)
        .where(HouseholdCause.household_id.in_(ids))
        .order_by(HouseholdCause.household_id, HouseholdCause.position)
    )
    found: dict[int, list[str]] = {}
    for household_id, cause in session.execute(query):
        found.setdefault(household_id, []).append(cause)
    return found


def record_bulk_reveal(
    session: Session, *, what: str, file: str, households: int, why: str | None, **rows: int
) -> None:
    """Audit full ID and phone numbers written to a file: what, where, how many households
    (and ``rows``: how many entries or exits), why."""
    audit.record(
        session,
        action="reveal",
        entity="household",
        entity_ref=what[:40],
        changes={"command": what, "file": file, "households": households, **rows, "why": why},
    )
