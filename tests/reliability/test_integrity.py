"""The ledger's own integrity: its append-only triggers are checked, money holds on every date,
and a register never runs backwards (registration before the head's birth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from kunnan.db import migrate
from kunnan.db.location import resolve
from kunnan.db.triggers import APPEND_ONLY, expected
from tests.aid_support import sql
from tests.conftest import AID, BACKENDS, LedgerMaker, ledger_fixture
from tests.support import Ledger


def trigger_problems(ledger: Ledger) -> list[dict[str, Any]]:
    """``db verify`` must fail; the problem rows of the append-only check."""
    result = ledger.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.strip().startswith("error: ") and "problem(s) found" in result.stderr
    return [p for p in result.json() if p["check"] == "append-only"]


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
    assert {t.table for t in expected(ledger.backend)} == {t.table for t in APPEND_ONLY}


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
    """A loan with a repayment and a default, and a balance assertion: a row in every
    append-only table."""
    aid.ok("aid", "loan", "H000001", "--amount", "20000", "--fund", "F001", "--term-months", "12",
           "--on", "2018-06-01")  # fmt: skip
    aid.ok("aid", "repay", "L001", "2000", "--on", "2018-10-01")
    aid.ok("aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-09-01")
    aid.ok("fund", "assert", "F001", "82000", "--on", "2019-12-31")


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
    assert migrate.current(location) == "0009"
    ledger = Ledger(empty_database.url, empty_database.backend, empty_database.path)
    ledger.ok("db", "verify")
