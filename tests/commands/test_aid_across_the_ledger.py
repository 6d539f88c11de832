"""The aid ledger with the rest of the work: exits stop aid, reviews and agreements count it,
db verify checks its chain."""

from __future__ import annotations

from tests.aid_support import allow_tampering, sql
from tests.support import Ledger


def test_an_exited_household_receives_no_new_aid(aid: Ledger) -> None:
    aid.ok(
        "aid",
        "grant",
        "H000001",
        "--program",
        "send-warmth",
        "--fund",
        "F001",
        "--on",
        "2018-02-01",
    )
    aid.ok("exit", "withdrew", "H000001", "--on", "2018-06-30")
    before = aid.snapshot()
    refused = aid.fails("aid", "grant", "H000001", "--program", "temporary-aid", "--fund", "F001",
                        "--on", "2018-07-02", code=6)  # fmt: skip
    assert "left the register on 2018-06-30 (withdrew)" in refused.stderr
    assert aid.snapshot() == before
    # A paper record of aid given while it was still archived is still accepted.
    aid.ok(
        "aid", "grant", "H000001", "--program", "living-aid", "--fund", "F001", "--on", "2018-06-01"
    )


def test_review_never_aided_and_agreements_count_standing_grants(aid: Ledger) -> None:
    from tests.aid_support import archive_for_test

    archive_for_test(aid, "H000002")
    never = aid.ok("review", "never-aided", "--as-of", "2018-12-31", "-f", "json").rows()
    assert [r["code"] for r in never] == ["H000001", "H000002"]
    seq = aid.ok("aid", "grant", "H000002", "--program", "living-aid", "--fund", "F001",
                 "--on", "2018-03-01").stdout.strip()  # fmt: skip
    never = aid.ok("review", "never-aided", "--as-of", "2018-12-31", "-f", "json").rows()
    assert [r["code"] for r in never] == ["H000001"]
    assert [r["code"] for r in aid.ok("review", "never-aided", "--as-of", "2018-02-28", "-f", "json").rows()] == [
        "H000001", "H000002",
    ]  # fmt: skip
    aid.ok("agreement", "add", "--org", "baiyin", "--year", "2018", "--target-helped", "1",
           "--target-exits", "0", "--signed-on", "2018-01-05")  # fmt: skip
    helped = aid.ok("agreement", "list", "--year", "2018", "-f", "json").rows()[0]
    assert (helped["helped"], helped["helped_met"]) == (1, "met")
    aid.ok("aid", "reverse", seq, "--reason", "重复发放", "--on", "2018-03-05")
    assert aid.ok("agreement", "list", "--year", "2018", "-f", "json").rows()[0]["helped"] == 0
    assert len(aid.ok("review", "never-aided", "--as-of", "2018-12-31", "-f", "json").rows()) == 2


def test_db_verify_includes_the_aid_ledgers_chain(aid: Ledger) -> None:
    aid.ok(
        "aid",
        "grant",
        "H000001",
        "--program",
        "send-warmth",
        "--fund",
        "F001",
        "--on",
        "2018-02-01",
    )
    aid.ok("db", "verify")
    allow_tampering(aid)
    sql(aid, "UPDATE aid_entry SET amount_fen = amount_fen + 100 WHERE seq = 2")
    result = aid.run("db", "verify", "-f", "json")
    assert result.exit_code == 1
    assert any(p["check"] == "aid-ledger" and p["ref"] == "entry 2" for p in result.rows())
