"""Aid files: rows of cash aid already given, brought into the aid ledger through its rules.

Each row is one grant and goes through ``services.aid.grant`` like a typed
``kunnan aid grant``: the programme's rule of that day, the fund's balance,
the hash chain. A row names its household by code or archive number
(户编号/档案号) or by the head worker's ID number (身份证号). A row already in
the ledger — same household, programme, date, amount and member, or the
same voucher number (凭证号) — is matched, not paid twice, so importing a
file again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kunnan.domain.errors import KunnanError
from kunnan.models import AidEntry, Member
from kunnan.schemas import problems as model_problems
from kunnan.schemas.aid import GrantCreate
from kunnan.services.aid import grant, live_grants
from kunnan.services.households import resolve_household
from kunnan.services.imports import Outcome, RowProblem
from kunnan.services.programs import find_program
from kunnan.sheets.columns import CellProblem, Column, HeaderMatch, count_known, read_cell, tidy
from kunnan.sheets.read import SourceRow

AID_COLUMNS: tuple[Column, ...] = (
    Column("household", "户编号", aliases=("户号", "档案号", "archive_no", "code")),
    Column("id_number", "身份证号", "id_number", aliases=("户主身份证号", "身份证号码")),
    Column("name", "姓名", aliases=("户主姓名", "户主")),
    Column("program", "帮扶项目", aliases=("项目", "program_name")),
    Column("member", "受助人", aliases=("学生姓名", "受助成员")),
    Column("amount_fen", "金额(元)", "money", aliases=("金额", "发放金额", "amount")),
    Column("fund", "资金", aliases=("资金来源", "资金编号")),
    Column("on_date", "发放日期", "date", aliases=("日期", "date", "on")),
    Column("ref", "凭证号", aliases=("凭证", "reference")),
    Column("override_reason", "特批原因", aliases=("override",)),
)
COLUMN = {column.key: column for column in AID_COLUMNS}
REQUIRED_COLUMNS = ("program", "fund", "on_date")
ERROR_HEADERS = {"en": "error", "zh": "错误原因"}


def is_header(cells: Sequence[str]) -> bool:
    """The header row names at least three columns of the aid file."""
    return count_known(cells, AID_COLUMNS) >= 3


@dataclass
class _Row:
    source: SourceRow
    values: dict[str, Any]
    problems: list[RowProblem]


class AidFileImporter:
    """Pays each row of an aid file through the aid ledger's rules, in savepoints."""

    def __init__(self, session: Session, *, header: HeaderMatch, csv_escaped: bool = False) -> None:
        self._session = session
        self._header = header
        self._csv_escaped = csv_escaped
        self._names = {key: header.name(column) for key, column in COLUMN.items()}

    def _column(self, key: str) -> str:
        return self._names.get(key, key)

    def groups(self, rows: Iterator[SourceRow]) -> Iterator[_Row]:
        for source in rows:
            values: dict[str, Any] = {}
            found: list[RowProblem] = []
            for key, bound in self._header.bound.items():
                cell = source.cells[bound.index] if bound.index < len(source.cells) else None
                try:
                    value = read_cell(cell, bound, csv_escaped=self._csv_escaped)
                except CellProblem as problem:
                    found.append(RowProblem(source.number, bound.spelled, str(problem)))
                    continue
                if value is not None:
                    values[key] = value
            yield _Row(source, values, found)

    def size(self, group: _Row) -> int:
        return 1

    def apply(self, batch: list[_Row]) -> list[Outcome]:
        return [self._one(row) for row in batch]

    def finish(self) -> None:
        return None

    def _rejected(self, row: _Row, *problems: RowProblem) -> Outcome:
        return Outcome(rows=[row.source], result="rejected", problems=[*row.problems, *problems])

    def _one(self, row: _Row) -> Outcome:
        number = row.source.number
        if row.problems:
            return self._rejected(row)
        values = dict(row.values)
        name = values.pop("name", None)
        ref = values.get("household") or values.get("id_number")
        if ref is None:
            return self._rejected(
                row,
                RowProblem(
                    number, "", "give the household (户编号) or its head's ID number (身份证号)"
                ),
            )
        values.pop("id_number", None)
        values["household"] = str(ref)
        try:
            data = GrantCreate.model_validate(values, context={"today": dt.date.today()})
        except ValidationError as error:
            return self._rejected(
                row,
                *(RowProblem(number, self._column(field) if field else "", tidy(message))
                  for field, message in model_problems(error)),
            )  # fmt: skip
        nested = self._session.begin_nested()
        try:
            household = resolve_household(self._session, data.household)
            if name is not None and str(name).strip() not in {m.name for m in household.members}:
                raise KunnanError(f"'{name}' is not a member of this household")
            if self._already_paid(household.id, data):
                nested.rollback()
                return Outcome(rows=[row.source], result="matched")
            grant(self._session, data=data)
            nested.commit()
        except KunnanError as error:
            nested.rollback()
            return self._rejected(row, RowProblem(number, "", tidy(str(error))))
        return Outcome(rows=[row.source], result="created", added=1)

    def _already_paid(self, household_id: int, data: GrantCreate) -> bool:
        query = select(AidEntry.seq).where(live_grants(), AidEntry.household_id == household_id)
        if data.ref is not None:
            return self._session.scalar(query.where(AidEntry.ref == data.ref).limit(1)) is not None
        program = find_program(self._session, data.program)
        query = query.where(AidEntry.program == program.code, AidEntry.on_date == data.on_date)
        if data.amount_fen is not None:
            query = query.where(AidEntry.amount_fen == data.amount_fen)
        if data.member is not None:
            member_ids = select(Member.id).where(
                Member.household_id == household_id, Member.name == data.member
            )
            query = query.where(AidEntry.member_id.in_(member_ids))
        return self._session.scalar(query.limit(1)) is not None
