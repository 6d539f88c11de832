"""refuse TRUNCATE on the audit log and the loan tables (PostgreSQL), as on the aid ledger

Migration 0006 made PostgreSQL refuse TRUNCATE on the aid ledger's tables; the
audit log (0004) and the loan tables (0008) refused UPDATE and DELETE only, so
one TRUNCATE emptied them. This adds a BEFORE TRUNCATE trigger on each, calling
the function its UPDATE and DELETE trigger already calls. SQLite has no
TRUNCATE (its DELETE triggers already refuse emptying a table): nothing to do.

The triggers are built from ``kunnan.db.triggers``, the definitions that
``kunnan db verify`` checks the ledger against.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from kunnan.db.triggers import TRUNCATE_SINCE_0009, postgresql_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _truncate_triggers() -> list[tuple[str, str, str]]:
    """(name, table, CREATE statement) of each TRUNCATE trigger this migration adds."""
    return [
        (trigger.name, trigger.table, trigger.definition)
        for table in TRUNCATE_SINCE_0009
        for trigger in postgresql_triggers(table)
        if trigger.refuses == "TRUNCATE"
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for _name, _table, create in _truncate_triggers():
        op.execute(create)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, _create in reversed(_truncate_triggers()):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
