"""Files in and out: encodings, header rows, cells as the input models take them, safe writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunnan.domain.errors import InvalidInput
from kunnan.domain.roster import FOOTER_ROWS_MAX
from kunnan.files import OutputFile, write_atomically
from kunnan.services.imports.households import HOUSEHOLD_COLUMNS, is_header
from kunnan.sheets.columns import (
    Bound,
    CellProblem,
    Column,
    Formula,
    HeaderError,
    match_header,
    read_cell,
)
from kunnan.sheets.read import Footer, detect_encoding, open_table
from kunnan.sheets.write import TEXT_FORMAT, SheetColumn, csv_file, xlsx_file
from kunnan.ui.columns import escape_cell, unescape_cell
from tests.files import read_xlsx

COLUMN = {c.key: c for c in HOUSEHOLD_COLUMNS}


def bound(key: str, spelled: str | None = None) -> Bound:
    return Bound(column=COLUMN[key], index=0, spelled=spelled or key)


def test_encodings_are_told_apart_from_the_first_bytes() -> None:
    text = "姓名,身份证号\n张建国,1\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("gb18030")) == "gb18030"
    assert detect_encoding(b"name,id_number\n") == "utf-8"
    # A multi-byte character cut at the end of the sample is not an error.
    assert detect_encoding("张".encode()[:2]) == "utf-8"
    with pytest.raises(ValueError, match="UTF-16"):
        detect_encoding(text.encode("utf-16"))
    with pytest.raises(ValueError, match="NUL"):
        detect_encoding(b"a,b\x00\n")


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(
    tmp_path: Path,
) -> None:
    file = tmp_path / "t.csv"
    file.write_text(
        "白银区困难职工花名册,,\n\n姓名,身份证号,备注\n张建国,1,\n\n李四,2,x\n", encoding="utf-8"
    )
    with open_table(file, is_header=is_header) as table:
        assert (table.header_row, table.header) == (3, ("姓名", "身份证号", "备注"))
        assert [(row.number, row.cells[0]) for row in table.rows()] == [(4, "张建国"), (6, "李四")]


def test_tab_separated_files_are_read_too(tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text("name\tid_number\n张建国\t1\n", encoding="utf-8")
    with open_table(file, is_header=is_header) as table:
        assert [row.cells for row in table.rows()] == [("张建国", "1")]


def test_an_encoding_kunnan_does_not_know_is_named(tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text("name,id_number\n", encoding="utf-8")
    with (
        pytest.raises(InvalidInput, match="unknown encoding 'klingon'"),
        open_table(file, is_header=is_header, encoding="klingon"),
    ):
        pass


def test_sheet_and_encoding_options_must_fit_the_file(tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text("name,id_number\n", encoding="utf-8")
    with (
        pytest.raises(InvalidInput, match="--sheet is for Excel files"),
        open_table(file, is_header=is_header, sheet="x"),
    ):
        pass


def test_headers_match_in_english_chinese_and_the_names_union_sheets_use() -> None:
    found = match_header(
        [" 姓名 ", "公民身份号码", "联系电话", "月收入（元）", "*所属工会", "备注"],
        HOUSEHOLD_COLUMNS,
    )
    assert {k: b.index for k, b in found.bound.items()} == {
        "name": 0,
        "id_number": 1,
        "phone": 2,
        "monthly_income_fen": 3,
        "org": 4,
    }
    assert found.ignored == ("备注",)
    assert found.lang == "zh"
    assert found.name(COLUMN["address"]) == "住址"
    assert match_header(["name", "id_number"], HOUSEHOLD_COLUMNS).lang == "en"
    with pytest.raises(HeaderError, match="both monthly_income_fen"):
        match_header(["monthly_income_fen", "月收入"], HOUSEHOLD_COLUMNS)


def test_money_is_fen_under_its_english_key_and_yuan_under_every_other_name() -> None:
    assert read_cell("120050", bound("monthly_income_fen")) == 120050
    assert read_cell(120050, bound("monthly_income_fen")) == 120050
    assert read_cell("1200.50", bound("monthly_income_fen", "月收入(元)")) == "1200.50"
    assert read_cell(1200.5, bound("monthly_income_fen", "monthly_income")) == "1200.5"
    with pytest.raises(CellProblem, match="not a whole number of fen"):
        read_cell("1200.50", bound("monthly_income_fen"))


def test_cells_read_as_people_see_them() -> None:
    assert read_cell("  ", bound("name")) is None
    assert read_cell(dt.datetime(2018, 3, 1), bound("registered_on")) == "2018-03-01"
    assert read_cell(620402, bound("area_code")) == "620402"
    assert read_cell(45.5, bound("housing_area_m2")) == "45.5"
    assert read_cell("因学、因残", bound("secondary_causes")) == ["因学", "因残"]
    assert read_cell("education; disability", bound("secondary_causes")) == [
        "education",
        "disability",
    ]
    with pytest.raises(CellProblem, match="stored as a number"):
        read_cell(6.2040219780315e17, bound("id_number"))
    with pytest.raises(CellProblem, match="masked"):
        read_cell("620402********0013", bound("id_number"))
    with pytest.raises(CellProblem, match="formula"):
        read_cell(Formula("=A1"), bound("address"))


def test_messages_never_quote_a_full_id_number() -> None:
    from kunnan.sheets.columns import quote, tidy

    assert quote("x" * 100).endswith("…")
    assert tidy("'620402197803150013' and 13893001234") == "'620402**********13' and 138****1234"


@given(st.text(max_size=20))
def test_csv_formula_escaping_reads_back_exactly(text: str) -> None:
    escaped = escape_cell(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(escaped) == text


def test_exports_are_private_and_replace_the_target_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with csv_file(OutputFile(target, force=True)) as sheet:
        sheet.row(["a", "=1+1", None, 3])
        assert target.read_text(encoding="utf-8") == "old"  # not yet: written beside it
    assert target.read_bytes().decode("utf-8-sig") == "a,'=1+1,,3\r\n"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failed_export_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), csv_file(OutputFile(target)) as sheet:
        sheet.row(["a"])
        raise RuntimeError("disk trouble")
    assert list(tmp_path.iterdir()) == []


def test_exports_never_write_through_a_symbolic_link(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(secret)
    with pytest.raises(InvalidInput, match="symbolic link"), write_atomically(OutputFile(link)):
        pass
    assert secret.read_text(encoding="utf-8") == "keep me"
    with (
        pytest.raises(InvalidInput, match="does not exist"),
        write_atomically(OutputFile(tmp_path / "no" / "x.csv")),
    ):
        pass
    with (
        pytest.raises(InvalidInput, match="is a folder"),
        write_atomically(OutputFile(tmp_path, force=True)),
    ):
        pass


def test_excel_cells_that_look_like_formulas_or_numbers_stay_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    with xlsx_file(OutputFile(target)) as book:
        columns = [SheetColumn("a", 10), SheetColumn("id", 20, TEXT_FORMAT), SheetColumn("n", 8)]
        sheet = book.sheet("s", columns, header=False)
        sheet.row(['=HYPERLINK("http://x")', "620402197803150013", 12, dt.date(2018, 3, 1)])
    assert read_xlsx(target) == [
        ('=HYPERLINK("http://x")', "620402197803150013", 12, dt.datetime(2018, 3, 1))
    ]
    cells = next(load_workbook(target).worksheets[0].iter_rows())
    assert [c.data_type for c in cells[:2]] == ["s", "s"]
    assert cells[1].number_format == "@"
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_column_headers_are_english_keys_or_chinese() -> None:
    column = Column("name", "姓名")
    assert (column.header("en"), column.header("zh")) == ("name", "姓名")


@pytest.mark.parametrize(
    "xml",
    [
        "<si><t>a b </t></si>",
        "<si/>",
        "<si><t/></si>",
        '<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve"> 建国</t></r></si>',
        '<si><t>张</t><rPh sb="0" eb="1"><t>zhang</t></rPh><phoneticPr fontId="1"/></si>',
        "<si><t>p</t><r><t>q</t></r></si>",
        "<si><t>_x005F_x000D_</t></si>",
    ],
)
def test_shared_strings_read_as_openpyxl_reads_them(tmp_path: Path, xml: str) -> None:
    import zipfile

    from openpyxl.reader.strings import read_string_table

    from kunnan.sheets.xlsx import MeteredZip, _Meter, shared_strings

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    part = f'<sst xmlns="{main}">{xml}</sst>'.encode()
    file = tmp_path / "strings.zip"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("sharedStrings.xml", part)
    with file.open("rb") as source, MeteredZip(source, _Meter(file)) as archive:
        ours = shared_strings(archive, "sharedStrings.xml")
    with zipfile.ZipFile(file) as archive, archive.open("sharedStrings.xml") as source:
        assert ours == list(read_string_table(source))


def test_a_number_in_a_date_column_is_the_date_it_stands_for() -> None:
    registered = bound("registered_on", "登记日期")
    assert read_cell(43458, registered) == "2018-12-24"  # Excel's serial day
    assert read_cell(43458.0, registered) == "2018-12-24"
    assert read_cell(20181224, registered) == "2018-12-24"  # typed as a number
    assert read_cell("2018.12.24", registered) == "2018.12.24"  # text is read by the field's rule
    with pytest.raises(CellProblem, match=r"holds the number 43458\.5, which is not a date"):
        read_cell(43458.5, registered)
    with pytest.raises(CellProblem, match="2018-02 has 28 days"):
        read_cell(20180230, registered)
    # a number in any other column is its digits, as before
    assert read_cell(43458, bound("address")) == "43458"


def footer_of(tmp_path: Path, lines: str) -> tuple[list[int], list[tuple[int, str]]]:
    """The rows a table's reading keeps, and the footer it skips."""
    file = tmp_path / "f.csv"
    file.write_text(lines, encoding="utf-8")
    with open_table(file, is_header=is_header) as table:
        footer = Footer(table.rows(), id_place=1)
        kept = [row.number for row in footer]
    return kept, footer.skipped


