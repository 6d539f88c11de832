"""Aid files: rows of cash aid already given, brought into the aid ledger through its rules.

Each row is one grant, judged as a typed ``kunnan aid grant`` is: the
programme's rule of that day, the fund's balance, the hash chain, and the same
words for every refusal. A row names its household by code or archive number
(户编号/档案号) or by the head worker's ID number (身份证号). A row already in
the ledger — same household, programme, date, amount and member, or the
same voucher number (凭证号) — is matched, not paid twice, so importing a
file again adds nothing.

Rows are paid a batch at a time through the one path every grant takes
(``services.aid.GrantPayer``): each batch's households are found and read in
a few statements, its grants judged against running totals, and written in
bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kunnan.domain.aid import cash_refusal
from kunnan.domain.errors import KunnanError, PermissionDenied, RuleViolation
from kunnan.i18n import _
from kunnan.models import Program
from kunnan.schemas import problems as model_problems
from kunnan.schemas.aid import GrantCreate
from kunnan.services.aid.grant import GrantPayer, GrantPlan, LiveGrant
from kunnan.services.fund import resolve_fund
from kunnan.services.imports import CellRow, OneRowEach, Outcome, RowProblem
from kunnan.services.program import find_program
from kunnan.sheets.columns import Column, HeaderMatch, count_known, tidy
from kunnan.store.households import resolve_households

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


@dataclass(frozen=True)
class _Ready:
    """A row whose cells are valid, with the household it names found (or why not)."""

    row: CellRow
    data: GrantCreate
    name: str | None


class AidFileImporter(OneRowEach):
    """Pays the rows of an aid file through the aid ledger's rules, a batch at a time."""

    def __init__(self, session: Session, *, header: HeaderMatch, csv_escaped: bool = False) -> None:
        names = {key: header.name(column) for key, column in COLUMN.items()}
        super().__init__(session, header=header, names=names, csv_escaped=csv_escaped)
        self._payer: GrantPayer | None = None
        self._programs: dict[str, Program | KunnanError] = {}
        self._funds: dict[str, int | KunnanError] = {}

    def apply(self, batch: list[CellRow]) -> list[Outcome]:
        if self._payer is None:
            self._payer = GrantPayer(self._session)
        payer = self._payer
        outcomes: dict[int, Outcome] = {}
        ready: list[_Ready] = []
        for place, row in enumerate(batch):
            checked = self._validate(row)
            if isinstance(checked, Outcome):
                outcomes[place] = checked
            else:
                ready.append(checked)
        households = resolve_households(self._session, [r.data.household for r in ready])
        ids = {found for found in households.values() if isinstance(found, int)}
        earliest: dict[int, dt.date] = {}
        for item in ready:
            fund = self._fund(item.data.fund)
            if isinstance(fund, int):
                earliest[fund] = min(earliest.get(fund, item.data.on_date), item.data.on_date)
        payer.load(ids, paying_from=earliest)
        places = [place for place in range(len(batch)) if place not in outcomes]
        for place, item in zip(places, ready, strict=True):
            outcomes[place] = self._pay(item, households[item.data.household], payer)
        payer.write()
        return [outcomes[place] for place in range(len(batch))]

    def _validate(self, row: CellRow) -> _Ready | Outcome:
        """The row's cells as a grant's input, or why they are not one."""
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
                    number, "", _("give the household (户编号) or its head's ID number (身份证号)")
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
        return _Ready(row, data, None if name is None else str(name))

    def _pay(
        self,
        item: _Ready,
        household: int | KunnanError,
        payer: GrantPayer,
    ) -> Outcome:
        """One row, in the order ``aid grant`` checks it: household, name, already paid,
        programme, fund, then the rules."""
        row, data = item.row, item.data
        if isinstance(household, KunnanError):
            return self._refused(row, household)
        members = payer.members(household)
        if item.name is not None and item.name.strip() not in {m.name for m in members}:
            return self._refused(
                row,
                KunnanError(_("'{name}' is not a member of this household", name=item.name)),
            )
        paid = payer.live(household)
        if data.ref is not None and any(p.ref == data.ref for p in paid):
            return Outcome(rows=[row.source], result="matched")
        program = self._program(data.program)
        if isinstance(program, KunnanError):
            return self._refused(row, program)
        if data.ref is None and self._matches(paid, data, program, members):
            return Outcome(rows=[row.source], result="matched")
        not_cash = cash_refusal(program.code, program.kind)
        if not_cash is not None:
            return self._refused(row, RuleViolation(not_cash))
        fund = self._fund(data.fund)
        if isinstance(fund, KunnanError):
            return self._refused(row, fund)
        plan = GrantPlan(household, program.code, fund, data.on_date, amount_fen=data.amount_fen,
                         ref=data.ref, override_reason=data.override_reason,
                         member_ref=data.member)  # fmt: skip
        try:
            payer.pay(plan)
        except KunnanError as error:
            return self._refused(row, error)
        return Outcome(rows=[row.source], result="created", added=1)

    def _matches(
        self,
        paid: Sequence[LiveGrant],
        data: GrantCreate,
        program: Program,
        members: Sequence[Any],
    ) -> bool:
        """Already in the ledger: the same programme, date, amount (if given) and member (by
        name, if given)."""
        named = {m.id for m in members if m.name == data.member} if data.member else None
        return any(
            p.program == program.code
            and p.on_date == data.on_date
            and (data.amount_fen is None or p.amount_fen == data.amount_fen)
            and (named is None or p.member_id in named)
            for p in paid
        )

    def _program(self, ref: str) -> Program | KunnanError:
        if ref not in self._programs:
            try:
                self._programs[ref] = find_program(self._session, ref)
            except KunnanError as error:
                self._programs[ref] = error
        return self._programs[ref]

    def _fund(self, ref: str) -> int | KunnanError:
        """The fund a row names, or why there is none; a fund outside the operator's union
        refuses the whole file (exit 9), as a typed grant from it is refused."""
        if ref not in self._funds:
            try:
                self._funds[ref] = resolve_fund(self._session, ref).id
            except PermissionDenied:
                raise
            except KunnanError as error:
                self._funds[ref] = error
        return self._funds[ref]
