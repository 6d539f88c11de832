"""Bringing a union's register in from spreadsheets: `kunnan import households`."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.files import (
    CHILD_ID,
    HEAD_ID,
    OTHER_HEAD_ID,
    SPOUSE_ID,
    archived_family,
    candidate,
    person,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from tests.support import Ledger, make_id

ZH_RENAME = {
    "household": "户编号", "status": "状态", "archive_no": "档案号", "category": "困难类别",
    "main_cause": "主要致困原因", "secondary_causes": "次要致困原因", "org": "所属工会",
    "address": "住址", "housing_type": "住房类型", "housing_area_m2": "住房面积(m²)",
    "registered_on": "登记日期", "relation": "与户主关系", "name": "姓名", "id_number": "身份证号",
    "phone": "联系电话", "identity": "身份", "health": "健康状况", "schooling": "在读",
    "monthly_income": "月收入（元）",
}  # fmt: skip


def show(cli: Ledger, ref: str) -> dict[str, object]:
    result: dict[str, object] = cli.ok("household", "show", ref, "--format", "json").json()
    return result


def households(cli: Ledger) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = cli.ok("household", "list", "-f", "json").rows()
    return listed


def test_an_archived_register_with_members_imports_as_it_stands(
    baiyin: Ledger, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "register.csv", [*archived_family(), candidate()])
    result = baiyin.ok("import", "households", str(file))
    assert "4 rows read; 2 new households (4 people)" in result.stderr
    family = show(baiyin, "BY2017-001")
    assert family["status"] == "archived"
    assert family["category"] == "dibao"
    assert family["main_cause"] == "illness"
    assert family["secondary_causes"] == ["education", "disability"]
    assert family["housing_area_m2"] == "45.50"
    assert family["registered_on"] == "2017-03-01"
    assert family["monthly_income_fen"] == 200050
    members = family["members"]
    assert isinstance(members, list)
    assert [(m["name"], m["relation"]) for m in members] == [
        ("张建国", "head"),
        ("李秀英", "spouse"),
        ("张小梅", "child"),
    ]
    assert members[2]["schooling"] == "undergraduate"
    assert members[2]["sex"] == "female"
    assert show(baiyin, OTHER_HEAD_ID)["status"] == "candidate"


def test_imported_archives_count_in_reports_from_their_archive_date(
    baiyin: Ledger, tmp_path: Path
) -> None:
    family = archived_family()
    family[0]["archived_on"] = "2017-06-30"
    baiyin.ok("import", "households", str(write_csv(tmp_path / "r.csv", [*family, candidate()])))

    def archived_on(day: str) -> int:
        data = baiyin.ok("report", "categories", "--as-of", day, "-f", "json").json()
        return int(data["total"]["households"])

    assert (archived_on("2017-06-29"), archived_on("2017-06-30")) == (0, 1)
    assert [r["code"] for r in baiyin.ok("review", "unpaired", "-f", "json").rows()] == ["H000001"]
    assert show(baiyin, "H000001")["status"] == "archived"
    baiyin.ok("db", "verify")
    late = archived_family(household="2")
    for row, number in zip(late, ("2", "3", "4"), strict=True):
        row["id_number"] = make_id("620402", dt.date(1990, 1, int(number)), 30 + int(number) * 2)
    late[0].update(archive_no="BY2017-009", archived_on="2017-01-01")  # before 2017-03-01
    refused = baiyin.run("import", "households", str(write_csv(tmp_path / "late.csv", late)))
    assert (
        refused.exit_code == 3 and "archive date is before the registration date" in refused.stderr
    )
    # with no registration date, an archive was registered on its archive date, not today
    undated = archived_family(household="9")
    for row, number in zip(undated, ("5", "6", "7"), strict=True):
        row["id_number"] = make_id("620402", dt.date(1991, 1, int(number)), 40 + int(number) * 2)
    undated[0].update(archive_no="BY2016-005", archived_on="2016-05-04", registered_on="")
    baiyin.ok("import", "households", str(write_csv(tmp_path / "undated.csv", undated)))
    assert show(baiyin, "H000003")["registered_on"] == "2016-05-04"
    assert archived_on("2016-05-04") == 1


def test_chinese_headers_labels_and_yuan_import_the_same(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        person("张建国", HEAD_ID, status="建档", archive_no="BY2017-001", category="低保户",
               main_cause="因病", secondary_causes="因学、因残", org="白银区总工会",
               monthly_income="1200.50"),
        person("李秀英", SPOUSE_ID, "配偶", health="慢性病"),
    ]  # fmt: skip
    file = write_csv(tmp_path / "花名册.csv", rows, rename=ZH_RENAME, encoding="utf-8-sig")
    baiyin.ok("import", "households", str(file))
    family = show(baiyin, HEAD_ID)
    assert (family["category"], family["secondary_causes"]) == (
        "dibao",
        ["education", "disability"],
    )
    assert family["monthly_income_fen"] == 120050


def test_a_gb18030_file_is_detected_and_a_wrong_encoding_is_named(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = [person("张建国", HEAD_ID, org="白银区总工会", address="白银区人民路18号")]
    file = write_csv(tmp_path / "gbk.csv", rows, rename=ZH_RENAME, encoding="gb18030")
    before = baiyin.snapshot()
    refused = baiyin.fails("import", "households", str(file), "--encoding", "utf-8", code=3)
    assert "is not UTF-8 text" in refused.stderr and "--encoding gb18030" in refused.stderr
    assert baiyin.snapshot() == before
    baiyin.ok("import", "households", str(file))
    assert show(baiyin, HEAD_ID)["address"] == "白银区人民路18号"


def test_reimporting_the_same_file_adds_nothing(baiyin: Ledger, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "register.csv", [*archived_family(), candidate()])
    baiyin.ok("import", "households", str(file))
    before = baiyin.snapshot()
    again = baiyin.ok("import", "households", str(file))
    assert "0 new households (0 people); 2 already registered (4 rows)" in again.stderr
    after = baiyin.snapshot()
    for table in ("household", "member", "household_cause"):
        assert after[table] == before[table]


def test_one_row_per_household_and_members_under_their_head_need_no_household_column(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = [
        {"name": "张建国", "id_number": HEAD_ID, "relation": "", "org": "baiyin-qu"},
        {"name": "李秀英", "id_number": SPOUSE_ID, "relation": "配偶"},
        {"name": "张小梅", "id_number": CHILD_ID, "relation": "子女"},
        {"name": "王德魁", "id_number": OTHER_HEAD_ID, "relation": "", "org": "baiyin-qu"},
    ]
    baiyin.ok("import", "households", str(write_csv(tmp_path / "f.csv", rows)))
    listed = households(baiyin)
    assert [(h["head_name"], h["members"]) for h in listed] == [("张建国", 3), ("王德魁", 1)]


def test_every_bad_row_is_listed_with_file_row_column_and_reason_and_nothing_is_written(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = [
        *archived_family(),
        candidate(phone="12345"),
        candidate("赵六", make_id("620402", dt.date(1970, 1, 1), 31), household="3",
                  identity="boss", monthly_income="-5"),
        candidate("钱七", HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1"), household="4"),
    ]  # fmt: skip
    file = write_csv(tmp_path / "bad.csv", rows)
    before = baiyin.snapshot()
    result = baiyin.run("import", "households", str(file))
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines[:-1] == [
        "bad.csv: row 5: phone: '12345' is not a mobile number (11 digits starting 13-19) "
        "or a landline number (an area code such as 0943, then a number of 7 or 8 digits)",
        "bad.csv: row 6: identity: unknown worker identity 'boss': choose one of "
        "employed (在岗), laid_off (下岗), unemployed (失业), retired (退休), "
        "sick_leave (病休), migrant (农民工)",
        "bad.csv: row 6: monthly_income: amount '-5' is negative; amounts are zero or more",
        f"bad.csv: row 7: id_number: ID number check character is wrong: expected {HEAD_ID[17]}, "
        f"got {'0' if HEAD_ID[17] != '0' else '1'}",
    ]
    assert lines[-1].startswith(
        "error: bad.csv: 4 problems in 3 households (3 rows); nothing was imported"
    )
    assert baiyin.snapshot() == before


def test_the_list_of_bad_rows_stops_at_max_errors(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        candidate(f"工人{chr(0x4E00 + i)}", make_id("620402", dt.date(1970, 1, 1), 100 + i),
                  household=str(i), phone="1")
        for i in range(5)
    ]  # fmt: skip
    result = baiyin.run(
        "import", "households", str(write_csv(tmp_path / "f.csv", rows)), "--max-errors", "2"
    )
    assert result.exit_code == 3
    assert result.stderr.count("is not a mobile number") == 2
    assert "… and 3 more problems (--max-errors 0 lists them all)" in result.stderr


def test_duplicates_name_both_rows_or_the_registered_household(
    baiyin: Ledger, tmp_path: Path
) -> None:
    baiyin.ok(
        "household", "add", "--name", "王德魁", "--id-number", OTHER_HEAD_ID, "--org", "baiyin-qu"
    )
    rows = [
        *archived_family(),
        person("张小梅", CHILD_ID, household="3", org="baiyin-qu"),
        person("李四", make_id("620402", dt.date(1981, 1, 1), 33), household="4", org="baiyin-qu"),
        person("王德魁", OTHER_HEAD_ID, "spouse", household="4"),
    ]
    result = baiyin.run("import", "households", str(write_csv(tmp_path / "dup.csv", rows)))
    masked = CHILD_ID[:6] + "*" * 10 + CHILD_ID[-2:]
    assert f"dup.csv: row 5: id_number: ID number {masked} is also on row 4" in result.stderr
    assert "dup.csv: row 7: id_number: ID number 620402**********" in result.stderr
    assert "is already registered (household H000001)" in result.stderr
    assert result.exit_code == 3


def test_an_archive_number_used_twice_is_refused(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        *archived_family(),
        candidate(
            status="archived", archive_no="BY2017-001", category="marginal", main_cause="education"
        ),
    ]
    result = baiyin.run("import", "households", str(write_csv(tmp_path / "a.csv", rows)))
    assert "a.csv: row 5: archive_no: archive number BY2017-001 is also on row 2" in result.stderr


def test_fifteen_digit_numbers_are_upgraded_and_match_their_eighteen_digit_form(
    baiyin: Ledger, tmp_path: Path
) -> None:
    old = "620402780315011"  # first-generation number of someone born 1978-03-15
    upgraded = make_id("620402", dt.date(1978, 3, 15), 11)
    baiyin.ok(
        "import", "households", str(write_csv(tmp_path / "a.csv", [candidate(id_number=old)]))
    )
    assert show(baiyin, upgraded)["status"] == "candidate"
    again = baiyin.ok(
        "import", "households", str(write_csv(tmp_path / "b.csv", [candidate(id_number=upgraded)]))
    )
    assert "1 already registered" in again.stderr


def test_skip_invalid_imports_the_good_households_and_rejects_the_rest_whole(
    baiyin: Ledger, tmp_path: Path
) -> None:
    family = archived_family()
    family[1]["phone"] = "999"
    rows = [
        *family,
        candidate(),
        candidate(
            "赵六", make_id("620402", dt.date(1970, 1, 1), 31), household="3", monthly_income="abc"
        ),
    ]
    file = write_csv(tmp_path / "mixed.csv", rows)
    result = baiyin.ok("import", "households", str(file), "--skip-invalid")
    assert "5 rows read; 1 new households (1 person); 2 rejected (4 rows)" in result.stderr
    rejects = tmp_path / "mixed.rejects.csv"
    assert f"rejected rows written to {rejects}" in result.stderr
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"
    table = read_csv(rejects)
    assert table[0][-1] == "error"
    assert [row[table[0].index("name")] for row in table[1:]] == [
        "张建国",
        "李秀英",
        "张小梅",
        "赵六",
    ]
    errors = [row[-1] for row in table[1:]]
    assert errors[0] == "row 2: not imported because of row 3 of the same household"
    assert errors[1].startswith("row 3: phone: '999' is not a mobile number")
    assert errors[3].startswith("row 6: monthly_income: 'abc' is not an amount")
    assert [h["head_name"] for h in households(baiyin)] == ["王德魁"]
    # Fixed, the reject file imports as it is: its error column is ignored quietly.
    fixed = [[cell.replace("999", "13893009999") for cell in row] for row in table]
    fixed[-1][table[0].index("monthly_income")] = "0"
    file = tmp_path / "fixed.csv"
    with file.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(fixed)
    again = baiyin.ok("import", "households", str(file))
    assert "ignoring" not in again.stderr
    assert len(households(baiyin)) == 3


def test_skip_invalid_with_nothing_bad_leaves_no_reject_file(
    baiyin: Ledger, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "good.csv", [candidate()])
    result = baiyin.ok(
        "import", "households", str(file), "--skip-invalid", "--rejects", str(tmp_path / "r.csv")
    )
    assert "0 rejected (0 rows)" in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_a_dry_run_checks_everything_and_writes_nothing(baiyin: Ledger, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "register.csv", [*archived_family(), candidate()])
    before = baiyin.snapshot()
    result = baiyin.ok("import", "households", str(file), "--dry-run")
    assert "dry run, nothing written: 4 rows read; 2 new households (4 people)" in result.stderr
    assert baiyin.snapshot() == before
    bad = write_csv(tmp_path / "bad.csv", [candidate(phone="1")])
    refused = baiyin.run("import", "households", str(bad), "--dry-run")
    assert refused.exit_code == 3 and "nothing was written (dry run)" in refused.stderr
    assert baiyin.snapshot() == before


def test_update_brings_registered_households_up_to_date_field_by_field(
    baiyin: Ledger, tmp_path: Path
) -> None:
    baiyin.ok("import", "households", str(write_csv(tmp_path / "a.csv", archived_family())))
    family = archived_family()
    family[0].update(address="白银区人民路20号", phone="13893005678")
    family[1].update(monthly_income="900")
    newborn = person("张小宝", make_id("620402", dt.date(2020, 5, 5), 51), "grandchild")
    file = write_csv(tmp_path / "b.csv", [*family, newborn])
    plain = baiyin.ok("import", "households", str(file))
    assert "1 already registered (4 rows)" in plain.stderr
    assert show(baiyin, HEAD_ID)["address"] == "白银区人民路18号"
    updated = baiyin.ok("import", "households", str(file), "--update")
    assert "1 already registered (4 rows), 1 updated, 1 person added to them" in updated.stderr
    family_now = show(baiyin, HEAD_ID)
    assert family_now["address"] == "白银区人民路20号"
    assert family_now["monthly_income_fen"] == 120050 + 90000
    entries = baiyin.ok("audit", "list", "--household", "H000001", "-f", "json").rows()
    changes = [(e["action"], e["entity"], e["changes"]) for e in entries]
    assert ("update", "household", {"address": ["白银区人民路18号", "白银区人民路20号"]}) in changes
    assert ("update", "member", {"phone": ["138****1234", "138****5678"]}) in changes
    assert ("update", "member", {"monthly_income_fen": [80000, 90000]}) in changes
    assert any(a == "create" and e == "member" and c["name"] == "张小宝" for a, e, c in changes)


def test_update_never_changes_a_households_standing(baiyin: Ledger, tmp_path: Path) -> None:
    baiyin.ok("import", "households", str(write_csv(tmp_path / "a.csv", archived_family())))
    family = archived_family()
    family[0]["category"] = "marginal"
    before = baiyin.snapshot()
    result = baiyin.run(
        "import", "households", str(write_csv(tmp_path / "b.csv", family)), "--update"
    )
    assert result.exit_code == 3
    assert "b.csv: row 2: category: differs from the register (dibao for H000001)" in result.stderr
    assert baiyin.snapshot() == before


def test_one_audit_row_records_the_file_its_hash_and_the_counts(
    baiyin: Ledger, tmp_path: Path
) -> None:
    import hashlib

    file = write_csv(tmp_path / "register.csv", [*archived_family(), candidate()])
    baiyin.ok("import", "households", str(file))
    entries = baiyin.ok("audit", "list", "--command", "import", "-f", "json").rows()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["action"], entry["entity"], entry["entity_ref"]) == (
        "import",
        "household",
        "register.csv",
    )
    assert entry["changes"]["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert entry["changes"]["created"] == 2 and entry["changes"]["rows"] == 4
    assert json.dumps(entry).count(HEAD_ID) == 0


@pytest.mark.parametrize("bad_row", [2, 1500, 2401], ids=["first", "second-batch", "last"])
def test_an_import_failing_at_any_row_leaves_the_ledger_as_it_was(
    baiyin: Ledger, tmp_path: Path, bad_row: int
) -> None:
    baiyin.ok(
        "household", "add", "--name", "王德魁", "--id-number", OTHER_HEAD_ID, "--org", "baiyin-qu"
    )
    rows = [
        candidate("工人", make_id("620403", dt.date(1960, 1, 1) + dt.timedelta(days=i // 500), i % 500 + 1),
                  household=str(i), org="pingchuan")
        for i in range(2400)
    ]  # fmt: skip
    rows[bad_row - 2]["health"] = "很好"
    before = baiyin.snapshot()
    result = baiyin.run("import", "households", str(write_csv(tmp_path / "big.csv", rows)))
    assert result.exit_code == 3
    assert f"big.csv: row {bad_row}: health: unknown health '很好'" in result.stderr
    assert baiyin.snapshot() == before


def test_an_undecodable_row_deep_in_the_file_leaves_the_ledger_as_it_was(
    baiyin: Ledger, tmp_path: Path
) -> None:
    lines = ["name,id_number,org,address"]
    for i in range(2000):
        number = make_id("620403", dt.date(1960, 1, 1) + dt.timedelta(days=i // 500), i % 500 + 1)
        lines.append(f"工人,{number},pingchuan,平川区")
    file = tmp_path / "mixed.csv"
    encoded = [line.encode("gb18030" if i == 1900 else "utf-8") for i, line in enumerate(lines)]
    file.write_bytes(b"\n".join(encoded) + b"\n")
    before = baiyin.snapshot()
    refused = baiyin.fails("import", "households", str(file), "--encoding", "utf-8", code=3)
    assert "mixed.csv: row 1901 is not UTF-8 text (UTF-8 was as given)" in refused.stderr
    assert baiyin.snapshot() == before
    detected = baiyin.fails("import", "households", str(file), code=3)
    assert (
        "mixed.csv: the file is neither UTF-8 nor GB18030 text; give --encoding" in detected.stderr
    )


def test_rules_of_standing_are_checked_for_every_household(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        candidate(status="archived", category="dibao", main_cause="illness"),
        candidate(
            "赵六", make_id("620402", dt.date(1970, 1, 1), 31), household="3", status="exited"
        ),
        candidate(
            "钱七", make_id("620402", dt.date(1970, 1, 1), 41), household="4", category="dibao"
        ),
    ]
    result = baiyin.run("import", "households", str(write_csv(tmp_path / "s.csv", rows)))
    assert (
        "s.csv: row 2: archive_no: an archived household needs its archive number" in result.stderr
    )
    assert (
        "s.csv: row 3: status: a household cannot be imported with status exited" in result.stderr
    )
    assert "s.csv: row 4: category: a candidate has no category yet" in result.stderr


def test_household_structure_problems_are_named(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        person("张建国", HEAD_ID, "spouse", household="1", org="baiyin-qu"),
        person("王德魁", OTHER_HEAD_ID, household="2", org="baiyin-qu"),
        person("李秀英", SPOUSE_ID, "户主", household="2"),
        person("张小梅", CHILD_ID, "child", household="2", address="别处"),
    ]
    result = baiyin.run("import", "households", str(write_csv(tmp_path / "h.csv", rows)))
    assert "h.csv: row 2: relation: this household has no head worker's row" in result.stderr
    assert (
        "h.csv: row 4: relation: a second head worker for the household whose head is on row 3"
        in result.stderr
    )
    assert "h.csv: row 5: address: differs from the head worker's row 3 (blank)" in result.stderr


def test_the_union_comes_from_the_file_or_from_org(baiyin: Ledger, tmp_path: Path) -> None:
    no_union = [{"name": "王德魁", "id_number": OTHER_HEAD_ID}]
    file = write_csv(tmp_path / "n.csv", no_union)
    baiyin.fails("import", "households", str(file), code=3)
    baiyin.ok("import", "households", str(file), "--org", "phosphate")
    assert (
        show(baiyin, OTHER_HEAD_ID)["org_code"]
        if False
        else show(baiyin, OTHER_HEAD_ID)["area_code"] == "620402"
    )
    unknown = write_csv(tmp_path / "u.csv", [candidate("赵六", HEAD_ID, org="nowhere")])
    result = baiyin.run("import", "households", str(unknown))
    assert "u.csv: row 2: org: no organisation 'nowhere'" in result.stderr
    unit = write_csv(tmp_path / "w.csv", [candidate("赵六", HEAD_ID, org="aluminium-unit")])
    assert (
        "is a responsible unit, not a union" in baiyin.run("import", "households", str(unit)).stderr
    )


BAD_FILES = {
    "empty": (b"", "empty.csv: the file is empty"),
    "header-only": (
        b"name,id_number,org\n",
        "header-only.csv: no rows under the header (row 1)",
    ),
    "no-header": (b"a,b\n1,2\n", "no header row found in the first 20 rows"),
    "missing-column": (
        "name,org\n张建国,baiyin-qu\n".encode(),
        "the header row (row 1) has no id_number (身份证号) column",
    ),
    "utf-16": (
        "name,id_number\n".encode("utf-16"),
        "the file is UTF-16 text; save it as CSV UTF-8",
    ),
    "old-excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel .xls file"),
    "broken-xlsx": (b"PK\x03\x04 not really a zip", "not a readable Excel .xlsx file"),
    "two-id-columns": (
        "name,id_number,身份证号\n".encode(),
        "columns 'id_number' and '身份证号' are both id_number (身份证号); keep one",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_file_kunnan_cannot_use_is_refused_with_one_line(
    baiyin: Ledger, tmp_path: Path, case: str
) -> None:
    content, message = BAD_FILES[case]
    suffix = ".xlsx" if case == "broken-xlsx" else ".csv"
    file = tmp_path / f"{case}{suffix}"
    file.write_bytes(content)
    before = baiyin.snapshot()
    refused = baiyin.fails("import", "households", str(file), code=3)
    assert message in refused.stderr
    assert baiyin.snapshot() == before


def test_a_missing_file_is_named(baiyin: Ledger, tmp_path: Path) -> None:
    refused = baiyin.fails("import", "households", str(tmp_path / "nope.csv"), code=3)
    assert "no file" in refused.stderr


def test_a_ten_megabyte_cell_is_refused_not_swallowed(baiyin: Ledger, tmp_path: Path) -> None:
    file = tmp_path / "huge.csv"
    file.write_text(
        f"name,id_number,org,address\n王德魁,{OTHER_HEAD_ID},baiyin-qu,{'路' * 10_000_000}\n",
        encoding="utf-8",
    )
    before = baiyin.snapshot()
    refused = baiyin.fails("import", "households", str(file), code=3)
    assert "huge.csv: row 2: a cell holds more than 1,048,576 characters" in refused.stderr
    assert baiyin.snapshot() == before


def test_extra_columns_are_ignored_with_a_warning(baiyin: Ledger, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "x.csv", [candidate(备注="老党员", shoe_size="42")])
    result = baiyin.ok("import", "households", str(file))
    assert "x.csv: ignoring columns kunnan does not know: 备注, shoe_size" in result.stderr
    assert len(households(baiyin)) == 1


def test_formulas_never_run_and_formula_like_text_is_kept_as_text(
    baiyin: Ledger, tmp_path: Path
) -> None:
    header = ["姓名", "身份证号", "所属工会", "住址"]
    book = write_xlsx(
        tmp_path / "f.xlsx",
        [header, ["王德魁", OTHER_HEAD_ID, "baiyin-qu", '=HYPERLINK("http://x")']],
    )
    result = baiyin.run("import", "households", str(book))
    assert result.exit_code == 3
    assert (
        'f.xlsx: row 2: 住址: holds a formula (=HYPERLINK("http://x")); kunnan reads values only'
        in result.stderr
    )
    text = write_csv(tmp_path / "t.csv", [candidate(address="=1+2 号楼")])
    baiyin.ok("import", "households", str(text))
    assert show(baiyin, OTHER_HEAD_ID)["address"] == "=1+2 号楼"


def test_an_excel_sheet_with_a_title_row_and_merged_household_cells(
    baiyin: Ledger, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    header = ["户编号", "住址", "所属工会", "与户主关系", "姓名", "身份证号", "月收入(元)"]
    rows = [
        header,
        ["1", "白银区人民路18号", "白银区总工会", "户主", "张建国", HEAD_ID, 1200.5],
        [None, None, None, "配偶", "李秀英", SPOUSE_ID, 800],
        [None, None, None, "子女", "张小梅", CHILD_ID, 0],
        ["2", "白银区工农路3号", "白银区总工会", "户主", "王德魁", OTHER_HEAD_ID, None],
    ]
    file = write_xlsx(tmp_path / "花名册.xlsx", rows, title="白银区困难职工花名册", sheet="2018")
    book = load_workbook(file)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A1:G1")
    for column in "ABC":
        sheet.merge_cells(f"{column}3:{column}5")
    book.save(file)
    baiyin.ok("import", "households", str(file))
    listed = households(baiyin)
    assert [(h["head_name"], h["members"], h["monthly_income_fen"]) for h in listed] == [
        ("张建国", 3, 200050),
        ("王德魁", 1, 0),
    ]
    refused = baiyin.fails("import", "households", str(file), "--sheet", "2019", code=3)
    assert "花名册.xlsx: no sheet '2019'; its sheets are: 2018" in refused.stderr


def test_id_numbers_excel_stored_as_numbers_are_refused(baiyin: Ledger, tmp_path: Path) -> None:
    file = write_xlsx(
        tmp_path / "n.xlsx",
        [["姓名", "身份证号", "所属工会"], ["王德魁", float(OTHER_HEAD_ID), "baiyin-qu"]],
    )
    result = baiyin.run("import", "households", str(file))
    assert (
        "n.xlsx: row 2: 身份证号: is stored as a number, so the spreadsheet has rounded it"
        in result.stderr
    )


SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


# --- what real rosters (困难职工花名册) hold ------------------------------------------------------

#: A roster's Chinese header, with a 序号 column kunnan does not read.
ROSTER_HEADER = ["序号", "姓名", "与户主关系", "身份证号", "联系电话", "所属工会", "致困原因",
                 "登记日期", "月收入（元）"]  # fmt: skip
MOTHER_ID = make_id("620402", dt.date(1950, 2, 2), 42)
GRANDSON_ID = make_id("620402", dt.date(2012, 5, 5), 51)
BROTHER_ID = make_id("620402", dt.date(1966, 7, 7), 63)
THIRD_HEAD_ID = make_id("620403", dt.date(1971, 8, 8), 75)


def excel_day(day: dt.date) -> int:
    """Excel's serial day number of a date (its 1900 date system, from 1900-03-01 on)."""
    return (day - dt.date(1899, 12, 30)).days


