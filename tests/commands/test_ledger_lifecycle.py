"""kunnan init and db: creating the ledger, refusing ledgers that are missing or out of date."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from kunnan.db.revision import HEAD_REVISION
from tests.support import Ledger, invoke, pg_admin_url


def test_init_creates_the_ledger_then_reports_it_up_to_date(empty_database: Ledger) -> None:
    created = empty_database.ok("init")
    assert "created ledger" in created.stderr
    if empty_database.path is not None:
        assert stat.S_IMODE(empty_database.path.stat().st_mode) == 0o600
    again = empty_database.ok("init")
    assert "up to date" in again.stderr
    assert (
        empty_database.ok("db", "current").stdout.strip()
        == f"{HEAD_REVISION} (head {HEAD_REVISION})"
    )
    assert "matching the models" in empty_database.ok("db", "check").stderr


def test_commands_refuse_a_ledger_that_was_never_initialised(empty_database: Ledger) -> None:
    result = empty_database.fails("household", "list", code=7)
    assert "kunnan init" in result.stderr
    if empty_database.path is not None:
        assert not empty_database.path.exists()  # ordinary commands never create a ledger


def test_commands_refuse_a_ledger_behind_the_head_with_the_upgrade_hint(ledger: Ledger) -> None:
    url = ledger.url if "://" in ledger.url else f"sqlite:///{ledger.url}"
    engine = create_engine(pg_admin_url(url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    result = ledger.fails("household", "list", code=7)
    assert "schema revision 0000" in result.stderr
    assert "run kunnan db upgrade" in result.stderr


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    not_ledger = tmp_path / "notes.sqlite"
    not_ledger.write_text("these are not the records you are looking for\n" * 100)
    result = invoke(["--db", str(not_ledger), "household", "list"])
    assert result.exit_code == 7
    assert "not a kunnan ledger" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sqlite_connections_use_the_durable_settings(tmp_path: Path) -> None:
    from kunnan.db.engine import make_engine
    from kunnan.db.location import resolve

    path = tmp_path / "ledger.sqlite"
    assert invoke(["--db", str(path), "init"]).exit_code == 0
    engine = make_engine(resolve(str(path)))
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") >= 5000
    engine.dispose()


def test_version_and_help() -> None:
    assert invoke(["--version"]).stdout.startswith("kunnan ")
    result = invoke(["--help"])
    assert result.exit_code == 0
    for group in ("init", "demo", "db", "org", "policy", "household", "audit"):
        assert group in result.stdout


def test_db_check_prints_only_kunnans_own_line(empty_database: Ledger) -> None:
    """In a process of its own, as a user runs it: Alembic's words never reach stdout."""
    empty_database.ok("init")
    checked = subprocess.run(
        [sys.executable, "-m", "kunnan", "--db", empty_database.url, "db", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == ""
    assert "matching the models" in checked.stderr
