"""The reports on PostgreSQL, when ``KUNNAN_BENCH_DB`` names a server to make databases in.

The same generated ledger is loaded with COPY into a database of its own
(``kunnan_bench``; an empty ledger ``kunnan_bench_small`` beside it gives the
start-up; both dropped afterwards), and each report is timed against the same
SQL in PostgreSQL's dialect, run through psycopg on a new connection, in one
process as on SQLite (``benchmarks.inprocess``).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, kunnan, say
from benchmarks.data import COLUMNS, ledger_rows
from benchmarks.reports import (
    check_same,
    commands,
    in_one_process,
    judged,
    postgresql_results,
)

GROUP = "reports, PostgreSQL"
DATABASE = "kunnan_bench"
SMALL = "kunnan_bench_small"


def _url(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _load(url: str, work: Path, households: int, aid_rows: int) -> None:
    import psycopg

    files = {table: (work / f"pg-{table}.csv").open("w", newline="") for table in COLUMNS}
    writers = {table: csv.writer(file) for table, file in files.items()}
    last: tuple[Any, ...] = ()
    for table, row in ledger_rows(households, aid_rows):
        writers[table].writerow(["\\N" if value is None else value for value in row])
        if table == "aid_entry":
            last = row
    for file in files.values():
        file.close()
    with psycopg.connect(_plain(url)) as connection:
        for table, columns in COLUMNS.items():
            copy = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with (
                connection.cursor() as cursor,
                cursor.copy(copy) as target,
                (work / f"pg-{table}.csv").open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        connection.execute(
            "UPDATE ledger_head SET seq = %s, hash = %s WHERE id = 1", (last[0], last[-1])
        )
    with psycopg.connect(_plain(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    for table in COLUMNS:
        (work / f"pg-{table}.csv").unlink()


def bench(
    admin_url: str, *, work: Path, households: int, aid_rows: int, rounds: int
) -> list[Figure]:
    import psycopg

    url, small = _url(admin_url, DATABASE), _url(admin_url, SMALL)
    with psycopg.connect(_plain(admin_url), autocommit=True) as admin:
        for database in (DATABASE, SMALL):
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {database}")
    try:
        kunnan("init", db=url)
        kunnan("init", db=small)
        say(f"postgresql: loading {households:,} households and {aid_rows:,} aid rows")
        start = time.perf_counter()
        _load(url, work, households, aid_rows)
        say(f"postgresql: loaded in {time.perf_counter() - start:.0f} s")

        process = {
            name: check_same(postgresql_results(url, name), argv, name)
            for name, argv in commands(url).items()
        }
        say(f"postgresql: {len(process)} reports, {rounds} rounds in one process")
        measured = in_one_process(url, small, dialect="postgresql", rounds=rounds)
    finally:
        with psycopg.connect(_plain(admin_url), autocommit=True) as admin:
            for database in (DATABASE, SMALL):
                admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    size = f"{households:,} households, {aid_rows:,} aid rows"
    return judged(measured, process, group=GROUP, baseline="psycopg SQL", size=size, rounds=rounds)