def test_a_footer_is_the_run_of_footer_rows_at_the_end_only(tmp_path: Path) -> None:
    data = "姓名,身份证号,备注\n张建国,620402197803150013,\n"
    assert footer_of(tmp_path, data + "合计,,1人\n\n填表人：王丽,,\n日期：2018-12-24,,\n") == (
        [2],
        [(3, "合计"), (5, "填表人"), (6, "日期")],
    )
    # footer words with data after them are data
    assert footer_of(tmp_path, data + "小计,,\n王德魁,620402196210021117,\n合计,,\n") == (
        [2, 3, 4],
        [(5, "合计")],
    )
    # a row that holds an ID number is a person's, whatever its first cell says
    assert footer_of(tmp_path, data + "合计,620402196210021117,\n") == ([2, 3], [])
    # a run longer than a footer is read whole
    many = "".join(f"合计{n},,\n" for n in range(FOOTER_ROWS_MAX + 1))
    kept, skipped = footer_of(tmp_path, data + many)
    assert (len(kept), skipped) == (FOOTER_ROWS_MAX + 2, [])


def test_a_merged_footer_cell_in_excel_is_its_first_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "备注"])
    sheet.append(["张建国", "620402197803150013", None])
    sheet.append([None, "合　计", None, 3])  # the first non-empty cell, whatever its column
    sheet.append(["审核人：李发明"])
    sheet.merge_cells("A4:C4")
    book.save(tmp_path / "f.xlsx")
    with open_table(tmp_path / "f.xlsx", is_header=is_header) as table:
        footer = Footer(table.rows(), id_place=None)
        assert [row.number for row in footer] == [2]
    assert footer.skipped == [(3, "合计"), (4, "审核人")]
