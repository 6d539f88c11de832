"""The ledger's own integrity: its append-only triggers are checked, money holds on every date,
and a register never runs backwards (registration before the head's birth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from kunnan.db import migrate
from kunnan.db.location import resolve
from kunnan.db.revision import HEAD_REVISION
from kunnan.db.triggers import APPEND_ONLY, SIGNED, expected
from kunnan.domain.aid import entry_hash
from kunnan.models import AidEntry
from kunnan.services.ledger import chain_fields
from tests.aid_support import allow_tampering, raw, sql
from tests.conftest import AID, BACKENDS, LedgerMaker, ledger_fixture
from tests.support import Ledger, make_id


def trigger_problems(ledger: Ledger) -> list[dict[str, Any]]:
    """``db verify`` must fail; the problem rows of the append-only check."""
    result = ledger.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.strip().startswith("error: ") and "problem(s) found" in result.stderr
    return [p for p in result.rows() if p["check"] == "append-only"]


# --- append-only triggers -----------------------------------------------------------------------


def test_a_fresh_ledger_has_exactly_the_triggers_kunnan_checks_for(ledger: Ledger) -> None:
    assert "ledger checks passed" in ledger.ok("db", "verify").stderr
    if ledger.backend == "postgresql":
        rows = sql(
            ledger,
            "SELECT tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal",
        )
    else:
        rows = sql(ledger, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    wanted = {(t.name, t.table) for t in expected(ledger.backend)}
    assert {tuple(row) for row in rows} == wanted
    assert {t.table for t in expected(ledger.backend) if not t.notes} == {
        t.table for t in APPEND_ONLY
    }
    assert {t.table for t in expected(ledger.backend) if t.notes} == {t.table for t in SIGNED}


SQLITE_TAMPERING = {
    "dropped": (
        ["DROP TRIGGER audit_log_no_delete"],
        "audit_log_no_delete",
        "audit_log",
        "is missing: DELETE of its rows is no longer refused",
    ),
    "replaced by one that does nothing": (
        [
            "DROP TRIGGER aid_entry_no_update",
            "CREATE TRIGGER aid_entry_no_update BEFORE UPDATE ON aid_entry BEGIN SELECT 1; END",
        ],
        "aid_entry_no_update",
        "aid_entry",
        "is not the one kunnan installs: its definition was changed",
    ),
    "made never to fire": (
        [
            "DROP TRIGGER loan_default_no_update",
            "CREATE TRIGGER loan_default_no_update BEFORE UPDATE ON loan_default WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'loan_default rows are never changed or deleted'); END",
        ],
        "loan_default_no_update",
        "loan_default",
        "is not the one kunnan installs",
    ),
}

PG_TAMPERING = {
    "dropped": (
        ["DROP TRIGGER audit_log_append_only ON audit_log"],
        "audit_log_append_only",
        "audit_log",
        "is missing: UPDATE and DELETE of its rows is no longer refused",
    ),
    "disabled": (
        ["ALTER TABLE aid_entry DISABLE TRIGGER aid_entry_append_only"],
        "aid_entry_append_only",
        "aid_entry",
        "is disabled",
    ),
    "disabled with the others": (
        ["ALTER TABLE loan DISABLE TRIGGER USER"],
        "loan_append_only",
        "loan",
        "is disabled",
    ),
    "its function made to let changes through": (
        [
            "CREATE OR REPLACE FUNCTION kunnan_append_only() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END $$"
        ],
        "fund_assertion_append_only",
        "fund_assertion",
        "the function kunnan_append_only() it calls was rewritten",
    ),
    "replaced by an AFTER INSERT trigger": (
        [
            "DROP TRIGGER loan_repayment_append_only ON loan_repayment",
            "CREATE TRIGGER loan_repayment_append_only AFTER INSERT ON loan_repayment "
            "FOR EACH ROW EXECUTE FUNCTION loan_repayment_append_only()",
        ],
        "loan_repayment_append_only",
        "loan_repayment",
        "its definition was changed",
    ),
    "pointed at another function": (
        [
            "CREATE FUNCTION let_it_be() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END $$",
            "DROP TRIGGER loan_append_only ON loan",
            "CREATE TRIGGER loan_append_only BEFORE DELETE OR UPDATE ON loan "
            "FOR EACH ROW EXECUTE FUNCTION let_it_be()",
        ],
        "loan_append_only",
        "loan",
        "is not the one kunnan installs",
    ),
    "its TRUNCATE refusal dropped": (
        ["DROP TRIGGER aid_entry_no_truncate ON aid_entry"],
        "aid_entry_no_truncate",
        "aid_entry",
        "is missing: TRUNCATE of its rows is no longer refused",
    ),
}


@pytest.mark.parametrize(
    ("backend_name", "how"),
    [("sqlite", how) for how in SQLITE_TAMPERING]
    + [("postgresql", how) for how in PG_TAMPERING if "postgresql" in BACKENDS],
)
def test_db_verify_fails_when_an_append_only_trigger_is_missing_or_altered(
    maker: LedgerMaker, tmp_path: Path, backend_name: str, how: str
) -> None:
    cases = PG_TAMPERING if backend_name == "postgresql" else SQLITE_TAMPERING
    statements, trigger, table, words = cases[how]
    with maker.fresh(backend_name, tmp_path) as ledger:
        ledger.ok("db", "verify")
        for statement in statements:
            sql(ledger, statement)
        problems = trigger_problems(ledger)
    named = [p for p in problems if p["ref"] == table and trigger in p["message"]]
    assert named, problems
    assert words in named[0]["message"], named
    assert f"trigger {trigger} on {table} " in named[0]["message"]


def test_a_restored_trigger_passes_again(ledger: Ledger) -> None:
    if ledger.backend == "postgresql":
        sql(ledger, "ALTER TABLE audit_log DISABLE TRIGGER USER")
        assert trigger_problems(ledger)
        sql(ledger, "ALTER TABLE audit_log ENABLE TRIGGER USER")
    else:
        (definition,) = [
            t.definition for t in expected("sqlite") if t.name == "audit_log_no_update"
        ]
        sql(ledger, "DROP TRIGGER audit_log_no_update")
        assert trigger_problems(ledger)
        sql(ledger, definition.replace(" BEGIN ", "\n    BEGIN\n        "))  # layout never counts
    ledger.ok("db", "verify")


def _lend(aid: Ledger) -> None:
    """A loan with a repayment and a default, a balance assertion, and a checkpoint of the
    event log: a row in every append-only table."""
    aid.ok("aid", "loan", "H000001", "--amount", "20000", "--fund", "F001", "--term-months", "12",
           "--on", "2018-06-01")  # fmt: skip
    aid.ok("aid", "repay", "L001", "2000", "--on", "2018-10-01")
    aid.ok("aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-09-01")
    aid.ok("fund", "assert", "F001", "82000", "--on", "2019-12-31")
    aid.ok("ledger", "key", "--origin", "kunnan/白银市总工会")
    aid.ok("ledger", "checkpoint")


lent = ledger_fixture(*AID, ("test_integrity.lent", _lend))


@pytest.mark.parametrize("table", [t.table for t in APPEND_ONLY])
def test_no_append_only_table_can_be_emptied(lent: Ledger, table: str) -> None:
    """TRUNCATE on PostgreSQL (migration 0009 for the audit log and the loans); SQLite has no
    TRUNCATE, and its DELETE triggers refuse emptying a table."""
    before = lent.snapshot()
    assert before[table], f"{table} needs a row for this test"
    statement = (
        f"TRUNCATE {table} CASCADE" if lent.backend == "postgresql" else f"DELETE FROM {table}"
    )
    with pytest.raises(DBAPIError, match=f"{table} rows .*never"):
        sql(lent, statement)
    assert lent.snapshot() == before


def test_the_truncate_refusals_come_and_go_with_their_migration(empty_database: Ledger) -> None:
    location = resolve(empty_database.url)
    migrate.upgrade(location)
    migrate.downgrade(location, "0008")
    assert migrate.current(location) == "0008"
    if empty_database.backend == "postgresql":
        names = {row[0] for row in sql(empty_database, "SELECT tgname FROM pg_trigger")}
        assert "audit_log_no_truncate" not in names and "aid_entry_no_truncate" in names
    migrate.upgrade(location)
    assert migrate.current(location) == HEAD_REVISION
    ledger = Ledger(empty_database.url, empty_database.backend, empty_database.path)
    ledger.ok("db", "verify")


# --- money on every date ------------------------------------------------------------------------


def _late_fund(aid: Ledger) -> None:
    """F002, whose only money (5,000 yuan) arrives on 2018-05-01; temporary aid uncapped."""
    aid.ok("fund", "add", "--name", "2018年临时救助金", "--source", "union", "--year", "2018")
    aid.ok("fund", "contribute", "F002", "5000", "--from", "白银市总工会", "--on", "2018-05-01")
    aid.ok("program", "set", "temporary-aid", "--cap", "none", "--excludes", "none",
           "--from", "2018-01-01")  # fmt: skip


late = ledger_fixture(*AID, ("test_integrity.late", _late_fund))

#: The refusal every path gives for 2,000 yuan out of F002 on 2018-03-01.
BACK_DATED = (
    "fund F002 (2018年临时救助金) would be below zero on 2018-03-01 (-2,000.00 yuan) with {what} "
    "of 2,000.00 yuan dated 2018-03-01: the money for it reaches the fund on 2018-05-01"
)
GRANT = ["aid", "grant", "H000001", "--program", "temporary-aid", "--amount", "2000",
         "--fund", "F002"]  # fmt: skip


def _balance(ledger: Ledger, fund: str = "F002") -> int:
    return int(ledger.ok("fund", "show", fund, "-f", "json").json()["balance_fen"])


def test_a_grant_dated_before_its_money_reached_the_fund_is_refused(late: Ledger) -> None:
    before = late.snapshot()
    refused = late.fails(*GRANT, "--on", "2018-03-01", code=6)
    assert refused.stderr.strip() == "error: " + BACK_DATED.format(what="a grant")
    assert late.snapshot() == before
    late.ok("ledger", "verify")


def test_money_given_on_a_day_is_available_that_day(late: Ledger) -> None:
    late.ok(*GRANT, "--on", "2018-05-01")
    assert _balance(late) == 300_000
    late.ok("ledger", "verify")


def test_a_loan_dated_before_its_money_reached_the_fund_is_refused(late: Ledger) -> None:
    loan = ["aid", "loan", "H000001", "--amount", "2000", "--fund", "F002", "--term-months", "12"]
    before = late.snapshot()
    refused = late.fails(*loan, "--on", "2018-03-01", code=6)
    assert refused.stderr.strip() == "error: " + BACK_DATED.format(what="a loan")
    assert late.snapshot() == before
    late.ok(*loan, "--on", "2018-05-01")


def test_a_grant_may_not_take_money_a_later_grant_already_spent(late: Ledger) -> None:
    """4,000 of the 5,000 yuan went on 2018-06-01; more money came on 2018-08-01. A grant dated
    2018-05-15 would leave June's grant unpaid for, so it is refused until August."""
    late.ok(*GRANT[:5], "--amount", "4000", "--fund", "F002", "--on", "2018-06-01")
    late.ok("fund", "contribute", "F002", "3000", "--from", "白银市总工会", "--on", "2018-08-01")
    assert _balance(late) == 400_000  # enough today …
    message = late.fails(*GRANT, "--on", "2018-05-15", code=6).stderr
    assert (  # … but not on 2018-06-01
        "would be below zero on 2018-06-01 (-1,000.00 yuan) with a grant of 2,000.00 yuan dated "
        "2018-05-15: the money for it reaches the fund on 2018-08-01"
    ) in message
    late.ok(*GRANT, "--on", "2018-08-01")


