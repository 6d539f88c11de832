"""report training: classes, trainees and the 培训-鉴定-就业 stages by year and trade, and the
people placed in jobs — figures checked against a small register built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AID, ledger_fixture
from tests.service_aid_support import refused
from tests.support import Ledger


def _build_trained(aid: Ledger) -> None:
    """Four classes and five placements on the aid fixture's two households.

    H000001 (白银区): 张建国 and 张小梅; H000002 (平川区, a candidate): 李明.
    - C001 welding 2017 (run by baiyin): 张建国 enrolled → completed → certified, employed 2018-01-10
      through 春风行动 (P001).
    - C002 welding 2018 (run by pingchuan): 李明 all the way, employed 2018-05-20 by direct
      referral (P002); 张小梅 completed only.
    - C003 cooking 2018 (no union given): 张小梅 enrolled only.
    - C004 health massage 2019 (run by baiyin-qu): nobody yet.
    - Placements outside training: 李明 at 就业援助月 2018-07-01 (P003), 张小梅 directly
      2018-08-01 (P004), 张建国 at 民营企业招聘周 2019-04-01 (P005).
    """

    def add(name: str, trade: str, start: str, end: str, *org: str) -> None:
        aid.ok("training", "class", "add", "--name", name, "--trade", trade, "--start", start,
               "--end", end, *org)  # fmt: skip

    def stage(command: str, klass: str, household: str, member: str, on: str, *more: str) -> None:
        aid.ok("training", command, klass, household, "--member", member, *more, "--on", on)

    add("2017年电焊班", "welding", "2017-09-01", "2017-10-31", "--org", "baiyin")
    add("2018年电焊班", "电焊", "2018-03-01", "2018-04-30", "--org", "pingchuan")
    add("2018年烹饪班", "cooking", "2018-06-01", "2018-06-30")
    add("2019年保健按摩班", "health-massage", "2019-03-01", "2019-03-31", "--org", "baiyin-qu")

    stage("enroll", "C001", "H000001", "张建国", "2017-08-20")
    stage("complete", "C001", "H000001", "张建国", "2017-10-31")
    stage("certify", "C001", "H000001", "张建国", "2017-11-15", "--certificate", "W-2017-1")
    stage("employ", "C001", "H000001", "张建国", "2018-01-10", "--employer", "白银有色集团",
          "--monthly-wage", "3200", "--via", "spring-breeze")  # fmt: skip

    stage("enroll", "C002", "H000002", "李明", "2018-02-20", "--not-archived")
    stage("complete", "C002", "H000002", "李明", "2018-04-30")
    stage("certify", "C002", "H000002", "李明", "2018-05-10", "--certificate", "W-2018-1")
    stage("employ", "C002", "H000002", "李明", "2018-05-20", "--employer", "银光化学",
          "--monthly-wage", "2800", "--via", "direct")  # fmt: skip
    stage("enroll", "C002", "H000001", "张小梅", "2018-02-21")
    stage("complete", "C002", "H000001", "张小梅", "2018-04-30")
    stage("enroll", "C003", "H000001", "张小梅", "2018-05-25")

    def place(household: str, member: str, via: str, on: str) -> None:
        aid.ok("aid", "place", household, "--member", member, "--employer", "某公司", "--job", "工人",
               "--monthly-wage", "2000", "--via", via, "--on", on)  # fmt: skip

    place("H000002", "李明", "assistance-month", "2018-07-01")
    place("H000001", "张小梅", "direct", "2018-08-01")
    place("H000001", "张建国", "private-recruitment-week", "2019-04-01")


trained = ledger_fixture(*AID, ("test_report_training.trained", _build_trained))

STAGES = ("classes", "trainees", "completed", "certified", "employed")


def report(cli: Ledger, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = cli.ok("report", "training", *args, "-f", "json").json()
    return data


def funnel(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["year"], r["trade"], *(r[k] for k in STAGES)) for r in data["rows"]]


def placed(data: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    return [
        (r["year"], r["trainees_employed"], r["job_fairs"], r["placed"]) for r in data["placed"]
    ]


def test_classes_trainees_and_stages_by_year_and_trade(trained: Ledger) -> None:
    data = report(trained, "--as-of", "2019-12-31")
    assert (data["report"], data["as_of"], data["org"]) == ("training", "2019-12-31", None)
    # 张建国's job in 2018 counts with his 2017 class: a year follows one cohort
    assert funnel(data) == [
        (2017, "welding", 1, 1, 1, 1, 1),
        (2018, "welding", 1, 2, 2, 1, 1),
        (2018, "cooking", 1, 1, 0, 0, 0),
        (2019, "health_massage", 1, 0, 0, 0, 0),
    ]
    assert data["total"] == {"classes": 4, "trainees": 4, "completed": 3, "certified": 2,
                             "employed": 2}  # fmt: skip


def test_placed_counts_trainees_employed_and_job_fair_jobs_once_each(trained: Ledger) -> None:
    data = report(trained, "--as-of", "2019-12-31")
    # 2018: P001 and P002 (trainees; P002 by direct referral still counts), P003 at 就业援助月;
    # P004, a direct referral outside training, does not count. 2019: P005 at 民营企业招聘周.
    assert placed(data) == [(2018, 2, 1, 3), (2019, 0, 1, 1)]
    assert data["placed_total"] == {"trainees_employed": 2, "job_fairs": 2, "placed": 4}


def test_as_of_counts_only_what_had_happened_by_the_day(trained: Ledger) -> None:
    spring = report(trained, "--as-of", "2018-04-30")
    # C002 completed that day but nobody certified yet; C003 not started and nobody enrolled
    assert funnel(spring) == [
        (2017, "welding", 1, 1, 1, 1, 1),
        (2018, "welding", 1, 2, 2, 0, 0),
    ]
    assert placed(spring) == [(2018, 1, 0, 1)]
    year_end = report(trained, "--as-of", "2017-12-31")
    assert funnel(year_end) == [(2017, "welding", 1, 1, 1, 1, 0)]  # employed only in 2018
    assert year_end["placed"] == []
    # a class enrolled ahead of its start counts from its first trainee
    assert funnel(report(trained, "--as-of", "2018-05-25"))[-1] == (2018, "cooking", 1, 1, 0, 0, 0)
    assert funnel(report(trained, "--as-of", "2018-05-24"))[-1] == (2018, "welding", 1, 2, 2, 1, 1)


def test_year_and_since_pick_the_classes_years(trained: Ledger) -> None:
    one = report(trained, "--year", "2018", "--as-of", "2019-12-31")
    assert [(r["year"], r["trade"]) for r in one["rows"]] == [(2018, "welding"), (2018, "cooking")]
    assert one["total"]["trainees"] == 3 and one["year"] == 2018
    assert placed(one) == [(2018, 2, 1, 3)]
    since = report(trained, "--since", "2018", "--as-of", "2019-12-31")
    assert [r["year"] for r in since["rows"]] == [2018, 2018, 2019]
    assert since["total"] == {"classes": 3, "trainees": 3, "completed": 2, "certified": 1,
                              "employed": 1}  # fmt: skip
    assert since["since"] == 2018 and since["placed_total"]["placed"] == 4
    assert report(trained, "--year", "2016")["rows"] == []


def test_org_counts_its_households_trainees_and_its_own_classes(trained: Ledger) -> None:
    pingchuan = report(trained, "--org", "pingchuan", "--as-of", "2019-12-31")
    assert pingchuan["org"] == "pingchuan"
    assert funnel(pingchuan) == [(2018, "welding", 1, 1, 1, 1, 1)]  # 李明 in its own class C002
    assert placed(pingchuan) == [(2018, 1, 1, 2)]
    district = report(trained, "--org", "baiyin-qu", "--as-of", "2019-12-31")
    assert funnel(district) == [
        (2017, "welding", 1, 1, 1, 1, 1),  # the city's class, with one of its workers
        (2018, "welding", 1, 1, 1, 0, 0),  # 张小梅 in 平川's class
        (2018, "cooking", 1, 1, 0, 0, 0),
        (2019, "health_massage", 1, 0, 0, 0, 0),  # its own class, nobody yet
    ]
    assert placed(district) == [(2018, 1, 0, 1), (2019, 0, 1, 1)]
    city = report(trained, "--org", "baiyin", "--as-of", "2019-12-31")
    assert city["rows"] == report(trained, "--as-of", "2019-12-31")["rows"]


def test_table_markdown_csv_chart_and_chinese(trained: Ledger) -> None:
    table = trained.ok("report", "training", "--as-of", "2019-12-31", "--chart")
    lines = table.stdout.splitlines()
    assert any(line.split() == ["total", "4", "4", "3", "2", "2"] for line in lines)
    assert any(line.split() == ["total", "2", "2", "4"] for line in lines)  # placed
    assert any(line.startswith("2018 welding") and "█" in line for line in lines)
    assert "4 classes, 4 trainees, 2 certified, 2 employed; 4 placed in jobs in all" in table.stderr
    zh = trained.ok("--lang", "zh", "report", "training", "--as-of", "2019-12-31")
    for text in ("技能培训（按年度、工种）（截至2019-12-31）", "电焊", "烹饪", "保健按摩", "培训班期数",
                 "取证", "实现就业（按上岗年度）", "招聘活动就业", "合计"):  # fmt: skip
        assert text in zh.stdout, text
    assert "培训班 4 期，培训 4 人，取证 2 人，就业 2 人；实现就业共 4 人" in zh.stderr
    csv = trained.ok("report", "training", "--as-of", "2019-12-31", "-f", "csv").stdout
    assert csv.splitlines() == [
        "year,trade,classes,trainees,completed,certified,employed",
        "2017,welding,1,1,1,1,1",
        "2018,welding,1,2,2,1,1",
        "2018,cooking,1,1,0,0,0",
        "2019,health_massage,1,0,0,0,0",
    ]
    markdown = trained.ok(
        "--lang", "zh", "report", "training", "--as-of", "2019-12-31", "--format", "markdown"
    ).stdout
    assert "| 2018 | 电焊 | 1 | 2 | 2 | 1 | 1 |" in markdown
    assert "| **合计** |  | **4** | **4** | **3** | **2** | **2** |" in markdown
    assert "| 2019 | 0 | 1 | 1 |" in markdown


def test_the_dashboard_and_html_page_carry_the_training_headline(
    trained: Ledger, tmp_path: Path
) -> None:
    data = trained.ok(
        "report", "dashboard", "--as-of", "2019-12-31", "--since", "2018", "-f", "json"
    ).json()
    head = data["headline"]
    assert (head["classes_since"], head["trainees_since"], head["employed_since"]) == (3, 3, 1)
    assert head["placed_since"] == 4
    assert data["training"]["total"]["classes"] == 3
    table = trained.ok(
        "--lang", "zh", "report", "dashboard", "--as-of", "2019-12-31", "--since", "2018"
    ).stdout
    assert "2018年以来技能培训" in table and "3 期 · 就业 1 人" in table
    page = tmp_path / "report.html"
    trained.ok("--lang", "zh", "report", "html", "-o", str(page), "--as-of", "2019-12-31",
               "--since", "2018")  # fmt: skip
    text = page.read_text(encoding="utf-8")
    assert "2018年以来技能培训（实现就业 4 人）" in text
    assert ">保健按摩<" in text and ">计算机操作<" not in text


def test_an_empty_register_says_so_rather_than_failing(baiyin: Ledger) -> None:
    result = baiyin.ok("report", "training", "--as-of", "2018-12-31")
    assert "no training classes as of 2018-12-31" in result.stderr
    data = report(baiyin, "--as-of", "2018-12-31")
    assert data["rows"] == [] and data["placed"] == []
    assert data["total"] == dict.fromkeys(STAGES, 0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["--org", "nowhere"], 4, "nowhere", id="unknown-org"),
        pytest.param(["--as-of", "2018-02-30"], 3, "--as-of: '2018-02-30' is not a date", id="bad-day"),
        pytest.param(["--year", "1800"], 2, "--year", id="year-out-of-range"),
        pytest.param(["--since", "next"], 2, "--since", id="since-not-a-year"),
        pytest.param(["--format", "pdf"], 2, "--format", id="unknown-format"),
    ],
)  # fmt: skip
def test_bad_report_options_are_refused_with_one_line(
    trained: Ledger, args: list[str], code: int, message: str
) -> None:
    assert message in refused(trained, "report", "training", *args, code=code)
