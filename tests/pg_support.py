"""Databases and roles made on the server the suite is given (KUNNAN_TEST_PG), for the tests
that need a PostgreSQL database of their own: made by the test, dropped when it ends.

Without KUNNAN_TEST_PG these tests are skipped with the suite's line (``conftest.SKIP_LINE``);
with KUNNAN_TEST_PG_REQUIRED=1 the suite refuses to start without a server, so they run.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import pg_admin_url

PG_URL = os.environ.get("KUNNAN_TEST_PG", "").strip()
PG_REQUIRED = os.environ.get("KUNNAN_TEST_PG_REQUIRED") == "1"
_counter = itertools.count()


def admin_url() -> str:
    """The suite's server, or the test is skipped as the PostgreSQL pass is."""
    from tests.conftest import SKIP_LINE

    if not PG_URL:
        pytest.skip(SKIP_LINE)
    return pg_admin_url(PG_URL)


def url_for(database: str, *, user: str | None = None, password: str | None = None) -> str:
    """The suite's server URL for another database (and user, password)."""
    url = make_url(admin_url()).set(database=database)
    if user is not None:
        url = url.set(username=user)
    if password is not None:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


def server_address() -> str:
    """host:port of the suite's server, as kunnan's messages name it."""
    url = make_url(admin_url())
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def execute(statement: str, *, database: str | None = None) -> list[tuple[Any, ...]]:
    """Run one statement outside any transaction (CREATE DATABASE needs that); its rows."""
    url = admin_url() if database is None else url_for(database)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def unique(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


@contextmanager
def new_database(prefix: str = "kunnan_c", *, template: str | None = None) -> Iterator[str]:
    """A new, empty database (or a copy of ``template``); yields its name, dropped after."""
    name = unique(prefix)
    copied = f' TEMPLATE "{template}"' if template else ""
    execute(f'CREATE DATABASE "{name}"{copied}')
    try:
        yield name
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def new_role(password: str) -> Iterator[str]:
    """A role that may log in with ``password``; yields its name, dropped after."""
    name = unique("kunnan_r")
    execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
    try:
        yield name
    finally:
        execute(f'DROP ROLE IF EXISTS "{name}"')


def cannot_run(reason: str) -> None:
    """A test this server cannot run: a failure when the suite must run PostgreSQL, else a
    skip that says why."""
    if PG_REQUIRED:
        pytest.fail(f"{reason} (KUNNAN_TEST_PG_REQUIRED=1; .ci/run sets its server up so)")
    pytest.skip(reason)
