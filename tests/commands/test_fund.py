"""Funds through the command line: adding, contributing, asserting balances, listing, showing."""

from __future__ import annotations

import pytest

from tests.aid_support import archive_for_test
from tests.support import Ledger, make_id


def test_a_fund_is_added_filled_and_shown(baiyin: Ledger) -> None:
    added = baiyin.ok("fund", "add", "--name", "2018年金秋助学专项", "--source", "工会",
                      "--year", "2018", "--budget", "200,000")  # fmt: skip
    assert added.stdout.strip() == "F001"
    first = baiyin.ok("fund", "contribute", "F001", "150000", "--from", "白银市总工会",
                      "--on", "2018-08-01", "--ref", "白工发[2018]12号")  # fmt: skip
    second = baiyin.ok("fund", "contribute", "2018年金秋助学专项", "20000.50",
                       "--from", "爱心企业", "--on", "2018-08-15")  # fmt: skip
    assert (first.stdout.strip(), second.stdout.strip()) == ("1", "2")
    shown = baiyin.ok("fund", "show", "f1", "-f", "json").json()
    assert {k: shown[k] for k in ("code", "name", "source", "year", "budget_fen")} == {
        "code": "F001", "name": "2018年金秋助学专项", "source": "union", "year": 2018,
        "budget_fen": 20000000,
    }  # fmt: skip
    assert (shown["contributed_fen"], shown["granted_fen"], shown["balance_fen"]) == (
        17000050,
        0,
        17000050,
    )
    assert [
        (e["seq"], e["kind"], e["amount_fen"], e["counterparty"]) for e in shown["entries"]
    ] == [
        (1, "contribution", 15000000, "白银市总工会"),
        (2, "contribution", 2000050, "爱心企业"),
    ]
    assert shown["entries"][0]["ref"] == "白工发[2018]12号"
    zh = baiyin.ok("--lang", "zh", "fund", "show", "F001").stdout
    assert "资金拨入" in zh and "170,000.50" in zh and "工会" in zh
    audit = baiyin.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert (audit["entity"], audit["entity_ref"], audit["changes"]["amount_fen"]) == (
        "aid_entry",
        "2",
        2000050,
    )


def test_fund_list_totals_equal_the_sum_of_its_rows(baiyin: Ledger) -> None:
    baiyin.ok("fund", "add", "--name", "工会帮扶金", "--source", "union", "--year", "2018")
    baiyin.ok("fund", "add", "--name", "财政专项", "--source", "government", "--year", "2018")
    baiyin.ok("fund", "add", "--name", "2019互助金", "--source", "mutual_aid", "--year", "2019")
    baiyin.ok("fund", "contribute", "F001", "1000.10", "--from", "市总", "--on", "2018-01-01")
    baiyin.ok("fund", "contribute", "F002", "2000.20", "--from", "市财政局", "--on", "2018-01-01")
    baiyin.ok("fund", "contribute", "F003", "3000.30", "--from", "互助会", "--on", "2019-01-01")
    rows = baiyin.ok("fund", "list", "-f", "json").rows()
    assert [r["code"] for r in rows] == ["F001", "F002", "F003"]
    assert sum(r["balance_fen"] for r in rows) == 600060
    assert [
        r["code"] for r in baiyin.ok("fund", "list", "--year", "2018", "-f", "json").rows()
    ] == [
        "F001",
        "F002",
    ]
    assert [
        r["code"] for r in baiyin.ok("fund", "list", "--source", "财政", "-f", "json").rows()
    ] == ["F002"]
    table = baiyin.ok("fund", "list").stdout
    assert "Total" in table and "6,000.60" in table


def test_a_balance_assertion_is_recorded_when_it_holds_and_closes_the_days_before(
    baiyin: Ledger,
) -> None:
    baiyin.ok("fund", "add", "--name", "工会帮扶金", "--source", "union", "--year", "2018")
    baiyin.ok("fund", "contribute", "F001", "5000", "--from", "市总", "--on", "2018-01-01")
    baiyin.ok("fund", "contribute", "F001", "3000", "--from", "市总", "--on", "2018-07-01")
    before = baiyin.snapshot()
    wrong = baiyin.fails("fund", "assert", "F001", "8000", "--on", "2018-06-30", code=1)
    assert (
        "fund F001 was asserted to hold 8,000.00 yuan at the end of 2018-06-30, but its entries "
        "come to 5,000.00 yuan (difference -3,000.00)"
    ) in wrong.stderr
    assert baiyin.snapshot() == before
    baiyin.ok("fund", "assert", "F001", "5000", "--on", "2018-06-30")
    shown = baiyin.ok("fund", "show", "F001", "-f", "json").json()
    assert shown["assertions"][0]["on_date"] == "2018-06-30"
    assert shown["assertions"][0]["balance_fen"] == 500000
    before = baiyin.snapshot()
    late = baiyin.fails(
        "fund", "contribute", "F001", "1", "--from", "市总", "--on", "2018-06-30", code=6
    )
    assert "balance was asserted at the end of 2018-06-30" in late.stderr
    assert baiyin.snapshot() == before
    baiyin.ok("fund", "contribute", "F001", "1", "--from", "市总", "--on", "2018-07-02")
    assert "1 balance assertion(s) hold" in baiyin.ok("ledger", "verify").stderr


