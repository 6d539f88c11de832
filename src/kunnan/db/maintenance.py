"""Keeping the ledger file safe: integrity checks, online backups, and restores.

SQLite-specific, so it lives here: PostgreSQL ledgers are backed up with the
server's own tools (pg_dump), and their integrity is the server's job.

A backup is written like every file kunnan writes (``kunnan.files``): new or
``--force``, never onto the ledger or its companions, whole or not at all, 0600.
A restore replaces the ledger the same way, and only with a file that is a
whole, sound kunnan ledger of this kunnan's schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from kunnan.db.engine import no_ledger, read_only_uri
from kunnan.db.location import Location
from kunnan.domain.errors import (
    CheckFailed,
    DatabaseUnavailable,
    InvalidInput,
)
from kunnan.files import OutputFile, Protected, ledger_files, write_atomically
from kunnan.i18n import N_, _

#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def _require_file(location: Location) -> Path:
    if location.path is None:
        raise InvalidInput(
            _("backup and restore work on SQLite ledgers; back up PostgreSQL with pg_dump")
        )
    return location.path


def integrity_problems(path: Path) -> list[str]:
    """SQLite's own checks: integrity_check and foreign_key_check; empty when all is well."""
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        return [_("cannot open {file}: {error}", file=path.name, error=error)]
    # A damaged file can make SQLite's own messages hold bytes that are not UTF-8.
    connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        problems = [
            row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"
        ]
        problems += [
            _(
                "foreign key: {table} row {row} refers to a missing {parent}",
                table=table,
                row=rowid,
                parent=parent,
            )
            for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check")
        ]
        return problems
    except sqlite3.DatabaseError as error:
        return [str(error)]
    except UnicodeDecodeError:  # SQLite's own message quoted damaged bytes
        return [_("the file is damaged: SQLite stopped at a page it cannot read")]
    finally:
        connection.close()


def check_integrity(path: Path) -> None:
    """Refuse a file SQLite's own checks find damaged, naming the first problem."""
    problems = integrity_problems(path)
    if problems:
        raise CheckFailed(
            _("{path} fails its integrity check: {problem}", path=path, problem=problems[0])
        )


def _copy(source: sqlite3.Connection, temp: Path) -> None:
    """Copy a database with SQLite's online backup API into ``temp`` and check the copy."""
    with closing(sqlite3.connect(temp)) as destination:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")
    check_copy(temp)


def check_copy(temp: Path) -> None:
    """Refuse a copy (not yet in its place) that SQLite's own checks find damaged."""
    problems = integrity_problems(temp)
    if problems:
        raise CheckFailed(_("the copy failed its integrity check: {problem}", problem=problems[0]))


def backup(location: Location, target: Path, *, force: bool = False) -> None:
    """Copy the ledger to ``target`` while others may be writing (SQLite's online backup)."""
    path = _require_file(location)
    if not path.exists():
        raise no_ledger(path)
    output = OutputFile(path=target, force=force, protected=ledger_files(path))
    with (
        write_atomically(output) as temp,
        closing(sqlite3.connect(read_only_uri(path), uri=True)) as source,
    ):
        _copy(source, temp)


@contextmanager
def new_ledger_file(
    path: Path, *, force: bool, protected: tuple[Protected, ...] = ()
) -> Iterator[Path]:
    """Yield a temporary file beside ``path`` to make a whole ledger in; when the block
    succeeds, put it in place of ``path`` (an existing ledger only with ``force``).

    Until that moment the old ledger is untouched, so a restore or demo that fails or is
    killed half-way leaves it as it was. The new file is left in rollback-journal mode, all
    in one file, and the old ledger's write-ahead log is folded into it first, so no -wal
    file outlives the file it belongs to.
    """
    companions = tuple(p for p in ledger_files(path) if p.path != path)
    output = OutputFile(path=path, force=force, protected=(*companions, *protected))
    with write_atomically(output) as temp:
        yield temp
        fold_write_ahead_log(temp)
        if path.exists():
            fold_write_ahead_log(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def looks_like_sqlite(path: Path) -> bool:
    """Whether the file starts as every SQLite database does (a cheap first test)."""
    try:
        with path.open("rb") as start:
            return start.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def restore(location: Location, source_file: Path, *, force: bool = False) -> None:
    """Replace the ledger with ``source_file``, which must pass the integrity checks first."""
    path = _require_file(location)
    if path.exists() and source_file.resolve() == path.resolve():
        raise InvalidInput(_("{path} is the ledger itself; give a backup file", path=source_file))
    check_integrity(source_file)
    the_backup = Protected(source_file, N_("the backup being restored"))
    with (
        new_ledger_file(path, force=force, protected=(the_backup,)) as temp,
        closing(sqlite3.connect(read_only_uri(source_file), uri=True)) as source,
    ):
        _copy(source, temp)


def fold_write_ahead_log(path: Path) -> None:
    """Fold a ledger's write-ahead log into its main file and leave it in rollback-journal
    mode: the whole ledger in one file, which can be renamed or replaced on its own."""
    if not looks_like_sqlite(path):
        return
    try:
        with closing(sqlite3.connect(path, timeout=30)) as ledger:
            ledger.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            ledger.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseUnavailable(
                _(
                    "the ledger at {path} is in use by another kunnan; nothing was replaced",
                    path=path,
                ),
                hint=_("stop the other users of the ledger and try again"),
            ) from None
    except sqlite3.DatabaseError:
        pass  # a damaged file: it is being replaced, and its log with it
