"""The one order kunnan's writers take their locks in, so that none waits on another in a circle.

Every writer takes households first, then funds, then the chain head
(``ledger_head``), as ``aid grant`` does: a command that holds a fund never
waits for a household. On SQLite the write transaction holds the database's
lock from its first statement, so there is nothing to order; on PostgreSQL the
locks are rows held until the command ends, and two commands that took the
same two rows the other way round would each wait for the other until the
server killed one ("deadlock detected").

A writer of one household (a grant, a loan, a repayment, a reversal, an
enrolment …) holds that household's row. A bulk writer (``import aid``, the
demo's grants, ``import households --update``) pays or changes households a
batch at a time, in one transaction: it cannot hold every household of its file
before its first fund, because it has not read them yet. So the register as a
whole stands above the households: a bulk writer takes it exclusively before
anything else, and every writer of one household takes it shared before its
household's row. While a bulk writer runs, writers of one household wait for
it before they hold anything, and it never waits for them.

The register lock is a PostgreSQL transaction-level advisory lock: it is
released when the command's transaction ends, and foreign-key checks never take
it: a table lock on ``household`` would also stop every insert that merely refers
to a household, such as a repayment's while it holds its fund — the circle again.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: The advisory lock key of the register as a whole ("kunnan" in ASCII, as a bigint).
REGISTER_KEY = int.from_bytes(b"kunnan", "big")


def hold_register(session: Session, *, whole: bool) -> None:
    """Take the register before any household row: ``whole`` for a bulk writer, which then may
    take households in any order; shared for a writer of one household."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if whole else "pg_advisory_xact_lock_shared"
    connection.execute(text(f"SELECT {function}(:key)"), {"key": REGISTER_KEY})
