"""kunnan import aid: grants from a spreadsheet, through the same rules, funds and hash chain."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.aid_support import HEAD_ID
from tests.support import Ledger

HEADER = [
    "户编号",
    "身份证号",
    "姓名",
    "帮扶项目",
    "受助人",
    "金额(元)",
    "资金",
    "发放日期",
    "凭证号",
]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


GOOD = [
    ["H000001", "", "张建国", "金秋助学", "张小梅", "", "F001", "2018-09-01", "JQ2018-001"],
    ["", HEAD_ID, "", "送温暖", "", "", "F001", "2018-01-20", ""],
]


def test_aid_rows_are_paid_through_the_rules_and_reimporting_adds_nothing(
    aid: Ledger, tmp_path: Path
) -> None:
    file = write(tmp_path / "aid.csv", GOOD)
    out = aid.ok("import", "aid", str(file))
    assert "2 rows read; 2 grants paid, 0 already in the ledger, 0 rejected" in out.stderr
    listed = aid.ok("aid", "list", "--household", "H000001", "-f", "json").rows()
    assert sorted(r["program"] for r in listed) == ["golden-autumn", "send-warmth"]
    assert sum(r["amount_fen"] for r in listed) == 500000 + 50000
    again = aid.ok("import", "aid", str(file))
    assert "0 grants paid, 2 already in the ledger" in again.stderr
    aid.ok("ledger", "verify")


def test_a_row_that_breaks_a_rule_stops_the_whole_file(aid: Ledger, tmp_path: Path) -> None:
    rows = [*GOOD, ["H000002", "", "", "送温暖", "", "", "F001", "2018-01-20", ""]]  # a candidate
    file = write(tmp_path / "aid.csv", rows)
    before = aid.snapshot()
    result = aid.run("import", "aid", str(file))
    assert result.exit_code == 3
    assert "aid.csv: row 4: " in result.stderr and "archived households only" in result.stderr
    assert aid.snapshot() == before
    skipped = aid.ok("import", "aid", str(file), "--skip-invalid")
    assert "2 grants paid, 0 already in the ledger, 1 rejected" in skipped.stderr
    rejects = (tmp_path / "aid.rejects.csv").read_text(encoding="utf-8-sig")
    assert "H000002" in rejects and "archived households only" in rejects


def test_an_aid_file_needs_a_way_to_find_each_household(aid: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("帮扶项目,资金,发放日期\n送温暖,F001,2018-01-20\n", encoding="utf-8")
    assert "户编号 (household) or 身份证号" in aid.fails("import", "aid", str(path), code=3).stderr


def test_a_grant_into_a_funds_asserted_past_is_refused_in_the_words_of_aid_grant(
    aid: Ledger, tmp_path: Path
) -> None:
    aid.ok("fund", "assert", "F001", "100000", "--on", "2018-06-30")
    before = aid.snapshot()
    typed = aid.fails(
        "aid", "grant", "H000001", "--program", "送温暖", "--fund", "F001", "--on", "2018-01-20",
        code=6,
    )  # fmt: skip
    refusal = (
        "fund F001's balance was asserted at the end of 2018-06-30; an entry dated 2018-01-20 "
        "would change it (date the entry after the assertion)"
    )
    assert typed.stderr.strip() == f"error: {refusal}"
    file = write(
        tmp_path / "aid.csv", [["H000001", "", "", "送温暖", "", "", "F001", "2018-01-20", ""]]
    )
    imported = aid.run("import", "aid", str(file))
    assert imported.exit_code == 3
    assert f"aid.csv: row 2: {refusal}" in imported.stderr
    assert aid.snapshot() == before


def test_an_aid_sheet_with_excel_day_numbers_and_a_footer_imports(
    aid: Ledger, tmp_path: Path
) -> None:
    """A 发放表 as Excel keeps it: the date column unformatted (serial day numbers, or the
    digits 20180901 typed as a number), and a merged footer of totals and signatures."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2018年帮扶资金发放表"])
    sheet.append(HEADER)
    sheet.append(["H000001", None, "张建国", "金秋助学", "张小梅", None, "F001", 20180901, None])
    sheet.append(["", HEAD_ID, None, "送温暖", None, None, "F001", 43120, None])  # 2018-01-20
    sheet.append(["合计", None, None, None, None, 5500, None, None, None])
    sheet.append(["制表人：王丽   审核人：李发明"])
    sheet.merge_cells("A6:I6")
    file = tmp_path / "发放表.xlsx"
    book.save(file)
    out = aid.ok("import", "aid", str(file))
    assert (
        "发放表.xlsx: skipped 2 footer rows at the end of the table (rows 5, 6: 合计, 制表人), "
        "not data"
    ) in out.stderr
    assert "2 rows read; 2 grants paid, 0 already in the ledger, 0 rejected" in out.stderr
    listed = aid.ok("aid", "list", "--household", "H000001", "-f", "json").rows()
    assert sorted((r["program"], r["on_date"]) for r in listed) == [
        ("golden-autumn", "2018-09-01"),
        ("send-warmth", "2018-01-20"),
    ]


def test_skip_invalid_with_every_aid_row_rejected_fails(aid: Ledger, tmp_path: Path) -> None:
    rows = [["H000002", "", "", "送温暖", "", "", "F001", "2018-01-20", ""]]  # a candidate
    file = write(tmp_path / "aid.csv", rows)
    before = aid.snapshot()
    result = aid.run("import", "aid", str(file), "--skip-invalid")
    assert result.exit_code == 3
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "error: aid.csv: every row was rejected (1 row), so nothing was imported; "
            "the rejected rows are in "
        )
    )
    assert "H000002" in (tmp_path / "aid.rejects.csv").read_text(encoding="utf-8-sig")
    assert aid.snapshot() == before
