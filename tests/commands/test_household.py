"""Registering households and members through the real command line."""

from __future__ import annotations

import datetime as dt
import json

from tests.support import Ledger, make_id

HEAD_ID = make_id("620402", dt.date(1978, 3, 15), 11)
DAUGHTER_ID = make_id("620402", dt.date(2003, 9, 1), 2)


def add_household(cli: Ledger, *extra: str, id_number: str = HEAD_ID, name: str = "张建国") -> str:
    result = cli.ok(
        "household", "add", "--name", name, "--id-number", id_number, "--org", "baiyin-qu", *extra
    )
    return result.stdout.strip()


def test_registering_a_household_prints_its_code_and_shows_it_as_a_candidate(
    baiyin: Ledger,
) -> None:
    code = add_household(
        baiyin, "--phone", "+86 138-9300-1234", "--identity", "下岗", "--income", "1,200.50",
        "--cause", "illness", "--secondary", "education", "--address", "白银区人民路18号",
        "--housing", "owned", "--housing-area", "45.5", "--on", "2018-03-01",
    )  # fmt: skip
    assert code == "H000001"
    shown = baiyin.ok("household", "show", code, "--format", "json").json()
    assert shown["status"] == "candidate"
    assert shown["area_code"] == "620402"  # from the union
    assert shown["address"] == "白银区人民路18号"
    assert shown["registered_on"] == "2018-03-01"
    assert shown["main_cause"] == "illness"
    assert shown["secondary_causes"] == ["education"]
    assert shown["housing_area_m2"] == "45.50"
    head = shown["members"][0]
    assert head == {
        "name": "张建国",
        "relation": "head",
        "id_number": "620402" + "*" * 10 + HEAD_ID[-2:],
        "sex": "male",
        "birth_date": "1978",
        "phone": "138****1234",
        "employer": None,
        "identity": "laid_off",
        "health": "healthy",
        "schooling": "none",
        "monthly_income_fen": 120050,
        "admitted_level": None,
        "admitted_year": None,
        "joined_on": None,
        "joined_reason": None,
        "left_on": None,
        "left_reason": None,
    }


def test_households_are_found_by_code_archive_number_or_head_id(baiyin: Ledger) -> None:
    add_household(baiyin)
    for ref in ("H000001", "h1", HEAD_ID, HEAD_ID.lower()):
        assert baiyin.ok("household", "show", ref, "-f", "json").json()["code"] == "H000001"
    baiyin.fails("household", "show", "H000009", code=4)
    baiyin.fails("household", "show", "no-such-thing", code=4)


def test_members_are_added_edited_and_removed(baiyin: Ledger) -> None:
    code = add_household(baiyin, "--income", "1000")
    baiyin.ok(
        "household", "member", "add", code, "--name", "张小梅", "--id-number", DAUGHTER_ID,
        "--relation", "子女", "--schooling", "undergraduate",
    )  # fmt: skip
    baiyin.ok("household", "member", "edit", code, "head", "--income", "3000")
    baiyin.ok("household", "member", "edit", code, "张小梅", "--health", "chronic")
    shown = baiyin.ok("household", "show", code, "-f", "json").json()
    assert [(m["name"], m["relation"]) for m in shown["members"]] == [
        ("张建国", "head"),
        ("张小梅", "child"),
    ]
    assert shown["members"][1]["sex"] == "female"
    assert shown["members"][1]["health"] == "chronic"
    assert shown["monthly_income_fen"] == 300000
    baiyin.ok("household", "member", "remove", code, DAUGHTER_ID)
    assert len(baiyin.ok("household", "show", code, "-f", "json").json()["members"]) == 1


def test_the_head_cannot_be_removed_or_duplicated(baiyin: Ledger) -> None:
    code = add_household(baiyin)
    before = baiyin.snapshot()
    baiyin.fails("household", "member", "remove", code, "head", code=6)
    baiyin.fails(
        "household", "member", "add", code, "--name", "李四", "--id-number", DAUGHTER_ID,
        "--relation", "head", code=6,
    )  # fmt: skip
    baiyin.fails("household", "member", "edit", code, "head", "--relation", "spouse", code=6)
    assert baiyin.snapshot() == before


def test_list_filters_by_status_org_subtree_and_area(baiyin: Ledger) -> None:
    add_household(baiyin)
    baiyin.ok(
        "household", "add", "--name", "李明", "--id-number", make_id("620403", dt.date(1980, 1, 1), 21),
        "--org", "pingchuan",
    )  # fmt: skip
    baiyin.ok(
        "household", "add", "--name", "王芳", "--id-number", make_id("620402", dt.date(1985, 5, 5), 22),
        "--org", "phosphate",
    )  # fmt: skip

    def codes(*args: str) -> list[str]:
        return [row["code"] for row in baiyin.ok("household", "list", "-f", "json", *args).rows()]

    assert codes() == ["H000001", "H000002", "H000003"]
    assert codes("--org", "baiyin-qu") == ["H000001", "H000003"]  # grassroots under it
    assert codes("--org", "白银市总工会") == ["H000001", "H000002", "H000003"]
    assert codes("--area", "620403") == ["H000002"]
    assert codes("--status", "候选") == ["H000001", "H000002", "H000003"]
    assert codes("--status", "archived") == []
    table = baiyin.ok("household", "list", "--limit", "2")
    assert "showing 2 of 3" in table.stderr