def test_reversing_a_contribution_may_not_leave_later_grants_unpaid_for(late: Ledger) -> None:
    late.ok("fund", "contribute", "F002", "6000", "--from", "白银市总工会", "--on", "2018-07-01")
    late.ok(*GRANT[:5], "--amount", "5000", "--fund", "F002", "--on", "2018-06-01")
    seq = late.ok("fund", "show", "F002", "-f", "json").json()["entries"][0]["seq"]
    # 6,000 yuan remain today, but June's 5,000 came out of May's money alone
    refused = late.fails("aid", "reverse", str(seq), "--reason", "录入错误", "--on", "2018-05-02",
                         code=6)  # fmt: skip
    assert refused.stderr.strip() == (
        f"error: fund F002 (2018年临时救助金) would be below zero on 2018-06-01 (-5,000.00 yuan) "
        f"with reversing entry {seq} of 5,000.00 yuan dated 2018-05-02: the money for it reaches "
        "the fund on 2018-07-01"
    )
    late.ok("aid", "reverse", str(seq), "--reason", "录入错误", "--on", "2018-07-01")
    assert _balance(late) == 100_000


IMPORT_HEADER = ["户编号", "帮扶项目", "金额(元)", "资金", "发放日期"]


def _aid_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(IMPORT_HEADER) + "\n")
        handle.writelines(",".join(row) + "\n" for row in rows)
    return path


