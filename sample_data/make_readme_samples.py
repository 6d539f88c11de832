"""Write the example files the README and the commands' --help examples use beside the others.

    .venv/bin/python sample_data/make_readme_samples.py

- more-households.csv: two households with no union column (given with --org), one of
  them with an ID number whose check character is wrong: what `kunnan import households
  --skip-invalid` is for.
- civil.xlsx: civil.csv, the civil-affairs dibao list, as the Excel file a bureau sends.
- baiyin/golden-autumn-2018.xlsx: the Baiyin sample's 2018 金秋助学 grants, the rows of
  baiyin/aid.csv for that programme and year, as a union's 发放表 with a title row;
  `kunnan import aid` on the demo ledger finds every row already paid.

Everything personal is invented: the ID numbers are synthetic (valid check characters,
Baiyin area codes) and belong to nobody.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from kunnan.domain.idnumber import check_character

HERE = Path(__file__).resolve().parent


def synthetic_id(area: str, birth: dt.date, sequence: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def wrong_check(number: str) -> str:
    """The same number with a check character that does not fit it."""
    right = number[-1]
    return number[:-1] + ("1" if right != "1" else "2")


def write_more_households() -> None:
    header = ["relation", "name", "id_number", "phone", "identity", "health",
              "monthly_income", "main_cause", "registered_on"]  # fmt: skip
    rows = [
        ["head", "何玉兰", synthetic_id("620402", dt.date(1965, 2, 3), 702), "13519431234",
         "retired", "chronic", "1100", "illness", "2018-11-12"],
        ["child", "何亮", synthetic_id("620402", dt.date(1992, 6, 18), 715), "", "unemployed",
         "healthy", "0", "", ""],
        ["head", "马成林", wrong_check(synthetic_id("620402", dt.date(1971, 9, 27), 733)),
         "", "laid_off", "serious", "0", "illness", "2018-11-12"],
    ]  # fmt: skip
    with (HERE / "more-households.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def write_civil_xlsx() -> None:
    with (HERE / "civil.csv").open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "低保名单"
    for line in lines:
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"  # ID numbers stay text
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    book.save(HERE / "civil.xlsx")


def write_golden_autumn_2018() -> None:
    with (HERE / "baiyin" / "aid.csv").open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        program, on_date = header.index("帮扶项目"), header.index("发放日期")
        rows = [row for row in reader if row[program] == "金秋助学" and row[on_date] >= "2018"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2018金秋助学"
    sheet.append(["2018年金秋助学发放表（示例，人物均为虚构）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        sheet.cell(sheet.max_row, 1).number_format = "@"
    book.save(HERE / "baiyin" / "golden-autumn-2018.xlsx")


if __name__ == "__main__":
    write_more_households()
    write_civil_xlsx()
    write_golden_autumn_2018()
