"""Write the example files for `kunnan import households` and `kunnan compare civil`.

    .venv/bin/python sample_data/make_import_samples.py

- households.csv: English headers, one row per person, a household key column.
- households.xlsx: Chinese headers under a title row, members listed under
  their head with the household cells merged, as union spreadsheets are kept.
- civil.csv: a civil-affairs dibao list (民政低保名单) to compare with them.

They import into the ledger `kunnan demo` builds (its unions). Everything
personal is invented: the ID numbers are synthetic (valid check characters,
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


# household key, status, archive no., category, main cause, secondary causes, union, area,
# address, housing, floor area, registered on, then people:
# (relation, name, birth, sequence, phone, employer, identity, health, schooling, income yuan)
HOUSEHOLDS = [
    ("BY01", "archived", "620402-2017-0101", "dibao", "illness", ["education"], "baiyin-qu",
     "620402", "白银区人民路56号", "owned", "48.5", "2017-03-06", [
        ("head", "赵永福", dt.date(1966, 5, 14), 517, "13993051234", "白银有色集团", "laid_off",
         "serious", "none", "600"),
        ("spouse", "钱桂芳", dt.date(1968, 9, 2), 528, None, None, None, "chronic", "none", "0"),
        ("child", "赵雨晴", dt.date(1999, 12, 20), 546, None, None, None, "healthy",
         "undergraduate", "0"),
    ]),
    ("BY02", "archived", "620402-2017-0102", "marginal", "education", [], "aluminium",
     "620402", "白银区北京路19号", "public_rental", "52", "2017-04-11", [
        ("head", "孙建军", dt.date(1970, 2, 8), 553, "15193061122", "华鹭铝业", "employed",
         "healthy", "none", "2100.50"),
        ("spouse", "周丽娟", dt.date(1972, 7, 30), 562, None, "白银针织厂", "laid_off",
         "healthy", "none", "800"),
        ("child", "孙浩然", dt.date(2000, 4, 1), 571, None, None, None, "healthy",
         "junior_college", "0"),
    ]),
    ("PC01", "archived", "620403-2017-0203", "accident", "accident", ["disability", "illness"],
     "coal", "620403", "平川区长征街33号", "owned", "61", "2017-06-19", [
        ("head", "吴志刚", dt.date(1976, 11, 23), 615, "18993071234", "靖远煤业", "sick_leave",
         "disabled", "none", "1500"),
        ("spouse", "郑秀兰", dt.date(1978, 3, 12), 622, None, None, "unemployed", "healthy",
         "none", "0"),
        ("parent", "吴德顺", dt.date(1945, 1, 5), 633, None, None, "retired", "incapacitated",
         "none", "900"),
    ]),
    ("BY03", "candidate", None, None, "low_income", [], "knitting", "620402",
     "白银区针织厂家属院5栋", "shanty", "26", "2018-02-27", [
        ("head", "冯淑珍", dt.date(1963, 8, 17), 642, "13309431234", "白银针织厂", "retired",
         "chronic", "none", "1250"),
    ]),
    ("HN01", "archived", "620422-2018-0007", "dibao", "low_income", ["unemployment"], "huining",
     "620422", "会宁县会师镇南关村", "owned", "70", "2018-01-15", [
        ("head", "陈立新", dt.date(1973, 6, 6), 655, "17793081234", "会宁县建筑公司", "migrant",
         "healthy", "none", "900"),
        ("spouse", "褚海燕", dt.date(1975, 10, 10), 662, None, None, None, "chronic", "none",
         "0"),
        ("child", "陈小龙", dt.date(2004, 9, 9), 675, None, None, None, "healthy",
         "senior_high", "0"),
    ]),
]  # fmt: skip

EN_HEADER = [
    "household", "status", "archive_no", "category", "main_cause", "secondary_causes", "org",
    "area_code", "address", "housing_type", "housing_area_m2", "registered_on", "relation",
    "name", "id_number", "phone", "employer", "identity", "health", "schooling",
    "monthly_income",
]  # fmt: skip
ZH_HEADER = [
    "户编号", "状态", "档案号", "困难类别", "主要致困原因", "次要致困原因", "所属工会", "地区",
    "住址", "住房类型", "住房面积(m²)", "登记日期", "与户主关系", "姓名", "身份证号", "电话",
    "工作单位", "身份", "健康状况", "在读", "月收入(元)",
]  # fmt: skip
ZH = {
    "archived": "建档", "candidate": "候选", "dibao": "低保户", "marginal": "低保边缘户",
    "accident": "意外致困户", "illness": "因病", "education": "因学", "low_income": "收入低",
    "disability": "因残", "accident_cause": "意外事故", "unemployment": "下岗失业",
    "owned": "自有住房", "public_rental": "公租房", "shanty": "棚户区", "head": "户主",
    "spouse": "配偶", "child": "子女", "parent": "父母", "laid_off": "下岗", "employed": "在岗",
    "sick_leave": "病休", "unemployed": "失业", "retired": "退休", "migrant": "农民工",
    "healthy": "健康", "chronic": "慢性病", "serious": "大病", "disabled": "残疾",
    "incapacitated": "丧失劳动能力", "none": "非在校", "undergraduate": "本科",
    "junior_college": "大专", "senior_high": "高中",
}  # fmt: skip
UNION_NAMES = {
    "baiyin-qu": "白银区总工会", "aluminium": "华鹭铝业工会", "coal": "靖远煤业工会",
    "knitting": "白银针织厂工会", "huining": "会宁县总工会",
}  # fmt: skip


def rows() -> list[tuple[bool, list[object]]]:
    """(is the head's row, cells in English) for every person."""
    out = []
    for (key, status, archive, category, cause, secondary, union, area, address, housing,
         floor, registered, people) in HOUSEHOLDS:  # fmt: skip
        for relation, name, birth, sequence, phone, employer, identity, health, school, income in people:
            head = relation == "head"
            household = [status, archive, category, cause, ";".join(secondary), union, area,
                         address, housing, floor, registered] if head else [None] * 11  # fmt: skip
            person = [relation, name, synthetic_id(area, birth, sequence), phone, employer,
                      identity, health, school, income]  # fmt: skip
            out.append((head, [key, *household, *person]))
    return out


def zh(value: object, column: str) -> object:
    if value is None or not isinstance(value, str):
        return value
    if column == "main_cause" and value == "accident":
        return ZH["accident_cause"]
    if column == "secondary_causes":
        return "、".join(str(zh(part, "main_cause")) for part in value.split(";")) if value else None
    if column == "org":
        return UNION_NAMES[value]
    return ZH.get(value, value)


def write_csv() -> None:
    with (HERE / "households.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(EN_HEADER)
        for _head, cells in rows():
            writer.writerow(["" if c is None else c for c in cells])


def write_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["白银市困难职工家庭花名册（示例，人物均为虚构）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ZH_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(ZH_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    start = None
    for head, cells in rows():
        row = [zh(value, EN_HEADER[i]) for i, value in enumerate(cells)]
        row[0] = row[0] if head else None  # 户编号 only on the head's row, merged below
        sheet.append(row)
        index = sheet.max_row
        for column in (15, 16):  # ID numbers and phones are text, never numbers
            sheet.cell(index, column).number_format = "@"
        if head:
            start = index
        elif start is not None:
            for column in range(1, 13):  # the household's cells, merged down its rows
                sheet.merge_cells(start_row=start, start_column=column, end_row=index, end_column=column)
    book.save(HERE / "households.xlsx")


def write_civil() -> None:
    """A dibao list that agrees with some of the register and differs in each way compared."""
    people = {p[1]: (h[7], p) for h in HOUSEHOLDS for p in h[12]}

    def id_of(name: str) -> str:
        area, person = people[name]
        return synthetic_id(area, person[2], person[3])

    lines = [
        ["身份证号", "姓名", "低保状态", "月保障金额(元)", "日期"],
        [id_of("赵永福"), "赵永福", "在保", "520", "2017-04-01"],  # dibao household, on the list
        [id_of("钱桂芳"), "钱贵芳", "在保", "520", "2017-04-01"],  # name differs from the register
        [id_of("孙建军"), "孙建军", "在保", "310", "2018-01-01"],  # registered marginal
        [id_of("吴德顺"), "吴德顺", "死亡", "", "2018-09-30"],  # member deceased
        [synthetic_id("620402", dt.date(1958, 4, 4), 681), "郭振华", "在保", "520", "2016-07-01"],
        ["62040219800230123X", "错误行", "在保", "520", "2018-01-01"],  # no such date
    ]
    with (HERE / "civil.csv").open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(lines)


if __name__ == "__main__":
    write_csv()
    write_xlsx()
    write_civil()