def roster_rows() -> list[list[object]]:
    """Three households as a union's roster writes them: relation words, causes written
    long, landlines, and registration dates as an Excel serial, as 20181120 typed as a
    number, and as a date cell."""
    return [
        [1, "张建国", "本人", HEAD_ID, "13893001234", "白银区总工会", "因病致困",
         excel_day(dt.date(2018, 3, 1)), 1200],
        [None, "李秀英", "妻子", SPOUSE_ID, None, None, None, None, 800],
        [None, "张小梅", "次女", CHILD_ID, None, None, None, None, 0],
        [None, "王秀兰", "母亲", MOTHER_ID, None, None, None, None, 0],
        [2, "王德魁", "户主", OTHER_HEAD_ID, "(0943)8221234", "白银区总工会", "因学致困",
         20181120, 900],
        [None, "王小宝", "孙子", GRANDSON_ID, None, None, None, None, 0],
        [None, "王德胜", "弟弟", BROTHER_ID, "0943 8225678", None, None, None, 0],
        [3, "刘春花", "本人", THIRD_HEAD_ID, "8221234", "平川区总工会", "因灾",
         dt.datetime(2018, 6, 18), 600],
    ]  # fmt: skip


def write_roster(path: Path, rows: list[list[object]], *, footer: bool = True) -> Path:
    """The roster as an Excel workbook: a merged title, household cells merged down their
    members' rows, a blank row, then the footer a roster ends with, in merged cells."""
    from openpyxl import load_workbook

    file = write_xlsx(path, [ROSTER_HEADER, *rows], title="白银市困难职工花名册（2018年12月）")
    book = load_workbook(file)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A1:I1")
    for column in "AFGH":  # 序号, 所属工会, 致困原因, 登记日期 of the first household
        sheet.merge_cells(f"{column}3:{column}6")
    if footer:
        last = sheet.max_row
        sheet.cell(last + 2, 1, "合计")
        sheet.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=3)
        sheet.cell(last + 2, 9, 3500)
        sheet.cell(last + 3, 1, "填表人：王丽    审核人：李发明    日期：2018年12月24日")
        sheet.merge_cells(start_row=last + 3, start_column=1, end_row=last + 3, end_column=9)
    book.save(file)
    return file


