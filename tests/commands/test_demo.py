"""kunnan demo: the Baiyin sample ledger, checked against the published 2018 figures.

The ledger is built once per run (``baiyin_demo``) with `kunnan demo --force`
over an existing file; every figure is read back through the normal report
commands, as a union's chairwoman would read it.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import BuiltDemo
from tests.support import Ledger, invoke

AS_OF = "2018-12-24"
SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _report(demo: BuiltDemo, *args: str) -> Any:
    return demo.ledger.ok("report", *args, "--as-of", AS_OF, "-f", "json").json()


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _query(demo: BuiltDemo, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{demo.path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, params).fetchall()


def _household(demo: BuiltDemo, head: str) -> str:
    [(number,)] = _query(
        demo, "SELECT household_id FROM member WHERE name = ? AND relation = 'head'", head
    )
    return f"H{number:06d}"


def test_the_demo_builds_over_an_existing_file_with_force_and_shows_the_dashboard(
    baiyin_demo: BuiltDemo,
) -> None:
    assert "built 5,165 households (5,039 ever archived, 14,256 grants, 1,844 exits)" in (
        baiyin_demo.stderr
    )
    assert "3195" in baiyin_demo.stdout and "2018-12-24" in baiyin_demo.stdout
    assert "golden-autumn" in baiyin_demo.stdout
    assert baiyin_demo.ledger.ok("ledger", "verify").exit_code == 0
    assert "verified: file integrity and" in baiyin_demo.ledger.ok("db", "verify").stderr


def test_the_demo_refuses_to_overwrite_a_file_without_force(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    path.write_text("somebody's ledger")
    result = invoke(["demo", "--db", str(path)])
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr
    assert path.read_text() == "somebody's ledger"


def test_archived_households_by_category_and_cause_are_the_published_ones(
    baiyin_demo: BuiltDemo,
) -> None:
    categories = _report(baiyin_demo, "categories")
    assert {r["category"]: r["households"] for r in categories["rows"]} == {
        "dibao": 435,
        "marginal": 2461,
        "accident": 299,
    }
    assert categories["total"]["households"] == 3195
    causes = {r["cause"]: r["households"] for r in _report(baiyin_demo, "causes")["rows"]}
    assert {cause: n for cause, n in causes.items() if n} == {
        "illness": 593,
        "education": 1100,
        "low_income": 1502,
    }


def test_stable_exits_since_2017_are_1712(baiyin_demo: BuiltDemo) -> None:
    exits = _report(baiyin_demo, "exits", "--since", "2017")
    assert exits["since_stable"] == 1712
    years = _by(exits["rows"], "year")
    assert (years[2017]["stable"], years[2018]["stable"]) == (803, 909)


def test_medical_aid_and_golden_autumn_since_2016_are_the_published_totals(
    baiyin_demo: BuiltDemo,
) -> None:
    programs = _by(_report(baiyin_demo, "programs", "--since", "2016")["rows"], "program")
    assert (programs["medical-aid"]["people"], programs["medical-aid"]["amount_fen"]) == (
        2103,
        3_377_000_00,
    )
    assert (programs["golden-autumn"]["people"], programs["golden-autumn"]["amount_fen"]) == (
        3094,
        4_758_000_00,
    )
    assert programs["golden-autumn"]["grants"] == 3094
    every_year = _by(_report(baiyin_demo, "programs")["rows"], "program")
    assert every_year["golden-autumn"]["grants"] == 3094  # none before 2016


def test_insurance_premiums_are_656700_yuan_for_9050_workers_over_five_years(
    baiyin_demo: BuiltDemo,
) -> None:
    insurance = _by(_report(baiyin_demo, "programs", "--since", "2014")["rows"], "program")
    assert (insurance["insurance"]["people"], insurance["insurance"]["amount_fen"]) == (
        9050,
        656_700_00,
    )
    years = _query(
        baiyin_demo,
        "SELECT MIN(year), MAX(year), COUNT(*) FROM aid_entry WHERE program = 'insurance'",
    )
    assert years == [(2014, 2018, 9050)]


def test_training_since_2016_is_38_classes_3647_trainees_and_260_placed_at_job_fairs(
    baiyin_demo: BuiltDemo,
) -> None:
    report = _report(baiyin_demo, "training", "--since", "2016")
    total = report["total"]
    assert (total["classes"], total["trainees"], total["employed"]) == (38, 3647, 260)
    assert report["placed_total"]["placed"] == 260
    assert total["trainees"] > total["completed"] > total["certified"] > total["employed"]
    channels = _query(
        baiyin_demo,
        "SELECT DISTINCT p.channel FROM job_placement p JOIN training_progress t "
        "ON t.placement_id = p.id",
    )
    assert {channel for (channel,) in channels} <= {
        "spring_breeze", "assistance_month", "private_recruitment_week",
    }  # fmt: skip


def test_the_start_up_loan_fund_holds_two_million_yuan(baiyin_demo: BuiltDemo) -> None:
    funds = baiyin_demo.ledger.ok("fund", "list", "-f", "json").rows()
    [loans] = [f for f in funds if f["name"] == "创业担保贷款基金"]
    shown = baiyin_demo.ledger.ok("fund", "show", loans["code"], "-f", "json").json()
    assert shown["contributed_fen"] == 2_000_000_00
    assert shown["balance_fen"] == (
        shown["contributed_fen"] - shown["lent_fen"] + shown["repaid_fen"]
    )
    assert shown["lent_fen"] > 0 and shown["repaid_fen"] > 0


def test_the_totals_reconcile_with_baiyins_programme_rules_without_overrides(
    baiyin_demo: BuiltDemo,
) -> None:
    assert _query(
        baiyin_demo, "SELECT COUNT(*) FROM aid_entry WHERE override_reason IS NOT NULL"
    ) == [(0,)]
    golden = baiyin_demo.ledger.ok("program", "show", "golden-autumn", "-f", "json").json()
    assert "150000" in str(golden) or "1500" in str(golden)
    history = _query(
        baiyin_demo,
        "SELECT program, effective_from, standard_fen, undergraduate_fen FROM program_rule "
        "WHERE effective_from > '2000-01-01' ORDER BY program, effective_from",
    )
    assert ("golden-autumn", "2016-01-01", None, 150000) in history or any(
        r[0] == "golden-autumn" and r[1] == "2016-01-01" and 150000 in r[2:] for r in history
    )
    assert [r[:3] for r in history if r[0] == "insurance"] == [
        ("insurance", "2014-01-01", 7000),
        ("insurance", "2017-01-01", 7500),
    ]


def test_every_archived_household_went_through_seven_steps_and_is_paired(
    baiyin_demo: BuiltDemo,
) -> None:
    ever_archived = "SELECT id, household_id FROM identification_case WHERE status = 'archived'"
    assert len(_query(baiyin_demo, ever_archived)) == 5039
    steps: dict[int, list[str]] = {}
    for case, step in _query(
        baiyin_demo,
        "SELECT s.case_id, s.step FROM identification_step s "
        f"JOIN ({ever_archived}) c ON s.case_id = c.id ORDER BY s.case_id, s.done_on, s.id",
    ):
        steps.setdefault(case, []).append(step)
    in_order = ["visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "confirm"]
    assert len(steps) == 5039 and all(done == in_order for done in steps.values())
    unpaired = _query(
        baiyin_demo,
        f"SELECT COUNT(*) FROM ({ever_archived}) c WHERE NOT EXISTS "
        "(SELECT 1 FROM pairing p WHERE p.household_id = c.household_id)",
    )
    assert unpaired == [(0,)]
    overall = baiyin_demo.ledger.ok("pair", "coverage", "-f", "json").rows()[-1]
    assert (overall["org"], overall["archived"], overall["paired"]) == ("overall", 3195, 3195)


def test_the_articles_stories_are_on_record(baiyin_demo: BuiltDemo) -> None:
    ledger = baiyin_demo.ledger
    zhang = ledger.ok(
        "aid", "list", "--household", _household(baiyin_demo, "张瑞和"), "-f", "json"
    ).rows()
    assert any(g["program"] == "golden-autumn" and g["amount_fen"] == 300000 for g in zhang)
    liu = ledger.ok(
        "aid", "list", "--household", _household(baiyin_demo, "刘菊芳"), "-f", "json"
    ).rows()
    assert any(g["program"] == "mutual-aid" and g["amount_fen"] == 1920000 for g in liu)
    long = ledger.ok(
        "aid", "list", "--household", _household(baiyin_demo, "龙刚"), "-f", "json"
    ).rows()
    assert {g["program"] for g in long} >= {"living-aid", "medical-aid", "golden-autumn"}
    assert {g["on_date"][:4] for g in long if g["program"] == "living-aid"} == {
        "2015", "2016", "2017", "2018",
    }  # fmt: skip
    wu = _household(baiyin_demo, "吴新明")
    assert ledger.ok("household", "show", wu, "-f", "json").json()["status"] == "exited"
    [job] = ledger.ok("aid", "list", "--household", wu, "--kind", "placement", "-f", "json").rows()
    assert (job["amount_fen"], job["detail"]) == (300000, "白银有色集团公司 / 电焊工")
    welders = ledger.ok("training", "list", "--class", "2017年电焊工培训班（第1期）", "-f", "json")
    assert {"head_name": "吴新明", "stage": "employed", "monthly_wage_fen": 300000}.items() <= next(
        t for t in welders.rows() if t["head_name"] == "吴新明"
    ).items()
    zhang_job = ledger.ok("aid", "list", "--household", _household(baiyin_demo, "张瑞和"),
                          "--kind", "placement", "-f", "json").rows()  # fmt: skip
    assert [j["detail"] for j in zhang_job] == ["白银市鑫源物业管理公司 / 保安"]
    [housing] = ledger.ok("aid", "list", "--household", _household(baiyin_demo, "王德魁"),
                          "--kind", "housing", "-f", "json").rows()  # fmt: skip
    assert (housing["subtype"], housing["status"]) == ("low_rent", "allocated")
    area = _query(
        baiyin_demo, "SELECT area_m2 FROM housing_status_change WHERE status = 'allocated'"
    )
    assert [float(a) for (a,) in area] == [70.0]
    attempts = _query(
        baiyin_demo,
        "SELECT method, outcome FROM contact_attempt WHERE household_id = ? ORDER BY attempted_on",
        int(_household(baiyin_demo, "王治民")[1:]),
    )
    assert len(attempts) >= 4 and all(outcome != "reached" for _method, outcome in attempts)


def test_the_sample_files_are_what_the_generator_writes(baiyin_demo: BuiltDemo) -> None:
    spec = importlib.util.spec_from_file_location("make_baiyin", SAMPLES / "make_baiyin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.files()
    assert set(files) == {"baiyin/households.csv", "baiyin/aid.csv"}
    for name, text in files.items():
        committed = (SAMPLES / name).read_text(encoding="utf-8")
        assert committed == text, f"sample_data/{name} is stale: run sample_data/make_baiyin.py"


def test_the_sample_files_are_the_demo_ledger_in_the_import_formats(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    ledger = baiyin_demo.ledger
    households = ledger.ok("--operator", "周红", "import", "households",
                           str(SAMPLES / "baiyin" / "households.csv"), "--dry-run")  # fmt: skip
    assert "0 new households (0 people); 5165 already registered (15099 rows)" in households.stderr
    head = (SAMPLES / "baiyin" / "aid.csv").read_text(encoding="utf-8").splitlines()[:301]
    part = tmp_path / "aid-part.csv"
    part.write_text("\n".join(head) + "\n", encoding="utf-8")
    aid = ledger.ok("--operator", "刘淑芳", "import", "aid", str(part), "--dry-run")
    assert "300 rows read; 0 grants paid, 300 already in the ledger, 0 rejected" in aid.stderr


def test_the_import_samples_add_to_the_demo_ledger(baiyin_demo: BuiltDemo, tmp_path: Path) -> None:
    ledger: Ledger = baiyin_demo.copy(tmp_path)
    caseworker = ("--operator", "周红")
    english = ledger.ok(*caseworker, "import", "households", str(SAMPLES / "households.csv"))
    assert "13 rows read; 5 new households (13 people); 0 rejected" in english.stderr
    chinese = ledger.ok(*caseworker, "import", "households", str(SAMPLES / "households.xlsx"))
    assert "0 new households (0 people); 5 already registered (13 rows)" in chinese.stderr


def test_the_sample_records_each_years_reviews_and_five_households_are_overdue(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    """Each archived household was reviewed in 2017 and 2018 as its history allows; the five
    the 2018 review could not reach (two door-knocks found nobody) are the ones overdue, and
    reviewing them from the late file clears the list."""
    demo = baiyin_demo.ledger
    due = demo.ok("review", "due", "--as-of", "2018-12-24", "-f", "json").rows()
    assert [row["code"] for row in due] == ["H000097", "H000194", "H000291", "H000388", "H000485"]
    for row in due:
        events = demo.ok("household", "show", row["code"], "-f", "json").json()["timeline"]
        knocks = [e for e in events if e["event"] == "contact" and e["on_date"] >= "2018-11-01"]
        reviews = [e["on_date"] for e in events if e["event"] == "review"]
        assert len(knocks) == 2 and reviews and reviews[-1] < "2018-01-01", row["code"]
    copy = baiyin_demo.copy(tmp_path)
    out = copy.ok("--operator", "赵德明", "import", "reviews",
                  str(SAMPLES / "baiyin" / "reviews-2018-late.csv"))  # fmt: skip
    assert "5 rows read; 5 reviews recorded, 0 already in the ledger, 0 rejected" in out.stderr
    assert copy.ok("review", "due", "--as-of", "2018-12-24", "-f", "json").rows() == []
    by_union = copy.ok("review", "due", "--as-of", "2019-12-24", "--by-union", "-f", "json")
    assert sum(row["households"] for row in by_union.rows()) > 0


def test_the_sample_is_staffed_and_each_level_records_its_own_work(baiyin_demo: BuiltDemo) -> None:
    """The city union's staff, a reviewer and an approver at each county or district union,
    a caseworker at each union with households; a household's own union visits it, its county
    union deliberates, the city union's approver (above every union that visits) confirms."""
    ledger = baiyin_demo.ledger
    staff = {
        r["name"]: (r["role"], r["org"]) for r in ledger.ok("operator", "list", "-f", "json").rows()
    }
    assert staff["王丽"] == ("admin", None)
    assert {name: staff[name][0] for name in ("陈国栋", "刘淑芳", "马建华", "赵德明", "周红")} == {
        "陈国栋": "approver", "刘淑芳": "finance", "马建华": "auditor", "赵德明": "reviewer",
        "周红": "caseworker",
    }  # fmt: skip
    assert staff["李发明"] == ("caseworker", "白银区总工会")
    assert staff["张清满"] == ("caseworker", "白银磷肥厂工会")
    counties = ("白银区总工会", "平川区总工会", "靖远县总工会", "会宁县总工会", "景泰县总工会")
    for county in counties:
        assert sorted(role for role, org in staff.values() if org == county) == [
            "approver",
            "caseworker",
            "reviewer",
        ], county

    def who(command: str) -> set[str]:
        rows = ledger.ok("audit", "list", "--command", command, "--limit", "0", "-f", "json")
        return {row["operator"] for row in rows.rows()}

    visitors = who("identify visit")
    assert visitors and all(staff[name][0] == "caseworker" for name in visitors)
    assert all(staff[name][1] != "白银市总工会" for name in visitors)
    assert {staff[name] for name in who("identify deliberate")} == {
        ("reviewer", county) for county in counties
    }
    assert who("identify confirm") == {"陈国栋"}
    assert who("aid grant") == {"刘淑芳"}
    assert who("exit stable") == {"陈国栋"}


