"""Bulk inserts: many rows at once, and the new rows' ids in the order given.

``insert_rows`` on SQLite hands the rows straight to the driver's
``executemany`` through one statement compiled once per table and columns:
SQLAlchemy's own executemany spends more time per row on building and
processing parameters than SQLite spends inserting it. Values are converted
by the columns' own bind processors (dates, timestamps, decimals), exactly as
SQLAlchemy would, and a value repeated row after row (the import's timestamp)
is converted once. PostgreSQL takes the rows through SQLAlchemy Core.

``insert_returning_ids``:

PostgreSQL: one batched ``INSERT … RETURNING`` that SQLAlchemy keeps in
parameter order. SQLite cannot promise the order of ``RETURNING`` rows, so
SQLAlchemy would fall back to one statement per row; instead the ids are
assigned here. That is safe because kunnan's write transactions on SQLite
begin IMMEDIATE (no other writer can run until commit), and a table without
AUTOINCREMENT gives a new row max(id) + 1 anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table, func, insert, select

Processor = Callable[[Any], Any] | None


@lru_cache(maxsize=64)
def _statement(
    dialect: Dialect, table: Table, columns: tuple[str, ...]
) -> tuple[str, list[Processor]]:
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    processors: list[Processor] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    return sql, processors


def _converted(
    rows: Sequence[Mapping[str, Any]], columns: tuple[str, ...], processors: list[Processor]
) -> list[list[Any]]:
    values = [[row[name] for name in columns] for row in rows]
    for position, process in enumerate(processors):
        if process is None:
            continue
        last_in: Any = object()
        last_out: Any = None
        for row in values:
            value = row[position]
            if value is not last_in:
                last_in, last_out = value, process(value)
            row[position] = last_out
    return values


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one executemany."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    sql, processors = _statement(connection.dialect, table, columns)
    connection.exec_driver_sql(sql, [tuple(row) for row in _converted(rows, columns, processors)])


def insert_returning_ids(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` into ``table`` (integer primary key ``id``); return their ids in order."""
    if not rows:
        return []
    if connection.dialect.name == "sqlite":
        start = int(connection.execute(select(func.max(table.c.id))).scalar() or 0)
        numbered = [{**row, "id": start + offset} for offset, row in enumerate(rows, start=1)]
        insert_rows(connection, table, numbered)
        return [row["id"] for row in numbered]
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(value) for value in connection.execute(returning, rows).scalars()]