BAD = [
    pytest.param(["fund", "add", "--name", "工会帮扶金", "--source", "union", "--year", "2018"], 5, "a fund named '工会帮扶金' already exists", id="duplicate-name"),
    pytest.param(["fund", "add", "--name", "x", "--source", "lottery", "--year", "2018"], 3, "unknown fund source 'lottery'", id="unknown-source"),
    pytest.param(["fund", "add", "--name", "x", "--source", "union", "--year", "1900"], 3, "--year", id="bad-year"),
    pytest.param(["fund", "add", "--name", "x", "--source", "union", "--year", "2018", "--budget", "-1"], 3, "--budget", id="negative-budget"),
    pytest.param(["fund", "add", "--name", " ", "--source", "union", "--year", "2018"], 3, "name must not be empty", id="empty-name"),
    pytest.param(["fund", "contribute", "F009", "100", "--from", "市总"], 4, "no fund 'F009'", id="unknown-fund"),
    pytest.param(["fund", "contribute", "F001", "0", "--from", "市总"], 3, "--amount: must be more than 0", id="zero"),
    pytest.param(["fund", "contribute", "F001", "abc", "--from", "市总"], 3, "not an amount", id="not-money"),
    pytest.param(["fund", "contribute", "F001", "100", "--from", ""], 3, "--from: from must not be empty", id="no-source"),
    pytest.param(["fund", "contribute", "F001", "100", "--from", "市总", "--on", "2099-01-01"], 3, "in the future", id="future"),
    pytest.param(["fund", "assert", "F001", "-5", "--on", "2018-01-01"], 2, "No such option", id="negative-assertion"),
    pytest.param(["fund", "show", "没有的基金"], 4, "no fund '没有的基金'", id="unknown-name"),
    pytest.param(["fund", "list", "--source", "lottery"], 3, "unknown fund source", id="list-unknown-source"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), BAD)
def test_bad_fund_input_is_refused_with_one_line_and_changes_nothing(
    baiyin: Ledger, args: list[str], code: int, message: str
) -> None:
    baiyin.ok("fund", "add", "--name", "工会帮扶金", "--source", "union", "--year", "2018")
    before = baiyin.snapshot()
    assert message in baiyin.fails(*args, code=code).stderr
    assert baiyin.snapshot() == before


def test_fund_show_lists_grants_and_reversals_with_their_effect(baiyin: Ledger) -> None:
    baiyin.ok("fund", "add", "--name", "工会帮扶金", "--source", "union", "--year", "2018")
    baiyin.ok("fund", "contribute", "F001", "5000", "--from", "市总", "--on", "2018-01-01")
    baiyin.ok("household", "add", "--name", "张三", "--id-number", make_id(sequence=11),
              "--org", "baiyin-qu", "--on", "2018-01-01")  # fmt: skip
    archive_for_test(baiyin, "H000001")
    baiyin.ok(
        "aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001", "--on", "2018-02-01"
    )
    baiyin.ok("aid", "reverse", "2", "--reason", "录错", "--on", "2018-02-02")
    shown = baiyin.ok("fund", "show", "F001", "-f", "json").json()
    assert [
        (e["kind"], e["amount_fen"], e["effect_fen"], e["reverses_seq"]) for e in shown["entries"]
    ] == [
        ("contribution", 500000, 500000, None),
        ("grant", 100000, -100000, None),
        ("grant", -100000, 100000, 2),
    ]
    assert (shown["granted_fen"], shown["balance_fen"]) == (0, 500000)
    assert shown["entries"][1]["household"] == "H000001"
    csv = baiyin.ok("fund", "show", "F001", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("seq,on_date,kind") and len(csv) == 4
