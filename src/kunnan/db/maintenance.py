"""Keeping the ledger file safe: integrity checks, online backups, and restores.

SQLite-specific, so it lives here: PostgreSQL ledgers are backed up with the
server's own tools (pg_dump), and their integrity is the server's job.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from kunnan.db.location import Location
from kunnan.domain.errors import CheckFailed, Conflict, InvalidInput, LedgerNotReady


def _require_file(location: Location) -> Path:
    if location.path is None:
        raise InvalidInput(
            "backup and restore work on SQLite ledgers; back up PostgreSQL with pg_dump"
        )
    return location.path


def integrity_problems(path: Path) -> list[str]:
    """SQLite's own checks: integrity_check and foreign_key_check; empty when all is well."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [f"cannot open {path}: {error}"]
    try:
        problems = [
            row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"
        ]
        problems += [
            f"foreign key: {table} row {rowid} refers to a missing {parent}"
            for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check")
        ]
        return problems
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()


def _safe_target(target: Path, *, force: bool) -> None:
    if target.is_symlink():
        raise InvalidInput(f"{target} is a symbolic link; kunnan does not write through links")
    if target.exists() and not force:
        raise Conflict(f"{target} already exists", hint="add --force to replace it")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name")


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy with SQLite's online backup API into a 0600 temporary file, then rename into place."""
    folder = target.parent if str(target.parent) else Path()
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    temp = Path(temp_name)
    try:
        temp.chmod(0o600)
        destination = sqlite3.connect(temp)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        problems = integrity_problems(temp)
        if problems:
            raise CheckFailed(f"the copy failed its integrity check: {problems[0]}")
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)


def backup(location: Location, target: Path, *, force: bool = False) -> None:
    """Copy the ledger to ``target`` while others may be writing (SQLite's online backup)."""
    path = _require_file(location)
    if not path.exists():
        raise LedgerNotReady(f"no ledger at {path}")
    _safe_target(target, force=force)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _copy(source, target)
    finally:
        source.close()


def restore(location: Location, source_file: Path, *, force: bool = False) -> None:
    """Replace the ledger with ``source_file``, which must pass the integrity checks first."""
    path = _require_file(location)
    if not source_file.is_file():
        raise InvalidInput(f"{source_file} is not a file")
    problems = integrity_problems(source_file)
    if problems:
        raise CheckFailed(f"{source_file} fails its integrity check: {problems[0]}")
    if path.exists() and not force:
        raise Conflict(f"a ledger already exists at {path}", hint="add --force to replace it")
    if path.is_symlink():
        raise InvalidInput(f"{path} is a symbolic link; kunnan does not write through links")
    if path.exists():
        # Fold the old ledger's write-ahead log into it, so no stale log outlives the swap.
        old = sqlite3.connect(path)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        _copy(source, path)
    finally:
        source.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