def test_import_aid_refuses_a_back_dated_row_all_or_nothing_and_skips_it_when_asked(
    late: Ledger, tmp_path: Path
) -> None:
    rows = [
        ["H000001", "临时救助", "2000", "F002", "2018-05-02"],  # paid from May's money
        ["H000001", "临时救助", "2000", "F002", "2018-03-01"],  # before any money reached F002
    ]
    file = _aid_file(tmp_path / "aid.csv", rows)
    before = late.snapshot()
    result = late.run("import", "aid", str(file))
    assert result.exit_code == 3, result.stderr
    assert "aid.csv: row 3: " + BACK_DATED.format(what="a grant") in result.stderr
    assert late.snapshot() == before
    skipped = late.ok("import", "aid", str(file), "--skip-invalid")
    assert "1 grants paid, 0 already in the ledger, 1 rejected" in skipped.stderr
    assert _balance(late) == 300_000
    rejects = (tmp_path / "aid.rejects.csv").read_text(encoding="utf-8-sig")
    assert "would be below zero on 2018-03-01" in rejects
    late.ok("ledger", "verify")


def test_import_aid_counts_its_own_earlier_rows_against_a_back_dated_one(
    late: Ledger, tmp_path: Path
) -> None:
    """The batch pays row by row: a row dated before one it already paid may not take its money."""
    rows = [
        ["H000001", "临时救助", "5000", "F002", "2018-06-01"],
        ["H000001", "送温暖", "500", "F002", "2018-05-01"],
    ]
    file = _aid_file(tmp_path / "aid.csv", rows)
    result = late.run("import", "aid", str(file))
    assert result.exit_code == 3, result.stderr
    assert "row 3: fund F002 (2018年临时救助金) holds 0.00 yuan" in result.stderr


