"""One session per command: opened here, committed by the command layer's ``ledger()``.

A session checks the schema revision with one plain query before anything
else, so a ledger that needs ``kunnan db upgrade`` is refused with that hint
and Alembic is never imported on the ordinary path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kunnan.db.engine import WRITE_OPTION, make_engine, needs_read_only
from kunnan.db.errors import translate
from kunnan.db.location import Location
from kunnan.db.revision import HEAD_REVISION
from kunnan.domain.audit import AuditContext
from kunnan.domain.errors import LedgerNotReady
from kunnan.i18n import _

AUDIT_KEY = "kunnan_audit"


@contextmanager
def open_session(
    location: Location,
    *,
    write: bool,
    operator: str,
    command: str,
    read_only: bool | None = None,
) -> Iterator[Session]:
    """Yield a session on the ledger; commit if ``write`` and the block succeeds, else roll back.

    A reading session opens a SQLite file read-only when kunnan may not write it, or always
    with ``read_only`` (a backup being checked is never touched)."""
    if read_only is None:
        read_only = not write and needs_read_only(location)
    engine = make_engine(location, read_only=read_only)
    try:
        bound = engine.execution_options(**{WRITE_OPTION: write})
        with Session(bound, expire_on_commit=False) as session:
            session.info[AUDIT_KEY] = AuditContext(
                operator=operator, command=command, at=dt.datetime.now(dt.UTC)
            )
            check_revision(session, location)
            yield session
            if write:
                session.commit()
            # A read-only session just closes: its transaction ends without expiring what
            # was read, so the command can still show it.
    finally:
        engine.dispose()


@contextmanager
def snapshot(location: Location) -> Iterator[Connection]:
    """A transaction that only reads the ledger, and sees it as it stood when it began for as
    long as it lasts, whoever writes meanwhile (``kunnan db copy`` reads every table in one):
    a SQLite file opened read-only, or PostgreSQL's REPEATABLE READ, READ ONLY."""
    engine = make_engine(location, read_only=True)
    options: dict[str, Any] = (
        {WRITE_OPTION: False}
        if location.path is not None
        else {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    )
    try:
        with engine.connect() as opened:
            connection = opened.execution_options(**options)
            with connection.begin():
                yield connection
    finally:
        engine.dispose()


#: How a row is held: against other writers, not against rows that refer to it (``FOR NO KEY
#: UPDATE`` on PostgreSQL, which the foreign-key checks of other commands' inserts, ``FOR KEY
#: SHARE``, do not wait for).
ROW_LOCK: dict[str, Any] = {"key_share": True}


def locked(lock: bool) -> dict[str, Any]:
    """``Session.get`` options that, with ``lock``, hold the row until the command ends
    (``ROW_LOCK``) and read it afresh once held: one statement."""
    return {"with_for_update": ROW_LOCK, "populate_existing": True} if lock else {}


@contextmanager
def session_on(connection: Connection, *, operator: str, command: str) -> Iterator[Session]:
    """A session in the transaction ``connection`` is in, as ``open_session`` sets one up: the
    caller ends that transaction (a new ledger made in one transaction, ``services.new_ledger``)."""
    with Session(
        connection, expire_on_commit=False, join_transaction_mode="rollback_only"
    ) as session:
        session.info[AUDIT_KEY] = AuditContext(
            operator=operator, command=command, at=dt.datetime.now(dt.UTC)
        )
        yield session
        session.flush()


def check_revision(session: Session, location: Location) -> None:
    refuse_other_revision(stored_revision(session, location), location)


def stored_revision(on: Session | Connection, location: Location) -> str:
    """The schema revision the ledger records; refused when it records none (or the file is
    no database: a session connects here, on its first statement)."""
    try:
        connection = on.connection() if isinstance(on, Session) else on
        revisions = (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        )
    except DBAPIError as error:
        known = translate(error)
        if known is not None:
            raise known from None
        raise LedgerNotReady(
            _("{ledger} is not an initialised kunnan ledger", ledger=location.display),
            hint=_("run kunnan init"),
        ) from None
    if not revisions:
        raise LedgerNotReady(
            _("{ledger} has no schema revision", ledger=location.display),
            hint=_("run kunnan db upgrade"),
        )
    return str(revisions[0])


def is_newer(revision: str) -> bool:
    """Whether a ledger's revision comes after every revision this kunnan knows.

    kunnan's revisions are numbered 0001, 0002, …; anything else is no kunnan revision."""
    return not revision.isdigit() or int(revision) > int(HEAD_REVISION)


def refuse_other_revision(current: str, location: Location, *, hint: str | None = None) -> None:
    """Refuse a ledger not at this kunnan's revision, saying which of the two to upgrade
    (``hint``: how to upgrade an older one, when it is not the ledger ``--db`` names)."""
    if current == HEAD_REVISION:
        return
    if is_newer(current):
        raise LedgerNotReady(
            _(
                "{ledger} is at schema revision {current}, which this kunnan does not "
                "know (it knows up to {head}): the ledger was written by a newer kunnan",
                ledger=location.display,
                current=current,
                head=HEAD_REVISION,
            ),
            hint=_("install that newer kunnan to use it; this one changes nothing in it"),
        )
    raise LedgerNotReady(
        _(
            "the ledger is at schema revision {current}, this kunnan needs {head}",
            current=current,
            head=HEAD_REVISION,
        ),
        hint=hint or _("run kunnan db upgrade"),
    )
