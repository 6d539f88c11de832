"""Funds belong to a union: an operator sees, and moves money through, only the funds of their
union and the unions under it."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.support import Ledger

ADMIN = ("--operator", "王丽")
#: Finance at the city union (白银市总工会) and at a county union under it (白银区总工会).
CITY = ("--operator", "钱出纳")
COUNTY = ("--operator", "赵会计")


def _funds_of_every_level(aid: Ledger) -> Ledger:
    """F001 (the root union's, as funds were before they had unions) holding 100,000 yuan;
    F002 the city's, F003 the county's, F004 a grassroots union's under the county, F005
    another county's (平川区总工会); the city lends L001 from F001 and grants entry 5 from it."""
    aid.ok("operator", "add", "王丽", "--role", "admin")
    aid.ok(*ADMIN, "operator", "add", "钱出纳", "--role", "finance", "--org", "baiyin")
    aid.ok(*ADMIN, "operator", "add", "赵会计", "--role", "finance", "--org", "baiyin-qu")
    aid.ok(*CITY, "fund", "add", "--name", "市级帮扶资金", "--source", "union", "--year", "2018")
    aid.ok(*COUNTY, "fund", "add", "--name", "白银区帮扶资金", "--source", "union", "--year",
           "2018")  # fmt: skip
    aid.ok(*CITY, "fund", "add", "--name", "磷肥厂互助金", "--source", "mutual_aid", "--year",
           "2018", "--org", "phosphate")  # fmt: skip
    aid.ok(*CITY, "fund", "add", "--name", "平川区帮扶资金", "--source", "union", "--year",
           "2018", "--org", "pingchuan")  # fmt: skip
    for code, amount in (("F002", "30000"), ("F003", "20000"), ("F004", "5000"), ("F005", "7000")):
        aid.ok(*CITY, "fund", "contribute", code, amount, "--from", "市财政局", "--on",
               "2018-02-01")  # fmt: skip
    aid.ok(*CITY, "aid", "loan", "H000001", "--amount", "10000", "--fund", "F001",
           "--term-months", "12", "--rate", "0", "--purpose", "早餐店", "--on", "2018-03-01")  # fmt: skip
    granted = aid.ok(*CITY, "aid", "grant", "H000001", "--program", "send-warmth", "--fund",
                     "F001", "--on", "2018-03-02")  # fmt: skip
    assert granted.stdout.strip() == "7"
    return aid


def test_an_operator_lists_and_sees_only_the_funds_of_their_union_and_below(aid: Ledger) -> None:
    staffed = _funds_of_every_level(aid)
    county = staffed.ok(*COUNTY, "fund", "list", "-f", "json").rows()
    assert [(r["code"], r["org"]) for r in county] == [
        ("F003", "白银区总工会"),
        ("F004", "白银磷肥厂工会"),
    ]
    city = staffed.ok(*CITY, "fund", "list", "-f", "json").rows()
    assert [(r["code"], r["org"]) for r in city] == [
        ("F001", "白银市总工会"),
        ("F002", "白银市总工会"),
        ("F003", "白银区总工会"),
        ("F004", "白银磷肥厂工会"),
        ("F005", "平川区总工会"),
    ]
    assert (
        staffed.ok(*CITY, "fund", "list", "--org", "pingchuan", "-f", "json").rows()[0]["code"]
        == "F005"
    )
    shown = staffed.ok(*COUNTY, "fund", "show", "F004", "-f", "json").json()
    assert (shown["org"], shown["balance_fen"]) == ("白银磷肥厂工会", 500000)
    assert "白银区总工会" in staffed.ok(*COUNTY, "fund", "show", "F003").stdout
    for fund in ("F001", "F002", "F005"):
        refused = staffed.fails(*COUNTY, "fund", "show", fund, code=9)
        assert f"fund {fund} (" in refused.stderr
        assert "outside 赵会计's union (白银区总工会) and those under it" in refused.stderr
    elsewhere = staffed.fails(*COUNTY, "fund", "list", "--org", "pingchuan", code=9)
    assert "平川区总工会 is outside 赵会计's union" in elsewhere.stderr


def test_a_fund_is_added_to_the_operators_union_or_one_under_it(aid: Ledger) -> None:
    staffed = _funds_of_every_level(aid)
    before = staffed.snapshot()
    refused = staffed.fails(*COUNTY, "fund", "add", "--name", "越权资金", "--source", "union",
                            "--year", "2018", "--org", "pingchuan", code=9)  # fmt: skip
    assert "平川区总工会 is outside 赵会计's union (白银区总工会)" in refused.stderr
    assert staffed.snapshot() == before
    staffed.ok(*COUNTY, "fund", "add", "--name", "磷肥厂帮扶资金", "--source", "union", "--year",
               "2018", "--org", "phosphate")  # fmt: skip
    assert staffed.ok(*COUNTY, "fund", "show", "F006", "-f", "json").json()["org"] == (
        "白银磷肥厂工会"
    )


def _aid_file(tmp_path: Path, fund: str) -> Path:
    path = tmp_path / "aid.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户编号", "帮扶项目", "金额(元)", "资金", "发放日期"])
        writer.writerow(["H000001", "生活救助", "1000", fund, "2018-04-01"])
    return path


