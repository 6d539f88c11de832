"""Migrations and models agree; upgrade and downgrade both work on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from kunnan.db import migrate
from kunnan.db.location import resolve
from kunnan.db.revision import HEAD_REVISION
from kunnan.domain.errors import CheckFailed
from tests.support import Ledger


def test_head_constant_matches_the_migration_scripts() -> None:
    assert migrate.head_revision() == HEAD_REVISION


def test_upgrade_check_downgrade_and_upgrade_again(empty_database: Ledger) -> None:
    location = resolve(empty_database.url)
    assert migrate.upgrade(location) == (None, HEAD_REVISION)
    migrate.check(location)  # alembic check: models and migrations agree
    migrate.downgrade(location, "base")
    assert migrate.current(location) is None
    assert set(empty_database.snapshot()) <= {"alembic_version"}
    assert migrate.upgrade(location) == (None, HEAD_REVISION)
    migrate.check(location)


def test_check_reports_a_ledger_behind_the_head(empty_database: Ledger) -> None:
    location = resolve(empty_database.url)
    migrate.upgrade(location)
    migrate.downgrade(location, "base")
    with pytest.raises(CheckFailed, match="db upgrade"):
        migrate.check(location)


def test_every_migration_file_is_named_for_what_it_does() -> None:
    versions = Path(migrate.__file__).parents[3] / "migrations" / "versions"
    for script in versions.glob("[0-9]*.py"):
        number, _, name = script.stem.partition("_")
        assert number.isdigit() and name, script.name
