"""Exits, follow-ups, relapse and the review lists through the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archive_household, make_id

START = dt.date(2018, 1, 8)


def _build_archived(baiyin: Ledger) -> None:
    """Three archived Baiyin households: H1 dibao (no income), H2 marginal, H3 accident."""
    for year, amount in (("2017", "480"), ("2018", "520"), ("2019", "560")):
        baiyin.ok("policy", "set-line", "--area", "620402", "--year", year, "--amount", amount)
    people = [("吴新民", "0"), ("张瑞华", "1200"), ("刘菊香", "2000")]
    for sequence, (name, income) in enumerate(people, start=1):
        baiyin.ok("household", "add", "--name", name, "--id-number", make_id(sequence=sequence * 2 + 1),
                  "--org", "phosphate", "--income", income, "--cause", "illness", "--on", "2017-12-01")  # fmt: skip
        baiyin.ok("household", "member", "add", f"H00000{sequence}", "--name", f"{name[0]}家属",
                  "--id-number", make_id(birth=dt.date(1980, 1, sequence), sequence=sequence * 2),
                  "--relation", "spouse")  # fmt: skip
    archive_household(baiyin, "H000001", start=START)
    archive_household(baiyin, "H000002", start=START)
    archive_household(baiyin, "H000003", start=START, extra_calculate=("--accident-costs", "1500"))


archived = ledger_fixture(*BAIYIN, ("test_exits.archived", _build_archived))


def status_of(cli: Ledger, code: str) -> str:
    return str(cli.ok("household", "show", code, "-f", "json").json()["status"])


def test_a_stable_exit_needs_a_fresh_calculation_above_the_line(archived: Ledger) -> None:
    before = archived.snapshot()
    stale = archived.fails("exit", "stable", "H000002", "--on", "2018-06-01", code=6)
    assert "more than 90 days before 2018-06-01" in stale.stderr and "--recalculate" in stale.stderr
    low = archived.fails("exit", "stable", "H000002", "--on", "2018-01-20", code=6)
    assert "per capita 600.00 < exit line 780.00 (1.5 × 520.00)" in low.stderr
    assert archived.snapshot() == before
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    done = archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    assert "per capita 1,500.00 ≥ exit line 780.00 (1.5 × 520.00)" in done.stderr
    assert "follow-ups due 2018-09-01, 2018-12-01, 2019-06-01" in done.stderr
    assert status_of(archived, "H000002") == "exited"
    again = archived.fails("exit", "stable", "H000002", "--recalculate", code=6)
    assert "already exited on 2018-06-01 (stable)" in again.stderr


def test_accident_households_may_exit_on_what_was_resolved(archived: Ledger) -> None:
    archived.fails("exit", "stable", "H000001", "--resolved", "x", "--on", "2018-02-01", code=6)
    out = archived.ok(
        "exit", "stable", "H000003", "--resolved", "工伤赔偿到位", "--on", "2018-05-01"
    )
    assert "resolved: 工伤赔偿到位" in out.stderr
    rows = archived.ok("exit", "list", "-f", "json").rows()
    assert rows[0]["kind"] == "stable" and rows[0]["category"] == "accident"


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["safety-net", "H000001", "--reason", "纳入特困供养"], "safety_net"),
        (["moved", "H000001", "--to", "兰州市"], "moved"),
        (["deceased", "H000001"], "deceased"),
        (["ineligible", "H000001", "--reason", "数据比对不符"], "ineligible"),
        (["withdrew", "H000001"], "withdrew"),
    ],
)
def test_every_other_kind_of_exit(archived: Ledger, args: list[str], kind: str) -> None:
    archived.ok("exit", *args, "--on", "2018-03-01")
    row = archived.ok("exit", "list", "-f", "json").rows()[0]
    assert (row["code"], row["kind"], row["exited_on"]) == ("H000001", kind, "2018-03-01")
    assert row["next_followup_on"] is None
    assert status_of(archived, "H000001") == "exited"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["safety-net", "H000001"], 3, "--reason is required"),
        (["ineligible", "H000001"], 3, "--reason is required"),
        (["moved", "H000001", "--to", " "], 3, "--to is required"),
        (["stable", "H000001", "--medical-costs", "100"], 3, "go with --recalculate"),
        (["deceased", "H000001", "--on", "2018-01-01"], 6, "was archived on 2018-01-15"),
        (["deceased", "H000001", "--on", "2099-01-01"], 3, "in the future"),
        (["followup", "H000001", "--by", "甲", "--outcome", "stable"], 6, "has not exited"),
        (["relapse", "H000001", "--reason", "x"], 6, "has not exited"),
    ],
)
def test_exit_refusals_write_nothing(
    archived: Ledger, args: list[str], code: int, message: str
) -> None:
    before = archived.snapshot()
    result = archived.fails("exit", *args, code=code)
    assert message in result.stderr
    assert archived.snapshot() == before


def test_a_candidate_cannot_exit(baiyin: Ledger) -> None:
    baiyin.ok(
        "household",
        "add",
        "--name",
        "王五",
        "--id-number",
        make_id(sequence=41),
        "--org",
        "phosphate",
    )
    assert (
        "only archived households exit"
        in baiyin.fails("exit", "withdrew", "H000001", code=6).stderr
    )


def test_followups_are_recorded_against_the_earliest_due(archived: Ledger) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    first = archived.ok(
        "exit", "followup", "H000002", "--by", "李发明", "--outcome", "stable", "--on", "2018-09-03"
    )
    assert "(due 2018-09-01)" in first.stderr
    assert archived.ok("exit", "list", "-f", "json").rows()[0]["next_followup_on"] == "2018-12-01"
    risk = archived.ok(
        "exit",
        "followup",
        "H000002",
        "--by",
        "李发明",
        "--outcome",
        "relapsed",
        "--on",
        "2018-11-01",
    )
    assert "kunnan exit relapse H000002" in risk.stderr
    archived.fails("exit", "followup", "H000002", "--by", "甲", "--outcome", "fine", code=3)


def test_relapse_reopens_identification_linked_to_the_old_archive(archived: Ledger) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    out = archived.ok("exit", "relapse", "H000002", "--reason", "工厂停产", "--on", "2018-10-10")
    assert "earlier archive 620402-2018-00002" in out.stderr
    assert status_of(archived, "H000002") == "candidate"
    assert archived.ok("exit", "list", "-f", "json").rows()[0]["relapsed_on"] == "2018-10-10"
    assert archived.ok("review", "followups", "--as-of", "2018-11-25", "-f", "json").rows() == []
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "0")
    confirmed = archive_household(archived, "H000002", start=dt.date(2019, 1, 7))
    status = archived.ok("identify", "status", "H000002", "-f", "json").json()
    assert [r["status"] for r in status["rounds"]] == ["archived", "archived"]
    assert status["rounds"][1]["follows_archive_no"] == "620402-2018-00002"
    assert len(status["steps"]) == 14  # both rounds kept
    shown = archived.ok("household", "show", "H000002", "-f", "json").json()
    assert shown["archive_no"] == "620402-2019-00001" and confirmed == dt.date(2019, 1, 14)


def test_follow_up_dates_clamp_to_month_ends(archived: Ledger) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("policy", "set", "followup_months", "1,3,13", "--from", "2018-01-01")
    out = archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2019-01-31")
    assert "follow-ups due 2019-02-28, 2019-04-30, 2020-02-29" in out.stderr


def test_exits_are_counted_in_the_year_they_happened(archived: Ledger) -> None:
    archived.ok("exit", "withdrew", "H000001", "--on", "2018-12-31")
    archived.ok("exit", "deceased", "H000003", "--on", "2019-01-01")
    in_2018 = archived.ok("exit", "list", "--year", "2018", "-f", "json").rows()
    in_2019 = archived.ok("exit", "list", "--year", "2019", "-f", "json").rows()
    assert [r["code"] for r in in_2018] == ["H000001"]
    assert [r["code"] for r in in_2019] == ["H000003"]
    assert [
        r["code"] for r in archived.ok("exit", "list", "--kind", "死亡", "-f", "json").rows()
    ] == ["H000003"]


def test_review_lists_find_the_households_that_need_attention(archived: Ledger) -> None:
    # H1 is calculated again in 2019; H2 and H3 are not: their yearly review is overdue in 2019.
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")

    def codes(*args: str) -> list[str]:
        return [r["code"] for r in archived.ok("review", *args, "-f", "json").rows()]

    assert codes("due", "--as-of", "2018-12-31") == []
    assert codes("due", "--as-of", "2019-01-09") == ["H000001", "H000003"]
    assert codes("stale", "--as-of", "2019-01-16") == ["H000001", "H000003"]
    archived.ok(
        "household",
        "contact",
        "H000001",
        "--by",
        "phone",
        "--outcome",
        "reached",
        "--on",
        "2018-12-01",
    )
    assert codes("stale", "--as-of", "2019-01-16") == ["H000003"]
    assert codes("followups", "--as-of", "2018-08-01") == []
    assert codes("followups", "--as-of", "2018-08-05") == [
        "H000002"
    ]  # due 2018-09-01, within 30 days
    overdue = archived.ok("review", "followups", "--as-of", "2018-09-11", "-f", "json").rows()[0]
    assert (overdue["state"], overdue["days"], overdue["last_on"]) == ("overdue", 10, "2018-09-01")
    counts = archived.ok(
        "review", "due", "--as-of", "2019-01-09", "--by-union", "-f", "json"
    ).rows()
    assert counts == [{"org": "白银磷肥厂工会", "households": 2}]
    assert codes("due", "--as-of", "2019-01-09", "--org", "pingchuan") == []


def test_exiting_ends_the_active_pairing(archived: Ledger) -> None:
    archived.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
                "--phone", "13893005678", "--on", "2018-02-01")  # fmt: skip
    archived.ok("exit", "withdrew", "H000001", "--on", "2018-03-01")
    pairings = archived.ok("pair", "list", "--all", "-f", "json").rows()
    assert [(p["code"], p["ended_on"]) for p in pairings] == [("H000001", "2018-03-01")]
