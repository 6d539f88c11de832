"""The seven steps through the command line: a household from candidate to archived, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, make_id, walk_to_notice

HEAD = make_id("620402", dt.date(1968, 4, 12), 11)
WIFE = make_id("620402", dt.date(1970, 9, 3), 22)


def _build_hh(baiyin: Ledger) -> None:
    """Baiyin with a 2018 dibao line of 520 yuan and 吴新民's household (2 people, 900 yuan a month)."""
    baiyin.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    baiyin.ok("household", "add", "--name", "吴新民", "--id-number", HEAD, "--org", "phosphate",
              "--identity", "下岗", "--income", "0", "--cause", "因病", "--on", "2018-03-01")  # fmt: skip
    baiyin.ok("household", "member", "add", "H000001", "--name", "李秀英", "--id-number", WIFE,
              "--relation", "配偶", "--income", "900", "--health", "chronic")  # fmt: skip


hh = ledger_fixture(*BAIYIN, ("test_identify.hh", _build_hh))


def test_a_household_walks_from_candidate_to_archived(hh: Ledger) -> None:
    walk_to_notice(hh)
    done = hh.ok("identify", "confirm", "H000001", "--by", "baiyin-qu", "--on", "2018-04-16")
    assert (
        "archived on 2018-04-16 as dibao (低保户), archive number 620402-2018-00001" in done.stderr
    )
    shown = hh.ok("household", "show", "620402-2018-00001", "-f", "json").json()
    assert (shown["status"], shown["category"], shown["archive_no"]) == (
        "archived", "dibao", "620402-2018-00001",
    )  # fmt: skip
    status = hh.ok("identify", "status", "H000001", "-f", "json").json()
    assert [s["step"] for s in status["steps"]] == [
        "visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "confirm",
    ]  # fmt: skip
    assert status["steps"][0]["operators"] == ["李发明", "张清满"]
    assert status["due"] is None
    assert status["rounds"][0]["status"] == "archived"


def test_the_walk_in_chinese_with_lang_zh(hh: Ledger) -> None:
    walk_to_notice(hh)
    hh.ok("identify", "confirm", "H000001", "--by", "白银区总工会", "--on", "2018-04-16")
    table = hh.ok("--lang", "zh", "identify", "status", "H000001").stdout
    for label in ("一进", "二看", "三算", "四议", "五评", "六公示", "七确认", "李发明、张清满"):
        assert label in table
    listed = hh.ok("--lang", "zh", "household", "list").stdout
    assert "建档" in listed and "低保户" in listed and "因病" in listed


def test_advance_records_whichever_step_is_due(hh: Ledger) -> None:
    hh.ok(
        "identify",
        "advance",
        "H000001",
        "--visitor",
        "李发明",
        "--visitor",
        "张清满",
        "--on",
        "2018-04-02",
    )
    hh.ok(
        "identify",
        "advance",
        "H000001",
        "--housing",
        "owned",
        "--car-value",
        "0",
        "--on",
        "2018-04-03",
    )
    out = hh.ok("identify", "advance", "H000001", "--on", "2018-04-04")
    assert "proposed category: dibao (低保户)" in out.stdout
    hh.ok("identify", "advance", "H000001", "--decision", "approve", "--attendees", "5",
          "--minutes", "同意", "--on", "2018-04-05")  # fmt: skip
    hh.ok("identify", "advance", "H000001", "--for", "9", "--against", "0", "--on", "2018-04-06")
    hh.ok("identify", "advance", "H000001", "--from", "2018-04-09", "--days", "10")
    before = hh.snapshot()
    wrong = hh.fails(
        "identify", "advance", "H000001", "--visitor", "王五", "--on", "2018-04-20", code=3
    )
    assert "the next step is confirm (七确认); it does not take --visitor" in wrong.stderr
    assert hh.snapshot() == before
    hh.fails(
        "identify", "advance", "H000001", "--by", "baiyin", "--on", "2018-04-18", code=6
    )  # 10-day notice
    hh.ok("identify", "advance", "H000001", "--by", "baiyin", "--on", "2018-04-19")
    assert hh.ok("household", "show", "H000001", "-f", "json").json()["status"] == "archived"


