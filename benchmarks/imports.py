"""Import: `kunnan import households` against the physical limit and against sqlite-utils.

- raw: the standard library's csv + sqlite3 ``executemany`` of the same rows into one
  table, in one transaction: no validation, no households, no indexes — the limit.
- sqlite-utils: ``sqlite-utils insert DB households FILE --csv``, a well-regarded
  general tool doing a comparable job without kunnan's rules.
- kunnan's tables, raw (no target; what the schema alone costs): csv + sqlite3 writing
  what the import writes (households, their status history, members, causes) into an
  empty ledger with kunnan's indexes, keys and checks, in one transaction, without
  validating anything or looking anything up.
- kunnan: every row validated by the rules of ``household add``, households,
  members, status history and causes written, with its indexes, in one transaction.

Memory: the peak resident memory of an import of the file and of one ten
times smaller; import streams, so the two should be close.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.common import PYTHON, Figure, kunnan, run, say
from benchmarks.data import UNIONS, write_households_csv

GROUP = "import"

RAW = """
import csv, sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8", newline="") as file:
    rows = csv.reader(file)
    header = next(rows)
    connection = sqlite3.connect(target, isolation_level=None)
    columns = ", ".join(f'"{name}" TEXT' for name in header)
    connection.execute(f"CREATE TABLE households ({columns})")
    connection.execute("BEGIN")
    marks = ", ".join("?" * len(header))
    connection.executemany(f"INSERT INTO households VALUES ({marks})", rows)
    connection.execute("COMMIT")
    connection.close()
"""


#: What the import writes, written by the plain means: the floor of kunnan's own schema.
RAW_LEDGER = """
import csv, sqlite3, sys
source, target, now = sys.argv[1], sys.argv[2], "2026-01-01 00:00:00.000000"
connection = sqlite3.connect(target, isolation_level=None)
connection.execute("PRAGMA foreign_keys = ON")
connection.execute("PRAGMA synchronous = FULL")
unions = {code: (id_, area) for id_, code, area in connection.execute("SELECT id, code, area_code FROM org")}
households, changes, members, causes = [], [], [], []
def flush():
    connection.executemany("INSERT INTO household (id, org_id, status, category, main_cause, "
        "archive_no, area_code, address, housing_type, housing_area_m2, registered_on, "
        "created_at, updated_at, archived_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", households)
    connection.executemany("INSERT INTO household_status_change (household_id, changed_on, "
        "status, category, reason, recorded_at) VALUES (?,?,?,?,?,?)", changes)
    connection.executemany("INSERT INTO member (household_id, relation, name, id_number, "
        "birth_date, sex, phone, employer, identity, health, schooling, monthly_income_fen) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", members)
    connection.executemany("INSERT INTO household_cause (household_id, cause, position) "
        "VALUES (?,?,?)", causes)
    for batch in (households, changes, members, causes):
        batch.clear()
with open(source, encoding="utf-8", newline="") as file:
    rows = csv.reader(file)
    next(rows)
    connection.execute("BEGIN IMMEDIATE")
    key, household_id = None, 0
    for r in rows:
        if r[0] != key:
            key, household_id = r[0], household_id + 1
            org_id, area = unions[r[6]]
            households.append((household_id, org_id, r[2], r[3] or None, r[4] or None,
                               r[1] or None, r[7] or area, r[8], r[9] or None, r[10] or None,
                               r[11], now, now, r[12] or None))
            changes.append((household_id, r[11], "candidate", None, "registered", now))
            if r[2] == "archived":
                changes.append((household_id, r[12], "archived", r[3], "imported", now))
            causes.extend((household_id, c, n) for n, c in enumerate(r[5].split(";")) if c)
        n = r[15]
        members.append((household_id, r[13], r[14], n, f"{n[6:10]}-{n[10:12]}-{n[12:14]}",
                        "male" if int(n[16]) % 2 else "female", r[16] or None, r[17] or None,
                        r[18] or None, r[19], r[20], int(r[21])))
        if len(members) >= 1000:
            flush()
    flush()
    connection.execute("COMMIT")
connection.close()
"""


def _template(work: Path) -> Path:
    """An empty ledger with Baiyin's unions, copied for every import."""
    db = work / "import-template.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    kunnan("init", db=db)
    for code, name, kind, parent, area in UNIONS:
        extra = ["--parent", parent] if parent else []
        kunnan("org", "add", "--code", code, "--name", name, "--kind", kind, "--area", area,
               *extra, db=db)  # fmt: skip
    return db


def _fresh(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


def _kunnan_import(template: Path, work: Path, csv_file: Path, rows: int) -> tuple[float, float]:
    db = _fresh(template, work / "import.sqlite")
    done = kunnan("import", "households", str(csv_file), db=db)
    summary = done.stderr.decode()
    if f"{rows} rows read" not in summary or "0 rejected" not in summary:
        raise RuntimeError(f"the import did not take every row: {summary}")
    return done.seconds, done.peak_mb


def bench(work: Path, *, households: int, rounds: int) -> list[Figure]:
    big = work / f"households-{households}.csv"
    small = work / f"households-{households // 10}.csv"
    say(f"import: writing {big.name} and {small.name}")
    rows = write_households_csv(big, households)
    small_rows = write_households_csv(small, households // 10)
    template = _template(work)
    sqlite_utils = str(Path(PYTHON).parent / "sqlite-utils")
    times: dict[str, list[float]] = {"kunnan": [], "raw": [], "sqlite-utils": [], "schema": []}
    peaks: list[float] = []
    for round_number in range(1, rounds + 1):
        say(f"import: round {round_number}/{rounds}: {rows:,} rows ({households:,} households)")
        target = work / "raw.sqlite"
        target.unlink(missing_ok=True)
        times["raw"].append(run([PYTHON, "-c", RAW, str(big), str(target)]).seconds)
        target.unlink(missing_ok=True)
        times["sqlite-utils"].append(
            run([sqlite_utils, "insert", str(target), "households", str(big), "--csv"]).seconds
        )
        ledger = _fresh(template, work / "raw-ledger.sqlite")
        times["schema"].append(run([PYTHON, "-c", RAW_LEDGER, str(big), str(ledger)]).seconds)
        seconds, peak = _kunnan_import(template, work, big, rows)
        times["kunnan"].append(seconds)
        peaks.append(peak)
    say(f"import: {small_rows:,} rows, for memory")
    _, small_peak = _kunnan_import(template, work, small, small_rows)
    rate = {name: rows / min(values) for name, values in times.items()}
    note = f"{rows:,} rows, {households:,} households; best of {rounds}"
    return [
        Figure(GROUP, "rows/s vs sqlite-utils", rate["kunnan"], "rows/s",
               "sqlite-utils insert --csv", rate["sqlite-utils"], better="higher", limit=3,
               note=note),
        Figure(GROUP, "rows/s vs raw csv + sqlite3", rate["kunnan"], "rows/s",
               "csv + executemany, one table", rate["raw"], better="higher", limit=0.25,
               note=note),
        Figure(GROUP, "rows/s vs raw inserts into kunnan's tables", rate["kunnan"], "rows/s",
               "csv + executemany, kunnan's tables", rate["schema"], better="higher",
               note=f"{note}; no target: what kunnan's schema (keys, indexes, checks) costs"),
        Figure(GROUP, f"peak memory, {rows:,} rows", max(peaks), "MB",
               f"{small_rows:,} rows", small_peak, limit=1.5,
               note="peak resident memory of the whole process"),
    ]  # fmt: skip
