"""Writing the register out: `kunnan export households|members`, and reading it back."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kunnan.ui.output import SCHEMA_VERSION
from tests.files import (
    CHILD_ID,
    HEAD_ID,
    HEADER,
    archived_family,
    candidate,
    read_csv,
    read_xlsx,
    write_csv,
)
from tests.support import Ledger, invoke, make_id

MASKED_HEAD = HEAD_ID[:6] + "*" * 10 + HEAD_ID[-2:]
#: Moving a register between ledgers needs the full numbers, and a reason for them.
REVEAL = ("--reveal", "--why", "移交另一台账")


@pytest.fixture
def register(baiyin: Ledger, tmp_path: Path) -> Ledger:
    """The Baiyin unions with an archived family of three and a candidate."""
    family = archived_family()
    family[2]["address"] = None
    rows = [*family, candidate(address="=1+2 号楼", phone="13893005678")]
    baiyin.ok("import", "households", str(write_csv(tmp_path / "in.csv", rows)))
    return baiyin


def test_exports_mask_id_and_phone_numbers_as_the_screen_does(
    register: Ledger, tmp_path: Path
) -> None:
    for name in ("r.csv", "r.xlsx", "r.json"):
        register.ok("export", "households", "-o", str(tmp_path / name))
        text = (tmp_path / name).read_bytes()
        assert HEAD_ID.encode() not in text and b"13893001234" not in text
    table = read_csv(tmp_path / "r.csv")
    assert table[0] == HEADER
    head = dict(zip(table[0], table[1], strict=True))
    assert (head["id_number"], head["phone"]) == (MASKED_HEAD, "138****1234")
    assert oct((tmp_path / "r.csv").stat().st_mode & 0o777) == "0o600"


def test_the_households_file_repeats_household_columns_on_every_persons_row(
    register: Ledger, tmp_path: Path
) -> None:
    register.ok("export", "households", "-o", str(tmp_path / "r.csv"))
    rows = [dict(zip(HEADER, row, strict=True)) for row in read_csv(tmp_path / "r.csv")[1:]]
    assert [(r["household"], r["relation"], r["name"]) for r in rows] == [
        ("H000001", "head", "张建国"),
        ("H000001", "spouse", "李秀英"),
        ("H000001", "child", "张小梅"),
        ("H000002", "head", "王德魁"),
    ]
    assert {r["archive_no"] for r in rows[:3]} == {"BY2017-001"}
    assert rows[0]["secondary_causes"] == "education;disability"
    assert rows[0]["monthly_income_fen"] == "120050"
    assert rows[0]["housing_area_m2"] == "45.50"
    assert rows[3]["address"] == "'=1+2 号楼"  # a spreadsheet will not run it


@pytest.mark.parametrize("address", ["=SUM(A1)", "'=SUM(A1)", "''+1", "'plain", "-5 楼"])
def test_a_list_on_stdout_and_an_export_escape_a_cell_alike_and_both_read_back(
    baiyin: Ledger, tmp_path: Path, address: str
) -> None:
    from kunnan.ui.columns import FORMULA_STARTS, unescape_cell

    baiyin.ok("import", "households", str(write_csv(tmp_path / "in.csv", [candidate()])))
    baiyin.ok("household", "edit", "H000001", "--address", address)
    shown = baiyin.ok("household", "show", "H000001", "-f", "csv").stdout.splitlines()
    listed = dict(zip(shown[0].split(","), shown[1].split(","), strict=True))["address"]
    baiyin.ok("export", "households", "-o", str(tmp_path / "out.csv"))
    header, row = read_csv(tmp_path / "out.csv")
    exported = dict(zip(header, row, strict=True))["address"]
    assert listed == exported
    assert not exported.startswith(FORMULA_STARTS)
    assert unescape_cell(exported) == address


def test_chinese_exports_have_chinese_headers_labels_and_yuan(
    register: Ledger, tmp_path: Path
) -> None:
    register.ok("--lang", "zh", "export", "households", "-o", str(tmp_path / "r.xlsx"))
    header, head, *_ = read_xlsx(tmp_path / "r.xlsx")
    row = dict(zip(header, head, strict=True))
    assert row["状态"] == "建档" and row["困难类别"] == "低保户"
    assert row["次要致困原因"] == "因学、因残"
    assert row["所属工会"] == "白银区总工会"
    assert row["月收入(元)"] == 1200.5
    assert row["登记日期"] == dt.datetime(2017, 3, 1)
    assert row["身份证号"] == MASKED_HEAD


def test_id_numbers_are_text_in_excel(register: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    register.ok("export", "households", "-o", str(tmp_path / "r.xlsx"), "--reveal", "--why", "move")
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    column = [c.value for c in sheet[1]].index("id_number") + 1
    cell = sheet.cell(row=2, column=column)
    assert (cell.value, cell.data_type, cell.number_format) == (HEAD_ID, "s", "@")


def _json_rows(path: Path) -> list[Any]:
    """The rows of an exported JSON document, which starts with its schema_version."""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document) == ["schema_version", "rows"]
    assert document["schema_version"] == SCHEMA_VERSION
    rows: list[Any] = document["rows"]
    return rows


def test_reveal_writes_full_numbers_and_says_who_saw_them_and_why(
    register: Ledger, tmp_path: Path
) -> None:
    register.ok(
        "export", "households", "-o", str(tmp_path / "r.json"), "--reveal", "--why", "移交省总"
    )
    data = _json_rows(tmp_path / "r.json")
    assert data[0]["members"][0]["id_number"] == HEAD_ID
    entry = register.ok("audit", "list", "--limit", "1", "-f", "json").rows()[0]
    assert (entry["action"], entry["command"]) == ("reveal", "kunnan export households")
    assert entry["changes"] == {
        "command": "export households",
        "file": "r.json",
        "households": 2,
        "why": "移交省总",
    }


def test_json_has_one_object_per_household_with_its_members(
    register: Ledger, tmp_path: Path
) -> None:
    register.ok("export", "households", "-o", str(tmp_path / "r.json"))
    data = _json_rows(tmp_path / "r.json")
    assert [h["household"] for h in data] == ["H000001", "H000002"]
    family = data[0]
    assert family["secondary_causes"] == ["education", "disability"]
    assert family["housing_area_m2"] == "45.50"
    assert [m["name"] for m in family["members"]] == ["张建国", "李秀英", "张小梅"]
    assert family["members"][0]["monthly_income_fen"] == 120050


def test_members_export_lists_people_with_sex_and_birth_year_or_date_when_revealed(
    register: Ledger, tmp_path: Path
) -> None:
    register.ok("export", "members", "-o", str(tmp_path / "m.csv"), "--status", "archived")
    table = read_csv(tmp_path / "m.csv")
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [(r["name"], r["sex"], r["birth_date"]) for r in rows] == [
        ("张建国", "male", "1978"),
        ("李秀英", "female", "1980"),
        ("张小梅", "female", "2003"),
    ]
    assert rows[2]["id_number"] == CHILD_ID[:6] + "*" * 10 + CHILD_ID[-2:]
    register.ok("export", "members", "-o", str(tmp_path / "full.csv"), "--status", "archived",
                "--reveal", "--why", "移交省台账")  # fmt: skip
    table = read_csv(tmp_path / "full.csv")
    assert [row[table[0].index("birth_date")] for row in table[1:]] == [
        "1978-03-15",
        "1980-06-01",
        "2003-09-01",
    ]
    register.ok("export", "members", "-o", str(tmp_path / "m.json"), "--org", "pingchuan")
    assert _json_rows(tmp_path / "m.json") == []


def test_an_export_replaces_the_file_whole_and_never_follows_a_link(
    register: Ledger, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("keep", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(secret)
    refused = register.fails("export", "households", "-o", str(link), code=3)
    assert "symbolic link" in refused.stderr
    assert secret.read_text(encoding="utf-8") == "keep"
    register.fails("export", "households", "-o", str(tmp_path / "none" / "x.csv"), code=3)
    unknown = register.fails("export", "households", "-o", str(tmp_path / "x.txt"), code=3)
    assert "name it .csv, .xlsx or .json, or give --format" in unknown.stderr
    register.ok("export", "households", "-o", str(tmp_path / "x.txt"), "--format", "csv")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert (tmp_path / "x.txt").read_bytes().startswith(b"\xef\xbb\xbfhousehold,")


def test_a_masked_export_cannot_be_imported_by_mistake(register: Ledger, tmp_path: Path) -> None:
    export = tmp_path / "masked.csv"
    register.ok("export", "households", "-o", str(export))
    result = register.run("import", "households", str(export))
    assert result.exit_code == 3
    assert f"masked.csv: row 2: id_number: is masked ({MASKED_HEAD})" in result.stderr
    assert "export with --reveal" in result.stderr


def test_an_export_imports_into_another_ledger_unchanged_on_every_backend(
    register: Ledger, empty_database: Ledger, tmp_path: Path
) -> None:
    from tests.conftest import add_baiyin_unions

    empty_database.ok("init")
    add_baiyin_unions(empty_database)
    for lang in ("en", "zh"):
        for fmt in ("csv", "xlsx"):
            first = tmp_path / f"{lang}-1.{fmt}"
            second = tmp_path / f"{lang}-2.{fmt}"
            register.ok("--lang", lang, "export", "households", "-o", str(first), *REVEAL)
            empty_database.ok("import", "households", str(first))
            empty_database.ok("--lang", lang, "export", "households", "-o", str(second), *REVEAL)
            assert _same_file(first, second), (lang, fmt)


def _same_file(one: Path, two: Path) -> bool:
    if one.suffix == ".xlsx":  # the workbook's zip carries the time it was written
        return read_xlsx(one) == read_xlsx(two)
    return one.read_bytes() == two.read_bytes()


# --- the round trip over generated registers ------------------------------------------------

SURNAMES = "张王李赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施"
GIVEN = "建国秀英小梅德魁志刚丽娟海燕立新永福雨晴浩然阿依古丽买提"
FREE_TEXT = st.one_of(
    st.text(
        alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFFF),
        max_size=24,
    ),
    st.sampled_from(["=1+1", "-3号楼", "@白银", "+86路", "'=A1", "''-x", '路,号"楼"']),
)
CAUSES = ["illness", "education", "low_income", "disability", "accident", "disaster", "unemployment", "other"]  # fmt: skip


@st.composite
def people(draw: st.DrawFn, head: bool) -> dict[str, Any]:
    return {
        "relation": "head" if head else draw(st.sampled_from(["spouse", "child", "parent", "sibling", "other"])),
        "name": draw(st.sampled_from(SURNAMES)) + draw(st.text(alphabet=GIVEN + "·", min_size=1, max_size=3)),
        # A head is born before any registration date drawn below (the register refuses one before).
        "birth": draw(st.dates(dt.date(1935, 1, 1), dt.date(1999 if head else 2015, 12, 31))),
        "phone": draw(st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
        "employer": draw(st.none() | FREE_TEXT),
        "identity": draw(st.none() | st.sampled_from(["employed", "laid_off", "retired", "migrant"])),
        "health": draw(st.sampled_from(["healthy", "chronic", "serious", "disabled"])),
        "schooling": draw(st.sampled_from(["none", "primary", "undergraduate"])),
        "monthly_income_fen": draw(st.integers(0, 10**8)),
    }  # fmt: skip


@st.composite
def registers(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Households as a union's file would hold them, one row per person."""
    rows: list[dict[str, Any]] = []
    sequence = 0
    for index in range(draw(st.integers(1, 4))):
        archived = draw(st.booleans())
        household = {
            "household": f"K{index}",
            "status": "archived" if archived else "candidate",
            "archive_no": f"{index}-{draw(st.text(alphabet='BY0123456789-', max_size=8))}" if archived else None,
            "category": draw(st.sampled_from(["dibao", "marginal", "accident"])) if archived else None,
            "main_cause": draw(st.sampled_from(CAUSES)) if archived else draw(st.none() | st.sampled_from(CAUSES)),
            "secondary_causes": ";".join(draw(st.lists(st.sampled_from(CAUSES), max_size=3, unique=True))),
            "org": draw(st.sampled_from(["baiyin-qu", "pingchuan", "phosphate", "白银区总工会"])),
            "area_code": draw(st.none() | st.sampled_from(["620402", "620403", "620421"])),
            "address": draw(FREE_TEXT),
            "housing_type": draw(st.none() | st.sampled_from(["owned", "shanty", "low_rent"])),
            "housing_area_m2": draw(st.none() | st.sampled_from(["12", "45.5", "60.25", "100.00"])),
            "registered_on": draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2025, 12, 31))).__str__().replace("None", ""),
        }  # fmt: skip
        for position in range(draw(st.integers(1, 4))):
            person = draw(people(head=position == 0))
            sequence += 1
            person["id_number"] = make_id("620402", person.pop("birth"), sequence)
            rows.append({**(household if position == 0 else {"household": f"K{index}"}), **person})
    return rows


