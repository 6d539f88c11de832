"""The audit log is append-only in the database itself: raw SQL cannot rewrite it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from tests.support import Ledger, pg_admin_url


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET operator = 'someone else'", "DELETE FROM audit_log"]
)
def test_audit_rows_cannot_be_changed_or_deleted(baiyin: Ledger, statement: str) -> None:
    before = baiyin.snapshot()
    url = baiyin.url if "://" in baiyin.url else f"sqlite:///{baiyin.url}"
    engine = create_engine(pg_admin_url(url))
    try:
        with (
            pytest.raises(DBAPIError, match="audit_log rows are never changed or deleted"),
            engine.begin() as c,
        ):
            c.execute(text(statement))
    finally:
        engine.dispose()
    assert baiyin.snapshot() == before


def test_reveals_need_a_reason_and_are_listed(baiyin: Ledger) -> None:
    from tests.support import make_id

    baiyin.ok(
        "household",
        "add",
        "--name",
        "张三",
        "--id-number",
        make_id(sequence=3),
        "--org",
        "phosphate",
    )
    refused = baiyin.fails("household", "show", "H000001", "--reveal", code=3)
    assert '--reveal needs --why "reason"' in refused.stderr
    baiyin.ok("--operator", "李发明", "household", "list", "--reveal", "--why", "核对低保名单")
    reveals = baiyin.ok("audit", "list", "--reveals", "-f", "json").rows()
    assert [(r["operator"], r["changes"]["why"]) for r in reveals] == [("李发明", "核对低保名单")]