def test_ledger_verify_finds_a_fund_below_zero_on_a_past_date(late: Ledger) -> None:
    """Someone with SQL back-dates a grant to before the money came: the fund holds enough
    today, and only the balance on every date shows it."""
    late.ok(*GRANT, "--on", "2018-06-01")
    late.ok("ledger", "verify")
    rows = sql(late, "SELECT seq, prev_hash FROM aid_entry ORDER BY seq")
    seq, previous = rows[-1]
    # the forger recomputes the hash and moves the head: the chain itself stays consistent
    allow_tampering(late)
    table = AidEntry.__table__
    with raw(late) as connection:
        entry = dict(connection.execute(table.select().where(table.c.seq == seq)).mappings().one())
    entry["on_date"] = dt.date(2018, 3, 1)
    forged = entry_hash(previous, chain_fields(AidEntry(**entry)))
    sql(late, "UPDATE aid_entry SET on_date = '2018-03-01', hash = :hash WHERE seq = :seq",
        hash=forged, seq=seq)  # fmt: skip
    sql(late, "UPDATE ledger_head SET hash = :hash", hash=forged)
    assert _balance(late) == 300_000  # nothing looks wrong today
    result = late.run("ledger", "verify")
    assert result.exit_code == 1, result.stderr
    assert "problem: fund F002 is below zero at the end of 2018-03-01 (-2,000.00 yuan)" in (
        result.stdout
    )
    # and the event log: the entry and the head are not as their latest events record them
    assert f"aid_entry {seq}: was changed outside kunnan" in result.stdout
    assert "ledger_head 1: was changed outside kunnan" in result.stdout
    assert result.stderr.strip() == "error: ledger verify found 3 problem(s)"
    db_verify = late.run("db", "verify", "-f", "json")
    assert db_verify.exit_code == 1
    assert any("below zero at the end of 2018-03-01" in p["message"] for p in db_verify.rows())


