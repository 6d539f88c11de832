"""作废 and 一户一档 through the command line: voided contacts, exits and follow-ups stay in the
ledger marked void and every list, report and rule reads past them; a duplicate household
merged into another leaves one archive with both histories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.aid_support import sql
from tests.commands.test_exits import archived, status_of
from tests.conftest import aid, seeded
from tests.support import Ledger, make_id

__all__ = ["aid", "archived", "seeded"]


def _exits(cli: Ledger, as_of: str = "2018-12-31") -> int:
    rows = cli.ok("report", "exits", "--as-of", as_of, "-f", "json").json()["rows"]
    return sum(row["total"] for row in rows)


def _archived_on(cli: Ledger, day: str) -> int:
    rows = cli.ok("report", "categories", "--as-of", day, "-f", "json").json()["rows"]
    return sum(row["households"] for row in rows)


def _timeline(cli: Ledger, code: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = cli.ok("household", "show", code, "-f", "json").json()[
        "timeline"
    ]
    return entries


def test_a_voided_exit_restores_the_household_and_leaves_report_exits(archived: Ledger) -> None:
    category = archived.ok("household", "show", "H000001", "-f", "json").json()["category"]
    archived.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
                "--phone", "13893005678", "--on", "2018-02-01")  # fmt: skip
    archived.ok("exit", "withdrew", "H000001", "--on", "2018-03-01")
    assert status_of(archived, "H000001") == "exited"
    assert _exits(archived) == 1
    assert _archived_on(archived, "2018-06-01") == 2
    out = archived.ok("--operator", "王会计", "void", "EX001", "--reason", "退出审批未通过，误录")
    assert out.stdout.strip() == "EX001"
    assert "H000001 has the status it had before its exit on 2018-03-01" in out.stderr
    shown = archived.ok("household", "show", "H000001", "-f", "json").json()
    assert (shown["status"], shown["category"]) == ("archived", category)
    # The exit never stood: no report counts it, on any day, and the register has the
    # household archived between the exit and the void as before it.
    assert _exits(archived) == 0
    assert archived.ok("exit", "list", "-f", "json").rows() == []
    assert _archived_on(archived, "2018-02-01") == 3
    assert _archived_on(archived, "2018-06-01") == 3
    # Kept, marked, with who and why, in the timeline and the audit log.
    exited = [e for e in _timeline(archived, "H000001") if e["event"] == "exited"]
    assert len(exited) == 1 and str(exited[0]["record"]).startswith("EX001")
    assert "王会计: 退出审批未通过，误录" in str(exited[0]["voided"])
    table = archived.ok("household", "show", "H000001", "--timeline").stdout
    assert "voided" in table and "退出审批未通过" in table
    audit = archived.ok("audit", "list", "--household", "H000001", "-f", "json").rows()
    void = [row for row in audit if row["action"] == "void"]
    assert len(void) == 1 and void[0]["operator"] == "王会计"
    assert "退出审批未通过，误录" in json.dumps(void[0], ensure_ascii=False)
    # What the exit closed stands again: the pairing it ended.
    pairings = archived.ok("pair", "list", "-f", "json").rows()
    assert [(p["code"], p["status"]) for p in pairings if p["code"] == "H000001"] == [
        ("H000001", "active")
    ]
    # The rules read past it too: the household may exit again.
    archived.ok("exit", "deceased", "H000001", "--on", "2018-07-01")
    assert _exits(archived) == 1
    archived.ok("db", "check")


def test_an_exit_is_voided_only_while_it_is_the_last_word(archived: Ledger) -> None:
    archived.ok("exit", "withdrew", "H000001", "--on", "2018-03-01")
    archived.ok("exit", "relapse", "H000001", "--reason", "再次患病", "--on", "2018-04-01")
    before = archived.snapshot()
    came_back = archived.fails("void", "EX001", "--reason", "误录", code=6)
    assert "came back onto the register after exit EX001" in came_back.stderr
    assert archived.fails("void", "EX009", "--reason", "误录", code=4).stderr.startswith("error:")
    named = archived.fails("void", "H000001", "--reason", "误录", code=3)
    assert "household merge" in named.stderr
    archived.fails("void", "xyz", "--reason", "误录", code=3)
    archived.fails("void", "EX001", "--reason", "  ", code=3)
    early = archived.fails("void", "EX001", "--reason", "误录", "--on", "2018-02-01", code=6)
    assert "EX001 is dated 2018-03-01; it cannot be voided on 2018-02-01" in early.stderr
    assert archived.snapshot() == before
    archived.ok("exit", "deceased", "H000002", "--on", "2018-03-01")
    archived.ok("void", "EX002", "--reason", "误录")
    again = archived.fails("void", "EX002", "--reason", "误录", code=5)
    assert "EX002 was already voided on" in again.stderr


def test_a_voided_exit_takes_its_follow_ups_and_a_voided_follow_up_is_due_again(
    archived: Ledger,
) -> None:
    archived.ok("household", "member", "edit", "H000002", "head", "--income", "3000")
    archived.ok("exit", "stable", "H000002", "--recalculate", "--on", "2018-06-01")
    archived.ok("exit", "followup", "H000002", "--by", "李发明", "--outcome", "stable",
                "--note", "收入稳定", "--on", "2018-09-02")  # fmt: skip
    listed = archived.ok("exit", "list", "-f", "json").rows()[0]
    assert listed["next_followup_on"] == "2018-12-01"
    done = next(e for e in _timeline(archived, "H000002") if e["event"] == "followup")
    assert done["record"] == "FU001"
    out = archived.ok("void", "FU001", "--reason", "回访对象录错")
    assert "due 2018-09-01 is due again" in out.stderr
    assert archived.ok("exit", "list", "-f", "json").rows()[0]["next_followup_on"] == "2018-09-01"
    due = archived.ok("review", "followups", "--as-of", "2018-09-10", "-f", "json").rows()
    assert [row["code"] for row in due] == ["H000002"]
    archived.ok("void", "EX001", "--reason", "未达到脱困标准，误录")
    assert archived.ok("review", "followups", "--as-of", "2018-09-10", "-f", "json").rows() == []
    went = archived.fails("void", "FU002", "--reason", "x", code=5)  # went with its exit
    assert "FU002 was already voided" in went.stderr
    assert status_of(archived, "H000002") == "archived"
    archived.ok("db", "check")


def test_a_voided_contact_leaves_the_household_unreached_again(seeded: Ledger) -> None:
    seeded.ok("household", "contact", "H000001", "--by", "phone", "--outcome", "reached",
              "--on", "2018-01-05")  # fmt: skip
    assert seeded.ok("household", "list", "--unreached", "-f", "json").rows() == []
    contact = next(e for e in _timeline(seeded, "H000001") if e["event"] == "contact")
    assert contact["record"] == "CA001" and contact["voided"] is None
    seeded.ok("void", "CA001", "--reason", "打错了电话，不是这一户")
    unreached = seeded.ok("household", "list", "--unreached", "-f", "json").rows()
    assert [row["code"] for row in unreached] == ["H000001"] and unreached[0]["attempts"] == 0
    shown = seeded.ok("household", "show", "H000001", "-f", "json").json()
    assert shown["contacts"] == []
    assert [e["voided"] is not None for e in shown["timeline"] if e["event"] == "contact"] == [True]
    zh = seeded.ok("--lang", "zh", "household", "show", "H000001", "--timeline").stdout
    assert "已作废" in zh


def test_a_merged_duplicate_leaves_one_household_with_both_histories(seeded: Ledger) -> None:
    born = dt.date(1978, 3, 15)
    seeded.ok("household", "add", "--name", "张三", "--id-number", make_id(birth=born, sequence=13),
              "--org", "phosphate", "--cause", "illness", "--on", "2018-02-01")  # fmt: skip
    seeded.ok("household", "contact", "H000002", "--by", "visit", "--outcome", "reached",
              "--caseworker", "李发明", "--on", "2018-02-03")  # fmt: skip
    pairs = seeded.ok("household", "duplicates", "-f", "json").rows()
    assert [(p["first"], p["second"], p["name"]) for p in pairs] == [("H000001", "H000002", "张三")]
    assert pairs[0]["birth_date"] != born.isoformat()  # masked
    assert len(seeded.ok("household", "list", "-f", "json").rows()) == 2
    out = seeded.ok(
        "household", "merge", "H000002", "--into", "H000001", "--reason", "同一户重复登记"
    )
    assert "H000002 merged into H000001" in out.stderr
    # One household in every list, report and duplicate search; the other kept, voided.
    assert [r["code"] for r in seeded.ok("household", "list", "-f", "json").rows()] == ["H000001"]
    assert seeded.ok("household", "duplicates", "-f", "json").rows() == []
    pipeline = seeded.ok("report", "pipeline", "--as-of", "2018-03-01", "-f", "json").json()
    assert sum(row["waiting"] for row in pipeline["rows"]) == 1
    duplicate = seeded.ok("household", "show", "H000002", "-f", "json").json()
    assert duplicate["merged_into"] == "H000001"
    assert "同一户重复登记" in str(duplicate["timeline"][0]["voided"])
    # Both histories in the archive that stays, the duplicate's records marked with its code.
    timeline = _timeline(seeded, "H000001")
    assert [(e["event"], e["record"]) for e in timeline] == [
        ("registered", None),
        ("registered", "H000002"),
        ("contact", "H000002 CA001"),
    ]
    assert timeline[2]["voided"] is None
    # Nothing more is recorded for the duplicate; the refusal names the household to use.
    before = seeded.snapshot()
    refused = seeded.fails("household", "contact", "H000002", "--by", "phone",
                           "--outcome", "reached", code=6)  # fmt: skip
    assert "H000002 was merged into H000001" in refused.stderr
    again = seeded.fails("household", "merge", "H000002", "--into", "H000001", "--reason", "x",
                         code=5)  # fmt: skip
    assert "already merged" in again.stderr
    seeded.fails("household", "merge", "H000001", "--into", "H000001", "--reason", "x", code=3)
    seeded.fails("household", "merge", "H000001", "--into", "H000002", "--reason", "x", code=6)
    assert seeded.snapshot() == before
    assert sql(seeded, "SELECT count(*) FROM household")[0][0] == 2
    seeded.ok("db", "check")
    seeded.ok("ledger", "verify")


def test_rules_exports_and_agreements_read_past_a_voided_exit(aid: Ledger, tmp_path: Path) -> None:
    aid.ok("exit", "deceased", "H000001", "--on", "2018-05-01")
    late = aid.fails("aid", "grant", "H000001", "--program", "send-warmth", "--fund", "F001",
                     "--on", "2018-06-01", code=6)  # fmt: skip
    assert "H000001" in late.stderr
    aid.ok("agreement", "add", "--org", "baiyin", "--year", "2018", "--target-helped", "0",
           "--target-exits", "1", "--signed-on", "2018-01-05")  # fmt: skip
    assert aid.ok("agreement", "list", "--year", "2018", "-f", "json").rows()[0]["exits"] == 1
    areas = aid.ok("report", "areas", "--as-of", "2018-12-31", "-f", "json").json()["rows"]
    assert sum(row["exits"] for row in areas) == 1
    aid.ok("void", "EX001", "--reason", "死亡登记录错了人", "--on", "2018-05-20")
    # The receipt rule reads the status history without the voided change.
    aid.ok("aid", "grant", "H000001", "--program", "send-warmth", "--fund", "F001",
           "--on", "2018-06-01")  # fmt: skip
    assert aid.ok("agreement", "list", "--year", "2018", "-f", "json").rows()[0]["exits"] == 0
    areas = aid.ok("report", "areas", "--as-of", "2018-12-31", "-f", "json").json()["rows"]
    assert sum(row["exits"] for row in areas) == 0
    out = tmp_path / "exits.csv"
    assert "wrote 0 exits" in aid.ok("export", "exits", "-o", str(out)).stderr
    aid.ok("ledger", "verify")
    aid.ok("db", "check")


def test_a_grant_paid_to_a_merged_duplicate_shows_under_the_household_that_stays(
    aid: Ledger,
) -> None:
    from tests.aid_support import archive_for_test

    archive_for_test(aid, "H000002")
    seq = aid.ok("aid", "grant", "H000002", "--program", "living-aid", "--fund", "F001",
                 "--on", "2018-06-01").stdout.strip()  # fmt: skip
    aid.ok("pair", "assign", "H000002", "--unit", "aluminium-unit", "--contact", "李发明",
           "--phone", "13893005678", "--on", "2018-06-05")  # fmt: skip
    head = aid.ok("ledger", "head").stdout
    aid.ok("household", "merge", "H000002", "--into", "H000001", "--reason", "同一户重复登记")
    assert "H000002" not in {p["code"] for p in aid.ok("pair", "list", "-f", "json").rows()}
    grants = [e for e in _timeline(aid, "H000001") if e["event"] == "grant"]
    assert [e["record"] for e in grants] == [f"H000002 #{seq}"]
    # The aid ledger is not rewritten: the same chain, the same head.
    assert aid.ok("ledger", "head").stdout == head
    aid.ok("ledger", "verify")
    categories = aid.ok("report", "categories", "--as-of", "2018-12-31", "-f", "json").json()
    assert sum(row["households"] for row in categories["rows"]) == 1
    aid.ok("db", "check")
