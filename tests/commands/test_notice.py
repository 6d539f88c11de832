"""Public notices: masked lists built from a whitelist; no personal value of the register leaks."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id, walk_to_notice

CHILD = make_id("620402", dt.date(2010, 5, 1), 22)  # eight years old in 2018
STUDENT = make_id("620402", dt.date(2000, 9, 1), 42)


def _build_notice_ledger(baiyin: Ledger) -> None:
    """Two households on notice from 2018-04-09 (one with a young child), one archived with a grant."""
    baiyin.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    baiyin.ok("household", "add", "--name", "吴新民", "--id-number", make_id(sequence=11), "--org", "phosphate",
              "--phone", "13893001234", "--address", "白银区人民路18号", "--income", "300",
              "--cause", "illness", "--health", "serious", "--on", "2018-03-01")  # fmt: skip
    baiyin.ok("household", "member", "add", "H000001", "--name", "吴小宝", "--id-number", CHILD,
              "--relation", "child", "--schooling", "primary")  # fmt: skip
    baiyin.ok("household", "add", "--name", "李明", "--id-number", make_id(sequence=31), "--org", "baiyin-qu",
              "--cause", "low_income", "--on", "2018-03-01")  # fmt: skip
    walk_to_notice(baiyin, "H000001")
    walk_to_notice(baiyin, "H000002")
    baiyin.ok("household", "add", "--name", "张瑞华", "--id-number", make_id(sequence=51), "--org", "phosphate",
              "--cause", "education", "--on", "2018-01-02")  # fmt: skip
    baiyin.ok("household", "member", "add", "H000003", "--name", "张晓雯", "--id-number", STUDENT,
              "--relation", "child", "--schooling", "undergraduate")  # fmt: skip
    baiyin.ok(
        "household",
        "member",
        "edit",
        "H000003",
        "张晓雯",
        "--admitted",
        "undergraduate",
        "--year",
        "2018",
    )
    archive_household(baiyin, "H000003", start=dt.date(2018, 1, 8))
    baiyin.ok("fund", "add", "--name", "2018年金秋助学", "--source", "union", "--year", "2018")
    baiyin.ok("fund", "contribute", "F001", "100000", "--from", "市总工会", "--on", "2018-01-02")
    baiyin.ok("aid", "grant", "H000003", "--program", "golden-autumn", "--member", "张晓雯", "--fund", "F001",
              "--on", "2018-09-01")  # fmt: skip


notice_ledger = ledger_fixture(*BAIYIN, ("test_notice.notice_ledger", _build_notice_ledger))


FORBIDDEN = [make_id(sequence=11), CHILD, STUDENT, "13893001234", "白银区人民路18号", "吴小宝", "吴新民",
             "李明", "张晓雯", "300.00", "serious", "大病", "620402"]  # fmt: skip


def text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "".join(
                book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")
            )
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", [".html", ".csv", ".xlsx"])
def test_an_identification_notice_shows_only_whitelisted_fields(
    notice_ledger: Ledger, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"notice{suffix}"
    notice_ledger.ok("--lang", "zh", "notice", "export", "--batch", "2018-04-09", "-o", str(out),
                     "--contact", "市总工会帮扶中心")  # fmt: skip
    text = text_of(out)
    for expected in (
        "吴*民",
        "李*",
        "白银磷肥厂工会",
        "白银区总工会",
        "低保户",
        "2018-04-09 – 2018-04-15",
    ):
        assert expected in text, expected
    for secret in FORBIDDEN:
        assert secret not in text, secret


def test_children_under_14_are_counts_only(notice_ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "notice.csv"
    notice_ledger.ok("notice", "export", "--households", "H000001", "-o", str(out))
    rows = [line.split(",") for line in text_of(out).splitlines()]
    assert rows[0][-3:] == ["People", "Under 14", "Notice period"]
    assert rows[1][1] == "吴*民" and rows[1][-3:-1] == ["2", "1"]


def test_an_aid_notice_lists_programme_and_amount(notice_ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "aid.html"
    notice_ledger.ok("--lang", "zh", "notice", "export", "--aid", "--program", "金秋助学", "--year", "2018",
                     "--from", "2018-09-10", "-o", str(out))  # fmt: skip
    text = text_of(out)
    assert "张*雯" in text and "金秋助学" in text and "5,000.00" in text and "2018-09-16" in text
    for secret in FORBIDDEN:
        assert secret not in text, secret


def test_notice_refusals(notice_ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "n.html"
    notice_ledger.fails("notice", "export", "-o", str(out), code=3)
    notice_ledger.fails("notice", "export", "--batch", "2018-04-10", "-o", str(out), code=3)
    notice_ledger.ok(
        "household",
        "add",
        "--name",
        "王五",
        "--id-number",
        make_id(sequence=71),
        "--org",
        "phosphate",
    )
    no_notice = notice_ledger.fails(
        "notice", "export", "--households", "H000004", "-o", str(out), code=4
    )
    assert "no public notice for H000004" in no_notice.stderr
    notice_ledger.fails(
        "notice", "export", "--aid", "--program", "golden-autumn", "-o", str(out), code=3
    )
    notice_ledger.fails(
        "notice", "export", "--batch", "2018-04-09", "-o", str(tmp_path / "n.pdf"), code=3
    )
    assert not out.exists()


def test_a_notice_for_the_wall_opens_in_excel_fitted_and_in_gb18030_csv(
    notice_ledger: Ledger, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from kunnan.sheets.write import WIDTH_PADDING, text_width

    out = tmp_path / "公示.xlsx"
    notice_ledger.ok("--lang", "zh", "notice", "export", "--batch", "2018-04-09", "-o", str(out))
    sheet = load_workbook(out).worksheets[0]
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    columns = list(sheet.iter_cols(values_only=True))
    for letter, cells in zip("ABCDEFG", columns, strict=False):
        widest = max(text_width(str(value)) for value in cells if value is not None)
        assert sheet.column_dimensions[letter].width == widest + WIDTH_PADDING, letter
    assert {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row} == {"s"}
    wall = tmp_path / "公示.csv"
    notice_ledger.ok("--lang", "zh", "notice", "export", "--batch", "2018-04-09", "-o", str(wall),
                     "--encoding", "gb18030")  # fmt: skip
    assert "吴*民" in wall.read_bytes().decode("gb18030")
