"""kunnan db copy: a ledger copied table by table into a new one, and verified there.

The source is read in one read-only transaction (``db.session.snapshot``), so the copy is the
ledger as it stood at one moment even while caseworkers keep working in it. The target is a
new ledger at the head revision made by ``db.fresh.new_ledger``; the rows its migrations seed
(the programme catalogue, the chain's head) make way for the source's. Tables are copied in
the order their foreign keys allow, in batches (``db.bulk.insert_rows``: one executemany, or
one multi-row INSERT on PostgreSQL, per batch), with their keys: a household is H000166 in
both. PostgreSQL's sequences are then set past the ids copied, so the next household added
to the copy gets the next code.

Nothing of the copy is committed before it is verified, in its own transaction: every table
has the same number of rows with the same contents on both sides (a digest of each,
``domain.copying``), the schema matches kunnan's models (``kunnan db check``), and the ledger's
own checks pass (``kunnan db verify``: the hash chain, balances, the append-only triggers, …).
The append-only triggers refuse UPDATE and DELETE, never INSERT: a copy only inserts (the new
ledger's own first events, logged by its migrations, go first, their triggers set aside and
put back for that one statement). The
copy adds no row of its own (not even to the audit log), so that it holds exactly what the
source holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Table, exists, func, literal, select, text

from kunnan.db import migrate
from kunnan.db.bulk import insert_rows
from kunnan.db.location import Location
from kunnan.db.session import refuse_other_revision, session_on, stored_revision
from kunnan.db.triggers import APPEND_ONLY, create_append_only, drop_append_only
from kunnan.domain.copying import TableDigest, TableSummary, copy_difference
from kunnan.domain.errors import CheckFailed
from kunnan.i18n import _
from kunnan.models import Base

#: The table the signing triggers note changes in (``kunnan.db.triggers``).
NOTED_CHANGES = "row_change"

#: Rows read and written at a time.
BATCH_ROWS = 5_000

#: Called as each table is copied: (table, rows).
Progress = Callable[[str, int], None]


def ledger_tables() -> list[Table]:
    """kunnan's tables, each after the tables its foreign keys refer to."""
    return list(Base.metadata.sorted_tables)


def ledger_table_names() -> list[str]:
    return [table.name for table in ledger_tables()]


@dataclass(frozen=True)
class CopyResult:
    tables: list[TableSummary]
    #: How many of the ledger's own checks ran on the copy.
    checks: int

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def check_source(source: Connection, location: Location) -> None:
    """Refuse a source that is no ledger at this kunnan's revision, before anything is made."""
    refuse_other_revision(
        stored_revision(source, location),
        location,
        hint=_("upgrade it first: kunnan --db {ledger} db upgrade", ledger=location.display),
    )