def revealed(cli: Ledger, ref: str) -> dict[str, object]:
    shown: dict[str, object] = cli.ok(
        "household", "show", ref, "--format", "json", "--reveal", "--why", "核对导入"
    ).json()
    return shown


def test_a_real_roster_imports_with_its_words_dates_landlines_and_footer(
    baiyin: Ledger, tmp_path: Path
) -> None:
    file = write_roster(tmp_path / "困难职工花名册.xlsx", roster_rows())
    result = baiyin.ok("import", "households", str(file))
    assert (
        "困难职工花名册.xlsx: skipped 2 footer rows at the end of the table "
        "(rows 12, 13: 合计, 填表人), not data"
    ) in result.stderr
    assert "8 rows read; 3 new households (8 people); 0 rejected (0 rows)" in result.stderr
    assert result.stderr.count("footer") == 1  # one note, and no row reported bad
    first = revealed(baiyin, HEAD_ID)
    members = first["members"]
    assert isinstance(members, list)
    assert [(m["name"], m["relation"]) for m in members] == [
        ("张建国", "head"), ("李秀英", "spouse"), ("张小梅", "child"), ("王秀兰", "parent"),
    ]  # fmt: skip
    assert (first["main_cause"], first["registered_on"]) == ("illness", "2018-03-01")
    second = revealed(baiyin, OTHER_HEAD_ID)
    assert (second["main_cause"], second["registered_on"]) == ("education", "2018-11-20")
    people = second["members"]
    assert isinstance(people, list)
    assert [(m["relation"], m["phone"]) for m in people] == [
        ("head", "0943-8221234"), ("grandchild", None), ("sibling", "0943-8225678"),
    ]  # fmt: skip
    third = revealed(baiyin, THIRD_HEAD_ID)
    assert (third["main_cause"], third["registered_on"]) == ("disaster", "2018-06-18")
    third_members = third["members"]
    assert isinstance(third_members, list) and third_members[0]["phone"] == "8221234"
    # masked like a mobile wherever the register is shown or written out
    shown = show(baiyin, OTHER_HEAD_ID)["members"]
    assert isinstance(shown, list) and shown[0]["phone"] == "0943-****234"
    table = baiyin.ok("household", "show", OTHER_HEAD_ID).stdout
    assert "0943-****234" in table and "8221234" not in table
    baiyin.ok("export", "households", "-o", str(tmp_path / "out.csv"))
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "0943-****234" in exported and "****234" in exported
    assert "8221234" not in exported and "8225678" not in exported
    # the same file again: all matched, the footer skipped again
    again = baiyin.ok("import", "households", str(file))
    assert "0 new households (0 people); 3 already registered (8 rows)" in again.stderr


