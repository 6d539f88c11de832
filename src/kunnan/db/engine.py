"""Engines with the connection settings kunnan relies on.

SQLite: foreign keys on, WAL journal, synchronous FULL, a busy timeout, and
write transactions that begin IMMEDIATE, so two caseworkers typing at once
queue for the write lock instead of failing with "database is locked".
The file is created with mode 0600: it holds ID numbers and incomes.

A command that only reads opens a ledger kunnan may not write (a read-only file,
folder or file system: a backup on a CD, an archive copy) read-only, so reports,
exports and the checks still work there.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from kunnan.db.location import Location, sqlite_uri
from kunnan.domain.errors import DatabaseUnavailable, LedgerNotReady
from kunnan.i18n import _

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
        raise DatabaseUnavailable(
            _("cannot create the ledger at {path}: {reason}", path=path, reason=error.strerror)
        ) from None
    os.close(fd)


#: Engines made in this process, newest last. An engine keeps its compiled statements, so a
#: process that runs many commands (the tests, the benchmarks) compiles each statement once;
#: callers dispose an engine after use, which closes its connections but keeps that cache.
_ENGINES: OrderedDict[tuple[str, bool], Engine] = OrderedDict()
ENGINES_KEPT = 8


def make_engine(location: Location, *, must_exist: bool = True, read_only: bool = False) -> Engine:
    """The engine for a ledger; ``read_only`` opens a SQLite file read-only (see
    ``needs_read_only``), and is ignored for PostgreSQL."""
    if location.path is not None and must_exist and not location.path.exists():
        raise no_ledger(location.path)
    key = (location.url, read_only and location.path is not None)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _new_engine(location, read_only=key[1])
        _ENGINES[key] = engine
        while len(_ENGINES) > ENGINES_KEPT:
            _ENGINES.popitem(last=False)[1].dispose()
    _ENGINES.move_to_end(key)
    return engine


def no_ledger(path: Path) -> LedgerNotReady:
    """The refusal for a ledger file that is not there."""
    return LedgerNotReady(
        _("no ledger at {path}", path=path), hint=_("run kunnan init to create one")
    )


def needs_read_only(location: Location) -> bool:
    """Whether kunnan may not write the ledger file or the folder SQLite keeps its -wal and
    -shm files in: then a command that only reads opens the file read-only."""
    path = location.path
    if path is None or not path.exists():
        return False
    # A file its owner marked read-only is read-only to kunnan too, even run as root.
    marked = not path.stat().st_mode & stat.S_IWUSR
    return marked or not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_only_uri(path: Path) -> str:
    """SQLite's URI to read ``path`` without writing anything, not even a -shm file.

    Where the folder cannot be written and SQLite has left no -wal or -shm beside the file,
    nobody can change the ledger while it is read (a writer would need to create one of
    them), so it is opened as immutable, which needs neither.
    """
    companions = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    immutable = not companions and not os.access(path.parent, os.W_OK)
    return sqlite_uri(path, read_only=True, immutable=immutable)


def forget(location: Location) -> None:
    """Close and forget the engines of one ledger (a file about to be renamed or replaced)."""
    for key in [key for key in _ENGINES if key[0] == location.url]:
        _ENGINES.pop(key).dispose()


def forget_engines() -> None:
    """Close and forget every engine kept, so the next command opens its ledger afresh, as a
    new process would (the benchmarks time commands in one process this way)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _new_engine(location: Location, *, read_only: bool) -> Engine:
    if location.path is not None:
        return _sqlite_engine(location, read_only=read_only)
    if location.url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise LedgerNotReady(
                _("PostgreSQL needs the psycopg driver"), hint="pip install 'kunnan[pg]'"
            ) from None
    return _postgresql_engine(location)


def _postgresql_engine(location: Location) -> Engine:
    """A PostgreSQL engine that waits ``CONNECT_TIMEOUT_S`` for the server unless the URL says
    otherwise, and turns a failure to connect into one line saying why (``connection_refusal``).
    """
    from sqlalchemy.engine import ExceptionContext, make_url

    from kunnan.db.errors import CONNECT_TIMEOUT_S, connection_refusal

    given = make_url(location.url).query
    timeout = {} if "connect_timeout" in given else {"connect_timeout": CONNECT_TIMEOUT_S}
    # hide_parameters: a driver error's text never carries a row's values (ID numbers, names).
    engine = create_engine(
        location.url, pool_pre_ping=False, hide_parameters=True, connect_args=timeout
    )

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if context.connection is None:  # connecting failed: no connection was made
            refusal = connection_refusal(context.original_exception, location.url)
            if refusal is not None:
                raise refusal

    return engine


def _sqlite_engine(location: Location, *, read_only: bool) -> Engine:
    if read_only:
        assert location.path is not None
        uri = read_only_uri(location.path)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )

        engine = create_engine(location.url, creator=connect, hide_parameters=True)
    else:
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
        if mode != "wal" and not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
