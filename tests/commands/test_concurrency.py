"""Two caseworkers at once: write transactions queue for the lock instead of failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.support import Ledger

WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from tests.support import invoke, make_id
    url, worker = sys.argv[1], int(sys.argv[2])
    for i in range(15):
        number = make_id("620402", dt.date(1970 + worker, 1, 1 + i), 100 + i)
        result = invoke(["--db", url, "household", "add", "--name", "并发", "--id-number", number,
                         "--org", "baiyin-qu"])
        if result.exit_code != 0:
            print(result.stderr, file=sys.stderr)
            sys.exit(1)
        invoke(["--db", url, "household", "edit", result.stdout.strip(), "--address", f"w{worker}-{i}"])
    """
)


@pytest.mark.slow
def test_two_processes_registering_at_once_never_fail_and_lose_nothing(baiyin: Ledger) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, baiyin.url, str(n)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2, 3)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert "locked" not in err
    households = baiyin.ok("household", "list", "-f", "json").rows()
    assert len(households) == 45
    assert len({h["code"] for h in households}) == 45
    creations = baiyin.ok(
        "audit", "list", "-f", "json", "--limit", "0", "--command", "household add"
    )
    assert len(creations.rows()) == 45