@pytest.fixture(scope="module")
def unions_ledger(tmp_path_factory: pytest.TempPathFactory, templates: Any) -> Path:
    """A SQLite ledger with the Baiyin unions, copied for each generated register."""
    from tests.conftest import add_baiyin_unions
    from tests.support import Ledger as LedgerAt

    path = tmp_path_factory.mktemp("unions") / "unions.sqlite"
    shutil.copyfile(templates.sqlite_file, path)
    add_baiyin_unions(LedgerAt(url=str(path), backend="sqlite", path=path))
    return path


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=registers(), lang=st.sampled_from(["en", "zh"]), fmt=st.sampled_from(["csv", "xlsx"]))
def test_export_import_export_gives_the_same_file(
    unions_ledger: Path,
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, Any]],
    lang: str,
    fmt: str,
) -> None:
    work = tmp_path_factory.mktemp("round-trip")
    one, two = work / "one.sqlite", work / "two.sqlite"
    shutil.copyfile(unions_ledger, one)
    shutil.copyfile(unions_ledger, two)
    source = write_csv(work / "source.csv", rows)

    def run(db: Path, *args: str) -> None:
        result = invoke(["--db", str(db), "--lang", lang, *args])
        assert result.exit_code == 0, result.stderr

    run(one, "import", "households", str(source))
    first, second = work / f"first.{fmt}", work / f"second.{fmt}"
    run(one, "export", "households", "-o", str(first), *REVEAL)
    run(two, "import", "households", str(first))
    run(two, "export", "households", "-o", str(second), *REVEAL)
    assert _same_file(first, second)