def test_the_same_words_and_phones_are_taken_on_the_command_line(baiyin: Ledger) -> None:
    code = baiyin.ok(
        "household", "add", "--name", "王德魁", "--id-number", OTHER_HEAD_ID, "--org",
        "baiyin-qu", "--phone", "(0943)8221234", "--cause", "因病致困", "--on", "2018-12-24",
    ).stdout.strip()  # fmt: skip
    baiyin.ok("household", "member", "add", code, "--name", "李秀英", "--id-number", SPOUSE_ID,
              "--relation", "妻子", "--phone", "0943 8225678")  # fmt: skip
    household = revealed(baiyin, code)
    members = household["members"]
    assert isinstance(members, list)
    assert household["main_cause"] == "illness"
    assert [(m["relation"], m["phone"]) for m in members] == [
        ("head", "0943-8221234"), ("spouse", "0943-8225678"),
    ]  # fmt: skip
    found = baiyin.ok("household", "find", "0943-8221234", "-f", "json").rows()
    assert [row["code"] for row in found] == [code]
    refused = baiyin.fails("household", "member", "edit", code, "李秀英", "--phone", "0943-822",
                           code=3)  # fmt: skip
    assert "or a landline number" in refused.stderr


def test_a_footer_word_amid_the_data_is_a_row_and_is_reported(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = [
        {"姓名": "张建国", "与户主关系": "本人", "身份证号": HEAD_ID, "所属工会": "baiyin-qu"},
        {"姓名": "小计", "与户主关系": "", "身份证号": "", "所属工会": ""},
        {"姓名": "王德魁", "与户主关系": "户主", "身份证号": OTHER_HEAD_ID, "所属工会": "baiyin-qu"},
        {"姓名": "合计", "与户主关系": "", "身份证号": "", "所属工会": ""},
    ]  # fmt: skip
    file = write_csv(tmp_path / "middle.csv", rows)
    before = baiyin.snapshot()
    result = baiyin.run("import", "households", str(file))
    assert result.exit_code == 3
    assert "middle.csv: row 3: " in result.stderr  # the 小计 row, read as a household
    assert "skipped 1 footer row at the end of the table (row 5: 合计), not data" in result.stderr
    assert "row 5:" not in result.stderr.replace("(row 5:", "")
    assert baiyin.snapshot() == before


def test_a_footer_like_row_with_an_id_number_is_a_person(baiyin: Ledger, tmp_path: Path) -> None:
    rows = [
        {"姓名": "张建国", "与户主关系": "本人", "身份证号": HEAD_ID, "所属工会": "baiyin-qu"},
        {"姓名": "合计", "与户主关系": "户主", "身份证号": OTHER_HEAD_ID, "所属工会": "baiyin-qu"},
    ]  # fmt: skip
    result = baiyin.ok("import", "households", str(write_csv(tmp_path / "p.csv", rows)))
    assert "footer" not in result.stderr
    assert "2 rows read; 2 new households (2 people)" in result.stderr


@pytest.mark.parametrize(
    ("cell", "english", "chinese"),
    [
        ("邻居", "row 4: 与户主关系: unknown relation '邻居': choose one of head (户主)",
         "第4行：与户主关系：无法识别的与户主关系「邻居」"),
    ],
)  # fmt: skip
def test_an_unknown_relation_word_names_its_row_and_cell_in_either_language(
    baiyin: Ledger, tmp_path: Path, cell: str, english: str, chinese: str
) -> None:
    rows = roster_rows()[:3]
    rows[1][2] = cell
    file = write_roster(tmp_path / "r.xlsx", rows)
    before = baiyin.snapshot()
    refused = baiyin.run("import", "households", str(file))
    assert refused.exit_code == 3 and english in refused.stderr
    assert refused.stderr.strip().splitlines()[-1].startswith("error: r.xlsx: 1 problem")
    zh = baiyin.run("--lang", "zh", "import", "households", str(file))
    assert zh.exit_code == 3 and chinese in zh.stderr and "「邻居」" in zh.stderr
    assert zh.stderr.strip().splitlines()[-1].startswith("错误：")
    assert baiyin.snapshot() == before


@pytest.mark.parametrize(
    ("date", "english", "chinese"),
    [
        ("2018-02-30", "登记日期: '2018-02-30' is not a date: 2018-02 has 28 days",
         "登记日期：「2018-02-30」不是有效日期：2018年02月只有28天"),
        ("2018.13.01", "登记日期: '2018.13.01' is not a date: there is no month 13",
         "登记日期：「2018.13.01」不是有效日期：没有13月"),
        (0, "登记日期: holds the number 0, which is not a date",
         "登记日期：填的是数字 0，不是日期"),
        (60, "登记日期: holds Excel's day number 60, the 1900-02-29 that never was",
         "登记日期：填的是 Excel 日期序号60"),
        (20180230, "登记日期: '20180230' is not a date: 2018-02 has 28 days",
         "登记日期：「20180230」不是有效日期"),
    ],
)  # fmt: skip
def test_an_impossible_date_is_refused_naming_its_cell_in_either_language(
    baiyin: Ledger, tmp_path: Path, date: object, english: str, chinese: str
) -> None:
    rows = roster_rows()[7:]
    rows[0][7] = date
    file = write_roster(tmp_path / "d.xlsx", rows, footer=False)
    refused = baiyin.run("import", "households", str(file))
    assert refused.exit_code == 3 and f"d.xlsx: row 3: {english}" in refused.stderr
    zh = baiyin.run("--lang", "zh", "import", "households", str(file))
    assert zh.exit_code == 3 and f"d.xlsx：第3行：{chinese}" in zh.stderr


def test_a_bad_phone_is_refused_naming_its_cell_in_either_language(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = roster_rows()[7:]
    rows[0][4] = "0943-82212"
    file = write_roster(tmp_path / "p.xlsx", rows, footer=False)
    refused = baiyin.run("import", "households", str(file))
    assert (
        "p.xlsx: row 3: 联系电话: '0943-82212' is not a mobile number (11 digits starting 13-19) "
        "or a landline number (an area code such as 0943, then a number of 7 or 8 digits)"
    ) in refused.stderr
    zh = baiyin.run("--lang", "zh", "import", "households", str(file))
    assert "p.xlsx：第3行：联系电话：「0943-82212」不是手机号" in zh.stderr
    assert "也不是固定电话" in zh.stderr


def test_skip_invalid_with_every_row_rejected_fails_after_writing_the_rejects(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = roster_rows()
    rows[1][2] = "邻居"  # the first household: a member's relation no roster means
    rows[4][4] = "12345"  # the second: its head's phone
    rows[7][7] = "2018-02-30"  # the third: its date
    file = write_roster(tmp_path / "all-bad.xlsx", rows)
    before = baiyin.snapshot()
    rejects = tmp_path / "rejects.xlsx"
    result = baiyin.run(
        "import", "households", str(file), "--skip-invalid", "--rejects", str(rejects)
    )
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        f"error: all-bad.xlsx: every row was rejected (8 rows), so nothing was imported; "
        f"the rejected rows are in {rejects} (fix them there and import that file)"
    )
    assert "skipped 2 footer rows" in result.stderr and "Traceback" not in result.stderr
    assert baiyin.snapshot() == before
    written = read_xlsx(rejects)
    assert [row[1] for row in written[1:]] == [row[1] for row in rows]
    assert "邻居" in str(written[2][-1])
    # in Chinese, and as a dry run (which writes no reject file)
    rejects.unlink()
    zh = baiyin.run("--lang", "zh", "import", "households", str(file), "--skip-invalid",
                    "--rejects", str(rejects))  # fmt: skip
    assert zh.exit_code == 3 and zh.stderr.strip().splitlines()[-1] == (
        f"错误：all-bad.xlsx：所有行均被拒收（8 行），未导入任何内容；拒收的行已写入 {rejects}"
        "（请在该文件中改正后导入该文件）"
    )
    assert rejects.exists()
    dry = baiyin.run("import", "households", str(file), "--skip-invalid", "--dry-run")
    assert dry.exit_code == 3 and dry.stderr.strip().splitlines()[-1] == (
        "error: all-bad.xlsx: every row would be rejected (8 rows); nothing would be imported "
        "(dry run)"
    )
    assert baiyin.snapshot() == before


def test_skip_invalid_with_one_good_household_imports_it_and_succeeds(
    baiyin: Ledger, tmp_path: Path
) -> None:
    rows = roster_rows()
    rows[4][4] = "12345"
    file = write_roster(tmp_path / "some-bad.xlsx", rows)
    result = baiyin.ok("import", "households", str(file), "--skip-invalid")
    assert "8 rows read; 2 new households (5 people); 1 rejected (3 rows)" in result.stderr
    assert (tmp_path / "some-bad.rejects.xlsx").exists()
