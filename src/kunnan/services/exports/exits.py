"""The exits from the register read out for export, with their follow-up visits.

One row per exit (退出台账): the household and its head, how and when it left and why, and
its follow-ups (回访) summed up: how many were made, the last one and what it found, the
next one due, and the day it relapsed (返困) if it did. Each follow-up is also given whole,
for the JSON file and the workbook's follow-up sheet.

Exits are read in the order of ``exit list`` (by exit date) by keyset pagination on
(date, id), a thousand at a time with their follow-ups, so an export of any size holds one
page in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import household_code
from kunnan.domain.enums import Category, ExitKind, FollowupOutcome, Relation
from kunnan.models import Followup, Household, HouseholdExit, Member, Org
from kunnan.sheets.columns import Column
from kunnan.store.orgs import within

PAGE = 1000

#: ``export exits``: one row per exit, its follow-ups summed up.
EXIT_COLUMNS: tuple[Column, ...] = (
    Column("household", "户编号"),
    Column("archive_no", "档案号"),
    Column("name", "户主姓名"),
    Column("id_number", "户主身份证号", "id_number"),
    Column("phone", "联系电话", "phone"),
    Column("org", "所属工会"),
    Column("category", "困难类别", "enum", Category),
    Column("kind", "退出方式", "enum", ExitKind),
    Column("exited_on", "退出日期", "date"),
    Column("reason", "退出原因"),
    Column("followups_done", "已回访次数", "int"),
    Column("last_followup_on", "最近回访日期", "date"),
    Column("last_outcome", "最近回访结果", "enum", FollowupOutcome),
    Column("next_followup_on", "下次回访日期", "date"),
    Column("relapsed_on", "返困日期", "date"),
)
#: The same in JSON, which names the union by code and by name.
EXIT_JSON_COLUMNS: tuple[Column, ...] = (
    *EXIT_COLUMNS[:6],
    Column("org_name", "工会名称"),
    *EXIT_COLUMNS[6:],
)
#: Each follow-up visit, scheduled or made (the workbook's second sheet, and in JSON under
#: each exit's ``followups``).
FOLLOWUP_COLUMNS: tuple[Column, ...] = (
    Column("household", "户编号"),
    Column("name", "户主姓名"),
    Column("exited_on", "退出日期", "date"),
    Column("due_on", "应回访日期", "date"),
    Column("done_on", "回访日期", "date"),
    Column("visitor", "回访人"),
    Column("outcome", "回访结果", "enum", FollowupOutcome),
    Column("note", "回访情况"),
)
#: A follow-up inside its exit's JSON object (which names the household and the exit).
FOLLOWUP_JSON_COLUMNS = tuple(
    c for c in FOLLOWUP_COLUMNS if c.key in {"due_on", "done_on", "visitor", "outcome", "note"}
)


@dataclass(frozen=True)
class ExitExportFilter:
    """Which exits to export: a union and those under it, a kind, a calendar year, a span of
    exit dates."""

    org: Org | None = None
    kind: ExitKind | None = None
    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _conditions(where: ExitExportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [HouseholdExit.void_id.is_(None)]
    if where.org is not None:
        conditions.append(within(where.org))
    if where.kind is not None:
        conditions.append(HouseholdExit.kind == where.kind.value)
    if where.year is not None:
        conditions.append(HouseholdExit.exited_on >= dt.date(where.year, 1, 1))
        conditions.append(HouseholdExit.exited_on <= dt.date(where.year, 12, 31))
    if where.start is not None:
        conditions.append(HouseholdExit.exited_on >= where.start)
    if where.end is not None:
        conditions.append(HouseholdExit.exited_on <= where.end)
    return conditions


def exits_for_export(
    session: Session, *, where: ExitExportFilter, page: int = PAGE
) -> Iterator[dict[str, Any]]:
    """Every matching exit, by exit date, as a row keyed like ``EXIT_COLUMNS``, with its
    follow-ups (rows keyed like ``FOLLOWUP_COLUMNS``) under ``followups``."""
    head = aliased(Member)
    conditions = _conditions(where)
    query = (
        select(
            HouseholdExit.id,
            HouseholdExit.exited_on,
            HouseholdExit.household_id,
            HouseholdExit.archive_no,
            head.name,
            head.id_number,
            head.phone,
            Org.code,
            Org.name,
            HouseholdExit.category,
            HouseholdExit.kind,
            HouseholdExit.reason,
            HouseholdExit.relapsed_on,
        )
        .join(Household, Household.id == HouseholdExit.household_id)
        .join(Org, Org.id == Household.org_id)
        .outerjoin(
            head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value)
        )
        .order_by(HouseholdExit.exited_on, HouseholdExit.id)
        .limit(page)
    )
    after: ColumnElement[bool] | None = None
    while True:
        paged = query.where(*conditions) if after is None else query.where(after, *conditions)
        rows = session.execute(paged).all()
        visits = _followups(session, [row[0] for row in rows])
        for row in rows:
            followups = [
                {"household": household_code(row[2]), "name": row[4], "exited_on": row[1], **visit}
                for visit in visits.get(row[0], [])
            ]
            done = [f for f in followups if f["done_on"] is not None]
            last = max(done, key=lambda f: f["done_on"]) if done else None
            due = [f["due_on"] for f in followups if f["done_on"] is None and f["due_on"]]
            yield {
                "household_id": row[2],
                "household": household_code(row[2]),
                "archive_no": row[3],
                "name": row[4],
                "id_number": row[5],
                "phone": row[6],
                "org": row[7],
                "org_name": row[8],
                "category": row[9],
                "kind": row[10],
                "exited_on": row[1],
                "reason": row[11],
                "followups_done": len(done),
                "last_followup_on": last["done_on"] if last else None,
                "last_outcome": last["outcome"] if last else None,
                "next_followup_on": min(due) if due else None,
                "relapsed_on": row[12],
                "followups": followups,
            }
        if len(rows) < page:
            return
        day, exit_id = rows[-1][1], rows[-1][0]
        after = or_(
            HouseholdExit.exited_on > day,
            and_(HouseholdExit.exited_on == day, HouseholdExit.id > exit_id),
        )


def _followups(session: Session, exit_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The follow-ups of a page of exits, each exit's in the order they fall (made or due)."""
    if not exit_ids:
        return {}
    query = select(
        Followup.exit_id,
        Followup.id,
        Followup.due_on,
        Followup.done_on,
        Followup.visitor,
        Followup.outcome,
        Followup.note,
    ).where(Followup.exit_id.in_(exit_ids), Followup.void_id.is_(None))
    # Sorted here: where SQL puts a follow-up with neither date (cancelled by a relapse)
    # differs between SQLite and PostgreSQL.
    ordered = sorted(
        session.execute(query), key=lambda row: (row[0], row[3] or row[2] or dt.date.max, row[1])
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for exit_id, _id, due_on, done_on, visitor, outcome, note in ordered:
        found.setdefault(exit_id, []).append(
            {
                "due_on": due_on,
                "done_on": done_on,
                "visitor": visitor,
                "outcome": outcome,
                "note": note or None,
            }
        )
    return found
