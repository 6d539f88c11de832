"""import aid pays a batch at a time what paying it row by row through aid grant pays.

The reference is the row-by-row importer as it was: each row's household resolved, its
name checked, matched against the ledger, then paid by ``services.aid.grant`` in a
savepoint. The same file goes through both, in twin ledgers, in batches of three rows
(so that grants paid in one batch are matched and counted in the next), and every
outcome, every message and every row written must be the same.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kunnan.db.location import resolve
from kunnan.domain.errors import KunnanError
from kunnan.models import AidEntry, Household, Member
from kunnan.services.aid.grant import grant, live_grants
from kunnan.services.imports import ImportReport, Outcome, RowProblem, run_import
from kunnan.services.imports import aid as aid_file
from kunnan.services.program import find_program
from kunnan.sheets.columns import match_header, tidy
from kunnan.sheets.read import open_table
from kunnan.store.households import resolve_household
from tests.aid_support import HEAD_ID, OTHER_HEAD_ID, STUDENT_ID
from tests.conftest import AID, LedgerMaker
from tests.services.batch_support import rows
from tests.support import open_sealed

HEADER = ["户编号", "身份证号", "姓名", "帮扶项目", "受助人", "金额(元)", "资金", "发放日期", "凭证号",
          "特批原因"]  # fmt: skip
ROWS = [
    ["H000001", "", "张建国", "金秋助学", "张小梅", "", "F001", "2018-09-01", "JQ-1", ""],
    ["", HEAD_ID, "", "送温暖", "", "", "F001", "2018-01-20", "", ""],
    ["H000001", "", "", "send-warmth", "", "", "F001", "2018-02-01", "", ""],  # twice a year
    ["H000001", "", "", "金秋助学", "张小梅", "", "F001", "2018-09-01", "JQ-1", ""],  # same voucher
    ["H000001", "", "", "生活救助", "", "4000", "F001", "2018-03-01", "", ""],
    ["H000001", "", "", "living-aid", "", "4000", "2018年帮扶资金", "2018-03-01", "", ""],  # again
    ["H000002", "", "", "送温暖", "", "", "F001", "2018-01-20", "", ""],  # a candidate
    ["H000099", "", "", "送温暖", "", "", "F001", "2018-01-20", "", ""],
    ["", STUDENT_ID, "", "送温暖", "", "", "F001", "2018-01-20", "", ""],  # not a head
    ["", OTHER_HEAD_ID, "", "旅游补贴", "", "", "F001", "2018-01-20", "", ""],
    ["H000001", "", "王五", "临时救助", "", "", "F001", "2018-04-01", "", ""],  # not a member
    ["H000001", "", "", "insurance", "王五", "70", "F001", "2018-05-01", "", ""],
    ["H000001", "", "", "insurance", "张小梅", "70", "F001", "2018-05-01", "", ""],
    ["H000001", "", "", "living-aid", "", "500", "F001", "2016-01-01", "", ""],  # before
    ["H000001", "", "", "temporary-aid", "", "", "F009", "2018-06-01", "", ""],
    ["H000001", "", "", "living-aid", "", "200000", "F001", "2018-07-01", "", "重病特批"],
    ["H000001", "", "", "living-aid", "", "3000", "F001", "2018-13-01", "", ""],  # no date
    ["H000001", "", "", "living-aid", "", "4000", "F001", "2018-08-01", "LA-8", ""],  # capped
    ["H000001", "", "", "living-aid", "", "4000", "F001", "2018-08-02", "LA-9", "重病特批"],
    ["", HEAD_ID, "张建国", "mutual-aid", "", "", "F001", "2018-10-01", "", ""],
]  # fmt: skip


class RowByRow(aid_file.AidFileImporter):
    """The importer as it was: every row through ``services.aid.grant``, in a savepoint."""

    def apply(self, batch: list[Any]) -> list[Outcome]:
        return [self._one(row) for row in batch]

    def _one(self, row: Any) -> Outcome:
        checked = self._validate(row)
        if isinstance(checked, Outcome):
            return checked
        data, name, session = checked.data, checked.name, self._session
        nested = session.begin_nested()
        try:
            household = resolve_household(session, data.household)
            if name is not None and name.strip() not in {m.name for m in household.members}:
                raise KunnanError(f"'{name}' is not a member of this household")
            if self._already(household.id, data):
                nested.rollback()
                return Outcome(rows=[row.source], result="matched")
            grant(session, data=data)
            nested.commit()
        except KunnanError as error:
            nested.rollback()
            problem = RowProblem(row.source.number, "", tidy(str(error)))
            return Outcome(rows=[row.source], result="rejected", problems=[problem])
        return Outcome(rows=[row.source], result="created", added=1)

    def _already(self, household_id: int, data: Any) -> bool:
        query = select(AidEntry.seq).where(live_grants(), AidEntry.household_id == household_id)
        if data.ref is not None:
            return self._session.scalar(query.where(AidEntry.ref == data.ref).limit(1)) is not None
        program = find_program(self._session, data.program)
        query = query.where(AidEntry.program == program.code, AidEntry.on_date == data.on_date)
        if data.amount_fen is not None:
            query = query.where(AidEntry.amount_fen == data.amount_fen)
        if data.member is not None:
            named = select(Member.id).where(
                Member.household_id == household_id, Member.name == data.member
            )
            query = query.where(AidEntry.member_id.in_(named))
        return self._session.scalar(query.limit(1)) is not None


def imported(url: str, path: Path, importer: type[aid_file.AidFileImporter]) -> ImportReport:
    with (
        open_table(path, is_header=aid_file.is_header) as table,
        open_sealed(resolve(url), write=True, operator="李发明", command="kunnan import aid")
        as session,
    ):  # fmt: skip
        header = match_header(table.header, aid_file.AID_COLUMNS)
        report = ImportReport(file=path.name)
        run_import(importer=importer(session, header=header, csv_escaped=True),
                   rows=table.rows(), report=report, max_problems=None, batch_rows=3)  # fmt: skip
    return report


def test_a_batch_at_a_time_pays_refuses_and_matches_what_row_by_row_does(
    maker: LedgerMaker, backend: str, tmp_path: Path
) -> None:
    path = tmp_path / "aid.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([*ROWS, *ROWS[:6]])  # and the start again: all matched or refused
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with (
        maker.fresh(backend, tmp_path / "a", *AID) as singly,
        maker.fresh(backend, tmp_path / "b", *AID) as batched,
    ):
        with open_sealed(resolve(singly.url), write=True, operator="x", command="x") as session:
            archive = session.scalar(select(Household.archive_no).where(Household.id == 1))
        extra = tmp_path / "archive.csv"  # a household named by its archive number
        extra.write_text(
            ",".join(HEADER) + f"\n{archive},,,送温暖,,,F001,2019-01-20,,\n", encoding="utf-8"
        )
        reports = []
        for ledger, importer in ((singly, RowByRow), (batched, aid_file.AidFileImporter)):
            reports.append([imported(ledger.url, file, importer) for file in (path, extra)])
        (one, extra_one), (many, extra_many) = reports
        assert many.counts() == one.counts()
        assert [(p.row, p.column, p.reason) for p in many.problems] == [
            (p.row, p.column, p.reason) for p in one.problems
        ]
        assert extra_many.counts() == extra_one.counts() and extra_many.created == 1
        assert (one.created, one.matched, one.rejected) == (6, 7, 13)  # every way a row goes
        tables = ("aid_entry", "audit_log")
        expected, actual = rows(singly, tables), rows(batched, tables)
        assert [r[:-2] for r in actual["aid_entry"]] == [r[:-2] for r in expected["aid_entry"]]
        assert actual["audit_log"] == expected["audit_log"]
        for ledger in (singly, batched):
            ledger.ok("ledger", "verify")
            ledger.ok("db", "verify")