def test_money_into_out_of_or_asserted_on_a_fund_outside_the_union_is_refused(
    aid: Ledger, tmp_path: Path
) -> None:
    staffed = _funds_of_every_level(aid)
    # Each money action on the city's funds, by the county's finance officer (H000001 is one of
    # the county's households, so the fund is what refuses it).
    actions = {
        "contribute": ("fund", "contribute", "{fund}", "100", "--from", "某企业", "--on",
                       "2018-05-01"),
        "assert": ("fund", "assert", "{fund}", "30000", "--on", "2018-02-01"),
        "grant": ("aid", "grant", "H000001", "--program", "living-aid", "--fund", "{fund}",
                  "--on", "2018-05-01"),
        "loan": ("aid", "loan", "H000001", "--amount", "1000", "--fund", "{fund}",
                 "--term-months", "12", "--rate", "0", "--purpose", "修车", "--on", "2018-05-01"),
        "import": ("import", "aid", str(_aid_file(tmp_path, "{fund}"))),
    }  # fmt: skip
    for fund, label in (("F001", "2018年帮扶资金"), ("F002", "市级帮扶资金")):
        _aid_file(tmp_path, fund)
        for action, args in actions.items():
            before = staffed.snapshot()
            typed = [arg.format(fund=fund) for arg in args]
            refused = staffed.fails(*COUNTY, *typed, code=9)
            assert f"fund {fund} ({label}) belongs to 白银市总工会, outside 赵会计's union" in (
                refused.stderr
            ), action
            assert staffed.snapshot() == before, action
    # Through their fund: the city's loan L001 and grant entry 7 came out of F001.
    for args in (
        ("aid", "repay", "L001", "1000", "--on", "2018-06-01"),
        ("aid", "reverse", "7", "--reason", "录错", "--on", "2018-06-01"),
        ("aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-06-01"),
    ):
        before = staffed.snapshot()
        refused = staffed.fails(*COUNTY, *args, code=9)
        assert "fund F001 (2018年帮扶资金) belongs to 白银市总工会" in refused.stderr
        assert staffed.snapshot() == before
    # Their own union's funds, and those under it, they work with as before.
    staffed.ok(*COUNTY, "fund", "contribute", "F003", "100", "--from", "某企业", "--on",
               "2018-05-01")  # fmt: skip
    staffed.ok(*COUNTY, "aid", "grant", "H000001", "--program", "living-aid", "--fund", "F004",
               "--on", "2018-05-01")  # fmt: skip
    staffed.ok(*COUNTY, "import", "aid", str(_aid_file(tmp_path, "F003")))
    staffed.ok(*COUNTY, "fund", "assert", "F003", "19100", "--on", "2018-05-01")
    # The city works with every fund of the ledger.
    staffed.ok(*CITY, "aid", "repay", "L001", "1000", "--on", "2018-06-01")
    staffed.ok(*CITY, "fund", "contribute", "F005", "100", "--from", "某企业", "--on",
               "2018-05-01")  # fmt: skip


def test_report_funds_totals_only_the_operators_union_and_below(aid: Ledger) -> None:
    staffed = _funds_of_every_level(aid)
    county = staffed.ok(*COUNTY, "report", "funds", "--as-of", "2018-12-31", "-f", "json").json()
    assert [row["fund"] for row in county["rows"]] == ["F003", "F004"]
    assert county["total"]["in_fen"] == (20000 + 5000) * 100
    assert county["total"]["balance_fen"] == (20000 + 5000) * 100
    city = staffed.ok(*CITY, "report", "funds", "--as-of", "2018-12-31", "-f", "json").json()
    assert [row["fund"] for row in city["rows"]] == ["F001", "F002", "F003", "F004", "F005"]
    assert city["total"]["in_fen"] == (100000 + 30000 + 20000 + 5000 + 7000) * 100
    # The administrator of the whole ledger sees every fund too.
    everyone = staffed.ok(*ADMIN, "fund", "list", "-f", "json").rows()
    assert len(everyone) == 5
