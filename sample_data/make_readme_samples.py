"""Write the example files the README and the commands' --help examples use beside the others.

    .venv/bin/python sample_data/make_readme_samples.py

- more-households.csv: two households with no union column (given with --org), one of
  them with an ID number whose check character is wrong: what `kunnan import households
  --skip-invalid` is for.
- civil.xlsx: civil.csv, the civil-affairs dibao list, as the Excel file a bureau sends.
- roster-2018.xlsx: a grassroots roster (困难职工花名册) as unions really keep one: relations
  and causes in their own words (本人, 妻子, 长子, 因病致困), a landline, registration dates
  as an Excel serial day, as 2018.11.12 and as 20181120 typed as a number, household cells
  merged down their members' rows, and a footer of totals and signatures below the data.
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


#: The roster's columns; 序号 (the row's number in the roster) is one kunnan does not read.
ROSTER_HEADER = ["序号", "姓名", "与户主关系", "身份证号", "联系电话", "所属工会", "致困原因",
                 "登记日期", "月收入（元）", "健康状况", "在读"]  # fmt: skip


def excel_day(day: dt.date) -> int:
    """Excel's serial day number of a date: what a date cell not formatted as a date holds."""
    return (day - dt.date(1899, 12, 30)).days


def write_roster() -> None:
    households = [
        [
            [1, "高立强", "本人", synthetic_id("620402", dt.date(1969, 4, 16), 751), "(0943)8221234",
             "白银磷肥厂工会", "因病致困", excel_day(dt.date(2018, 11, 5)), 1100, "重病", None],
            [None, "刘桂英", "妻子", synthetic_id("620402", dt.date(1971, 10, 3), 762), None, None,
             None, None, 0, "慢性病", None],
            [None, "高鹏", "长子", synthetic_id("620402", dt.date(2000, 8, 21), 771), None, None,
             None, None, 0, "健康", "大学"],
            [None, "张玉珍", "母亲", synthetic_id("620402", dt.date(1944, 1, 9), 782), None, None,
             None, None, 0, "丧失劳动能力", None],
        ],
        [
            [2, "韩丽", "户主", synthetic_id("620402", dt.date(1975, 3, 28), 802), "13909431234",
             "华鹭铝业工会", "因学", "2018.11.12", 1850, "健康", None],
            [None, "周军", "丈夫", synthetic_id("620402", dt.date(1973, 12, 2), 813), None, None,
             None, None, 600, "健康", None],
            [None, "周婷", "次女", synthetic_id("620402", dt.date(2003, 5, 17), 822), None, None,
             None, None, 0, "健康", "高中"],
        ],
        [
            [3, "杜长海", "本人", synthetic_id("620403", dt.date(1964, 9, 30), 835), "0943 6225678",
             "靖远煤业工会", "因残致困", 20181120, 900, "残疾", None],
            [None, "杜小飞", "孙子", synthetic_id("620403", dt.date(2010, 2, 14), 841), None, None,
             None, None, 0, "健康", "小学"],
        ],
    ]  # fmt: skip
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["白银区困难职工家庭花名册（2018年11月，示例，人物均为虚构）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ROSTER_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(ROSTER_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for people in households:
        first = sheet.max_row + 1
        for person in people:
            sheet.append(person)
            sheet.cell(sheet.max_row, 4).number_format = "@"  # ID numbers are text
        last = sheet.max_row
        for column in (1, 6, 7, 8):  # 序号, 所属工会, 致困原因, 登记日期: merged down
            sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    width = len(ROSTER_HEADER)
    footer = ["合计：3户9人，月收入合计4450元", "填表人：王丽　　审核人：李发明",
              "填报单位（盖章）：白银区总工会　　日期：2018年11月30日"]  # fmt: skip
    sheet.append([])
    for text in footer:
        sheet.append([text])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    book.save(HERE / "roster-2018.xlsx")


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
    write_roster()
    write_civil_xlsx()
    write_golden_autumn_2018()
