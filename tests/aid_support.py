"""Helpers for the aid ledger's tests: archived households, raw SQL on the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, text

from tests.support import Ledger, make_id, pg_admin_url

HEAD_ID = make_id("620402", dt.date(1970, 5, 1), 11)
STUDENT_ID = make_id("620402", dt.date(2000, 9, 1), 22)
SECOND_STUDENT_ID = make_id("620402", dt.date(2002, 3, 3), 42)
OTHER_HEAD_ID = make_id("620403", dt.date(1975, 1, 1), 31)


@contextmanager
def raw(ledger: Ledger) -> Iterator[Connection]:
    """A plain connection to the ledger's database, in one transaction (as a person with SQL)."""
    url = ledger.url if "://" in ledger.url else f"sqlite:///{ledger.url}"
    engine = create_engine(pg_admin_url(url))
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def sql(ledger: Ledger, statement: str, **params: Any) -> list[Any]:
    with raw(ledger) as connection:
        result = connection.execute(text(statement), params)
        return list(result) if result.returns_rows else []


def archive_for_test(ledger: Ledger, code: str, *, category: str = "dibao") -> None:
    """Archive a household through the seven steps, from the day it was registered, as ``category``."""
    shown = ledger.ok("household", "show", code, "-f", "json").json()
    start = dt.date.fromisoformat(shown["registered_on"])
    ledger.ok(
        "policy",
        "set-line",
        "--area",
        shown["area_code"],
        "--year",
        str(start.year),
        "--amount",
        "520",
    )
    if not shown["main_cause"]:
        ledger.ok("household", "edit", code, "--cause", "illness")
    walk = [
        ("visit", "--visitor", "李发明", "--visitor", "张清满"),
        ("inspect", "--car-value", "0"),
        ("calculate",),
        ("deliberate", "--decision", "approve", "--attendees", "5", "--minutes", "同意"),
        ("appraise", "--for", "9", "--against", "1"),
    ]
    for step, *options in walk:
        ledger.ok("identify", step, code, *options, "--on", start.isoformat())
    ledger.ok("identify", "publicize", code, "--from", start.isoformat())
    confirmed = (start + dt.timedelta(days=7)).isoformat()
    ledger.ok("identify", "confirm", code, "--by", "baiyin", "--category", category,
              "--override", "category set by the test", "--on", confirmed)  # fmt: skip


def allow_tampering(ledger: Ledger) -> None:
    """Remove the append-only triggers, as someone editing the database by hand would."""
    if ledger.backend == "postgresql":
        sql(ledger, "ALTER TABLE aid_entry DISABLE TRIGGER USER")
        return
    sql(ledger, "DROP TRIGGER aid_entry_no_update")
    sql(ledger, "DROP TRIGGER aid_entry_no_delete")


def prepare(cli: Ledger, *, balance: str = "100000") -> Ledger:
    """Baiyin with an archived household (head + a student admitted 2018), a candidate, a fund."""
    cli.ok("household", "add", "--name", "张建国", "--id-number", HEAD_ID, "--org", "baiyin-qu",
           "--on", "2017-03-01")  # fmt: skip
    cli.ok("household", "member", "add", "H000001", "--name", "张小梅", "--id-number", STUDENT_ID,
           "--relation", "child", "--schooling", "undergraduate")  # fmt: skip
    cli.ok("household", "member", "edit", "H000001", "张小梅", "--admitted", "undergraduate",
           "--year", "2018")  # fmt: skip
    archive_for_test(cli, "H000001")
    cli.ok("household", "add", "--name", "李明", "--id-number", OTHER_HEAD_ID, "--org", "pingchuan",
           "--on", "2017-04-01")  # fmt: skip
    cli.ok("fund", "add", "--name", "2018年帮扶资金", "--source", "union", "--year", "2018")
    cli.ok("fund", "contribute", "F001", balance, "--from", "白银市总工会", "--on", "2018-01-02")
    return cli
