"""Reports on a big ledger: each kunnan report against the plain SQL it needs.

The ledger is generated with raw inserts (``benchmarks.data``). Each report
runs as a user runs it (the command line, a new process); its baseline is the
SQL a person would write for the same figures, through the standard library's
sqlite3 on the same file, in this process. A report's target is to take at
most 1.5× its SQL plus kunnan's start-up, where the start-up is the same
report on a ledger of five households: the figure judged is
(report − the same report on the small ledger) ÷ SQL.

``report programs`` and ``report dashboard`` do not exist on this branch: the
programmes-by-year aggregate is measured as the query ``aid list --year``
totals with (``services.aid`` conditions, grouped by programme), run through
kunnan's own session in a new process.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import KUNNAN, PYTHON, Figure, interleaved, kunnan, run, say
from benchmarks.data import fill_sqlite

GROUP = "reports"
AS_OF = "2018-12-31"
YEAR = 2018

#: The figures each report needs, as a person would write them (SQLite dialect).
SQL = {
    "categories": """
        WITH latest AS (
            SELECT household_id, max(id) AS id FROM household_status_change
            WHERE changed_on <= :as_of GROUP BY household_id),
        archived AS (
            SELECT s.household_id, s.category FROM household_status_change s
            JOIN latest ON latest.id = s.id WHERE s.status = 'archived'),
        people AS (SELECT household_id, count(*) AS people FROM member GROUP BY household_id)
        SELECT archived.category, count(*), sum(people.people)
        FROM archived LEFT JOIN people ON people.household_id = archived.household_id
        GROUP BY archived.category""",
    "exits": """
        SELECT strftime('%Y', exited_on) AS year, kind, count(*) FROM household_exit
        WHERE exited_on <= :as_of GROUP BY year, kind""",
    "programmes": """
        SELECT program, count(*), sum(amount_fen) FROM aid_entry
        WHERE kind = 'grant' AND year = :year GROUP BY program""",
}

PROGRAMMES_SCRIPT = """
import sys
from sqlalchemy import func, select
from kunnan.db.location import resolve
from kunnan.db.session import open_session
from kunnan.models import AidEntry
from kunnan.services.aid import AidFilter, _conditions

where = _conditions(AidFilter(year=int(sys.argv[2])))
query = (
    select(AidEntry.program, func.count(), func.coalesce(func.sum(AidEntry.amount_fen), 0))
    .where(*where).group_by(AidEntry.program).order_by(AidEntry.program)
)
with open_session(resolve(sys.argv[1]), write=False, operator="bench", command="bench") as s:
    for row in s.execute(query):
        print(*row)
"""


def build_ledger(work: Path, *, households: int, aid_rows: int) -> Path:
    """The generated ledger; kept between runs while its sizes and schema are the same."""
    from kunnan.db.revision import HEAD_REVISION

    db = work / "reports.sqlite"
    marker = work / "reports.json"
    wanted = {"households": households, "aid_rows": aid_rows, "revision": HEAD_REVISION}
    if db.exists() and marker.exists() and json.loads(marker.read_text()) == wanted:
        say(f"reports: reusing {db.name} ({households:,} households, {aid_rows:,} aid rows)")
        return db
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    kunnan("init", db=db)
    say(f"reports: generating {households:,} households and {aid_rows:,} aid rows")
    start = time.perf_counter()
    counts = fill_sqlite(db, households=households, aid_rows=aid_rows)
    say(f"reports: generated in {time.perf_counter() - start:.0f} s: {counts}")
    marker.write_text(json.dumps(wanted))
    return db


def sql_timer(db: Path, name: str) -> Callable[[], float]:
    params: dict[str, Any] = {"as_of": AS_OF, "year": YEAR}

    def measure() -> float:
        start = time.perf_counter()
        connection = sqlite3.connect(db)
        connection.execute(SQL[name], params).fetchall()
        connection.close()
        return time.perf_counter() - start

    return measure


def commands(db: Path | str, work: Path) -> dict[str, list[str]]:
    script = work / "programmes_by_year.py"
    script.write_text(PROGRAMMES_SCRIPT, encoding="utf-8")
    base = [KUNNAN, "--db", str(db), "report"]
    return {
        "categories": [*base, "categories", "--as-of", AS_OF, "--format", "json"],
        "exits": [*base, "exits", "--as-of", AS_OF, "--format", "json"],
        "programmes": [PYTHON, str(script), str(db), str(YEAR)],
    }


def sqlite_rows(db: Path, name: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(db)
    rows = connection.execute(SQL[name], {"as_of": AS_OF, "year": YEAR}).fetchall()
    connection.close()
    return rows


def check_same(expected: list[tuple[Any, ...]], argv: list[str], name: str) -> None:
    """The report's figures are the SQL's: a benchmark of a wrong answer measures nothing."""
    output = run(argv, capture=True).stdout.decode()
    if name == "categories":
        rows = json.loads(output)["rows"]
        got = sorted((r["category"], r["households"], r["people"]) for r in rows if r["households"])
        want = sorted((c, n, p) for c, n, p in expected)
    elif name == "exits":
        rows = json.loads(output)["rows"]
        got = sorted((str(r["year"]), k, v) for r in rows for k, v in r.items()
                     if k not in ("year", "total") and v)  # fmt: skip
        want = sorted((str(int(y)), k, n) for y, k, n in expected)
    else:
        got = sorted(tuple(line.split()) for line in output.splitlines())
        want = sorted(tuple(str(v) for v in row) for row in expected)
    if got != want:
        raise RuntimeError(f"report {name} differs from its SQL:\n{got}\n{want}")


def bench(work: Path, *, small: Path, households: int, aid_rows: int, rounds: int) -> list[Figure]:
    db = build_ledger(work, households=households, aid_rows=aid_rows)
    argvs = commands(db, work)
    for name, argv in argvs.items():
        check_same(sqlite_rows(db, name), argv, name)
    # The same commands on the five-household ledger: the database is the third argument.
    startup = {name: [*argv[:2], str(small), *argv[3:]] for name, argv in argvs.items()}
    cases: dict[str, Callable[[], float]] = {}
    for name, argv in argvs.items():
        cases[f"kunnan {name}"] = lambda argv=argv: run(argv).seconds
        cases[f"small {name}"] = lambda argv=startup[name]: run(argv).seconds
        cases[f"sql {name}"] = sql_timer(db, name)
    say(f"reports: {len(argvs)} reports, {rounds} rounds")
    median = interleaved(cases, rounds)
    size = f"{households:,} households, {aid_rows:,} aid rows"
    return judged(median, group=GROUP, baseline="sqlite3 SQL", size=size)


LABELS = {
    "categories": "report categories --as-of",
    "exits": "report exits --as-of",
    "programmes": "programmes by year (aid list --year total)",
}


def judged(median: dict[str, float], *, group: str, baseline: str, size: str) -> list[Figure]:
    figures = []
    for name, label in LABELS.items():
        ours, sql, startup = (median[f"{kind} {name}"] for kind in ("kunnan", "sql", "small"))
        figures.append(
            Figure(group, label, ours, "s", baseline, sql, limit=1.5,
                   ratio_override=max(ours - startup, 0) / sql,
                   note=f"{size}; ratio = (report − start-up {startup * 1000:.0f} ms) ÷ SQL; "
                   "start-up: the same report on a five-household ledger",
                   extra={"startup_s": startup})
        )  # fmt: skip
    return figures
