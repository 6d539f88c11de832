"""Making a ledger anew in a database, and copying one: when a database may take a new ledger,
and when a copy holds what its source holds.

Nothing here reads a database. ``services.new_ledger`` looks at what a database holds (the
schema revision Alembic recorded there, which of kunnan's tables exist) and asks
``check_new_ledger_target``; ``services.db_copy`` reads every table on both sides through
``TableDigest`` and asks ``copy_difference``. ``kunnan demo`` and ``kunnan db copy`` share the
first rule, so "already holds a ledger" and what ``--force`` does are worded once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kunnan.domain.errors import Conflict, InvalidInput
from kunnan.i18n import _


def check_new_ledger_target(
    where: str, *, revision: str | None, tables: Sequence[str], force: bool
) -> None:
    """Refuse a database that cannot take a new ledger as it is.

    ``revision`` is what its ``alembic_version`` table holds ("" when empty, None when there
    is no such table), ``tables`` the names of kunnan's tables it has. A kunnan ledger there
    is replaced only with ``force``, which drops kunnan's tables and nothing else; tables that
    merely bear kunnan's names, or another program's Alembic table, are never dropped.
    """
    if revision and not revision.isdigit():
        raise Conflict(
            _(
                "{where} holds another program's schema (an alembic_version table at revision "
                "{revision}); kunnan keeps its ledger in a database of its own",
                where=where,
                revision=revision,
            )
        )
    if revision is None:
        if tables:
            raise Conflict(
                _(
                    "{where} has tables named as kunnan's ({tables}) but no kunnan ledger; "
                    "kunnan drops only its own tables: give an empty database",
                    where=where,
                    tables=", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else ""),
                )
            )
        return
    if not force:
        raise Conflict(
            _(
                "{where} already holds a kunnan ledger (schema revision {revision})",
                where=where,
                revision=revision or "-",
            ),
            hint=_(
                "add --force to drop kunnan's tables there and make the new ledger in their "
                "place; other tables are left alone"
            ),
        )


def check_distinct(source: str, target: str, *, same: bool) -> None:
    """A ledger is never copied onto itself (``same``: the two name one file or database)."""
    if same:
        raise InvalidInput(
            _(
                "{source} and {target} are the same ledger; copy it to a new file or "
                "another database",
                source=source,
                target=target,
            )
        )


def canonical(value: Any) -> Any:
    """A value as both databases give it back, in one form: what a digest is taken of.

    SQLite and PostgreSQL return the same ledger with small differences of form (a numeric
    44.00 or 44.0, a timestamp's zone); each kind of value is written one way, tagged so that
    no two kinds can be mistaken for each other.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return ["decimal", format(value.normalize(), "f")]
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return ["datetime", value.isoformat(timespec="microseconds")]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", bytes(value).hex()]
    return [type(value).__name__, str(value)]


class TableDigest:
    """The rows of one table, in key order, counted and summed up in one SHA-256."""

    def __init__(self) -> None:
        self.rows = 0
        self._hash = hashlib.sha256()

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            line = json.dumps([canonical(value) for value in row], ensure_ascii=False)
            self._hash.update(line.encode("utf-8"))
            self._hash.update(b"\n")
            self.rows += 1

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@dataclass(frozen=True)
class TableSummary:
    """A table as read on one side: how many rows, and the digest of their contents."""

    table: str
    rows: int
    digest: str


def copy_difference(source: Sequence[TableSummary], copy: Mapping[str, TableSummary]) -> str | None:
    """Why the copy does not hold what the source holds, naming the first table that differs;
    None when every table has the same rows with the same contents on both sides."""
    for table in source:
        copied = copy.get(table.table)
        if copied is None:
            return _("table {table} is missing from the copy", table=table.table)
        if copied.rows != table.rows:
            return _(
                "table {table} has {source} rows in the source but {copy} in the copy",
                table=table.table,
                source=table.rows,
                copy=copied.rows,
            )
        if copied.digest != table.digest:
            return _(
                "table {table} has the same {rows} rows in number, but their contents differ "
                "in the copy",
                table=table.table,
                rows=table.rows,
            )
    return None
