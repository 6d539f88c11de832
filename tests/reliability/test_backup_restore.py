"""kunnan db verify, backup and restore: copies that are checked, private, and never half-written."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.aid_support import sql
from tests.support import Ledger, invoke, make_id, pg_admin_url


def fill(baiyin: Ledger) -> Ledger:
    for n in range(1, 6):
        baiyin.ok("household", "add", "--name", f"张{'一二三四五'[n - 1]}", "--id-number", make_id(sequence=n * 2 + 1),
                  "--org", "phosphate")  # fmt: skip
    return baiyin


@pytest.fixture
def filled(sqlite_baiyin: Ledger) -> Ledger:
    """A SQLite ledger with five households: backups are of SQLite files."""
    return fill(sqlite_baiyin)


def raw(ledger: Ledger, statement: str) -> None:
    url = ledger.url if "://" in ledger.url else f"sqlite:///{ledger.url}"
    engine = create_engine(pg_admin_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_verify_passes_a_sound_ledger_and_names_what_is_wrong(baiyin: Ledger) -> None:
    filled = fill(baiyin)
    assert "ledger checks passed" in filled.ok("db", "verify").stderr
    raw(filled, "UPDATE household SET status = 'archived' WHERE id = 2")
    result = filled.run("db", "verify", "-f", "json")
    assert result.exit_code == 1
    problems = result.rows()
    refs = {(p["check"], p["ref"]) for p in problems}
    assert ("status-history", "H000002") in refs and ("archive", "H000002") in refs
    # and the event log: the row is not as its latest event records it
    assert ("log", "household 2") in refs
    assert result.stderr.startswith("error: 3 problem(s) found")


def test_postgresql_ledgers_are_backed_up_with_the_servers_tools(
    ledger: Ledger, tmp_path: Path
) -> None:
    target = tmp_path / "b.sqlite"
    if ledger.backend == "postgresql":
        assert "pg_dump" in ledger.fails("db", "backup", str(target), code=3).stderr
        assert not target.exists()
    else:
        ledger.ok("db", "backup", str(target))
        assert invoke(["--db", str(target), "db", "verify"]).exit_code == 0


def test_backup_restore_round_trip(filled: Ledger, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite"
    out = filled.ok("db", "backup", str(backup))
    assert "integrity check passed" in out.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    saved = filled.snapshot()
    filled.ok(
        "household",
        "add",
        "--name",
        "后来者",
        "--id-number",
        make_id(sequence=99),
        "--org",
        "phosphate",
    )
    assert filled.snapshot() != saved
    filled.fails("db", "restore", str(backup), code=5)  # the ledger exists: needs --force
    filled.ok("db", "restore", str(backup), "--force")
    restored = filled.snapshot()
    # the backup's rows, and the restore itself recorded: its audit row, logged as events
    assert {k: v for k, v in restored.items() if k not in RECORDED} == {
        k: v for k, v in saved.items() if k not in RECORDED
    }
    for table in RECORDED:
        assert set(saved[table]) < set(restored[table]), table
    restores = sql(filled, "SELECT entity_ref, changes FROM audit_log WHERE action = 'restore'")
    assert [row[0] for row in restores] == ["backup.sqlite"]
    filled.ok("db", "verify")


#: Where a restore records itself in the restored ledger.
RECORDED = ("audit_log", "log_entry")


def test_a_copy_older_than_the_latest_checkpoint_is_restored_only_as_a_roll_back(
    filled: Ledger, tmp_path: Path
) -> None:
    filled.ok("ledger", "key", "--origin", "kunnan/白银市总工会")
    backup = tmp_path / "backup.sqlite"
    filled.ok("db", "backup", str(backup))
    filled.ok("household", "add", "--name", "后来者", "--id-number", make_id(sequence=99),
              "--org", "phosphate")  # fmt: skip
    size = filled.ok("ledger", "checkpoint", "-f", "json").json()["size"]
    before = filled.snapshot()
    refused = filled.fails("db", "restore", str(backup), "--force", code=5)
    assert (
        "older than the ledger's checkpoint" in refused.stderr and "--roll-back" in refused.stderr
    )
    assert filled.snapshot() == before
    done = filled.ok("db", "restore", str(backup), "--force", "--roll-back")
    assert "rolled back" in done.stderr
    ((changes,),) = sql(filled, "SELECT changes FROM audit_log WHERE action = 'restore'")
    recorded = json.loads(changes) if isinstance(changes, str) else changes
    assert recorded["rolled_back"] is True and recorded["pinned_size"] == size
    filled.ok("db", "verify")
    # a copy holding the checkpoint restores as it always did
    filled.ok("household", "add", "--name", "再来者", "--id-number", make_id(sequence=98),
              "--org", "phosphate")  # fmt: skip
    filled.ok("ledger", "checkpoint")
    again = tmp_path / "again.sqlite"
    filled.ok("db", "backup", str(again))
    filled.ok("db", "restore", str(again), "--force")


def test_backup_never_overwrites_or_follows_links(filled: Ledger, tmp_path: Path) -> None:
    existing = tmp_path / "existing.sqlite"
    existing.write_text("keep me")
    filled.fails("db", "backup", str(existing), code=5)
    assert existing.read_text() == "keep me"
    link = tmp_path / "link.sqlite"
    link.symlink_to(existing)
    assert "symbolic link" in filled.fails("db", "backup", str(link), "--force", code=3).stderr
    assert existing.read_text() == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_restore_refuses_a_damaged_or_inconsistent_file(filled: Ledger, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    filled.ok("db", "backup", str(damaged))
    data = bytearray(damaged.read_bytes())
    data[4096 * 2 : 4096 * 2 + 512] = b"\xff" * 512  # scribble over a table page
    damaged.write_bytes(bytes(data))
    before = filled.snapshot()
    result = filled.run("db", "restore", str(damaged), "--force")
    assert result.exit_code in (1, 7)
    assert len(result.stderr.strip().splitlines()) == 1
    assert filled.snapshot() == before

    inconsistent = tmp_path / "inconsistent.sqlite"
    filled.ok("db", "backup", str(inconsistent))
    raw(Ledger(str(inconsistent), "sqlite", inconsistent), "UPDATE household SET status = 'exited'")
    refused = filled.fails("db", "restore", str(inconsistent), "--force", code=1)
    assert "fails verify" in refused.stderr
    assert filled.snapshot() == before


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from tests.support import invoke, make_id
    for i in range(40):
        birth = dt.date(1990, 1, 1) + dt.timedelta(days=i)
        result = invoke(["--db", sys.argv[1], "household", "add", "--name", "并发",
                         "--id-number", make_id(birth=birth, sequence=7), "--org", "phosphate"])
        if result.exit_code != 0:
            sys.exit(result.stderr)
    """
)


@pytest.mark.slow
def test_backup_while_another_process_writes(filled: Ledger, tmp_path: Path) -> None:
    assert filled.path is not None
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(filled.path)])
    copies = []
    for n in range(3):
        copy = tmp_path / f"copy{n}.sqlite"
        assert invoke(["--db", str(filled.path), "db", "backup", str(copy)]).exit_code == 0
        copies.append(copy)
    assert writer.wait(timeout=300) == 0
    for copy in copies:
        assert invoke(["--db", str(copy), "db", "verify"]).exit_code == 0
    assert len(invoke(["--db", str(filled.path), "household", "list", "-f", "json"]).rows()) == 45
