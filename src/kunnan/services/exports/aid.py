"""The aid ledger read out for export: every grant and reversal, a thousand entries at a time.

A union office keeps its aid as a spreadsheet (帮扶资金发放台账): one row per payment with
the household, its head, the union, the programme, the fund, the amount in yuan, the date,
the member it was for and the voucher. Reversals are rows of their own, with the negative
amount and the entry they reverse, so the column of amounts adds up to what was paid.

Entries are read in ledger order by keyset pagination (``seq > last``), one page per query
with everything a row shows joined in, so an export of any size holds one page in memory
and runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, aliased

from kunnan.domain.codes import fund_code, household_code
from kunnan.domain.enums import EntryKind, Relation
from kunnan.models import AidEntry, Fund, Household, Member, Org, Program
from kunnan.sheets.columns import Column
from kunnan.store.orgs import within

PAGE = 1000

#: ``export aid``: the ledger as a union office keeps it. English keys (those ``import aid``
#: shares mean the same there), Chinese headers with ``--lang zh``; money in yuan.
AID_COLUMNS: tuple[Column, ...] = (
    Column("seq", "流水号", "int"),
    Column("on_date", "发放日期", "date"),
    Column("year", "计入年度", "int"),
    Column("household", "户编号"),
    Column("archive_no", "档案号"),
    Column("name", "户主姓名"),
    Column("id_number", "户主身份证号", "id_number"),
    Column("phone", "联系电话", "phone"),
    Column("org", "所属工会"),
    Column("program", "帮扶项目"),
    Column("member", "受助人"),
    Column("fund", "资金编号"),
    Column("fund_name", "资金名称"),
    Column("amount", "金额(元)", "money"),
    Column("ref", "凭证号"),
    Column("reverses", "冲正流水号", "int"),
    Column("reversed_by", "被冲正流水号", "int"),
    Column("reason", "冲正原因"),
    Column("override_reason", "特批原因"),
    Column("operator", "经办人"),
)
#: The same in JSON, which carries money as integer fen in keys ending ``_fen`` and names
#: the union and the programme by code and by name.
_IN_JSON = {
    "amount": (Column("amount_fen", "金额(分)", "money"),),
    "org": (Column("org", "工会编码"), Column("org_name", "工会名称")),
    "program": (Column("program", "项目编码"), Column("program_name", "项目名称")),
}
AID_JSON_COLUMNS: tuple[Column, ...] = tuple(
    shown for column in AID_COLUMNS for shown in _IN_JSON.get(column.key, (column,))
)


@dataclass(frozen=True)
class AidExportFilter:
    """Which entries to export: a union and those under it, the year they count toward, a
    span of payment dates, a programme, a fund."""

    org: Org | None = None
    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    program: str | None = None
    fund_id: int | None = None


def _conditions(where: AidExportFilter) -> list[ColumnElement[bool]]:
    conditions = [AidEntry.kind == EntryKind.GRANT.value]
    if where.org is not None:
        conditions.append(within(where.org))
    if where.year is not None:
        conditions.append(AidEntry.year == where.year)
    if where.start is not None:
        conditions.append(AidEntry.on_date >= where.start)
    if where.end is not None:
        conditions.append(AidEntry.on_date <= where.end)
    if where.program is not None:
        conditions.append(AidEntry.program == where.program)
    if where.fund_id is not None:
        conditions.append(AidEntry.fund_id == where.fund_id)
    return conditions


def aid_for_export(
    session: Session, *, where: AidExportFilter, page: int = PAGE
) -> Iterator[dict[str, Any]]:
    """Every matching grant and reversal, in ledger order, as a row keyed like ``AID_COLUMNS``
    and ``AID_JSON_COLUMNS`` (with ``household_id``, for counting households)."""
    head = aliased(Member)
    member = aliased(Member)
    reversal = aliased(AidEntry)
    conditions = _conditions(where)
    query = (
        select(
            AidEntry.seq,
            AidEntry.on_date,
            AidEntry.year,
            AidEntry.household_id,
            Household.archive_no,
            head.name,
            head.id_number,
            head.phone,
            Org.code,
            Org.name,
            AidEntry.program,
            Program.name,
            member.name,
            AidEntry.fund_id,
            Fund.name,
            AidEntry.amount_fen,
            AidEntry.ref,
            AidEntry.reverses_seq,
            reversal.seq,
            AidEntry.reason,
            AidEntry.override_reason,
            AidEntry.operator,
        )
        .join(Household, Household.id == AidEntry.household_id)
        .join(Org, Org.id == Household.org_id)
        .join(Fund, Fund.id == AidEntry.fund_id)
        .outerjoin(Program, Program.code == AidEntry.program)
        .outerjoin(
            head, and_(head.household_id == Household.id, head.relation == Relation.HEAD.value)
        )
        .outerjoin(member, member.id == AidEntry.member_id)
        .outerjoin(reversal, reversal.reverses_seq == AidEntry.seq)
        .order_by(AidEntry.seq)
        .limit(page)
    )
    last = 0
    while True:
        rows = session.execute(query.where(AidEntry.seq > last, *conditions)).all()
        for row in rows:
            yield {
                "seq": row[0],
                "on_date": row[1],
                "year": row[2],
                "household_id": row[3],
                "household": household_code(row[3]) if row[3] is not None else None,
                "archive_no": row[4],
                "name": row[5],
                "id_number": row[6],
                "phone": row[7],
                "org": row[8],
                "org_name": row[9],
                "program": row[10],
                "program_name": row[11],
                "member": row[12],
                "fund": fund_code(row[13]),
                "fund_name": row[14],
                "amount": row[15],  # fen, as money always is: files write it in yuan
                "amount_fen": row[15],
                "ref": row[16],
                "reverses": row[17],
                "reversed_by": row[18],
                "reason": row[19],
                "override_reason": row[20],
                "operator": row[21],
            }
        if len(rows) < page:
            return
        last = rows[-1][0]
