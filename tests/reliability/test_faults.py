"""Faults: a read-only ledger, a full disk, and a process killed mid-command.

Each must end in one clear line and a ledger that holds all of the command's
work or none of it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.support import Ledger, invoke, make_id


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """The folder as a read-only view: a read-only bind mount for root, permissions otherwise."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for path in modes:
            path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    view = folder.parent / f"{folder.name}-ro"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(folder), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)
        view.rmdir()


def test_a_read_only_ledger_gives_one_line_and_keeps_its_content(sqlite_baiyin: Ledger) -> None:
    assert sqlite_baiyin.path is not None
    before = sqlite_baiyin.snapshot()
    with read_only(sqlite_baiyin.path.parent) as folder:
        result = invoke(["--db", str(folder / sqlite_baiyin.path.name), "household", "add", "--name", "张三",
                         "--id-number", make_id(sequence=3), "--org", "phosphate"])  # fmt: skip
        assert result.exit_code in (7, 8), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "read-only" in result.stderr or "cannot open" in result.stderr
    assert sqlite_baiyin.snapshot() == before


@contextlib.contextmanager
def full_disk() -> Iterator[None]:
    """Every new SQLite connection may not grow its file: SQLite answers SQLITE_FULL, as on a full disk."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(Engine, "connect", cap)


def test_a_full_disk_gives_one_line_and_writes_nothing(sqlite_baiyin: Ledger) -> None:
    # Fill the free pages so the next household needs a new one.
    for n in range(30):
        sqlite_baiyin.ok("household", "add", "--name", "甲", "--id-number", make_id(sequence=2 * n + 1),
                         "--org", "phosphate", "--address", "路" * 150)  # fmt: skip
    before = sqlite_baiyin.snapshot()
    with full_disk():
        failures = 0
        for n in range(30, 60):
            result = sqlite_baiyin.run("household", "add", "--name", "乙", "--id-number", make_id(sequence=2 * n + 1),
                                       "--org", "phosphate", "--address", "路" * 200)  # fmt: skip
            if result.exit_code != 0:
                assert result.exit_code == 8
                assert result.stderr == "error: the disk is full; nothing was written\n"
                failures += 1
                break
        assert failures == 1
    after = sqlite_baiyin.snapshot()
    added = len(after["household"]) - len(before["household"])
    assert len(after["member"]) - len(before["member"]) == added  # whole households or none
    assert invoke(["--db", sqlite_baiyin.url, "db", "verify"]).exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.4, 0.8, 1.5, 3.0])
def test_a_demo_killed_at_any_moment_leaves_all_or_nothing(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "demo.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "kunnan", "demo", "--db", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if not path.exists():
        return  # killed before it began: nothing was written
    verify = invoke(["--db", str(path), "db", "verify"])
    if verify.exit_code == 7:  # killed while creating the schema: an empty file, nothing in it
        assert (
            "not an initialised kunnan ledger" in verify.stderr
            or "schema revision" in verify.stderr
        )
        return
    assert verify.exit_code == 0, verify.stderr
    with sqlite3.connect(path) as connection:
        [(households,)] = connection.execute("SELECT COUNT(*) FROM household").fetchall()
    assert households in (0, 5165)