def test_calculate_prints_the_arithmetic_and_needs_a_dibao_line(hh: Ledger) -> None:
    hh.ok(
        "identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", "--on", "2019-02-01"
    )
    hh.ok("identify", "inspect", "H000001", "--car-value", "0", "--on", "2019-02-01")
    before = hh.snapshot()
    missing = hh.fails("identify", "calculate", "H000001", "--on", "2019-02-02", code=4)
    assert "no dibao line for area 620402 in 2019" in missing.stderr
    assert hh.snapshot() == before
    hh.ok("policy", "set-line", "--area", "620402", "--year", "2019", "--amount", "600")
    out = hh.ok(
        "identify", "calculate", "H000001", "--other-income", "300", "--on", "2019-02-02"
    ).stdout
    assert out.splitlines() == [
        "members: 2",
        "income: 900.00 earned + 300.00 other = 1,200.00 yuan a month",
        "per capita: 1,200.00 ÷ 2 = 600.00",
        "dibao line for area 620402 in 2019: 600.00",
        "dibao: 600.00 < 600.00: no",
        "marginal: 600.00 ≤ 1.5 × 600.00 = 900.00: yes",
        "proposed category: marginal (低保边缘户)",
    ]


def test_an_exclusion_rejects_the_case_unless_overridden(hh: Ledger) -> None:
    hh.ok(
        "identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", "--on", "2018-04-02"
    )
    out = hh.ok("identify", "inspect", "H000001", "--car-value", "150000", "--on", "2018-04-03")
    assert (
        "rejected at inspect (二看)" in out.stderr and "above the 100,000-yuan limit" in out.stderr
    )
    assert hh.ok("household", "show", "H000001", "-f", "json").json()["status"] == "rejected"
    hh.fails("identify", "calculate", "H000001", code=6)  # a rejected case takes no steps
    hh.ok("identify", "restart", "H000001", "--reason", "车辆已变卖", "--on", "2018-05-01")
    hh.ok(
        "identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", "--on", "2018-05-02"
    )
    overridden = hh.ok("identify", "inspect", "H000001", "--second-home", "--override",
                       "二套房为危房，无法居住", "--on", "2018-05-03")  # fmt: skip
    assert "overridden" in overridden.stderr
    status = hh.ok("identify", "status", "H000001", "-f", "json").json()
    assert [r["status"] for r in status["rounds"]] == ["rejected", "open"]
    assert len(status["steps"]) == 4  # round 1: visit, inspect; round 2: visit, inspect
    entry = hh.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert entry["changes"]["override"] == "二套房为危房，无法居住"


def test_an_upheld_objection_rejects_and_a_committee_no_rejects(hh: Ledger) -> None:
    walk_to_notice(hh)
    number = hh.ok("identify", "object", "H000001", "--by", "匿名", "--text", "有经营收入",
                   "--on", "2018-04-10").stdout.strip()  # fmt: skip
    out = hh.ok("identify", "settle", number, "--upheld", "--note", "属实", "--on", "2018-04-12")
    assert "rejected at publicize" in out.stderr
    assert hh.ok("household", "show", "H000001", "-f", "json").json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("steps", "attempt", "message"),
    [
        ([], ["identify", "inspect", "H000001", "--car-value", "0"], "first step is visit"),
        ([], ["identify", "visit", "H000001", "--visitor", "甲"], "at least 2 visitors"),
        ([], ["identify", "visit", "H000001", "--visitor", "甲", "--visitor", "甲"], "at least 2 visitors"),
        ([], ["identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", "--on", "2018-01-01"],
         "before H000001 was registered"),
        (["visit"], ["identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙"], "already recorded"),
        (["visit"], ["identify", "calculate", "H000001"], "the next step for H000001 is inspect"),
        (["visit"], ["identify", "inspect", "H000001", "--on", "2018-03-30"], "dates cannot go backwards"),
        (["visit", "inspect", "calculate"], ["identify", "deliberate", "H000001", "--decision", "approve",
                                             "--attendees", "0", "--minutes", "x"], "at least one attendee"),
        (["visit", "inspect", "calculate", "deliberate", "appraise"],
         ["identify", "publicize", "H000001", "--days", "5"], "at least 7 days"),
        (["visit", "inspect", "calculate", "deliberate", "appraise", "publicize"],
         ["identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-15"], "runs until 2018-04-15"),
        (["visit", "inspect", "calculate", "deliberate", "appraise", "publicize"],
         ["identify", "confirm", "H000001", "--by", "phosphate", "--on", "2018-04-16"], "is not above"),
        (["visit", "inspect", "calculate", "deliberate", "appraise", "publicize"],
         ["identify", "confirm", "H000001", "--by", "baiyin", "--category", "marginal",
          "--on", "2018-04-16"], "needs --override"),
        (["visit", "inspect", "calculate", "deliberate", "appraise", "publicize"],
         ["identify", "object", "H000001", "--by", "甲", "--text", "x", "--on", "2018-04-16"],
         "outside it"),
        (["visit", "inspect", "calculate", "deliberate", "appraise"],
         ["identify", "object", "H000001", "--by", "甲", "--text", "x"], "no public notice running"),
        (["visit"], ["identify", "inspect", "H000001", "--on", "2099-01-01"], "in the future"),
    ],
)  # fmt: skip
def test_each_refusal_says_what_is_due_and_writes_nothing(
    hh: Ledger, steps: list[str], attempt: list[str], message: str
) -> None:
    prepare = {
        "visit": ["identify", "visit", "H000001", "--visitor", "李发明", "--visitor", "张清满", "--on", "2018-04-02"],
        "inspect": ["identify", "inspect", "H000001", "--car-value", "0", "--on", "2018-04-03"],
        "calculate": ["identify", "calculate", "H000001", "--on", "2018-04-04"],
        "deliberate": ["identify", "deliberate", "H000001", "--decision", "approve", "--attendees", "7",
                       "--minutes", "同意", "--on", "2018-04-05"],
        "appraise": ["identify", "appraise", "H000001", "--for", "5", "--against", "1", "--on", "2018-04-06"],
        "publicize": ["identify", "publicize", "H000001", "--from", "2018-04-09"],
    }  # fmt: skip
    for step in steps:
        hh.ok(*prepare[step])
    before = hh.snapshot()
    result = hh.run(*attempt)
    assert result.exit_code in (3, 6), result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert hh.snapshot() == before


