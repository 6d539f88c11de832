"""The civil-affairs data comparison (数据比对): `kunnan compare civil FILE`, read-only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.files import (
    CHILD_ID,
    HEAD_ID,
    OTHER_HEAD_ID,
    SPOUSE_ID,
    archived_family,
    candidate,
    write_csv,
)
from tests.support import Ledger, make_id

STRANGER_ID = make_id("620402", dt.date(1958, 4, 4), 81)
MARGINAL_ID = make_id("620403", dt.date(1975, 5, 5), 91)
HEADER = ["身份证号", "姓名", "低保状态", "月保障金额(元)", "日期"]


def masked(number: str) -> str:
    return number[:6] + "*" * 10 + number[-2:]


@pytest.fixture
def register(baiyin: Ledger, tmp_path: Path) -> Ledger:
    """An archived dibao family, an archived marginal household and a candidate."""
    marginal = candidate(
        "孙建军", MARGINAL_ID, household="3", org="pingchuan", status="archived",
        archive_no="PC-1", category="marginal", main_cause="education",
    )  # fmt: skip
    rows = [*archived_family(), candidate(), marginal]
    baiyin.ok("import", "households", str(write_csv(tmp_path / "in.csv", rows)))
    return baiyin


def civil_list(tmp_path: Path, *rows: list[str], name: str = "民政.csv") -> Path:
    return write_csv(
        tmp_path / name, [dict(zip(HEADER, row, strict=False)) for row in rows], header=HEADER
    )


def test_a_list_that_agrees_with_the_register_exits_zero(register: Ledger, tmp_path: Path) -> None:
    file = civil_list(tmp_path, [HEAD_ID, "张建国", "在保", "520", "2017-04-01"])
    before = register.snapshot()
    result = register.ok("compare", "civil", str(file), "--format", "json")
    assert result.rows() == []
    assert "compared 1 rows with the register: no differences" in result.stderr
    assert register.snapshot() == before


def test_every_kind_of_difference_is_reported_and_the_exit_is_one(
    register: Ledger, tmp_path: Path
) -> None:
    file = civil_list(
        tmp_path,
        [
            SPOUSE_ID,
            "李秀瑛",
            "在保",
            "520",
            "2017-04-01",
        ],  # the family is covered; the name differs
        [MARGINAL_ID, "孙建军", "正常", "310", "2018-01-01"],  # registered marginal
        [CHILD_ID, "张小梅", "死亡", "", ""],  # deceased member
        [STRANGER_ID, "郭振华", "", "520", ""],  # blank status: on the list, not registered
        ["62040219800230123X", "错误行", "在保", "", ""],  # no such birth date
        [OTHER_HEAD_ID, "王德魁", "停保", "", ""],  # a candidate, stopped: nothing to say
    )
    before = register.snapshot()
    result = register.run("compare", "civil", str(file), "--format", "json")
    assert result.exit_code == 1
    findings = [(f["kind"], f["row"], f["household"], f["id_number"]) for f in result.rows()]
    assert findings == [
        ("name_mismatch", 2, "H000001", masked(SPOUSE_ID)),
        ("on_list_marginal", 3, "H000003", masked(MARGINAL_ID)),
        ("deceased_member", 4, "H000001", masked(CHILD_ID)),
        ("on_list_unregistered", 5, None, masked(STRANGER_ID)),
        ("unreadable_row", 6, None, None),
    ]
    assert result.rows()[0]["detail"] == "the list says 李秀瑛, the register says 李秀英"
    assert "compared 6 rows with the register: 5 differences" in result.stderr
    assert register.snapshot() == before


def test_dibao_households_missing_from_the_list_are_reported(
    register: Ledger, tmp_path: Path
) -> None:
    stopped = civil_list(tmp_path, [HEAD_ID, "张建国", "停保", "", ""], name="stopped.csv")
    result = register.run("compare", "civil", str(stopped), "--format", "csv")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "kind,row,household,id_number,list_name,register_name,detail"
    assert lines[1] == (
        f"dibao_not_on_list,,H000001,{masked(HEAD_ID)},,张建国,"
        "registered as dibao; the list shows it stopped (停保) (archive BY2017-001)"
    )
    elsewhere = civil_list(tmp_path, [STRANGER_ID, "郭振华", "在保", "", ""], name="other.csv")
    table = register.run("--lang", "zh", "compare", "civil", str(elsewhere))
    assert "低保户不在民政名单" in table.stdout and "民政在保但未登记" in table.stdout


def test_reveal_shows_full_numbers_and_is_audited(register: Ledger, tmp_path: Path) -> None:
    file = civil_list(tmp_path, [STRANGER_ID, "郭振华", "在保", "", ""])
    result = register.run("compare", "civil", str(file), "-f", "json", "--reveal", "--why", "核查")
    assert result.rows()[0]["id_number"] == STRANGER_ID
    entry = register.ok("audit", "list", "--limit", "1", "-f", "json").rows()[0]
    assert (entry["action"], entry["changes"]["why"]) == ("reveal", "核查")


def test_a_list_kunnan_cannot_read_is_refused(register: Ledger, tmp_path: Path) -> None:
    no_id = tmp_path / "no-id.csv"
    no_id.write_text("姓名,低保状态\n张建国,在保\n", encoding="utf-8")
    assert (
        "no-id.csv: the header row (row 1) has no 身份证号 (id_number) column"
        in register.fails("compare", "civil", str(no_id), code=3).stderr
    )
    header_only = tmp_path / "empty.csv"
    header_only.write_text("身份证号,姓名\n", encoding="gb18030")
    assert (
        "no rows under the header"
        in register.fails("compare", "civil", str(header_only), code=3).stderr
    )


def test_the_sample_civil_list_differs_from_the_sample_register_in_each_way(tmp_path: Path) -> None:
    from tests.support import invoke

    samples = Path(__file__).resolve().parents[2] / "sample_data"
    db = str(tmp_path / "unions.sqlite")
    assert invoke(["--db", db, "init"]).exit_code == 0
    unions = [
        ("baiyin", "白银市总工会", "city", None, "620400"),
        ("baiyin-qu", "白银区总工会", "county", "baiyin", "620402"),
        ("pingchuan", "平川区总工会", "county", "baiyin", "620403"),
        ("huining", "会宁县总工会", "county", "baiyin", "620422"),
        ("aluminium", "华鹭铝业工会", "grassroots", "baiyin-qu", None),
        ("knitting", "白银针织厂工会", "grassroots", "baiyin-qu", None),
        ("coal", "靖远煤业工会", "grassroots", "pingchuan", None),
    ]
    for code, name, kind, parent, area in unions:
        where = (["--parent", parent] if parent else []) + (["--area", area] if area else [])
        added = invoke(
            ["--db", db, "org", "add", "--code", code, "--name", name, "--kind", kind, *where]
        )
        assert added.exit_code == 0, added.stderr
    assert (
        invoke(["--db", db, "import", "households", str(samples / "households.xlsx")]).exit_code
        == 0
    )
    result = invoke(["--db", db, "compare", "civil", str(samples / "civil.csv"), "-f", "json"])
    assert result.exit_code == 1
    assert [f["kind"] for f in result.rows()] == [
        "name_mismatch",
        "on_list_marginal",
        "deceased_member",
        "on_list_unregistered",
        "unreadable_row",
        "dibao_not_on_list",
    ]
