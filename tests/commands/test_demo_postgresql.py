"""kunnan demo --db postgresql://…: the Baiyin sample built on a server, the same figure for figure.

The sample is built once into a database of its own that already holds another program's
table (a province's server is shared), and its reports are compared with the SQLite build's
(``baiyin_demo``). A database holding a ledger is refused unless --force; --force replaces
kunnan's tables and nothing else, in one transaction: a build that is killed leaves the old
ledger as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kunnan.db.revision import HEAD_REVISION
from tests.conftest import BuiltDemo
from tests.pg_support import PG_URL, execute, new_database, url_for
from tests.support import Ledger, invoke, make_id

AS_OF = "2018-12-24"
REPORTS = (
    ["categories"],
    ["causes"],
    ["pipeline"],
    ["exits", "--since", "2017"],
    ["programs", "--since", "2016"],
    ["programs", "--since", "2014"],
    ["training", "--since", "2016"],
    ["areas"],
    ["funds"],
    ["coverage"],
)


@dataclass(frozen=True)
class ServerDemo:
    database: str
    stdout: str
    stderr: str

    @property
    def ledger(self) -> Ledger:
        return Ledger(url=url_for(self.database), backend="postgresql", path=None)


@pytest.fixture(scope="session")
def pg_demo() -> Iterator[ServerDemo]:
    """`kunnan demo` into a database holding someone else's table, built once per run."""
    if not PG_URL:
        from tests.conftest import SKIP_LINE

        pytest.skip(SKIP_LINE)
    with new_database("kunnan_demo") as name:
        execute("CREATE TABLE their_notes (id int PRIMARY KEY, note text)", database=name)
        execute("INSERT INTO their_notes VALUES (1, '省总工会的表')", database=name)
        built = invoke(["demo", "--db", url_for(name)])
        assert built.exit_code == 0, built.stderr
        yield ServerDemo(name, built.stdout, built.stderr)


def _head(database: str) -> list[tuple[Any, ...]]:
    return execute("SELECT seq, hash FROM ledger_head", database=database)


def test_the_sample_on_postgresql_gives_the_same_figures_as_on_sqlite(
    pg_demo: ServerDemo, baiyin_demo: BuiltDemo
) -> None:
    assert "built 5,165 households (5,039 ever archived, 14,256 grants, 1,844 exits)" in (
        pg_demo.stderr
    )
    assert f"building the Baiyin sample ledger at {pg_demo.ledger.url}" in pg_demo.stderr
    assert pg_demo.stdout == baiyin_demo.stdout  # the dashboard
    for report in REPORTS:
        args = ["report", *report, "--as-of", AS_OF, "-f", "json"]
        assert pg_demo.ledger.ok(*args).json() == baiyin_demo.ledger.ok(*args).json(), report
    dashboard = [
        ledger.ok("report", "dashboard", "--as-of", AS_OF, "-f", "json").json()
        for ledger in (pg_demo.ledger, baiyin_demo.ledger)
    ]
    for shown in dashboard:  # the chain's head hashes the moment each entry was recorded
        shown["ledger_head"].pop("hash")
    assert dashboard[0] == dashboard[1]
    assert "verified" in pg_demo.ledger.ok("db", "verify").stderr
    assert "matching the models" in pg_demo.ledger.ok("db", "check").stderr
    assert execute("SELECT note FROM their_notes", database=pg_demo.database) == [("省总工会的表",)]


def test_a_database_holding_a_ledger_is_refused_without_force(pg_demo: ServerDemo) -> None:
    before = _head(pg_demo.database)
    refused = invoke(["demo", "--db", pg_demo.ledger.url])
    assert refused.exit_code == 5, refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"error: {pg_demo.ledger.url} already holds a kunnan ledger (schema revision {HEAD_REVISION}) "
        "(add --force to drop kunnan's tables there and make the new ledger in their place; "
        "other tables are left alone)"
    ]
    assert _head(pg_demo.database) == before


def test_force_rebuilds_the_ledger_and_leaves_other_tables_alone(pg_demo: ServerDemo) -> None:
    with new_database("kunnan_demo", template=pg_demo.database) as name:
        url = url_for(name)
        assert invoke(["--db", url, "--operator", "李发明", "household", "add", "--name", "多余的户",
                       "--id-number", make_id("620402", sequence=901), "--org", "baiyin-qu"]
                      ).exit_code == 0  # fmt: skip
        rebuilt = invoke(["demo", "--db", url, "--force"])
        assert rebuilt.exit_code == 0, rebuilt.stderr
        assert execute("SELECT count(*) FROM household", database=name) == [(5165,)]
        assert execute("SELECT note FROM their_notes", database=name) == [("省总工会的表",)]


def test_a_build_killed_half_way_leaves_the_old_ledger_as_it_was(pg_demo: ServerDemo) -> None:
    with new_database("kunnan_demo", template=pg_demo.database) as name:
        before = _head(name)
        source = Path(__file__).resolve().parents[2] / "src"
        env = {
            **os.environ,
            "PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "kunnan", "demo", "--db", url_for(name), "--force"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _building(name):
            time.sleep(0.2)
        time.sleep(2)  # well into the build: the old tables dropped, new ones filling
        assert child.poll() is None, "the build ended before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait()
        execute(  # the server ends the dead client's transaction as soon as it sees it gone
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        assert _head(name) == before
        assert execute("SELECT count(*) FROM household", database=name) == [(5165,)]
        assert "verified" in invoke(["--db", url_for(name), "db", "verify"]).stderr


def _building(database: str) -> bool:
    """Whether a client is working in ``database`` (the build's one transaction)."""
    return bool(
        execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = "
            f"'{database}' AND state <> 'idle' AND pid <> pg_backend_pid()"
        )
    )