def copy_ledger(
    source: Connection,
    target: Connection,
    *,
    target_location: Location,
    operator: str,
    command: str,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy every table of ``source`` into the new ledger ``target`` and verify the copy;
    ``CheckFailed`` (naming the table, or the check) when it is not the same ledger."""
    tell = progress or (lambda _table, _rows: None)
    tables = ledger_tables()
    guarded = {t.table: t for t in APPEND_ONLY}
    for table in reversed(tables):  # what the migrations seeded (the log's first events too)
        if target.execute(select(exists().select_from(table))).scalar():
            if table.name in guarded:  # a new ledger's own, never kept: out of the way
                drop_append_only(target, guarded[table.name])
                target.execute(table.delete())
                create_append_only(target, guarded[table.name])
            else:
                target.execute(table.delete())
    copied = []
    # The triggers note every row the copy inserts as a change to sign; the copy holds the
    # source's signatures, so it holds the source's list of changes instead, copied last.
    noted = [table for table in tables if table.name == NOTED_CHANGES]
    for table in [*(t for t in tables if t.name != NOTED_CHANGES), *noted]:
        if table in noted:
            target.execute(table.delete())
        summary = _copy_table(source, target, table)
        copied.append(summary)
        tell(table.name, summary.rows)
    _set_sequences(source, target, tables)
    read_back = {table.name: _summary(target, table) for table in tables}
    difference = copy_difference(copied, read_back)
    if difference is not None:
        raise CheckFailed(
            _(
                "the copy is not the same as its source: {difference}; "
                "nothing was written to {target}",
                difference=difference,
                target=target_location.display,
            )
        )
    migrate.check_schema(target, target_location)
    count, problem = _ledger_problem(target, operator=operator, command=command)
    if problem is not None:
        _count, at_source = _ledger_problem(source, operator=operator, command=command)
        raise CheckFailed(
            _(
                "the copy fails the ledger's checks: {problem}; nothing was written to {target}",
                problem=problem,
                target=target_location.display,
            ),
            hint=_("the source fails them too: kunnan db verify on it shows why")
            if at_source is not None
            else None,
        )
    return CopyResult(copied, count)


def _ledger_problem(
    connection: Connection, *, operator: str, command: str
) -> tuple[int, str | None]:
    """How many of ``kunnan db verify``'s checks ran, and the first problem they found."""
    from kunnan.services.db_check import run_checks

    with session_on(connection, operator=operator, command=command) as session:
        count, problems = run_checks(session)
    if not problems:
        return count, None
    first = problems[0]
    return count, f"{first.ref} {first.message}"


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _copy_table(source: Connection, target: Connection, table: Table) -> TableSummary:
    """Copy one table in batches, taking its digest as its rows are read."""
    digest = TableDigest()
    if _refers_forward(source, table):
        rows = list(source.execute(_ordered(table)))
        digest.add(rows)
        ordered = _parents_first(table, rows)
        for start in range(0, len(ordered), BATCH_ROWS):
            _insert(target, table, ordered[start : start + BATCH_ROWS])
    else:
        result = source.execution_options(yield_per=BATCH_ROWS).execute(_ordered(table))
        for batch in result.partitions():
            digest.add(batch)
            _insert(target, table, batch)
    return TableSummary(table.name, digest.rows, digest.hexdigest)


def _insert(target: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    insert_rows(target, table, [row._asdict() for row in rows])


def _self_references(table: Table) -> list[tuple[str, str]]:
    """(column, referred column) of each foreign key of ``table`` to itself."""
    return [
        (key.parent.name, key.column.name)
        for key in table.foreign_keys
        if key.column.table is table
    ]


def _refers_forward(source: Connection, table: Table) -> bool:
    """Whether a row refers to a row of its own table that comes later in key order (an
    organisation moved under one made after it): then key order is not an order to insert in."""
    return any(
        source.execute(
            select(literal(1)).where(table.c[column] > table.c[referred]).limit(1)
        ).first()
        is not None
        for column, referred in _self_references(table)
    )


def _parents_first(table: Table, rows: Iterable[Row[Any]]) -> list[Row[Any]]:
    """The rows of a table that refers to itself, each after the rows it refers to."""
    references = _self_references(table)
    pending = list(rows)
    placed: set[Any] = set()
    ordered: list[Row[Any]] = []
    keys = {referred for _column, referred in references}
    present = {getattr(row, key) for row in pending for key in keys}
    while pending:
        waiting = []
        for row in pending:
            refers = (getattr(row, column) for column, _referred in references)
            if all(value is None or value in placed or value not in present for value in refers):
                ordered.append(row)
                placed.update(getattr(row, key) for key in keys)
            else:
                waiting.append(row)
        if len(waiting) == len(pending):  # a cycle: the database will say so
            ordered.extend(waiting)
            break
        pending = waiting
    return ordered


def _summary(connection: Connection, table: Table) -> TableSummary:
    digest = TableDigest()
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(_ordered(table))
    for batch in result.partitions():
        digest.add(batch)
    return TableSummary(table.name, digest.rows, digest.hexdigest)


def _set_sequences(source: Connection, target: Connection, tables: Sequence[Table]) -> None:
    """Set each PostgreSQL sequence of the copy past the ids copied, and past the source's own
    sequence (ids used there and since deleted are not given again)."""
    if target.dialect.name != "postgresql":
        return  # SQLite gives a new row max(id) + 1
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = _sequence(target, table.name, column.name)
        if sequence is None:
            continue
        last = int(target.execute(select(func.max(column))).scalar() or 0)
        if source.dialect.name == "postgresql":
            used = _sequence(source, table.name, column.name)
            if used is not None:
                value, called = source.execute(
                    text(f"SELECT last_value, is_called FROM {used}")  # noqa: S608
                ).one()
                last = max(last, int(value) if called else int(value) - 1)
        target.execute(
            text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": max(last, 1), "called": last > 0},
        )


def _sequence(connection: Connection, table: str, column: str) -> str | None:
    found = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table, "column": column}
    ).scalar()
    return str(found) if found else None
