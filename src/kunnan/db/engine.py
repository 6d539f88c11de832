"""Engines with the connection settings kunnan relies on.

SQLite: foreign keys on, WAL journal, synchronous FULL, a busy timeout, and
write transactions that begin IMMEDIATE, so two caseworkers typing at once
queue for the write lock instead of failing with "database is locked".
The file is created with mode 0600: it holds ID numbers and incomes.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from kunnan.db.location import Location
from kunnan.domain.errors import DatabaseUnavailable, LedgerNotReady

BUSY_TIMEOUT_MS = 30_000

#: Execution option that marks a connection's transactions as writes.
WRITE_OPTION = "kunnan_write"


def create_ledger_file(location: Location) -> None:
    """Create an empty SQLite file readable by its owner only (and its folder, if missing)."""
    path = location.path
    if path is None or path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise DatabaseUnavailable(f"cannot create the ledger at {path}: {error.strerror}") from None
    os.close(fd)


#: Engines made in this process, newest last. An engine keeps its compiled statements, so a
#: process that runs many commands (the tests, the benchmarks) compiles each statement once;
#: callers dispose an engine after use, which closes its connections but keeps that cache.
_ENGINES: OrderedDict[str, Engine] = OrderedDict()
ENGINES_KEPT = 8


def make_engine(location: Location, *, must_exist: bool = True) -> Engine:
    if location.path is not None and must_exist and not location.path.exists():
        raise LedgerNotReady(f"no ledger at {location.path}", hint="run kunnan init to create one")
    engine = _ENGINES.get(location.url)
    if engine is None:
        engine = _new_engine(location)
        _ENGINES[location.url] = engine
        while len(_ENGINES) > ENGINES_KEPT:
            _ENGINES.popitem(last=False)[1].dispose()
    _ENGINES.move_to_end(location.url)
    return engine


def forget_engines() -> None:
    """Close and forget every engine kept, so the next command opens its ledger afresh, as a
    new process would (the benchmarks time commands in one process this way)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _new_engine(location: Location) -> Engine:
    if location.path is not None:
        return _sqlite_engine(location)
    if location.url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise LedgerNotReady(
                "PostgreSQL needs the psycopg driver", hint="pip install 'kunnan[pg]'"
            ) from None
    # hide_parameters: a driver error's text never carries a row's values (ID numbers, names).
    return create_engine(location.url, pool_pre_ping=False, hide_parameters=True)


def _sqlite_engine(location: Location) -> Engine:
    engine = create_engine(
        location.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # kunnan, not the sqlite3 module, decides when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