def test_archived_households_take_no_more_steps(hh: Ledger) -> None:
    walk_to_notice(hh)
    hh.ok("identify", "confirm", "H000001", "--by", "baiyin", "--on", "2018-04-16")
    before = hh.snapshot()
    refused = hh.fails("identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", code=6)
    assert "H000001 is archived" in refused.stderr
    hh.fails("identify", "reject", "H000001", "--reason", "x", code=6)
    hh.fails("identify", "restart", "H000001", "--reason", "x", code=6)
    assert hh.snapshot() == before


def test_contact_attempts_and_the_unreached_list(hh: Ledger) -> None:
    hh.ok(
        "household",
        "add",
        "--name",
        "王志民",
        "--id-number",
        make_id(sequence=131),
        "--org",
        "baiyin-qu",
    )
    hh.ok(
        "household",
        "contact",
        "H000002",
        "--by",
        "phone",
        "--outcome",
        "no-answer",
        "--on",
        "2018-05-01",
    )
    hh.ok("household", "contact", "H000002", "--by", "door", "--outcome", "not_found", "--on", "2018-05-02",
          "--note", "楼里无人认识")  # fmt: skip
    rows = {r["code"]: r for r in hh.ok("household", "list", "--unreached", "-f", "json").rows()}
    assert set(rows) == {"H000001", "H000002"}
    assert (rows["H000002"]["attempts"], rows["H000002"]["last_attempt_on"], rows["H000002"]["last_outcome"]) == (
        2, "2018-05-02", "not_found",
    )  # fmt: skip
    hh.ok("household", "contact", "H000002", "--by", "door", "--outcome", "reached", "--on", "2018-05-03",
          "--caseworker", "李发明")  # fmt: skip
    hh.ok(
        "identify", "visit", "H000001", "--visitor", "甲", "--visitor", "乙", "--on", "2018-05-04"
    )
    assert hh.ok("household", "list", "--unreached", "-f", "json").rows() == []
    contacts = hh.ok("household", "show", "H000002", "-f", "json").json()["contacts"]
    assert contacts[-1] == {"attempted_on": "2018-05-03", "method": "door", "outcome": "reached",
                            "caseworker": "李发明", "note": ""}  # fmt: skip


def test_pipeline_counts_waiting_and_passed_and_rolls_up_orgs(hh: Ledger) -> None:
    hh.ok("household", "add", "--name", "王志民", "--id-number", make_id(sequence=131), "--org", "pingchuan",
          "--on", "2018-03-01")  # fmt: skip
    hh.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "500")
    walk_to_notice(hh)
    hh.ok(
        "identify", "visit", "H000002", "--visitor", "甲", "--visitor", "乙", "--on", "2018-04-02"
    )
    rows = {r["stage"]: r for r in hh.ok("identify", "pipeline", "-f", "json").rows()}
    assert rows["confirm"]["waiting"] == 1 and rows["inspect"]["waiting"] == 1
    assert rows["visit"]["passed"] == 2 and rows["publicize"]["passed"] == 1
    only = {
        r["stage"]: r
        for r in hh.ok("identify", "pipeline", "--org", "baiyin-qu", "-f", "json").rows()
    }
    assert only["inspect"]["waiting"] == 0 and only["confirm"]["waiting"] == 1
    table = hh.ok("--lang", "zh", "identify", "pipeline").stdout
    assert "七确认" in table and "合计" in table
