"""Reports on a register built in the test with known answers, as of days before and after changes."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id, walk_to_notice


def _build_register(baiyin: Ledger) -> None:
    """Four households archived in January 2018 (2 dibao under phosphate, 1 marginal in 平川,
    1 dibao under baiyin-qu), one still a candidate; H2 exits stably on 2018-06-01."""
    for area in ("620402", "620403"):
        baiyin.ok("policy", "set-line", "--area", area, "--year", "2018", "--amount", "520")
    people = [
        ("吴新民", "phosphate", "0", "illness", 2),
        ("张瑞华", "phosphate", "0", "education", 3),
        ("龙钢", "pingchuan", "1200", "illness", 2),
        ("刘菊香", "baiyin-qu", "300", "low_income", 1),
        ("王志民", "baiyin-qu", "0", "low_income", 1),
    ]
    for n, (name, org, income, cause, size) in enumerate(people, start=1):
        area = "620403" if org == "pingchuan" else "620402"
        baiyin.ok("household", "add", "--name", name, "--id-number", make_id(area, sequence=n * 10 + 1),
                  "--org", org, "--income", income, "--cause", cause, "--on", "2017-12-01")  # fmt: skip
        for extra in range(size - 1):
            baiyin.ok("household", "member", "add", f"H00000{n}", "--name", f"{name[0]}成员",
                      "--id-number", make_id(area, dt.date(2000, 1, 1 + extra), n * 10 + 2 + extra * 2),
                      "--relation", "child")  # fmt: skip
    for n in range(1, 5):
        archive_household(baiyin, f"H00000{n}", start=dt.date(2018, 1, 8))
    baiyin.ok("household", "member", "edit", "H000002", "head", "--income", "5000")
    baiyin.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")


register = ledger_fixture(*BAIYIN, ("test_reports.register", _build_register))


def report(cli: Ledger, name: str, *args: str) -> dict:  # type: ignore[type-arg]
    return cli.ok("report", name, *args, "-f", "json").json()  # type: ignore[no-any-return]


def test_categories_as_of_before_and_after_an_exit(register: Ledger) -> None:
    before = report(register, "categories", "--as-of", "2018-05-31")
    assert [
        (r["category"], r["households"], r["people"], r["share_pct"]) for r in before["rows"]
    ] == [
        ("dibao", 3, 6, "75.0"),
        ("marginal", 1, 2, "25.0"),
        ("accident", 0, 0, "0.0"),
    ]
    assert before["total"] == {"households": 4, "people": 8, "share_pct": "100.0"}
    after = report(register, "categories", "--as-of", "2018-06-01")
    assert [r["households"] for r in after["rows"]] == [2, 1, 0]
    assert report(register, "categories", "--as-of", "2018-01-14")["total"]["households"] == 0
    assert report(register, "categories", "--as-of", "2018-01-15")["total"]["households"] == 4


def test_org_rolls_up_the_tree(register: Ledger) -> None:
    county = report(register, "categories", "--org", "baiyin-qu", "--as-of", "2018-05-31")
    assert county["total"]["households"] == 3  # two under its grassroots union, one of its own
    assert county["org"] == "baiyin-qu"
    assert report(register, "categories", "--org", "pingchuan")["total"]["households"] == 1


def test_causes_with_secondary_counts(register: Ledger) -> None:
    register.ok(
        "household", "edit", "H000001", "--secondary", "education", "--secondary", "disability"
    )
    causes = report(register, "causes", "--as-of", "2018-12-24", "--secondary")
    by_cause = {r["cause"]: r for r in causes["rows"]}
    assert by_cause["illness"]["households"] == 2 and by_cause["low_income"]["households"] == 1
    assert by_cause["education"]["households"] == 0  # H2 exited
    assert by_cause["education"]["secondary"] == 1 and by_cause["disability"]["secondary"] == 1
    assert sum(float(r["share_pct"]) for r in causes["rows"]) == pytest.approx(100.0)


def test_pipeline_as_of_a_day_in_the_middle(register: Ledger) -> None:
    middle = {r["stage"]: r for r in report(register, "pipeline", "--as-of", "2018-01-10")["rows"]}
    assert middle["confirm"]["waiting"] == 4  # notices running
    assert middle["visit"]["waiting"] == 1  # the candidate
    assert middle["archived"]["waiting"] == 0
    later = {r["stage"]: r for r in report(register, "pipeline", "--as-of", "2018-12-24")["rows"]}
    assert later["archived"]["waiting"] == 3 and later["confirm"]["passed"] == 3


def test_pipeline_follows_a_household_step_by_step_through_identification(
    register: Ledger,
) -> None:
    walk_to_notice(register, "H000005")  # visit 04-02 … appraise 04-06, notice from 04-09

    def stages(day: str, *org: str) -> dict[str, tuple[int, int]]:
        rows = report(register, "pipeline", "--as-of", day, *org)["rows"]
        return {r["stage"]: (r["waiting"], r["passed"]) for r in rows}

    assert stages("2018-04-01")["visit"] == (1, 4)  # still a candidate; four archived passed
    day_after_inspection = stages("2018-04-03")
    assert day_after_inspection["visit"] == (0, 5) and day_after_inspection["inspect"] == (0, 5)
    assert day_after_inspection["calculate"] == (1, 4)
    assert day_after_inspection["archived"] == (4, 0)
    assert sum(waiting for waiting, _ in day_after_inspection.values()) == 5
    on_notice = stages("2018-04-09")
    assert on_notice["publicize"] == (0, 5) and on_notice["confirm"] == (1, 4)
    elsewhere = stages("2018-04-03", "--org", "pingchuan")
    assert elsewhere["calculate"] == (0, 1) and elsewhere["archived"] == (1, 0)


def test_exits_by_year_and_since(register: Ledger) -> None:
    register.ok("exit", "withdrew", "H000004", "--on", "2018-12-31")
    data = report(register, "exits", "--as-of", "2019-12-31", "--since", "2018")
    assert data["rows"] == [
        {"year": 2018, "stable": 1, "safety_net": 0, "moved": 0, "deceased": 0, "ineligible": 0,
         "withdrew": 1, "total": 2},
    ]  # fmt: skip
    assert (data["since_total"], data["since_stable"]) == (2, 1)
    assert report(register, "exits", "--as-of", "2018-12-30")["total"]["total"] == 1
    text = register.ok("--lang", "zh", "report", "exits", "--since", "2017").stderr
    assert "2017年以来退出 2 户，其中稳定脱困 1 户" in text


def test_exits_of_a_union_and_those_under_it(register: Ledger) -> None:
    register.ok("exit", "moved", "H000003", "--to", "兰州市七里河区", "--on", "2018-09-01")  # 平川

    def exits(*org: str) -> tuple[int, int, int]:
        total = report(register, "exits", "--as-of", "2018-12-31", *org)["total"]
        return total["stable"], total["moved"], total["total"]

    assert exits() == (1, 1, 2)
    assert exits("--org", "baiyin") == (1, 1, 2)
    assert exits("--org", "baiyin-qu") == (1, 0, 1)  # H2, under its grassroots union
    assert exits("--org", "phosphate") == (1, 0, 1)
    assert exits("--org", "pingchuan") == (0, 1, 1)


def test_areas(register: Ledger) -> None:
    rows = report(register, "areas", "--as-of", "2018-12-24")["rows"]
    assert rows == [
        {"area_code": "620402", "area": "白银区总工会", "households": 2, "people": 3, "exits": 1},
        {"area_code": "620403", "area": "平川区总工会", "households": 1, "people": 2, "exits": 0},
    ]


def test_tables_markdown_csv_and_charts(register: Ledger) -> None:
    table = register.ok(
        "--lang", "zh", "report", "categories", "--as-of", "2018-05-31", "--chart"
    ).stdout
    assert "建档困难职工按类别（截至2018-05-31）" in table and "低保户" in table and "合计" in table
    assert "█" in table
    chart_lines = [line for line in table.splitlines() if "█" in line]
    starts = {cell_len(line[: line.index("█")]) for line in chart_lines}
    assert len(starts) == 1  # bars start in one terminal column, Chinese labels and all
    markdown = register.ok("report", "categories", "--as-of", "2018-05-31", "-f", "markdown").stdout
    assert "| Category | Households | People | Share % |" in markdown
    assert "| **total** | **4** | **8** | **100.0** |" in markdown
    csv_rows = register.ok("report", "causes", "-f", "csv").stdout.splitlines()
    assert csv_rows[0] == "cause,households,share_pct"


def test_an_empty_register_reports_zeros_not_errors(cli: Ledger) -> None:
    result = cli.ok("report", "categories")
    assert "no archived households as of" in result.stderr
    data = report(cli, "categories")
    assert data["total"] == {"households": 0, "people": 0, "share_pct": "0.0"}
    for name in ("causes", "pipeline", "exits", "areas"):
        cli.ok("report", name)