def test_a_gb18030_households_file_moves_to_another_ledger_unchanged(
    register: Ledger, empty_database: Ledger, tmp_path: Path
) -> None:
    from tests.conftest import add_baiyin_unions

    empty_database.ok("init")
    add_baiyin_unions(empty_database)
    first, second = tmp_path / "花名册.csv", tmp_path / "again.csv"
    register.ok("--lang", "zh", "export", "households", "-o", str(first), "--encoding", "gb18030",
                *REVEAL)  # fmt: skip
    raw = first.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "张建国".encode("gb18030") in raw
    empty_database.ok("import", "households", str(first))  # GB18030 is told from the bytes
    empty_database.ok("--lang", "zh", "export", "households", "-o", str(second),
                      "--encoding", "gb18030", *REVEAL)  # fmt: skip
    assert second.read_bytes() == raw
    refused = register.fails("export", "households", "-o", str(tmp_path / "r.json"),
                             "--encoding", "gb18030", code=3)  # fmt: skip
    assert "--encoding is for CSV files; json files have none to choose" in refused.stderr


def test_the_households_workbook_is_laid_out_and_keeps_fen_under_its_key(
    register: Ledger, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from kunnan.sheets.write import WIDTH_PADDING, text_width

    for lang, income, shown in (("en", 120050, "General"), ("zh", 1200.5, "#,##0.00")):
        out = tmp_path / f"{lang}.xlsx"
        register.ok("--lang", lang, "export", "households", "-o", str(out))
        sheet = load_workbook(out).worksheets[0]
        assert sheet.freeze_panes == "A2"
        header = sheet[1]
        assert all(cell.font.b for cell in header)
        for cell in header:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= text_width(str(cell.value)) + WIDTH_PADDING, cell.value
        names = [cell.value for cell in header]
        row = sheet[2]
        money = row[names.index("monthly_income_fen" if lang == "en" else "月收入(元)")]
        assert (money.value, money.number_format) == (income, shown)
        day = row[names.index("registered_on" if lang == "en" else "登记日期")]
        assert (day.value, day.number_format) == (dt.datetime(2017, 3, 1), "yyyy-mm-dd")
        code = row[names.index("household" if lang == "en" else "户编号")]
        assert (code.value, code.number_format) == ("H000001", "@")