def test_find_matches_names_addresses_and_whole_numbers_only(baiyin: Ledger) -> None:
    add_household(baiyin, "--phone", "13893001234", "--address", "白银区人民路18号")

    def found(text: str) -> list[str]:
        return [row["code"] for row in baiyin.ok("household", "find", text, "-f", "json").rows()]

    assert found("建国") == ["H000001"]
    assert found(HEAD_ID) == ["H000001"]
    assert found("13893001234") == ["H000001"]
    assert found("人民路") == ["H000001"]
    # the end of a number would tell a searcher the digits its mask hides
    assert found(HEAD_ID[-6:]) == []
    assert found("1234") == []
    assert found("李") == []


def test_edit_changes_household_fields_and_audits_each(baiyin: Ledger) -> None:
    code = add_household(baiyin)
    result = baiyin.ok(
        "household", "edit", code, "--address", "平川区长征街9号", "--org", "pingchuan"
    )
    assert "address" in result.stderr and "org" in result.stderr
    shown = baiyin.ok("household", "show", code, "-f", "json").json()
    assert shown["org"] == "平川区总工会"
    entries = baiyin.ok("audit", "list", "--household", code, "-f", "json").rows()
    assert entries[0]["command"] == "kunnan household edit"
    assert entries[0]["changes"]["address"] == ["", "平川区长征街9号"]
    assert entries[0]["changes"]["org"] == ["baiyin-qu", "pingchuan"]
    baiyin.fails("household", "edit", code, code=3)  # nothing to change


def test_chinese_text_round_trips_through_every_format(baiyin: Ledger) -> None:
    name = "阿依古丽·买买提"
    address = "白银区「工农路」３号 — 东单元"
    code = add_household(baiyin, "--address", address, name=name)
    as_json = baiyin.ok("household", "show", code, "-f", "json").json()
    assert as_json["members"][0]["name"] == name
    assert as_json["address"] == address.replace("３", "３")
    as_csv = baiyin.ok("household", "list", "-f", "csv").stdout
    assert name in as_csv
    as_table = baiyin.ok("household", "show", code).stdout
    assert name in as_table


def test_chinese_labels_and_headers_with_lang_zh(baiyin: Ledger) -> None:
    code = add_household(baiyin, "--cause", "illness", "--identity", "laid_off")
    table = baiyin.ok("--lang", "zh", "household", "show", code).stdout
    for label in ("候选", "因病", "下岗", "户主", "身份证号", "所属工会"):
        assert label in table
    env_table = baiyin.ok("household", "list", env={"KUNNAN_LANG": "zh"}).stdout
    assert "户主" in env_table and "候选" in env_table
    # machine formats keep the stable English slugs
    assert (
        baiyin.ok("--lang", "zh", "household", "list", "-f", "json").rows()[0]["status"]
        == "candidate"
    )


def test_personal_numbers_are_masked_by_default_and_reveal_is_audited(baiyin: Ledger) -> None:
    code = add_household(baiyin, "--phone", "13893001234")
    for fmt in ("table", "json", "csv"):
        for command in (
            ("household", "list"),
            ("household", "show", code),
            ("household", "find", "张"),
        ):
            out = baiyin.ok(*command, "-f", fmt).stdout
            assert HEAD_ID not in out and "13893001234" not in out, (command, fmt)
    audit = json.dumps(baiyin.ok("audit", "list", "-f", "json").rows(), ensure_ascii=False)
    assert HEAD_ID not in audit and "13893001234" not in audit
    revealed = baiyin.ok(
        "household", "show", code, "-f", "json", "--reveal", "--why", "核对身份"
    ).json()
    assert revealed["members"][0]["id_number"] == HEAD_ID
    assert revealed["members"][0]["phone"] == "13893001234"
    entry = baiyin.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert entry["action"] == "reveal"
    assert entry["changes"] == {"households": [code], "why": "核对身份"}


def test_csv_cells_that_look_like_formulas_are_escaped(baiyin: Ledger) -> None:
    add_household(baiyin, "--address", '=HYPERLINK("http://x")')
    rows = baiyin.ok("household", "show", "H000001", "-f", "csv").stdout.splitlines()
    assert "'=HYPERLINK" in rows[1]


def test_every_change_records_its_operator(baiyin: Ledger) -> None:
    baiyin.ok("--operator", "李发明", "household", "add", "--name", "王志民", "--id-number", HEAD_ID,
              "--org", "baiyin-qu")  # fmt: skip
    baiyin.ok(
        "household", "edit", "H000001", "--address", "工农路", env={"KUNNAN_OPERATOR": "张清满"}
    )
    entries = baiyin.ok("audit", "list", "-f", "json", "--household", "H000001").rows()
    assert [e["operator"] for e in entries] == ["张清满", "李发明"]
    assert (
        baiyin.ok("audit", "list", "-f", "json", "--operator", "李发明").rows()[0]["entity"]
        == "household"
    )


def test_giving_a_floor_area_it_already_has_changes_nothing(baiyin: Ledger) -> None:
    code = add_household(baiyin, "--housing-area", "45.50")
    result = baiyin.ok("household", "edit", code, "--housing-area", "45.5")
    assert result.stderr.strip() == f"{code}: nothing changed"
    edits = baiyin.ok("audit", "list", "--command", "edit", "-f", "json").rows()
    assert edits == []


def test_lang_may_be_given_before_or_after_the_command(baiyin: Ledger) -> None:
    code = add_household(baiyin, "--on", "2018-03-01")
    before = baiyin.ok("--lang", "zh", "household", "show", code).stdout
    after = baiyin.ok("household", "show", code, "--lang", "zh").stdout
    joined = baiyin.ok("household", "show", code, "--lang=zh").stdout
    english = baiyin.ok("household", "show", code).stdout
    assert before == after == joined
    assert "候选" in after and "候选" not in english
    # after --, --lang is an argument like any other: no household has that code
    assert "--lang" in baiyin.fails("household", "show", "--", "--lang", code=4).stderr