# --- the register never runs backwards; filters say when they cannot match -------------------

BORN_1978 = make_id("620402", dt.date(1978, 3, 15), 11)


def test_a_household_is_not_registered_before_its_head_worker_was_born(baiyin: Ledger) -> None:
    add = ["household", "add", "--name", "张三", "--id-number", BORN_1978, "--org", "phosphate"]
    before = baiyin.snapshot()
    refused = baiyin.fails(*add, "--on", "1978-03-14", code=3)
    assert refused.stderr.strip() == (
        "error: --on: a household cannot be registered on 1978-03-14, before its head worker "
        "was born (by the ID number)"
    )
    assert baiyin.snapshot() == before
    baiyin.ok(*add, "--on", "1978-03-15")  # registered the day the head was born: a newborn head


@pytest.mark.parametrize(
    ("columns", "cells", "words"),
    [
        ("registered_on", "1977-01-01", "registered_on: a household cannot be registered on"),
        (
            "status,archive_no,category,main_cause,archived_on",
            "archived,BY-1,dibao,illness,1977-01-01",
            "archived_on: a household cannot be archived (and so registered) on",
        ),
    ],
)
def test_import_households_refuses_a_registration_before_the_heads_birth(
    baiyin: Ledger, tmp_path: Path, columns: str, cells: str, words: str
) -> None:
    """Plain rows like these take the import's plain reading: it declines, and the models say why."""
    file = tmp_path / "register.csv"
    file.write_text(
        f"relation,name,id_number,org,{columns}\n"
        f"head,张三,{BORN_1978},phosphate,{cells}\n"
        f"head,李四,{make_id(sequence=13)},phosphate,{cells.replace('1977', '2017')}\n",
        encoding="utf-8",
    )
    before = baiyin.snapshot()
    result = baiyin.run("import", "households", str(file))
    assert result.exit_code == 3, result.stderr
    assert f"register.csv: row 2: {words} 1977-01-01, before its head worker was born" in (
        result.stderr
    )
    assert "1978-03-15" not in result.stderr  # the birth date is not told
    assert baiyin.snapshot() == before
    skipped = baiyin.ok("import", "households", str(file), "--skip-invalid")
    assert "2 rows read; 1 new households (1 person); 1 rejected" in skipped.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["household", "list"],
        ["export", "households", "-o", "out.csv"],
        ["export", "members", "-o", "out.csv"],
        ["policy", "lines"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
@pytest.mark.parametrize("area", ["x", "62040", "990000", "６２０４０"])
def test_an_area_filter_refuses_a_bad_area_code(
    seeded: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], area: str
) -> None:
    monkeypatch.chdir(tmp_path)
    refused = seeded.fails(*command, "--area", area, code=3)
    assert refused.stderr.startswith(f"error: --area: area code '{area}'"), refused.stderr
    assert not (tmp_path / "out.csv").exists()
    good = seeded.ok(*command, "--area", "620402", "-f", "json") if command[0] != "export" else None
    if good is not None and command[0] == "household":
        assert [h["code"] for h in good.rows()] == ["H000001"]
