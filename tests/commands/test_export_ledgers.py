"""The ledgers a union office keeps, written out: `kunnan export aid` and `kunnan export exits`.

The files are read back as an office would open them: CSV with the csv module (its byte-order
mark or GB18030), workbooks with openpyxl (widths, bold frozen header, number formats, cell
types), JSON with json.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select

from tests.aid_support import HEAD_ID, sql
from tests.conftest import BuiltDemo
from tests.support import Ledger

MASKED_HEAD = HEAD_ID[:6] + "*" * 10 + HEAD_ID[-2:]
PHONE = "13893001234"
#: The aid file's English header, in order.
AID_HEADER = [
    "seq", "on_date", "year", "household", "archive_no", "name", "id_number", "phone", "org",
    "program", "member", "fund", "fund_name", "amount", "ref", "reverses", "reversed_by",
    "reason", "override_reason", "operator",
]  # fmt: skip
EXIT_HEADER = [
    "household", "archive_no", "name", "id_number", "phone", "org", "category", "kind",
    "exited_on", "reason", "followups_done", "last_followup_on", "last_outcome",
    "next_followup_on", "relapsed_on",
]  # fmt: skip


@pytest.fixture
def paid(aid: Ledger) -> Ledger:
    """H000001 paid golden-autumn, a medical grant reversed and paid again; a phone on file."""
    aid.ok("household", "member", "edit", "H000001", "张建国", "--phone", PHONE)
    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--fund", "F001",
           "--on", "2018-09-01")  # fmt: skip
    aid.ok("aid", "grant", "H000001", "--program", "medical-aid", "--amount", "8000",
           "--fund", "F001", "--on", "2018-10-08", "--ref", "医救[2018]7号")  # fmt: skip
    aid.ok("aid", "reverse", "3", "--reason", "金额录错", "--on", "2018-10-09")
    aid.ok("aid", "grant", "H000001", "--program", "medical-aid", "--amount", "6000",
           "--fund", "F001", "--on", "2018-10-09")  # fmt: skip
    return aid


@pytest.fixture
def exited(paid: Ledger) -> Ledger:
    """H000001 exited stably on 2018-12-03, visited once on 2019-03-05."""
    paid.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    paid.ok("household", "member", "edit", "H000001", "张建国", "--income", "3000")
    paid.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-12-03")
    paid.ok("exit", "followup", "H000001", "--by", "张清满", "--outcome", "stable",
            "--note", "工作稳定", "--on", "2019-03-05")  # fmt: skip
    return paid


def read_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream))


def test_the_aid_ledger_has_every_grant_and_reversal_in_yuan_with_id_and_phone_masked(
    paid: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "aid.csv"
    result = paid.ok("export", "aid", "-o", str(out))
    assert f"wrote 4 aid entries to {out} (ID and phone numbers masked)" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfseq,on_date,")  # a BOM: Excel reads it as UTF-8
    assert HEAD_ID.encode() not in raw and PHONE.encode() not in raw
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == AID_HEADER
    rows = read_rows(out)
    assert [
        (r["seq"], r["program"], r["amount"], r["reverses"], r["reversed_by"]) for r in rows
    ] == [
        ("2", "golden-autumn", "5000.00", "", ""),
        ("3", "medical-aid", "8000.00", "", "4"),
        ("4", "medical-aid", "-8000.00", "3", ""),
        ("5", "medical-aid", "6000.00", "", ""),
    ]
    first = rows[0]
    assert (first["household"], first["name"], first["member"]) == ("H000001", "张建国", "张小梅")
    assert (first["id_number"], first["phone"]) == (MASKED_HEAD, "138****1234")
    assert (first["org"], first["fund"], first["fund_name"]) == (
        "baiyin-qu",
        "F001",
        "2018年帮扶资金",
    )
    assert (first["on_date"], first["year"]) == ("2018-09-01", "2018")
    assert rows[2]["reason"] == "金额录错" and rows[1]["ref"] == "医救[2018]7号"
    assert sum(float(r["amount"]) for r in rows) == 11000  # what was paid, reversals netted
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_the_aid_workbook_is_laid_out_for_an_office(paid: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kunnan.sheets.write import WIDTH_MAX, WIDTH_PADDING, text_width

    out = tmp_path / "发放台账.xlsx"
    paid.ok("--lang", "zh", "export", "aid", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["帮扶资金发放台账"]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"  # the header stays in view
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["流水号", "发放日期", "计入年度", "户编号", "档案号", "户主姓名"]
    assert all(cell.font.b for cell in sheet[1])
    column = {name: index for index, name in enumerate(header)}
    for index, name in enumerate(header):  # every header fits, a Chinese character two wide
        letter = sheet.cell(row=1, column=index + 1).column_letter
        width = sheet.column_dimensions[letter].width
        assert text_width(name) + WIDTH_PADDING <= width <= WIDTH_MAX + WIDTH_PADDING, name
    id_letter = sheet.cell(row=1, column=column["户主身份证号"] + 1).column_letter
    assert sheet.column_dimensions[id_letter].width >= 18 + WIDTH_PADDING
    row = sheet[2]
    amount = row[column["金额(元)"]]
    assert (amount.value, amount.data_type, amount.number_format) == (5000, "n", "#,##0.00")
    assert sheet[4][column["金额(元)"]].value == -8000
    day = row[column["发放日期"]]
    assert (day.value, day.data_type, day.number_format) == (
        dt.datetime(2018, 9, 1),
        "d",
        "yyyy-mm-dd",
    )
    for name, value in (("户主身份证号", MASKED_HEAD), ("户编号", "H000001"), ("资金编号", "F001")):
        cell = row[column[name]]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), name
    assert row[column["所属工会"]].value == "白银区总工会"  # Chinese files name the union
    assert row[column["帮扶项目"]].value == "金秋助学"
    assert row[column["流水号"]].value == 2 and row[column["计入年度"]].value == 2018


def test_revealed_id_numbers_stay_text_in_excel_and_the_reveal_is_audited(
    paid: Ledger, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "aid.xlsx"
    result = paid.ok("export", "aid", "-o", str(out), "--reveal", "--why", "移交省总工会")
    assert (
        "wrote 4 aid entries" in result.stderr and "with full ID and phone numbers" in result.stderr
    )
    sheet = load_workbook(out).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("id_number") + 1)
    assert (cell.value, cell.data_type, cell.number_format) == (HEAD_ID, "s", "@")
    assert sheet.cell(row=2, column=header.index("phone") + 1).value == PHONE
    entry = paid.ok("audit", "list", "--limit", "1", "-f", "json").rows()[0]
    assert (entry["action"], entry["command"]) == ("reveal", "kunnan export aid")
    assert entry["changes"] == {
        "command": "export aid",
        "file": "aid.xlsx",
        "households": 1,
        "entries": 4,
        "why": "移交省总工会",
    }
    paid.fails("export", "aid", "-o", str(tmp_path / "again.csv"), "--reveal", code=3)


def test_aid_json_is_a_document_with_its_schema_version_and_money_in_fen(
    paid: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "aid.json"
    paid.ok("export", "aid", "-o", str(out), "--program", "medical-aid")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert list(document) == ["schema_version", "rows"] and document["schema_version"] == 1
    rows = document["rows"]
    assert [(r["seq"], r["amount_fen"]) for r in rows] == [(3, 800000), (4, -800000), (5, 600000)]
    first = rows[0]
    assert "amount" not in first
    assert (first["org"], first["org_name"]) == ("baiyin-qu", "白银区总工会")
    assert (first["program"], first["program_name"]) == ("medical-aid", "大病医疗救助")
    assert (first["id_number"], first["phone"], first["on_date"]) == (
        MASKED_HEAD,
        "138****1234",
        "2018-10-08",
    )
    empty = tmp_path / "none.json"
    paid.ok("export", "aid", "-o", str(empty), "--org", "pingchuan")
    assert json.loads(empty.read_text(encoding="utf-8")) == {"schema_version": 1, "rows": []}


def test_aid_filters_by_year_days_programme_fund_and_union(paid: Ledger, tmp_path: Path) -> None:
    def seqs(*options: str) -> list[str]:
        out = tmp_path / "f.csv"
        paid.ok("export", "aid", "-o", str(out), "--force", *options)
        return [row["seq"] for row in read_rows(out)]

    assert seqs("--year", "2018") == ["2", "3", "4", "5"]
    assert seqs("--year", "2017") == []
    assert seqs("--from", "2018-10-01", "--to", "2018-10-08") == ["3"]
    assert seqs("--from", "2018-10-09") == ["4", "5"]
    assert seqs("--program", "金秋助学") == ["2"]
    assert seqs("--fund", "F001", "--org", "baiyin") == ["2", "3", "4", "5"]
    assert seqs("--org", "pingchuan") == []


def test_aid_export_refusals_are_one_line_and_write_nothing(paid: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.csv"
    span = paid.fails("export", "aid", "-o", str(out), "--from", "2018-12-01", "--to", "2018-01-01",
                      code=3)  # fmt: skip
    assert "--from 2018-12-01 is after --to 2018-01-01" in span.stderr
    assert (
        "is for CSV files"
        in paid.fails(
            "export", "aid", "-o", str(folder / "x.xlsx"), "--encoding", "gb18030", code=3
        ).stderr
    )
    assert (
        "kunnan writes CSV in utf-8-sig"
        in paid.fails("export", "aid", "-o", str(out), "--encoding", "big5", code=3).stderr
    )
    paid.fails("export", "aid", "-o", str(out), "--program", "no-such", code=4)
    paid.fails("export", "aid", "-o", str(out), "--fund", "F099", code=4)
    paid.fails("export", "aid", "-o", str(out), "--year", "1800", code=2)
    assert not list(folder.iterdir())
    out.write_text("keep", encoding="utf-8")
    assert "already exists" in paid.fails("export", "aid", "-o", str(out), code=5).stderr
    assert out.read_text(encoding="utf-8") == "keep"


def test_gb18030_files_round_trip_and_carry_no_byte_order_mark(
    paid: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "金秋助学.csv"
    paid.ok("--lang", "zh", "export", "aid", "-o", str(out), "--encoding", "GB18030")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "帮扶资金".encode("gb18030") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = read_rows(out, encoding="gb18030")
    first = rows[0]
    assert (first["户主姓名"], first["帮扶项目"], first["金额(元)"]) == (
        "张建国",
        "金秋助学",
        "5000.00",
    )
    plain = tmp_path / "plain.csv"
    paid.ok("export", "aid", "-o", str(plain), "--encoding", "utf8")
    assert plain.read_bytes().startswith(b"seq,")


def test_exits_have_their_follow_ups_summed_up_and_in_full(exited: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "exits.csv"
    result = exited.ok("export", "exits", "-o", str(out))
    assert f"wrote 1 exit to {out} (ID and phone numbers masked)" in result.stderr
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == EXIT_HEADER
    (row,) = read_rows(out)
    assert (row["household"], row["name"], row["kind"], row["exited_on"]) == (
        "H000001",
        "张建国",
        "stable",
        "2018-12-03",
    )
    assert row["reason"].startswith("per capita")
    assert (row["id_number"], row["phone"]) == (MASKED_HEAD, "138****1234")
    assert (row["followups_done"], row["last_followup_on"], row["last_outcome"]) == (
        "1",
        "2019-03-05",
        "stable",
    )
    assert (row["next_followup_on"], row["relapsed_on"]) == ("2019-06-03", "")

    document = tmp_path / "exits.json"
    exited.ok("export", "exits", "-o", str(document), "--kind", "stable")
    data = json.loads(document.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    (item,) = data["rows"]
    assert (item["org"], item["org_name"]) == ("baiyin-qu", "白银区总工会")
    assert item["followups"] == [
        {"due_on": "2019-03-03", "done_on": "2019-03-05", "visitor": "张清满",
         "outcome": "stable", "note": "工作稳定"},
        {"due_on": "2019-06-03", "done_on": None, "visitor": None, "outcome": None, "note": None},
        {"due_on": "2019-12-03", "done_on": None, "visitor": None, "outcome": None, "note": None},
    ]  # fmt: skip


def test_the_exits_workbook_has_a_sheet_of_follow_ups(exited: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "退出台账.xlsx"
    exited.ok("--lang", "zh", "export", "exits", "-o", str(out), "--year", "2018")
    book = load_workbook(out)
    assert book.sheetnames == ["退出台账", "回访记录"]
    exits, visits = book.worksheets
    assert exits.freeze_panes == visits.freeze_panes == "A2"
    header = [cell.value for cell in exits[1]]
    row = dict(zip(header, [cell.value for cell in exits[2]], strict=True))
    assert (row["退出方式"], row["困难类别"], row["最近回访结果"]) == ("稳定脱困", "低保户", "稳定")
    assert row["退出日期"] == dt.datetime(2018, 12, 3) and row["已回访次数"] == 1
    assert [cell.value for cell in visits[1]] == [
        "户编号", "户主姓名", "退出日期", "应回访日期", "回访日期", "回访人", "回访结果", "回访情况",
    ]  # fmt: skip
    assert [cell.value for cell in visits[2]] == [
        "H000001", "张建国", dt.datetime(2018, 12, 3), dt.datetime(2019, 3, 3),
        dt.datetime(2019, 3, 5), "张清满", "稳定", "工作稳定",
    ]  # fmt: skip
    assert visits.max_row == 4
    none = tmp_path / "none.xlsx"
    exited.ok("export", "exits", "-o", str(none), "--year", "2017")
    assert load_workbook(none).worksheets[0].max_row == 1  # the header alone


def test_exit_filters_and_the_reveal_audit(exited: Ledger, tmp_path: Path) -> None:
    def households(*options: str) -> list[str]:
        out = tmp_path / "e.csv"
        exited.ok("export", "exits", "-o", str(out), "--force", *options)
        return [row["household"] for row in read_rows(out)]

    assert households("--kind", "stable", "--org", "baiyin-qu") == ["H000001"]
    assert households("--kind", "moved") == []
    assert households("--kind", "稳定脱困", "--from", "2018-12-03", "--to", "2018-12-03") == [
        "H000001"
    ]
    assert households("--year", "2019") == []
    assert households("--org", "pingchuan") == []
    exited.fails("export", "exits", "-o", str(tmp_path / "x.csv"), "--kind", "gone", code=3)
    out = tmp_path / "full.json"
    exited.ok("export", "exits", "-o", str(out), "--reveal", "--why", "回访核对")
    item = json.loads(out.read_text(encoding="utf-8"))["rows"][0]
    assert (item["id_number"], item["phone"]) == (HEAD_ID, PHONE)
    entry = exited.ok("audit", "list", "--limit", "1", "-f", "json").rows()[0]
    assert entry["changes"] == {
        "command": "export exits",
        "file": "full.json",
        "households": 1,
        "exits": 1,
        "why": "回访核对",
    }


# --- a big ledger, streamed -----------------------------------------------------------------


def _count(demo: BuiltDemo, statement: str) -> int:
    return int(sql(demo.ledger, statement)[0][0])


def test_the_whole_sample_ledger_streams_into_every_format(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    grants = _count(baiyin_demo, "SELECT count(*) FROM aid_entry WHERE kind = 'grant'")
    exits = _count(baiyin_demo, "SELECT count(*) FROM household_exit")
    followups = _count(baiyin_demo, "SELECT count(*) FROM followup")
    assert grants > 10_000 and exits > 1_000  # thousands, over many pages
    demo = baiyin_demo.ledger
    csv_out = tmp_path / "aid.csv"
    demo.ok("export", "aid", "-o", str(csv_out))
    seqs = [int(row["seq"]) for row in read_rows(csv_out)]
    assert len(seqs) == grants and seqs == sorted(set(seqs))
    total = _count(baiyin_demo, "SELECT sum(amount_fen) FROM aid_entry WHERE kind = 'grant'")
    assert round(sum(float(row["amount"]) for row in read_rows(csv_out)) * 100) == total
    json_out = tmp_path / "aid.json"
    demo.ok("export", "aid", "-o", str(json_out))
    assert [row["seq"] for row in json.loads(json_out.read_text(encoding="utf-8"))["rows"]] == seqs
    xlsx_out = tmp_path / "exits.xlsx"
    demo.ok("export", "exits", "-o", str(xlsx_out))
    book = load_workbook(xlsx_out, read_only=True)
    rows = [list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in book.worksheets]
    book.close()
    assert [len(sheet) for sheet in rows] == [exits, followups]
    days = [row[8] for row in rows[0]]
    assert days == sorted(days)  # by exit date, as exit list shows them


def test_the_export_reads_the_ledger_a_page_at_a_time(baiyin_demo: BuiltDemo) -> None:
    """No list of every row: the rows come one page (one bounded query) at a time, the first
    before the second page is read."""
    from sqlalchemy.orm import Session

    from kunnan.models import AidEntry
    from kunnan.services.exports.aid import AidExportFilter, aid_for_export
    from kunnan.services.exports.exits import ExitExportFilter, exits_for_export

    engine = create_engine(f"sqlite:///{baiyin_demo.path}")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with Session(engine) as session:
            grants = session.scalar(
                select(func.count()).select_from(AidEntry).where(AidEntry.kind == "grant")
            )
            assert grants is not None
            statements.clear()
            rows = aid_for_export(session, where=AidExportFilter(), page=500)
            first = next(rows)
            assert first["seq"] > 0 and len(statements) == 1 and "LIMIT" in statements[0]
            assert 1 + sum(1 for _row in rows) == grants
            assert len(statements) == grants // 500 + 1
            statements.clear()
            exits = sum(1 for _row in exits_for_export(session, where=ExitExportFilter(), page=400))
            assert exits == _count(baiyin_demo, "SELECT count(*) FROM household_exit")
            # each page of exits (the last one short or empty), and the follow-ups of each
            assert len(statements) == (exits // 400 + 1) + -(-exits // 400)
    finally:
        engine.dispose()


# --- CSV on stdout, for Excel or for a pipe ------------------------------------------------


def _stdout_bytes(args: list[str], env: dict[str, str | None] | None = None) -> tuple[int, bytes]:
    """Run kunnan in-process and keep what it printed as bytes (a GB18030 file is no UTF-8)."""
    from tests.support import COMMAND, RUNNER

    with RUNNER.isolation(env=env) as streams:
        try:
            COMMAND.main(args=args, prog_name="kunnan")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        sys.stdout.flush()
        return code, streams[0].getvalue()


def test_csv_on_stdout_is_plain_utf8_unless_excel_is_asked_for(paid: Ledger) -> None:
    listing = ["--db", paid.url, "aid", "list", "-f", "csv"]
    code, plain = _stdout_bytes(listing)
    assert code == 0 and plain.startswith(b"seq,")  # a pipe into another program: no BOM
    code, marked = _stdout_bytes([*listing, "--csv-encoding", "utf-8-sig"])
    assert code == 0 and marked == b"\xef\xbb\xbf" + plain
    code, chinese = _stdout_bytes(["--csv-encoding", "gb18030", *listing])
    assert code == 0 and chinese.decode("gb18030") == plain.decode("utf-8")
    assert "张建国".encode("gb18030") in chinese
    code, by_env = _stdout_bytes(listing, env={"KUNNAN_CSV_ENCODING": "gb18030"})
    assert code == 0 and by_env == chinese
    rows = list(csv.DictReader(io.StringIO(chinese.decode("gb18030"))))
    assert [row["seq"] for row in rows] == ["2", "3", "4", "5"]
    refused = paid.fails("aid", "list", "-f", "csv", "--csv-encoding", "latin-1", code=3)
    assert "--csv-encoding: kunnan writes CSV in utf-8-sig" in refused.stderr


def test_a_civil_comparison_redirected_to_a_file_opens_in_chinese_excel(
    baiyin_demo: BuiltDemo,
) -> None:
    from tests.docs.readme import SAMPLES

    args = ["--db", str(baiyin_demo.path), "compare", "civil", str(SAMPLES / "civil.csv")]
    code, plain = _stdout_bytes([*args, "--format", "csv"])
    assert code == 1 and plain.startswith(b"kind,")
    code, marked = _stdout_bytes([*args, "--format", "csv", "--csv-encoding", "utf-8-sig"])
    assert (
        code == 1 and marked.startswith(b"\xef\xbb\xbfkind,") and marked.count(b"\xef\xbb\xbf") == 1
    )
