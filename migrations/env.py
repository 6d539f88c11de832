"""Alembic environment: runs on the connection kunnan hands over (see kunnan.db.migrate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alembic import context
from sqlalchemy import Connection, String, Text

from kunnan.models import Base

config = context.config


def compare_type(
    migration: Any, inspected_column: Any, metadata_column: Any, inspected: Any, metadata: Any
) -> bool | None:
    """Column types differ as Alembic compares them, except a string's length on SQLite,
    which keeps any text whatever its VARCHAR says (migration 0010 widens a column on
    PostgreSQL only)."""
    if (
        migration.dialect.name == "sqlite"
        and isinstance(inspected, String)
        and isinstance(metadata, String)
        and isinstance(inspected, Text) == isinstance(metadata, Text)
    ):
        return False
    return None


def kunnans(name: str | None, type_: str, _parents: Mapping[str, str | None]) -> bool:
    """Compare only kunnan's own tables: a PostgreSQL database may hold others' beside them."""
    return type_ != "table" or name in Base.metadata.tables


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=compare_type,
        include_name=kunnans,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run kunnan's migrations through 'kunnan db upgrade', not the alembic CLI")
run_on(connection)
