"""A new ledger, made whole or not at all: a SQLite file built beside its place, or a
PostgreSQL database filled in one transaction.

``kunnan demo`` and ``kunnan db copy`` make their ledgers here. On SQLite the new ledger is a
temporary file that takes the target's place only when complete
(``maintenance.new_ledger_file``). On PostgreSQL everything happens in one transaction,
which PostgreSQL keeps for changes of the schema too: an old ledger dropped (``--force``), the
tables created at the head revision, the rows; killed or failing half-way, the database is
left as it was.

A database that already holds a ledger is refused unless ``--force``
(``domain.copying.check_new_ledger_target``). ``--force`` drops kunnan's tables (those the
caller names, and ``alembic_version``) and the functions its triggers call, and nothing else:
other tables stay, and a table or view of someone else's that depends on one of kunnan's
stops the drop, since nothing is dropped with CASCADE.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, inspect
from sqlalchemy.exc import DBAPIError

from kunnan.db import migrate
from kunnan.db.engine import forget, make_engine
from kunnan.db.location import Location, for_file
from kunnan.db.maintenance import check_copy, new_ledger_file
from kunnan.db.session import is_newer, refuse_other_revision
from kunnan.db.triggers import trigger_functions
from kunnan.domain.copying import check_new_ledger_target
from kunnan.domain.errors import Conflict, DatabaseUnavailable
from kunnan.files import Protected
from kunnan.i18n import _, p_

#: How long dropping an old ledger waits for others to let go of its tables.
LOCK_WAIT_S = 10


@contextmanager
def new_ledger(
    location: Location,
    *,
    force: bool,
    tables: Sequence[str],
    protected: tuple[Protected, ...] = (),
    check_file: bool = False,
) -> Iterator[Connection]:
    """Yield a connection in the transaction that makes a new ledger at ``location``, its
    tables created at the head revision; commit and put it in place when the block succeeds.

    ``tables`` are the names of kunnan's tables, in the order their foreign keys allow
    creating them. ``protected`` files are never replaced (the ledger being copied);
    ``check_file`` runs SQLite's integrity checks on a new file before it takes its place.
    """
    if location.path is not None:
        with new_ledger_file(location.path, force=force, protected=protected) as temp:
            building = for_file(temp)
            migrate.upgrade(building)
            engine = make_engine(building)
            try:
                with engine.connect() as connection, connection.begin():
                    yield connection
            finally:
                forget(building)
            if check_file:
                check_copy(temp)
        return
    engine = make_engine(location, must_exist=False)
    try:
        with engine.connect() as connection, connection.begin():
            revision, present = _contents(connection, tables)
            if revision and revision.isdigit() and is_newer(revision):
                refuse_other_revision(revision, location)
            check_new_ledger_target(
                location.display, revision=revision, tables=present, force=force
            )
            if revision is not None:
                _drop(connection, location, present)
            migrate.upgrade_on(connection)
            yield connection
    finally:
        engine.dispose()


def same_database(first: Location, second: Location) -> bool:
    """Whether two locations name one ledger: one file (by any path, or a hard link), or one
    database of one server (however its host is spelt: the server says which it is)."""
    if first.path is not None or second.path is not None:
        if first.path is None or second.path is None:
            return False
        if first.path == second.path:
            return True
        try:
            return first.path.samefile(second.path)
        except OSError:
            return False
    return _identity(first) == _identity(second)


def _identity(location: Location) -> tuple[Any, ...]:
    engine = make_engine(location)
    try:
        with engine.connect() as connection:
            return tuple(
                connection.exec_driver_sql(
                    "SELECT current_database(), pg_postmaster_start_time(), inet_server_port()"
                ).one()
            )
    finally:
        engine.dispose()


def _contents(connection: Connection, tables: Sequence[str]) -> tuple[str | None, list[str]]:
    """What Alembic recorded in the database (None: no ``alembic_version``; "": empty), and
    which of kunnan's tables it has, in ``tables``' order."""
    found = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in found:
        stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        revision = str(stored or "")
    return revision, [name for name in tables if name in found]


def _drop(connection: Connection, location: Location, tables: Sequence[str]) -> None:
    """Drop kunnan's tables (those referring to others first) and its trigger functions."""
    quote = connection.dialect.identifier_preparer.quote
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_S}s'")
    dropping = ""
    try:
        for name in [*reversed(tables), "alembic_version"]:
            dropping = name
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(name)}")
        for function in trigger_functions():
            dropping = f"{function}()"
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {quote(function)}()")
    except DBAPIError as error:
        raise _drop_refusal(error, location, dropping) from None
    connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def _dependents(detail: str) -> str:
    """The objects PostgreSQL says depend on a table (``view v depends on table t``), by
    name: the server words the rest in its own language."""
    names = re.findall(r"(\S+) depends on ", detail)
    return p_("list separator", ", ").join(names) if names else " ".join(detail.split())


def _drop_refusal(error: DBAPIError, location: Location, name: str) -> Exception:
    orig: Any = error.orig
    state = getattr(orig, "sqlstate", None)
    if state == "2BP01":  # dependent objects still exist
        detail = getattr(getattr(orig, "diag", None), "message_detail", None) or ""
        return Conflict(
            _(
                "{where}: kunnan's {name} is used by something that is not kunnan's ({detail}); "
                "kunnan drops only its own, and nothing was changed",
                where=location.display,
                name=name,
                detail=_dependents(detail),
            ),
            hint=_("remove what depends on it first, or use another database"),
        )
    if state == "55P03":  # lock not available
        return DatabaseUnavailable(
            _(
                "{where} is in use: the ledger there was not let go of within {seconds} s; "
                "nothing was changed",
                where=location.display,
                seconds=LOCK_WAIT_S,
            ),
            hint=_("stop the other users of the ledger and try again"),
        )
    return error
