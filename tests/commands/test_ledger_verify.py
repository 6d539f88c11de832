"""Tamper evidence: the database refuses edits, and verify catches rows edited, deleted,
inserted or reordered by hand with raw SQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from kunnan.domain.aid import entry_hash
from kunnan.models import AidEntry
from kunnan.services.ledger import chain_fields
from tests.aid_support import allow_tampering, raw, sql
from tests.conftest import AID, ledger_fixture
from tests.support import Ledger

TABLE = AidEntry.__table__


def _build_chain(aid: Ledger) -> None:
    """Entries 1 (contribution) to 4 (three grants) on fund F001."""
    for program, on in (("golden-autumn", "2018-09-01"), ("living-aid", "2018-10-01"),
                        ("send-warmth", "2018-12-20")):  # fmt: skip
        aid.ok("aid", "grant", "H000001", "--program", program, "--fund", "F001", "--on", on)


chain = ledger_fixture(*AID, ("test_ledger_verify.chain", _build_chain))


def verify_fails(cli: Ledger, first_bad: int | None) -> tuple[str, str]:
    result = cli.fails("ledger", "verify", code=1)
    where = f"; the first bad sequence number is {first_bad}" if first_bad is not None else ""
    assert result.stderr.strip().endswith(f"problem(s){where}"), result.stderr
    return result.stdout, result.stderr


def row(cli: Ledger, seq: int) -> dict[str, Any]:
    with raw(cli) as connection:
        return dict(connection.execute(select(TABLE).where(TABLE.c.seq == seq)).mappings().one())


def test_a_clean_ledger_verifies_and_prints_the_head_to_write_down(chain: Ledger) -> None:
    result = chain.ok("ledger", "verify")
    head = chain.ok("ledger", "head").stdout.strip()
    assert result.stdout.strip() == head
    count, head_hash = head.split()
    assert count == "4" and len(head_hash) == 64
    assert head_hash == chain.ok("aid", "show", "4", "-f", "json").json()["hash"]
    assert "chain of 4 entries intact" in result.stderr
    as_json = chain.ok("ledger", "verify", "-f", "json").json()
    assert as_json == {"ok": True, "count": 4, "head_hash": head_hash, "assertions": 0,
                       "first_bad_seq": None, "problems": []}  # fmt: skip
    assert chain.ok("ledger", "head", "-f", "json").json() == {"count": 4, "head_hash": head_hash}
    chain.ok("ledger", "verify", "--expect", head_hash.upper())
    bad = chain.fails("ledger", "verify", "--expect", "abc", code=3)
    assert "--expect: a head hash is 64 hexadecimal characters" in bad.stderr


def test_an_empty_ledger_has_the_genesis_head(cli: Ledger) -> None:
    assert cli.ok("ledger", "head").stdout.strip() == "0 " + "0" * 64
    cli.ok("ledger", "verify")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE aid_entry SET amount_fen = 1 WHERE seq = 2",
        "UPDATE aid_entry SET on_date = on_date",
        "DELETE FROM aid_entry WHERE seq = 4",
        "DELETE FROM aid_entry",
    ],
)
def test_the_database_itself_refuses_to_update_or_delete_aid_rows(
    chain: Ledger, statement: str
) -> None:
    before = chain.snapshot()
    with pytest.raises(DBAPIError, match="append-only"):
        sql(chain, statement)
    assert chain.snapshot() == before


def test_balance_assertions_are_append_only_too(chain: Ledger) -> None:
    chain.ok("fund", "assert", "F001", "93500", "--on", "2018-12-31")
    with pytest.raises(DBAPIError, match="append-only"):
        sql(chain, "UPDATE fund_assertion SET balance_fen = 0")
    with pytest.raises(DBAPIError, match="append-only"):
        sql(chain, "DELETE FROM fund_assertion")
    if chain.backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            sql(chain, "TRUNCATE aid_entry CASCADE")


def test_verify_catches_an_edited_row(chain: Ledger) -> None:
    allow_tampering(chain)
    sql(chain, "UPDATE aid_entry SET amount_fen = 50000 WHERE seq = 3")
    stdout, _ = verify_fails(chain, 3)
    assert "problem: entry 3: its contents do not match its hash (edited?)" in stdout


def test_verify_catches_a_deleted_row(chain: Ledger) -> None:
    allow_tampering(chain)
    sql(chain, "DELETE FROM aid_entry WHERE seq = 2")
    stdout, _ = verify_fails(chain, 2)
    assert "problem: entry 2 is missing (deleted?)" in stdout


def test_verify_catches_the_last_row_deleted(chain: Ledger) -> None:
    allow_tampering(chain)
    sql(chain, "DELETE FROM aid_entry WHERE seq = 4")
    stdout, _ = verify_fails(chain, 4)
    assert "the chain ends at entry 3 but the head records entry 4" in stdout


def test_verify_catches_a_row_inserted_in_the_middle(chain: Ledger) -> None:
    allow_tampering(chain)
    sql(chain, "UPDATE aid_entry SET seq = seq + 100 WHERE seq >= 3")
    sql(chain, "UPDATE aid_entry SET seq = seq - 99 WHERE seq > 100")
    second = row(chain, 2)
    forged = {
        **second,
        "seq": 3,
        "amount_fen": 900000,
        "prev_hash": second["hash"],
        "hash": "f" * 64,
    }
    with raw(chain) as connection:
        connection.execute(insert(TABLE).values(**forged))
    stdout, _ = verify_fails(chain, 3)
    assert "entry 3: its contents do not match its hash" in stdout


def test_verify_catches_a_row_appended_with_a_correctly_computed_hash(chain: Ledger) -> None:
    """Someone who knows the algorithm can forge a link, but not the head written elsewhere."""
    last = row(chain, 4)
    forged = {**last, "seq": 5, "amount_fen": 900000, "prev_hash": last["hash"]}
    forged["hash"] = entry_hash(last["hash"], chain_fields(AidEntry(**forged)))
    with raw(chain) as connection:
        connection.execute(insert(TABLE).values(**forged))
    stdout, _ = verify_fails(chain, 5)
    assert "the chain ends at entry 5 but the head records entry 4" in stdout


def test_verify_catches_reordered_rows(chain: Ledger) -> None:
    allow_tampering(chain)
    sql(chain, "UPDATE aid_entry SET seq = 100 WHERE seq = 2")
    sql(chain, "UPDATE aid_entry SET seq = 2 WHERE seq = 3")
    sql(chain, "UPDATE aid_entry SET seq = 3 WHERE seq = 100")
    stdout, _ = verify_fails(chain, 2)
    assert "entry 2: does not link to the entry before it" in stdout


def test_a_head_written_down_earlier_catches_a_rewritten_tail(chain: Ledger) -> None:
    written_down = chain.ok("ledger", "head").stdout.split()[1]
    allow_tampering(chain)
    third = row(chain, 3)
    sql(chain, "DELETE FROM aid_entry WHERE seq = 4")
    sql(chain, "UPDATE ledger_head SET seq = 3, hash = :hash", hash=third["hash"])
    # the chain is consistent in itself; the event log still holds the deleted entry …
    alone = chain.fails("ledger", "verify", code=1)
    assert "aid_entry 4: was deleted outside kunnan: its latest event records it" in alone.stdout
    assert "problem: entry" not in alone.stdout
    # … and the head written down earlier is no longer in the chain
    result = chain.fails("ledger", "verify", "--expect", written_down, code=1)
    assert f"the head written down earlier ({written_down}) is not in the chain" in result.stdout


def test_verify_checks_assertions_and_fund_balances(chain: Ledger) -> None:
    chain.ok("fund", "assert", "F001", "93500", "--on", "2018-12-31")
    assert "1 balance assertion(s) hold" in chain.ok("ledger", "verify").stderr
    sql(chain, "INSERT INTO fund_assertion (fund_id, on_date, balance_fen, operator, recorded_at) "
               "VALUES (1, '2018-06-30', 1, 'x', '2018-07-01 00:00:00')")  # fmt: skip
    stdout, _ = verify_fails(chain, None)
    assert (
        "fund F001 was asserted to hold 0.01 yuan at the end of 2018-06-30, but its entries come "
        "to 100,000.00 yuan"
    ) in stdout
    allow_tampering(chain)
    sql(chain, "UPDATE aid_entry SET amount_fen = 100 WHERE seq = 1")
    stdout, _ = verify_fails(chain, 1)
    assert "fund F001 is below zero at the end of 2018-09-01 (-4,999.00 yuan)" in stdout
