"""Two caseworkers granting from the same fund at once, in two real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import Ledger

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.support import invoke
    url, worker, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.01)
    for i in range(8):
        household = ("H000001", "H000002")[(worker + i) % 2]
        result = invoke(["--db", url, "aid", "grant", household, "--program", "temporary-aid",
                         "--amount", "1000", "--fund", "F002", "--on", "2018-06-01"])
        print(result.exit_code, result.stderr.strip().replace("\\n", " "), flush=True)
    """
)


@pytest.mark.slow
def test_two_processes_granting_from_one_fund_never_overdraw_it(
    aid: Ledger, tmp_path: Path
) -> None:
    aid.ok("fund", "add", "--name", "临时救助备用金", "--source", "union", "--year", "2018")
    aid.ok("fund", "contribute", "F002", "10000", "--from", "白银市总工会", "--on", "2018-01-02")
    aid.ok("program", "set", "temporary-aid", "--cap", "none", "--excludes", "none",
           "--from", "2018-01-01")  # fmt: skip
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, aid.url, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    go.touch()
    outcomes: list[tuple[int, str]] = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        for line in out.splitlines():
            code, _, message = line.partition(" ")
            outcomes.append((int(code), message))
    granted = [m for code, m in outcomes if code == 0]
    refused = [m for code, m in outcomes if code != 0]
    assert len(granted) == 10, outcomes  # 10,000 yuan in 1,000-yuan grants
    assert len(refused) == 6, outcomes
    assert all(
        m.startswith("error: fund F002 (临时救助备用金) holds") and "below zero" in m
        for m in refused
    ), refused
    fund = aid.ok("fund", "show", "F002", "-f", "json").json()
    assert (fund["granted_fen"], fund["balance_fen"]) == (1_000_000, 0)
    # the chain did not fork: entries 1 … 12 in order, each linked to the one before
    result = aid.ok("ledger", "verify")
    assert result.stdout.split()[0] == "12"
    assert [r["seq"] for r in aid.ok("aid", "list", "-f", "json").rows()] == list(range(3, 13))
