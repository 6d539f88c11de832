"""Organisations, policy lines and settings, and the audit log, through the command line."""

from __future__ import annotations

import datetime as dt

from tests.support import Ledger, make_id


def test_org_tree_lists_in_order_with_household_counts(baiyin: Ledger) -> None:
    baiyin.ok("household", "add", "--name", "张三", "--id-number", make_id(sequence=11),
              "--org", "phosphate")  # fmt: skip
    rows = baiyin.ok("org", "list", "-f", "json").rows()
    assert [(r["code"], r["parent_code"]) for r in rows] == [
        ("baiyin", None),
        ("baiyin-qu", "baiyin"),
        ("phosphate", "baiyin-qu"),
        ("aluminium-unit", "baiyin-qu"),
        ("pingchuan", "baiyin"),
    ]
    assert {r["code"]: r["households"] for r in rows}["phosphate"] == 1
    assert rows[2]["area_code"] == "620402"  # inherited from its county union
    table = baiyin.ok("--lang", "zh", "org", "list").stdout
    assert "基层工会" in table and "  白银磷肥厂工会" in table


def test_org_show_counts_households_below_it(baiyin: Ledger) -> None:
    baiyin.ok("household", "add", "--name", "张三", "--id-number", make_id(sequence=11),
              "--org", "phosphate")  # fmt: skip
    shown = baiyin.ok("org", "show", "白银区总工会", "-f", "json").json()
    assert shown["households"] == 0
    assert shown["households_in_subtree"] == 1
    assert shown["parent_name"] == "白银市总工会"
    assert [c["code"] for c in shown["children"]] == ["phosphate", "aluminium-unit"]
    assert (
        baiyin.ok("org", "list", "--under", "pingchuan", "-f", "json").rows()[0]["code"]
        == "pingchuan"
    )


def test_dibao_lines_are_set_listed_and_replaced(baiyin: Ledger) -> None:
    baiyin.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    baiyin.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "500.50")
    replaced = baiyin.ok(
        "policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "530"
    )
    assert "was 520.00" in replaced.stderr
    lines = baiyin.ok("policy", "lines", "-f", "json").rows()
    assert lines == [
        {"area_code": "620402", "year": 2018, "dibao_line_fen": 53000},
        {"area_code": "620403", "year": 2018, "dibao_line_fen": 50050},
    ]
    assert baiyin.ok("policy", "lines", "--area", "620403", "-f", "json").rows()[0]["year"] == 2018
    assert "530.00" in baiyin.ok("policy", "lines").stdout


def test_policy_settings_take_effect_from_a_date(baiyin: Ledger) -> None:
    def value_on(day: str, key: str) -> str:
        rows = baiyin.ok("policy", "show", "--on", day, "-f", "json").rows()
        return next(r["value"] for r in rows if r["key"] == key)

    assert value_on("2018-06-01", "marginal_multiplier") == "1.5"
    baiyin.ok("policy", "set", "marginal_multiplier", "2", "--from", "2019-01-01")
    baiyin.ok("policy", "set", "低保边缘倍数", "1.8", "--from", "2020-01-01")
    assert value_on("2018-12-31", "marginal_multiplier") == "1.5"
    assert value_on("2019-01-01", "marginal_multiplier") == "2"
    assert value_on("2021-01-01", "marginal_multiplier") == "1.8"
    assert value_on("2018-12-31", "car_value_limit") == "100,000.00"
    entry = baiyin.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert entry["entity"] == "policy_setting"
    assert entry["changes"] == {"effective_from": "2020-01-01", "value": ["2", "1.8"]}


def test_audit_list_filters_by_command_and_date(baiyin: Ledger) -> None:
    today = dt.date.today().isoformat()
    assert len(baiyin.ok("audit", "list", "-f", "json", "--command", "org add").rows()) == 5
    assert baiyin.ok("audit", "list", "-f", "json", "--since", today, "--until", today).rows()
    assert baiyin.ok("audit", "list", "-f", "json", "--until", "2000-01-01").rows() == []
    rows = baiyin.ok("audit", "list", "-f", "csv").stdout.splitlines()
    assert rows[0] == "id,at,operator,command,action,entity,entity_ref,changes"
    assert len(rows) == 6