def test_a_correction_in_the_sample_waited_for_the_city_union(baiyin_demo: BuiltDemo) -> None:
    """白银区总工会's approver voided a phone call logged on the wrong household; the void was
    held and the city union's approver accepted it: the call no longer stands, and every
    record the two wrote is signed and verifies."""
    ledger = baiyin_demo.ledger
    [held] = ledger.ok("--operator", "马建华", "approve", "list", "--all", "-f", "json").rows()
    assert (held["kind"], held["maker"], held["status"], held["decided_by"]) == (
        "void", "孙桂兰", "accepted", "陈国栋"
    )  # fmt: skip
    assert ledger.ok("--operator", "马建华", "approve", "list").stderr.strip() == (
        "nothing waits for approval"
    )
    record = str(held["summary"]).split()[1].rstrip(":")
    rows = ledger.ok("audit", "list", "--command", "approve accept", "-f", "json").rows()
    accepted = [(r["operator"], r["changes"]["maker"]) for r in rows if r["action"] == "accept"]
    assert accepted == [("陈国栋", "孙桂兰")]
    again = ledger.fails("--operator", "陈国栋", "void", record, "--reason", "再次作废", code=5)
    assert record in again.stderr
    assert "9 ledger checks passed" in ledger.ok("db", "verify").stderr
