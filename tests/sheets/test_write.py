"""Writing files an office opens: workbooks laid out for Excel, CSV in Excel's encodings.

Every file is written through the real writer and read back: workbooks with openpyxl, CSV as
bytes and with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kunnan.domain.enums import ExitKind
from kunnan.domain.errors import InvalidInput
from kunnan.files import OutputFile
from kunnan.sheets.columns import Column
from kunnan.sheets.write import (
    COUNT_FORMAT,
    DATE_FORMAT,
    TEXT_FORMAT,
    WIDTH_MAX,
    WIDTH_PADDING,
    YUAN_FORMAT,
    SheetColumn,
    csv_file,
    file_encoding,
    fitted,
    sheet_columns,
    text_width,
    xlsx_file,
)
from kunnan.ui.output import csv_encoding

COLUMNS = (
    Column("household", "户编号"),
    Column("name", "户主姓名"),
    Column("id_number", "户主身份证号", "id_number"),
    Column("kind", "退出方式", "enum", ExitKind),
    Column("amount", "金额(元)", "money"),
    Column("monthly_income_fen", "月收入(元)", "money"),
    Column("exited_on", "退出日期", "date"),
    Column("birth_date", "出生日期", "birth_date"),
    Column("reason", "退出原因"),
)


def test_a_chinese_character_counts_two() -> None:
    assert text_width("H000001") == 7
    assert text_width("白银区总工会") == 12
    assert text_width("金额(元)") == 8
    assert text_width("第一行\n第二行更长") == 10


def test_columns_are_laid_out_from_their_kind_and_header_before_any_row() -> None:
    english = {c.header: c for c in sheet_columns(COLUMNS, "en")}
    chinese = {c.header: c for c in sheet_columns(COLUMNS, "zh")}
    assert chinese["户编号"].width == 7 + WIDTH_PADDING  # H000001, wider than its header
    assert chinese["户主姓名"].width == 8 + WIDTH_PADDING  # four characters, two each
    assert chinese["户主身份证号"].width == 18 + WIDTH_PADDING
    assert chinese["退出方式"].width == text_width("转政府兜底") + WIDTH_PADDING  # longest label
    assert english["kind"].width == len("safety_net") + WIDTH_PADDING
    assert english["monthly_income_fen"].width == len("monthly_income_fen") + WIDTH_PADDING
    formats = {c.header: c.number_format for c in sheet_columns(COLUMNS, "zh")}
    assert formats == {
        "户编号": TEXT_FORMAT,
        "户主姓名": None,
        "户主身份证号": TEXT_FORMAT,
        "退出方式": None,
        "金额(元)": YUAN_FORMAT,
        "月收入(元)": YUAN_FORMAT,
        "退出日期": DATE_FORMAT,
        "出生日期": DATE_FORMAT,
        "退出原因": None,
    }
    # English money under a key ending _fen is fen, as import reads it; other money is yuan
    assert english["monthly_income_fen"].number_format is None
    assert english["amount"].number_format == YUAN_FORMAT
    long = sheet_columns((Column("x" * 80, "很长" * 40),), "zh")[0]
    assert long.width == WIDTH_MAX + WIDTH_PADDING


def test_a_sheet_whose_rows_are_at_hand_fits_its_widest_cell() -> None:
    rows = [["白银区总工会", Decimal("1234567.50"), 3195, dt.date(2018, 12, 31)], ["市直", None, 7]]
    laid = fitted(
        ["工会", "金额", "户数", "日期"], rows, [None, YUAN_FORMAT, COUNT_FORMAT, DATE_FORMAT]
    )
    assert [c.width for c in laid] == [12 + 2, len("1,234,567.50") + 2, len("3,195") + 2, 10 + 2]
    assert [c.number_format for c in laid] == [None, YUAN_FORMAT, COUNT_FORMAT, DATE_FORMAT]
    about = fitted((), [("年度", "2018"), ("说明", "长" * 100)], bold=(True, False))
    assert [c.bold for c in about] == [True, False]
    assert about[1].width == WIDTH_MAX + WIDTH_PADDING


def test_a_workbook_opens_with_a_bold_frozen_header_yuan_dates_and_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    with xlsx_file(OutputFile(target)) as book:
        sheet = book.sheet_for("退出台账", COLUMNS, "zh")
        sheet.row(["H000001", "=张三", "620402197803150013", "稳定脱困", Decimal("-8000.00"), Decimal("1200.50"),
                   dt.date(2018, 12, 3), "1978", "+收入稳定"])  # fmt: skip
        sheet.row(["H000002", None, None, None, None, None, None, dt.date(1978, 3, 15), None])
    worksheet = load_workbook(target).worksheets[0]
    assert worksheet.title == "退出台账" and worksheet.freeze_panes == "A2"
    header = worksheet[1]
    assert [c.value for c in header] == [c.zh for c in COLUMNS]
    assert all(c.font.b and c.data_type == "s" for c in header)
    widths = [worksheet.column_dimensions[c.column_letter].width for c in header]
    assert widths == [c.width for c in sheet_columns(COLUMNS, "zh")]
    cells = {c.zh: cell for c, cell in zip(COLUMNS, worksheet[2], strict=True)}
    assert (cells["户编号"].value, cells["户编号"].number_format) == ("H000001", "@")
    number = cells["户主身份证号"]  # never a number Excel would round to 6.20402E+17
    assert (number.value, number.data_type, number.number_format) == (
        "620402197803150013",
        "s",
        "@",
    )
    assert (cells["户主姓名"].value, cells["户主姓名"].data_type) == ("=张三", "s")  # no formula
    assert (cells["退出原因"].value, cells["退出原因"].data_type) == ("+收入稳定", "s")
    amount = cells["金额(元)"]
    assert (amount.value, amount.data_type, amount.number_format) == (-8000, "n", YUAN_FORMAT)
    assert cells["月收入(元)"].value == 1200.5
    day = cells["退出日期"]
    assert (day.value, day.data_type, day.number_format) == (
        dt.datetime(2018, 12, 3),
        "d",
        DATE_FORMAT,
    )
    year = cells["出生日期"]  # a masked birth date is its year, as text with no date format
    assert (year.value, year.data_type, year.number_format) == ("1978", "s", "General")
    assert worksheet.cell(row=3, column=8).value == dt.datetime(1978, 3, 15)
    assert not cells["户主姓名"].font.b


def test_a_sheet_of_labels_has_no_header_row_and_its_labels_bold(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "about.xlsx"
    facts = [("年度", "2018"), ("工会", "白银市总工会")]
    with xlsx_file(OutputFile(target)) as book:
        sheet = book.sheet("说明", fitted((), facts, bold=(True, False)), header=False)
        for label, value in facts:
            sheet.row([label, value])
    worksheet = load_workbook(target).worksheets[0]
    assert worksheet.freeze_panes is None
    assert [[c.value for c in row] for row in worksheet.iter_rows()] == [list(f) for f in facts]
    assert [c.font.b for c in worksheet[1]] == [True, False]


def test_a_workbook_given_up_leaves_no_file_and_no_complaint(tmp_path: Path) -> None:
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    complaints: list[Any] = []
    before = list(ALL_TEMP_FILES)
    hook = sys.unraisablehook
    sys.unraisablehook = complaints.append
    try:
        with pytest.raises(InvalidInput), xlsx_file(OutputFile(tmp_path / "x.xlsx")) as book:
            book.sheet("s", [SheetColumn("a", 10)]).row([1])
            book.sheet("t", [SheetColumn("b", 10)])
            raise InvalidInput("the ledger could not be read")
        del book
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert complaints == []  # openpyxl's open sheet streams were closed, not left to complain
    assert before == list(ALL_TEMP_FILES)  # and its temporary files of rows removed
    assert list(tmp_path.iterdir()) == []


def test_csv_files_carry_a_byte_order_mark_unless_told_otherwise(tmp_path: Path) -> None:
    rows = [["户编号", "金额(元)"], ["H000001", Decimal("-8000.00")], ["=1+1", "𠀀"]]

    def write(name: str, **encoding: str) -> bytes:
        with csv_file(OutputFile(tmp_path / name), **encoding) as sheet:
            for row in rows:
                sheet.row(row)
        return (tmp_path / name).read_bytes()

    marked = write("marked.csv")
    assert marked.startswith(b"\xef\xbb\xbf" + "户编号".encode())
    assert marked.count(b"\xef\xbb\xbf") == 1
    plain = write("plain.csv", encoding="utf-8")
    assert marked == b"\xef\xbb\xbf" + plain
    chinese = write("gb.csv", encoding="gb18030")
    assert chinese.decode("gb18030") == plain.decode("utf-8")  # every character, 𠀀 too
    with (tmp_path / "gb.csv").open(encoding="gb18030", newline="") as stream:
        assert list(csv.reader(stream)) == [
            ["户编号", "金额(元)"],
            ["H000001", "-8000.00"],
            ["'=1+1", "𠀀"],
        ]


@pytest.mark.parametrize(
    ("typed", "encoding"),
    [("utf-8-sig", "utf-8-sig"), ("UTF8", "utf-8"), ("utf_8_sig", "utf-8-sig"),
     ("utf-8-bom", "utf-8-sig"), (" GB18030 ", "gb18030")],
)  # fmt: skip
def test_encodings_are_read_as_people_type_them(typed: str, encoding: str) -> None:
    assert csv_encoding(typed, option="--encoding") == encoding
    assert file_encoding(typed, "csv") == encoding


def test_only_csv_files_take_an_encoding_and_only_those_kunnan_writes() -> None:
    assert file_encoding(None, "csv") == "utf-8-sig"
    assert file_encoding(None, "xlsx") == "utf-8-sig"  # unused: no encoding asked for
    with pytest.raises(InvalidInput, match="--encoding is for CSV files; xlsx files"):
        file_encoding("gb18030", "xlsx")
    for unknown in ("gbk", "big5", "latin-1", ""):
        with pytest.raises(InvalidInput, match="kunnan writes CSV in utf-8-sig"):
            file_encoding(unknown, "csv")
