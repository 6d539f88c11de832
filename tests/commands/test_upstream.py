"""The return a union sends up: `kunnan export upstream --year Y -o FILE.xlsx`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.files import candidate, read_xlsx, write_csv
from tests.support import Ledger, make_id


def archived(index: int, org: str, category: str, cause: str, registered: str) -> dict[str, str]:
    return candidate(
        f"工人{'甲乙丙丁戊己庚'[index]}",
        make_id("620402", dt.date(1970, 1, 1), 100 + index),
        household=str(index),
        org=org,
        status="archived",
        archive_no=f"A{index}",
        category=category,
        main_cause=cause,
        registered_on=registered,
    )


@pytest.fixture
def unions(baiyin: Ledger, tmp_path: Path) -> Ledger:
    rows = [
        archived(0, "phosphate", "dibao", "illness", "2017-05-01"),
        archived(1, "baiyin-qu", "marginal", "education", "2018-12-31"),
        archived(2, "pingchuan", "accident", "accident", "2018-01-01"),
        archived(3, "baiyin", "dibao", "low_income", "2016-01-01"),
        archived(4, "baiyin-qu", "dibao", "illness", "2019-01-01"),  # after the year
        candidate(registered_on="2018-01-01"),  # not archived
    ]
    baiyin.ok("import", "households", str(write_csv(tmp_path / "in.csv", rows)))
    return baiyin


def test_the_return_counts_archived_households_per_county_by_category_and_cause(
    unions: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "return.xlsx"
    result = unions.ok("export", "upstream", "--year", "2018", "-o", str(out))
    assert "wrote the 2018 return (4 tables)" in result.stderr
    assert read_xlsx(out, "By category") == [
        ("Union", "dibao", "marginal", "accident", "Total"),
        ("白银市总工会 (city level)", 1, 0, 0, 1),
        ("白银区总工会", 1, 1, 0, 2),
        ("平川区总工会", 0, 0, 1, 1),
        ("Total", 2, 1, 1, 4),
    ]
    causes = read_xlsx(out, "By main cause")
    assert causes[0] == ("Union", "illness", "education", "low_income", "disability", "accident",
                         "disaster", "unemployment", "other", "Total")  # fmt: skip
    assert causes[2] == ("白银区总工会", 1, 1, 0, 0, 0, 0, 0, 0, 2)
    assert causes[-1] == ("Total", 1, 1, 1, 0, 1, 0, 0, 0, 4)
    assert read_xlsx(out, "About")[1] == ("Year", "2018")
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_the_return_in_chinese_for_one_county(unions: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "平川区2018.xlsx"
    unions.ok(
        "--lang", "zh", "export", "upstream", "--year", "2018", "--org", "pingchuan", "-o", str(out)
    )
    assert read_xlsx(out, "建档户按困难类别") == [
        ("工会", "低保户", "低保边缘户", "意外致困户", "合计"),
        ("平川区总工会", 0, 0, 1, 1),
        ("合计", 0, 0, 1, 1),
    ]
    assert read_xlsx(out, "说明")[0] == ("单位", "平川区总工会")


def test_a_year_after_everything_counts_every_archived_household(
    unions: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "r.xlsx"
    unions.ok("export", "upstream", "--year", "2019", "-o", str(out))
    assert read_xlsx(out, "By category")[-1] == ("Total", 3, 1, 1, 5)


def test_the_return_is_refused_without_an_excel_name_or_a_real_year(
    unions: Ledger, tmp_path: Path
) -> None:
    assert (
        "name the file .xlsx"
        in unions.fails(
            "export", "upstream", "--year", "2018", "-o", str(tmp_path / "r.csv"), code=3
        ).stderr
    )
    assert (
        "is not a year"
        in unions.fails(
            "export", "upstream", "--year", "18", "-o", str(tmp_path / "r.xlsx"), code=3
        ).stderr
    )
    assert (
        "no organisation 'nowhere'"
        in unions.fails(
            "export",
            "upstream",
            "--year",
            "2018",
            "--org",
            "nowhere",
            "-o",
            str(tmp_path / "r.xlsx"),
            code=4,
        ).stderr
    )
    assert not (tmp_path / "r.xlsx").exists()


def test_the_return_has_aid_by_programme_and_exits_by_kind(aid: Ledger, tmp_path: Path) -> None:
    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--member", "张小梅", "--fund", "F001",
           "--on", "2018-09-01")  # fmt: skip
    seq = aid.ok("aid", "grant", "H000001", "--program", "send-warmth", "--fund", "F001",
                 "--on", "2018-01-20").stdout.strip()  # fmt: skip
    aid.ok("aid", "reverse", seq, "--reason", "重复", "--on", "2018-02-01")
    aid.ok("exit", "withdrew", "H000001", "--on", "2018-12-31")
    out = tmp_path / "r.xlsx"
    aid.ok("export", "upstream", "--year", "2018", "-o", str(out))
    money = read_xlsx(out, "Aid by programme (yuan)")
    assert money[0][:3] == ("Union", "golden-autumn", "medical-aid")
    total = money[-1]
    assert total[0] == "Total" and total[1] == 5000 and total[-1] == 5000  # the reversal nets out
    exits = read_xlsx(out, "Exits by kind")
    assert exits[-1] == ("Total", 0, 0, 0, 0, 0, 1, 1)
    categories = read_xlsx(out, "By category")
    assert categories[-1][-1] == 0  # exited on the last day of the year: not archived at its end


def test_the_return_is_laid_out_for_an_office(aid: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kunnan.sheets.write import WIDTH_PADDING, text_width

    aid.ok("aid", "grant", "H000001", "--program", "golden-autumn", "--member", "张小梅",
           "--fund", "F001", "--on", "2018-09-01")  # fmt: skip
    out = tmp_path / "年报.xlsx"
    aid.ok("--lang", "zh", "export", "upstream", "--year", "2018", "-o", str(out))
    book = load_workbook(out)
    about, *tables = book.worksheets
    assert about.freeze_panes is None and about["A1"].font.b and not about["B1"].font.b
    for sheet in tables:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.b for cell in sheet[1])
        names = [row[0].value for row in sheet.iter_rows()]
        widest = max(text_width(str(name)) for name in names)
        assert sheet.column_dimensions["A"].width == widest + WIDTH_PADDING, sheet.title
    counts = book["建档户按困难类别"]
    assert {cell.number_format for cell in counts[2][1:]} == {"#,##0"}
    money = book["帮扶资金按项目（元）"]
    total = money[money.max_row]
    assert total[-1].value == 5000 and total[-1].number_format == "#,##0.00"
