"""防返困 through the command line: what follow-ups record, and the watch list graded on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id


def _build_exited(cli: Ledger) -> None:
    """H1 and H2 exited stably on 2018-06-01 (follow-ups due 2018-09-01, 2018-12-01,
    2019-06-01), H3 withdrew on the same day; each household has two members."""
    for year, amount in (("2018", "520"), ("2019", "560")):
        cli.ok("policy", "set-line", "--area", "620402", "--year", year, "--amount", amount)
    for n, name in enumerate(("吴新民", "张瑞华", "刘菊香"), start=1):
        cli.ok("household", "add", "--name", name, "--id-number", make_id(sequence=n * 2 + 1),
               "--org", "phosphate", "--income", "0", "--cause", "illness", "--on", "2017-12-01")  # fmt: skip
        cli.ok("household", "member", "add", f"H00000{n}", "--name", f"{name[0]}家属",
               "--id-number", make_id(birth=dt.date(1980, 1, n), sequence=n * 2),
               "--relation", "spouse")  # fmt: skip
        archive_household(cli, f"H00000{n}", start=dt.date(2018, 1, 8))
        cli.ok("household", "member", "edit", f"H00000{n}", "head", "--income", "3000")
    cli.ok("exit", "stable", "H000001", "--recalculate", "--on", "2018-06-01")
    cli.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    cli.ok("exit", "withdrew", "H000003", "--on", "2018-06-01")


exited = ledger_fixture(*BAIYIN, ("test_watch.exited", _build_exited))


def followups(cli: Ledger, household_id: int) -> list[dict[str, Any]]:
    """The follow-up rows of a household as the ledger holds them, in the order made."""
    # The columns in the order the migrations made them (each adds its own at the end).
    names = ("id", "exit_id", "household_id", "due_on", "done_on", "visitor", "outcome", "note",
             "void_id", "income_fen", "members", "dibao_line_fen", "new_illness")  # fmt: skip
    rows = [dict(zip(names, row, strict=True)) for row in cli.snapshot()["followup"]]
    return sorted((r for r in rows if r["household_id"] == household_id), key=lambda r: r["id"])


def test_a_follow_up_keeps_the_income_it_found_and_a_new_illness(exited: Ledger) -> None:
    out = exited.ok("exit", "followup", "H000001", "--by", "李发明", "--outcome", "at_risk",
                    "--income", "1,000", "--illness", "--on", "2018-09-03")  # fmt: skip
    assert out.stderr == "H000001: follow-up on 2018-09-03 (due 2018-09-01): at_risk\n"
    first = followups(exited, 1)[0]
    assert (first["income_fen"], first["members"], first["dibao_line_fen"]) == (100000, 2, 52000)
    assert bool(first["new_illness"]) is True
    # a visit of 2019 is measured by the line of 2019; without --income nothing is asked
    exited.ok("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
              "--income", "2400", "--on", "2019-01-10")  # fmt: skip
    exited.ok("exit", "followup", "H000002", "--by", "张清满", "--outcome", "stable",
              "--on", "2018-09-02")  # fmt: skip
    second = followups(exited, 1)[1]
    assert (second["income_fen"], second["dibao_line_fen"], bool(second["new_illness"])) == (
        240000,
        56000,
        False,
    )
    plain = followups(exited, 2)[0]
    assert (plain["income_fen"], plain["members"], plain["dibao_line_fen"]) == (None, None, None)
    entry = exited.ok("audit", "list", "-f", "json", "--limit", "3").rows()[-1]
    assert entry["action"] == "followup" and entry["changes"]["income_fen"] == 100000


def test_a_follow_up_income_needs_the_line_of_its_year(exited: Ledger) -> None:
    before = exited.snapshot()
    missing = exited.fails("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
                           "--income", "2000", "--on", "2020-02-01", code=4)  # fmt: skip
    assert "no dibao line for area 620402 in 2020" in missing.stderr
    bad = exited.fails("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
                       "--income", "很多", "--on", "2018-09-03", code=3)  # fmt: skip
    assert bad.stderr.startswith("error: --income: ")
    assert exited.snapshot() == before


def watch(cli: Ledger, *args: str) -> list[tuple[str, str, str]]:
    """The watch list as (code, grade, reasons)."""
    rows = cli.ok("exit", "watch", *args, "-f", "json").rows()
    return [(r["code"], r["grade"], r["reasons"]) for r in rows]


def visit(cli: Ledger, code: str, on: str, *extra: str, outcome: str = "stable") -> None:
    cli.ok("exit", "followup", code, "--by", "李发明", "--outcome", outcome, "--on", on, *extra)


def test_the_watch_grades_each_stable_exit_on_its_follow_ups(exited: Ledger) -> None:
    assert watch(exited, "--as-of", "2018-08-01") == [
        ("H000001", "green", "no follow-up yet; the first is due 2018-09-01"),
        ("H000002", "green", "no follow-up yet; the first is due 2018-09-01"),
    ]  # H000003 withdrew: no follow-ups to watch
    visit(exited, "H000001", "2018-09-03", "--income", "1000")  # 500.00 a person
    visit(exited, "H000002", "2018-09-05", "--income", "1500")  # 750.00 a person
    assert watch(exited, "--as-of", "2018-09-10") == [
        ("H000001", "red", "per capita 500.00 < dibao line 520.00"),
        ("H000002", "yellow", "per capita 750.00 < 1.5 × dibao line (780.00)"),
    ]
    # as of 2018-09-04 H000002's visit was not made yet, and was due on 2018-09-01
    assert watch(exited, "--as-of", "2018-09-04")[1] == (
        "H000002", "yellow", "follow-up due 2018-09-01 is 3 days overdue",
    )  # fmt: skip
    # the next visit falls due on 2018-12-01: overdue, then more than 90 days overdue
    assert watch(exited, "--as-of", "2018-12-05")[1] == (
        "H000002", "yellow",
        "follow-up due 2018-12-01 is 4 days overdue; per capita 750.00 < 1.5 × dibao line (780.00)",
    )  # fmt: skip
    assert watch(exited, "--as-of", "2019-03-05") == [
        ("H000001", "red", "follow-up due 2018-12-01 is 94 days overdue; "
                           "per capita 500.00 < dibao line 520.00"),
        ("H000002", "red", "follow-up due 2018-12-01 is 94 days overdue; "
                           "per capita 750.00 < 1.5 × dibao line (780.00)"),
    ]  # fmt: skip
    row = exited.ok("exit", "watch", "--as-of", "2018-09-10", "-f", "json").rows()[0]
    assert row == {
        "code": "H000001", "head_name": "吴新民", "org": "白银磷肥厂工会",
        "exited_on": "2018-06-01", "last_followup_on": "2018-09-03", "per_capita_fen": 50000,
        "next_followup_on": "2018-12-01", "grade": "red",
        "reasons": "per capita 500.00 < dibao line 520.00",
    }  # fmt: skip


def test_illness_and_what_the_visitor_found_grade_too(exited: Ledger) -> None:
    visit(exited, "H000001", "2018-09-03", "--income", "3000", "--illness")
    visit(exited, "H000002", "2018-09-03", outcome="at_risk")
    assert watch(exited, "--as-of", "2018-09-10") == [
        ("H000001", "red", "a member has a new serious illness"),
        ("H000002", "yellow", "the visitor found it at risk"),
    ]
    visit(exited, "H000001", "2018-12-01", "--income", "3000")
    visit(exited, "H000002", "2018-12-02", outcome="relapsed")
    assert watch(exited, "--as-of", "2018-12-03") == [
        ("H000002", "red", "the visitor found it relapsed"),
        ("H000001", "green", "per capita 1,500.00"),
    ]
    out = exited.ok("exit", "watch", "--as-of", "2018-12-03", "--grade", "红色")
    assert "H000002" in out.stdout and "H000001" not in out.stdout
    assert "1 household graded red" in out.stderr and "kunnan exit relapse HH" in out.stderr
    exited.ok("exit", "relapse", "H000002", "--reason", "再次失业", "--on", "2018-12-10")
    # a relapsed household is watched no more (but was, as of a day before)
    assert [code for code, *_ in watch(exited, "--as-of", "2018-12-20")] == ["H000001"]
    assert [code for code, *_ in watch(exited, "--as-of", "2018-12-09")] == ["H000002", "H000001"]


def test_the_watch_thresholds_are_dated_policy(exited: Ledger) -> None:
    visit(exited, "H000002", "2018-09-05", "--income", "1500")  # 750.00 a person
    exited.ok("policy", "set", "watch_yellow_multiplier", "1.4", "--from", "2018-10-01")
    exited.ok("policy", "set", "watch_red_overdue_days", "30", "--from", "2018-10-01")
    assert watch(exited, "--as-of", "2018-09-30")[1][1] == "yellow"
    assert watch(exited, "--as-of", "2018-10-01")[1] == ("H000002", "green", "per capita 750.00")
    assert watch(exited, "--as-of", "2019-01-01")[1] == (
        "H000002", "red", "follow-up due 2018-12-01 is 31 days overdue",
    )  # fmt: skip
    shown = exited.ok("policy", "show", "--on", "2018-10-01", "-f", "json").rows()
    assert {r["key"]: r["value"] for r in shown}["watch_yellow_multiplier"] == "1.4"


def test_the_watch_by_union_by_grade_and_its_refusals(exited: Ledger) -> None:
    visit(exited, "H000001", "2018-09-03", "--income", "1000")
    counts = exited.ok("exit", "watch", "--as-of", "2018-09-10", "--by-union", "-f", "json")
    assert counts.rows() == [{"org": "白银磷肥厂工会", "households": 2}]
    assert [c for c, *_ in watch(exited, "--as-of", "2018-09-10", "--grade", "yellow")] == [
        "H000002"
    ]  # its visit is 9 days overdue
    assert watch(exited, "--as-of", "2018-09-10", "--grade", "green") == []
    empty = exited.ok("exit", "watch", "--as-of", "2018-09-10", "--org", "pingchuan")
    assert empty.stderr == "no household is watched\n"
    assert (
        "unknown watch grade 'purple'"
        in exited.fails("exit", "watch", "--grade", "purple", code=3).stderr
    )
    exited.fails("exit", "watch", "--as-of", "2018-13-01", code=3)
    exited.fails("exit", "watch", "--org", "nowhere", code=4)
