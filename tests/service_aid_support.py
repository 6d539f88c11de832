"""Helpers for the tests of aid beyond cash: refusals that change nothing, a read session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from tests.support import Ledger


def refused(cli: Ledger, *args: str, code: int = 6) -> str:
    """Run a command that must be refused; check it changed nothing and return its error line."""
    before = cli.snapshot()
    result = cli.fails(*args, code=code)
    assert cli.snapshot() == before
    return result.stderr


@contextmanager
def reading(ledger: Ledger) -> Iterator[Session]:
    """A read-only session on the ledger, as a report would open it."""
    from kunnan.db.location import resolve
    from kunnan.db.session import open_session

    with open_session(
        resolve(ledger.url), write=False, operator="测试员", command="kunnan test"
    ) as session:
        yield session


def rows(cli: Ledger, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cli.ok(*args, "-f", "json").rows()
    return found
