"""Bulk inserts: many rows at once, and the new rows' ids in the order given.

``insert_rows`` on SQLite hands the rows straight to the driver's
``executemany`` through one statement compiled once per table and columns:
SQLAlchemy's own executemany spends more time per row on building and
processing parameters than SQLite spends inserting it. Values are converted
by the columns' own bind processors (dates, timestamps, decimals), exactly as
SQLAlchemy would, and each distinct value of a column in a batch (a date,
the import's timestamp) is converted once. PostgreSQL takes the rows through SQLAlchemy Core.

``insert_returning_ids``:

PostgreSQL: one batched ``INSERT … RETURNING`` that SQLAlchemy keeps in
parameter order. SQLite cannot promise the order of ``RETURNING`` rows, so
SQLAlchemy would fall back to one statement per row; instead the ids are
assigned here. That is safe because kunnan's write transactions on SQLite
begin IMMEDIATE (no other writer can run until commit), and a table without
AUTOINCREMENT gives a new row max(id) + 1 anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
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
) -> list[tuple[Any, ...]]:
    pick = itemgetter(*columns)
    values: list[tuple[Any, ...]] = (
        list(map(pick, rows)) if len(columns) > 1 else [(value,) for value in map(pick, rows)]
    )
    converting = [(place, process) for place, process in enumerate(processors) if process]
    if not converting or not values:
        return values
    by_column = list(zip(*values, strict=True))
    for place, process in converting:
        by_column[place] = _processed(by_column[place], process)
    return list(zip(*by_column, strict=True))


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> tuple[Any, ...]:
    """Each value converted, each distinct value once (dates and stamps repeat a lot)."""
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            converted = done[value]
        except KeyError:
            converted = done[value] = process(value)
        except TypeError:  # unhashable (a JSON document): converted each time
            converted = process(value)
        out.append(converted)
    return tuple(out)


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one executemany."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    sql, processors = _statement(connection.dialect, table, columns)
    connection.exec_driver_sql(sql, _converted(rows, columns, processors))


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


#: Values per IN list on SQLite (older builds allow 999 variables a statement).
IN_CHUNK = 900


def rows_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    values: Iterable[Any],
    **equal: Any,
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``key`` is one of ``values`` and whose other columns
    equal ``equal``, for columns that need no conversion (text, integers).

    On SQLite one plain statement a chunk of values: SQLAlchemy would render and bind an
    expanding IN anew for every batch of an import, at more cost than the look-ups.
    """
    wanted = sorted(set(values))
    if not wanted:
        return []
    if connection.dialect.name != "sqlite":
        query = select(*(table.c[name] for name in columns)).where(
            table.c[key].in_(wanted), *(table.c[name] == value for name, value in equal.items())
        )
        return [tuple(row) for row in connection.execute(query)]
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    conditions = "".join(f" AND {quote(name)} = ?" for name in equal)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = (
            f"SELECT {names} FROM {quote(table.name)} "  # noqa: S608
            f"WHERE {quote(key)} IN ({marks}){conditions}"
        )
        found.extend(
            tuple(row) for row in connection.exec_driver_sql(sql, (*chunk, *equal.values()))
        )
    return found
