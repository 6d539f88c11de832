"""Writers at once on one ledger, in real processes: one lock order, so nobody deadlocks.

Every writer takes a household before a fund before the chain head, as ``aid grant`` does.
On PostgreSQL a writer that took them the other way round (a fund, then a household another
command holds while it waits for that fund) made the server kill one of the two with
"deadlock detected": an internal error for a caseworker. On SQLite the write lock already
serialises writers; the same runs check nothing is lost there either.

Two processes registering the same ID number at the same moment: one registers it, the
other gets the ordinary duplicate refusal, never an internal error.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.aid_support import HEAD_ID, OTHER_HEAD_ID
from tests.conftest import AID, ledger_fixture
from tests.support import Ledger, make_id

SCALE = int(os.environ.get("KUNNAN_STRESS_SCALE", "1"))
HOUSEHOLDS = [f"H{n:06d}" for n in range(1, 7)]

GRANTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.support import invoke
    url, worker, rounds, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    households = sys.argv[5].split(",")
    while not go.exists():
        time.sleep(0.005)
    for i in range(rounds):
        household = households[(worker + i) % len(households)]
        result = invoke(["--db", url, "--operator", f"granter{worker}", "aid", "grant", household,
                         "--program", "temporary-aid", "--amount", "1", "--fund", "F001",
                         "--on", "2018-06-01", "--ref", f"W{worker}-{i}"])
        print(result.exit_code, result.stderr.strip().replace("\\n", " "), flush=True)
    """
)

IMPORTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.support import invoke
    url, rounds, go, files = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
    what = ["import", "aid"] if len(files) == 1 else ["import", "households", "--update"]
    while not go.exists():
        time.sleep(0.005)
    for i in range(rounds):
        result = invoke(["--db", url, "--operator", "importer", *what, files[i % len(files)]])
        print(result.exit_code, result.stderr.strip().replace("\\n", " "), flush=True)
    """
)


#: The heads of H000001 … H000006: (name, ID number, union).
HEADS = [
    ("张建国", HEAD_ID, "baiyin-qu"),
    ("李明", OTHER_HEAD_ID, "pingchuan"),
    *(
        (name, make_id("620402", dt.date(1960 + n, 2, 3), 11), "baiyin-qu")
        for n, name in enumerate(("赵一民", "钱二妹", "孙三强", "李四海"), start=3)
    ),
]


def _more_households(aid: Ledger) -> None:
    """Four more households (candidates, which temporary aid also serves) and no caps."""
    for name, number, org in HEADS[2:]:
        aid.ok("household", "add", "--name", name, "--id-number", number, "--org", org,
               "--on", "2017-05-01")  # fmt: skip
    aid.ok("program", "set", "temporary-aid", "--cap", "none", "--excludes", "none",
           "--from", "2018-01-01")  # fmt: skip


busy = ledger_fixture(*AID, ("test_lock_order.busy", _more_households))


def _aid_file(path: Path) -> Path:
    """One grant per household, in the order the granters least expect (last first)."""
    lines = ["户编号,帮扶项目,金额(元),资金,发放日期,凭证号"]
    lines += [f"{code},临时救助,2,F001,2018-07-01,IMP-{code}" for code in reversed(HOUSEHOLDS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _households_files(folder: Path) -> tuple[Path, Path]:
    """The six households with a new address, in two versions: each import --update changes
    every one of them, last first."""
    files = []
    for version in ("甲", "乙"):
        lines = ["relation,name,id_number,org,address"]
        lines += [
            f"head,{name},{number},{org},人民路{version}号" for name, number, org in reversed(HEADS)
        ]
        path = folder / f"households-{version}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files[0], files[1]


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outcomes(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for process in processes:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err
        for line in out.splitlines():
            code, _, message = line.partition(" ")
            found.append((int(code), message))
    return found


@pytest.mark.slow
def test_aid_grant_beside_import_aid_never_deadlocks(busy: Ledger, tmp_path: Path) -> None:
    """Two caseworkers granting, one importing aid and one updating households from a file,
    all on the same six households and one fund, round after round."""
    rounds = 12 * SCALE
    file = _aid_file(tmp_path / "aid.csv")
    register = _households_files(tmp_path)
    go = tmp_path / "go"
    households = ",".join(HOUSEHOLDS)
    processes = [
        _start(IMPORTER, busy.url, str(rounds), str(go), str(file)),
        _start(IMPORTER, busy.url, str(rounds), str(go), *map(str, register)),
        *(
            _start(GRANTER, busy.url, str(n), str(4 * rounds), str(go), households)
            for n in range(2)
        ),
    ]
    go.touch()
    outcomes = _outcomes(processes)
    failed = [(code, message) for code, message in outcomes if code != 0]
    assert not failed, failed
    assert len(outcomes) == 2 * rounds + 2 * 4 * rounds
    address = busy.ok("household", "show", "H000006", "-f", "json").json()["address"]
    assert address == ("人民路乙号" if rounds % 2 == 0 else "人民路甲号")
    # every grant there once: each granter's, and the file's, however often it was imported
    grants = busy.ok("aid", "list", "--program", "temporary-aid", "-f", "json").rows()
    refs = sorted(g["ref"] for g in grants)
    assert len(refs) == len(set(refs)) == 2 * 4 * rounds + len(HOUSEHOLDS)
    assert {f"IMP-{code}" for code in HOUSEHOLDS} <= set(refs)
    busy.ok("ledger", "verify")
    busy.ok("db", "verify")


REGISTRAR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.support import invoke
    url, go, number = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    while not go.exists():
        time.sleep(0.001)
    result = invoke(["--db", url, "household", "add", "--name", "同号", "--id-number", number,
                     "--org", "baiyin-qu", "--on", "2018-01-02"])
    print(result.exit_code, result.stderr.strip().replace("\\n", " "), flush=True)
    """
)


@pytest.mark.slow
def test_two_registrations_of_one_id_number_at_once_give_the_ordinary_refusal(
    baiyin: Ledger, tmp_path: Path
) -> None:
    tries = 6 * SCALE
    for attempt in range(tries):
        number = make_id("620402", dt.date(1971, 1, 1) + dt.timedelta(days=attempt), 11)
        go = tmp_path / f"go-{attempt}"
        processes = [_start(REGISTRAR, baiyin.url, str(go), number) for _ in range(2)]
        go.touch()
        outcomes = sorted(_outcomes(processes))
        assert [code for code, _ in outcomes] == [0, 5], outcomes
        # the words a sequential duplicate gets, whichever process lost
        sequential = baiyin.fails("household", "add", "--name", "同号", "--id-number", number,
                                  "--org", "baiyin-qu", "--on", "2018-01-02", code=5)  # fmt: skip
        assert outcomes[1][1] == sequential.stderr.strip()
    households = baiyin.ok("household", "list", "-f", "json", "--limit", "0").rows()
    assert len(households) == tries
    baiyin.ok("db", "verify")
