"""Several caseworkers at once, and a process killed in the middle of an import.

KUNNAN_STRESS_SCALE multiplies the sizes (``make stress`` sets it); the suite
runs a bounded version.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support import Ledger, invoke, make_id

SCALE = int(os.environ.get("KUNNAN_STRESS_SCALE", "1"))

WORKER = textwrap.dedent(
    """
    import sys
    from tests.support import invoke
    url, worker, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(rounds):
        granted = invoke(["--db", url, "--operator", f"worker{worker}", "aid", "grant", "H000001",
                          "--program", "living-aid", "--fund", "F001", "--amount", "1",
                          "--on", "2018-06-01", "--override", "load test"])
        edited = invoke(["--db", url, "--operator", f"worker{worker}", "household", "edit", "H000002",
                         "--address", f"worker {worker} edit {i}"])
        for result in (granted, edited):
            if result.exit_code != 0:
                sys.exit(result.stderr)
    """
)


@pytest.mark.slow
def test_four_caseworkers_granting_and_editing_at_once_lose_nothing(aid: Ledger) -> None:
    rounds = 20 * SCALE
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, aid.url, str(n), str(rounds)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err
        assert "locked" not in err
    grants = aid.ok("aid", "list", "--program", "living-aid", "-f", "json").rows()
    assert len(grants) == 4 * rounds
    fund = aid.ok("fund", "show", "F001", "-f", "json").json()
    assert fund["balance_fen"] == 10_000_000 - 4 * rounds * 100
    edits = aid.ok(
        "audit",
        "list",
        "--household",
        "H000002",
        "--command",
        "household edit",
        "--limit",
        "0",
        "-f",
        "json",
    )
    assert len(edits.rows()) == 4 * rounds
    aid.ok("ledger", "verify")
    aid.ok("db", "verify")


def households_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["household", "relation", "name", "id_number", "org", "registered_on"])
        for n in range(count):
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=n)
            writer.writerow(
                [n, "head", "导入户", make_id(birth=birth, sequence=11), "phosphate", "2018-01-02"]
            )
            writer.writerow([n, "spouse", "导入配偶", make_id(birth=birth, sequence=22), "", ""])
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.1, 0.35, 0.6, 0.85, 1.2])
def test_an_import_killed_at_any_moment_leaves_all_or_nothing(
    sqlite_baiyin: Ledger, tmp_path: Path, fraction: float
) -> None:
    count = 1500 * SCALE
    file = households_file(tmp_path / "register.csv", count)
    started = time.monotonic()
    probe = subprocess.run([sys.executable, "-m", "kunnan", "--db", str(tmp_path / "probe.sqlite"), "init"],
                           capture_output=True, check=True)  # fmt: skip
    startup = time.monotonic() - started
    assert probe.returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "kunnan", "--db", sqlite_baiyin.url, "import", "households", str(file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(startup + fraction * 2.0 * SCALE)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert invoke(["--db", sqlite_baiyin.url, "db", "verify"]).exit_code == 0
    households = invoke(["--db", sqlite_baiyin.url, "household", "list", "-f", "json"]).rows()
    members = sqlite_baiyin.snapshot()["member"]
    assert (len(households), len(members)) in ((0, 0), (count, 2 * count))
