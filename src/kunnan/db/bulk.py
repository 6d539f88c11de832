"""Bulk inserts that hand back the new rows' ids in the order given, on SQLite and PostgreSQL.

PostgreSQL: one batched ``INSERT … RETURNING`` that SQLAlchemy keeps in
parameter order. SQLite cannot promise the order of ``RETURNING`` rows, so
SQLAlchemy would fall back to one statement per row; instead the ids are
assigned here. That is safe because kunnan's write transactions on SQLite
begin IMMEDIATE (no other writer can run until commit), and a table without
AUTOINCREMENT gives a new row max(id) + 1 anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select


def insert_returning_ids(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` into ``table`` (integer primary key ``id``); return their ids in order."""
    if not rows:
        return []
    if connection.dialect.name == "sqlite":
        start = int(connection.execute(select(func.max(table.c.id))).scalar() or 0)
        numbered = [{**row, "id": start + offset} for offset, row in enumerate(rows, start=1)]
        connection.execute(insert(table), numbered)
        return [row["id"] for row in numbered]
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(value) for value in connection.execute(returning, rows).scalars()]
