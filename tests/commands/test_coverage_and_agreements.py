"""全覆盖 and 目标责任书: coverage per union rolled up the tree, the unpaired list, overdue
visits, and responsibility agreements' targets against results, on a register with known numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from kunnan.db.location import resolve
from kunnan.domain.enums import HouseholdStatus
from kunnan.services.pair import end_active_pairing
from kunnan.store.households import resolve_household
from kunnan.store.status import change_status
from tests.support import Ledger, archived_household, make_id, open_sealed

PHONE = "13893005678"


def pair(cli: Ledger, code: str, on: str, contact: str = "李发明") -> None:
    cli.ok("pair", "assign", code, "--unit", "aluminium-unit", "--contact", contact,
           "--phone", PHONE, "--on", on)  # fmt: skip


@pytest.fixture
def register(baiyin: Ledger) -> Ledger:
    """Six archived households (and one candidate) across the tree, as of 2018-12-31:

    白银市总工会 baiyin
      白银区总工会 baiyin-qu: H4 paired, visited 12-01; H7 reassigned, visited 11-01
        白银磷肥厂工会 phosphate: H1 paired, visited 06-01; H2 paired, never visited; H3 unpaired
      平川区总工会 pingchuan: H5 paired until 09-01; H6 a candidate
        平川煤矿工会 coal-mine: nobody
    """
    cli = baiyin
    cli.ok("org", "add", "--code", "coal-mine", "--name", "平川煤矿工会", "--kind", "grassroots",
           "--parent", "pingchuan")  # fmt: skip
    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    cli.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "500")
    for name, sequence, org in (("吴新民", 11, "phosphate"), ("赵兰英", 12, "phosphate"),
                                ("孙立国", 13, "phosphate"), ("王志民", 14, "baiyin-qu"),
                                ("刘桂芳", 15, "pingchuan")):  # fmt: skip
        archived_household(cli, name, sequence, org)
    cli.ok("household", "add", "--name", "周建华", "--id-number", make_id(sequence=16),
           "--org", "pingchuan", "--on", "2018-03-01")  # fmt: skip
    archived_household(cli, "钱小红", 17, "baiyin-qu")
    for code in ("H000001", "H000002", "H000004", "H000005", "H000007"):
        pair(cli, code, "2018-05-01")
    cli.ok("pair", "visit", "H000001", "--note", "走访", "--on", "2018-06-01")
    cli.ok("pair", "visit", "H000004", "--note", "走访", "--on", "2018-12-01")
    cli.ok("pair", "end", "H000005", "--reason", "联系人退休", "--on", "2018-09-01")
    cli.ok("pair", "reassign", "H000007", "--unit", "baiyin-qu", "--contact", "张清满",
           "--phone", "13893006789", "--on", "2018-10-15")  # fmt: skip
    cli.ok("pair", "visit", "H000007", "--note", "走访", "--on", "2018-11-01")
    return cli


def figures(cli: Ledger, *args: str) -> dict[str | None, tuple[int, int, int, str | None, int]]:
    rows = cli.ok("pair", "coverage", *args, "-f", "json").rows()
    return {
        r["org_code"]: (
            r["archived"],
            r["paired"],
            r["unpaired"],
            r["covered_pct"],
            r["visit_overdue"],
        )
        for r in rows
    }


def test_coverage_per_union_includes_the_unions_under_it(register: Ledger) -> None:
    assert figures(register, "--on", "2018-12-31") == {
        "baiyin": (6, 4, 2, "66.6", 2),
        "baiyin-qu": (5, 4, 1, "80.0", 2),
        "phosphate": (3, 2, 1, "66.6", 2),
        "pingchuan": (1, 0, 1, "0.0", 0),
        "coal-mine": (0, 0, 0, None, 0),
        None: (6, 4, 2, "66.6", 2),  # overall
    }
    assert figures(register, "--org", "baiyin-qu", "--on", "2018-12-31") == {
        "baiyin-qu": (5, 4, 1, "80.0", 2),
        "phosphate": (3, 2, 1, "66.6", 2),
        None: (5, 4, 1, "80.0", 2),
    }


def test_coverage_reads_the_register_as_it_stood_on_a_day(register: Ledger) -> None:
    before_archiving = figures(register, "--on", "2018-04-15")
    assert before_archiving[None] == (0, 0, 0, None, 0)
    assert figures(register, "--on", "2018-04-30")[None] == (6, 0, 6, "0.0", 0)
    in_august = figures(register, "--on", "2018-08-01")
    assert in_august["pingchuan"] == (1, 1, 0, "100.0", 1)  # H5 paired until 09-01, never visited
    assert in_august[None] == (6, 5, 1, "83.3", 4)  # cutoff 05-03: only H1 visited since


def test_visits_fall_overdue_after_the_policy_interval(register: Ledger) -> None:
    # H1: paired 05-01, visited 06-01. 90 days later is 08-30.
    phosphate = "phosphate"
    assert figures(register, "--org", phosphate, "--on", "2018-08-30")[phosphate][4] == 1  # H2 only
    assert figures(register, "--org", phosphate, "--on", "2018-08-31")[phosphate][4] == 2
    register.ok("policy", "set", "pair_visit_days", "30", "--from", "2018-06-15")
    assert figures(register, "--org", phosphate, "--on", "2018-07-01")[phosphate][4] == 1
    assert figures(register, "--org", phosphate, "--on", "2018-07-02")[phosphate][4] == 2
    shown = register.ok("pair", "coverage", "--on", "2018-07-02")
    assert "a visit is overdue after 30 days (policy pair_visit_days)" in shown.stderr


def test_coverage_in_every_format_and_in_chinese(register: Ledger) -> None:
    csv_lines = register.ok(
        "pair", "coverage", "--on", "2018-12-31", "-f", "csv"
    ).stdout.splitlines()
    assert csv_lines[0] == "org_code,org,kind,archived,paired,unpaired,covered_pct,visit_overdue"
    assert csv_lines[-1] == ",overall,,6,4,2,66.6,2"
    # --as-of, as the reports spell it, is the same day as --on
    as_of = register.ok("pair", "coverage", "--as-of", "2018-12-31", "-f", "csv").stdout
    assert as_of.splitlines() == csv_lines
    table = register.ok("--lang", "zh", "pair", "coverage", "--on", "2018-12-31").stdout
    for label in (
        "建档户数",
        "已结对",
        "未结对",
        "覆盖率%",
        "走访逾期",
        "合计",
        "    白银磷肥厂工会",
    ):
        assert label in table


def test_review_unpaired_lists_exactly_the_unpaired_households(register: Ledger) -> None:
    rows = register.ok("review", "unpaired", "-f", "json").rows()
    assert [(r["code"], r["org"], r["unpaired_since"], r["last_contact"]) for r in rows] == [
        ("H000003", "白银磷肥厂工会", "2018-04-16", None),
        ("H000005", "平川区总工会", "2018-09-01", "李发明"),
    ]
    only = register.ok("review", "unpaired", "--org", "baiyin-qu", "-f", "json").rows()
    assert [r["code"] for r in only] == ["H000003"]
    assert [r["code"] for r in register.ok("review", "unpaired", "--as-of", "2018-08-01",
                                           "-f", "json").rows()] == ["H000003"]  # fmt: skip
    csv_text = register.ok("review", "unpaired", "-f", "csv").stdout
    assert csv_text.splitlines()[0].startswith("code,archive_no,head_name,org,category")
    out = register.ok("--lang", "zh", "review", "unpaired")
    assert "低保户" in out.stdout and "未结对起始" in out.stdout
    assert "2 户建档家庭未结对" in out.stderr


def exit_household(cli: Ledger, code: str, on: dt.date, reason: str) -> None:
    """What the exit workflow will do: record status exited and end the pairing, in one transaction."""
    with open_sealed(resolve(cli.url), write=True, operator="测试员", command="kunnan exit") as s:
        household = resolve_household(s, code)
        change_status(s, household, status=HouseholdStatus.EXITED, on=on, reason=reason)
        end_active_pairing(s, household, on=on, reason=reason)


def test_agreements_show_targets_against_results_rolled_up_the_tree(register: Ledger) -> None:
    exit_household(register, "H000004", dt.date(2018, 12, 10), "稳定脱困")
    register.ok("agreement", "add", "--org", "baiyin", "--year", "2018", "--target-helped", "0",
                "--target-exits", "1", "--target-coverage", "60", "--signed-on", "2018-01-10")  # fmt: skip
    register.ok("agreement", "add", "--org", "白银区总工会", "--year", "2018", "--target-helped",
                "0", "--target-exits", "1", "--target-coverage", "75", "--signed-on", "2018-01-15")  # fmt: skip
    register.ok("agreement", "add", "--org", "phosphate", "--year", "2018", "--target-helped", "0",
                "--target-exits", "0", "--signed-on", "2018-01-20")  # fmt: skip
    register.ok("agreement", "add", "--org", "pingchuan", "--year", "2018", "--target-helped", "2",
                "--target-exits", "1", "--target-coverage", "0", "--signed-on", "2018-01-15")  # fmt: skip
    listed = register.ok("agreement", "list", "--year", "2018", "-f", "json")
    rows = {r["org_code"]: r for r in listed.rows()}
    assert list(rows) == ["baiyin", "baiyin-qu", "phosphate", "pingchuan"]  # tree order
    summary = {
        code: (r["helped"], r["exits"], r["archived"], r["paired"], r["covered_pct"], r["met"],
               r["short_of"])
        for code, r in rows.items()
    }  # fmt: skip
    assert summary == {
        # H4 exited in December, so at year end baiyin-qu has H1, H2, H3, H7 archived; H3 unpaired.
        "baiyin": (0, 1, 5, 3, "60.0", "met", []),
        "baiyin-qu": (0, 1, 4, 3, "75.0", "met", []),
        "phosphate": (0, 0, 3, 2, "66.6", "not_met", ["coverage"]),
        "pingchuan": (0, 0, 1, 0, "0.0", "not_met", ["helped", "exits"]),
    }
    assert (rows["pingchuan"]["helped_met"], rows["pingchuan"]["coverage_met"]) == (
        "not_met",
        "met",
    )
    assert rows["baiyin-qu"]["signed_on"] == "2018-01-15"
    assert "2 of 4 agreements met every target" in listed.stderr
    assert "no agreement for 2018: 平川煤矿工会" in listed.stderr
    table = register.ok("--lang", "zh", "agreement", "list", "--year", "2018").stdout
    for label in (
        "达标",
        "未达标",
        "帮扶目标(户)",
        "年末覆盖率%",
        "结对覆盖率",
        "帮扶户数、退出户数",
    ):
        assert label in table
    scoped = register.ok("agreement", "list", "--org", "baiyin-qu", "-f", "csv").stdout.splitlines()
    assert [line.split(",")[0] for line in scoped[1:]] == ["baiyin-qu", "phosphate"]
    assert scoped[0].startswith("org_code,org,kind,year,signed_on,target_helped,helped,helped_met")


def test_an_exit_ends_the_pairing_so_the_household_leaves_coverage(register: Ledger) -> None:
    exit_household(register, "H000001", dt.date(2018, 10, 1), "稳定脱困")
    shown = register.ok("pair", "show", "H000001", "-f", "json").json()
    assert shown["status"] == "exited"
    assert (shown["pairings"][0]["ended_on"], shown["pairings"][0]["end_reason"]) == (
        "2018-10-01", "稳定脱困",
    )  # fmt: skip
    assert figures(register, "--on", "2018-12-31")["phosphate"] == (2, 1, 1, "50.0", 1)
    assert figures(register, "--on", "2018-09-30")["phosphate"] == (3, 2, 1, "66.6", 2)


def test_an_agreement_twice_for_the_same_union_and_year_is_refused(baiyin: Ledger) -> None:
    baiyin.ok("agreement", "add", "--org", "baiyin-qu", "--year", "2018", "--target-helped", "120",
              "--target-exits", "30", "--signed-on", "2018-01-15")  # fmt: skip
    before = baiyin.snapshot()
    refused = baiyin.fails("agreement", "add", "--org", "白银区总工会", "--year", "2018",
                           "--target-helped", "100", "--target-exits", "20", code=5)  # fmt: skip
    assert "白银区总工会 already has an agreement for 2018 (signed 2018-01-15)" in refused.stderr
    assert baiyin.snapshot() == before
    baiyin.ok("agreement", "add", "--org", "baiyin-qu", "--year", "2019", "--target-helped", "100",
              "--target-exits", "20")  # fmt: skip
    years = [r["year"] for r in baiyin.ok("agreement", "list", "-f", "json").rows()]
    assert years == [2018, 2019]
    assert (
        baiyin.ok("agreement", "list", "--year", "2019", "-f", "json").rows()[0][
            "target_coverage_pct"
        ]
        == 100
    )


@pytest.mark.parametrize(
    ("attempt", "code", "message"),
    [
        (["--org", "aluminium-unit"], 6, "'华鹭铝业公司' is a responsible unit, not a union"),
        (["--org", "nowhere"], 4, "no organisation 'nowhere'"),
        (["--org", "baiyin-qu", "--target-coverage", "101"], 3, "--target-coverage:"),
        (["--org", "baiyin-qu", "--target-exits", "-1"], 3, "--target-exits:"),
        (["--org", "baiyin-qu", "--year", "2200"], 3, "signed for this year or the next"),
        (["--org", "baiyin-qu", "--signed-on", "2099-01-01"], 3, "--signed-on:"),
    ],
)
def test_each_agreement_refusal_says_why_and_writes_nothing(
    baiyin: Ledger, attempt: list[str], code: int, message: str
) -> None:
    defaults = {"--year": "2018", "--target-helped": "10", "--target-exits": "2"}
    given = dict(zip(attempt[::2], attempt[1::2], strict=True))
    args = [part for option, value in (defaults | given).items() for part in (option, value)]
    before = baiyin.snapshot()
    refused = baiyin.fails("agreement", "add", *args, code=code)
    assert message in refused.stderr
    assert baiyin.snapshot() == before
