"""Reports on a big ledger: each kunnan report against the plain SQL it needs.

The ledger is generated with raw inserts (``benchmarks.data``). Each report's
baseline is the SQL a person would write for the same figures, through the
standard library's sqlite3 (or psycopg) on the same ledger, with the same day
and year. Before timing, each report runs once as a user runs it (a new
process, ``--format json``) and its figures are checked against the SQL's: a
benchmark of a wrong answer measures nothing. That run's time is kept too.

A report's target is to take at most 1.5× its SQL plus kunnan's start-up. The
start-up of a new process (0.5–2 s, measured by the start-up benchmark) is
noisier than many a query is long, so the reports are timed in one process
(``benchmarks.inprocess``): the command line run there, on the big ledger and on
a ledger of five households, and the SQL, in turn. The figure judged is
(report − the same report on the small ledger) ÷ SQL.

``report dashboard`` runs the queries of eight reports and pairing coverage;
its baseline is the sum of the plain SQL of those parts (``DASHBOARD``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.common import KUNNAN, PYTHON, Figure, kunnan, run, say
from benchmarks.data import GENERATOR_VERSION, fill_sqlite

GROUP = "reports"
AS_OF = "2018-12-31"
YEAR = 2018
#: The dashboard's default: aid, exits and training since two years before the day.
SINCE = YEAR - 2
#: The pairing visit interval in force (policy ``pair_visit_days``; the ledger keeps the default).
VISIT_DAYS = 90
PARAMS: dict[str, Any] = {
    "as_of": AS_OF,
    "year": YEAR,
    "since": SINCE,
    "cutoff": (dt.date.fromisoformat(AS_OF) - dt.timedelta(days=VISIT_DAYS)).isoformat(),
}
STEPS = ("visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "confirm")

# --- the SQL each report needs, as a person would write it -------------------------------
# Named parameters (:as_of); ``{exit_year}`` is the one dialect difference.

#: Each household's status on the day: its latest change up to then (history only moves forward).
ON_DAY = """
    latest AS (
        SELECT household_id, max(id) AS id FROM household_status_change
        WHERE changed_on <= :as_of GROUP BY household_id),
    on_day AS (
        SELECT s.household_id, s.status, s.category FROM household_status_change s
        JOIN latest ON latest.id = s.id)"""
PEOPLE = "people AS (SELECT household_id, count(*) AS people FROM member GROUP BY household_id)"

CATEGORIES = f"""
    WITH {ON_DAY}, {PEOPLE}
    SELECT on_day.category, count(*), sum(people.people)
    FROM on_day LEFT JOIN people ON people.household_id = on_day.household_id
    WHERE on_day.status = 'archived'
    GROUP BY on_day.category"""

EXITS = """
    SELECT {exit_year} AS year, kind, count(*) FROM household_exit
    WHERE exited_on <= :as_of GROUP BY 1, 2"""

#: Grants standing on the day: dated by then and not reversed by then.
STANDING = """
    FROM aid_entry g
    WHERE g.kind = 'grant' AND g.reverses_seq IS NULL AND g.on_date <= :as_of AND {years}
      AND NOT EXISTS (SELECT 1 FROM aid_entry r
                      WHERE r.reverses_seq = g.seq AND r.on_date <= :as_of)"""


def _programs(years: str) -> list[str]:
    standing = STANDING.format(years=years)
    return [
        "SELECT code, name, guarantee FROM program WHERE kind = 'cash' ORDER BY position",
        "SELECT program, count(*), count(DISTINCT household_id), count(DISTINCT member_id), "
        f"sum(amount_fen) {standing} GROUP BY program",
        f"SELECT count(DISTINCT household_id), count(DISTINCT member_id) {standing}",
    ]


CAUSES = f"""
    WITH {ON_DAY}
    SELECT h.main_cause, count(*) FROM on_day JOIN household h ON h.id = on_day.household_id
    WHERE on_day.status = 'archived' GROUP BY h.main_cause"""

#: Identification: households by status on the day; the steps their current case (its latest
#: round started by then) has done by then; and households identifying by steps done.
CURRENT_STEPS = f"""
    WITH {ON_DAY},
    current_case AS (
        SELECT c.id, on_day.status FROM identification_case c
        JOIN on_day ON on_day.household_id = c.household_id
        WHERE on_day.status IN ('identifying', 'archived') AND c.started_on <= :as_of
          AND c.round = (SELECT max(c2.round) FROM identification_case c2
                         WHERE c2.household_id = c.household_id AND c2.started_on <= :as_of)),
    done AS (
        SELECT s.case_id, s.step, current_case.status FROM identification_step s
        JOIN current_case ON current_case.id = s.case_id WHERE s.done_on <= :as_of)"""
PIPELINE = [
    f"WITH {ON_DAY} SELECT status, count(*) FROM on_day GROUP BY status",
    f"{CURRENT_STEPS} SELECT step, count(*) FROM done GROUP BY step",
    f"""{CURRENT_STEPS}
    SELECT steps, count(*) FROM (
        SELECT case_id, count(*) AS steps FROM done WHERE status = 'identifying' GROUP BY case_id
    ) AS per_case GROUP BY steps""",
]

TRAINING = [
    """SELECT c.year, c.trade, count(e.id), sum(coalesce(p.completed, 0)),
              sum(coalesce(p.certified, 0)), sum(coalesce(p.employed, 0))
    FROM training_enrolment e JOIN training_class c ON c.id = e.class_id
    LEFT JOIN (
        SELECT enrolment_id,
               max(CASE WHEN stage = 'completed' THEN 1 ELSE 0 END) AS completed,
               max(CASE WHEN stage = 'certified' THEN 1 ELSE 0 END) AS certified,
               max(CASE WHEN stage = 'employed' THEN 1 ELSE 0 END) AS employed
        FROM training_progress WHERE on_date <= :as_of GROUP BY enrolment_id
    ) AS p ON p.enrolment_id = e.id
    WHERE e.enrolled_on <= :as_of AND c.year >= :since
    GROUP BY c.year, c.trade""",
    """SELECT year, trade, count(*) FROM training_class c
    WHERE year >= :since AND (starts_on <= :as_of OR EXISTS (
        SELECT 1 FROM training_enrolment e WHERE e.class_id = c.id AND e.enrolled_on <= :as_of))
    GROUP BY year, trade""",
    """SELECT year, sum(CASE WHEN enrolment_id IS NOT NULL THEN 1 ELSE 0 END),
              sum(CASE WHEN enrolment_id IS NULL THEN 1 ELSE 0 END)
    FROM job_placement
    WHERE placed_on <= :as_of AND year >= :since
      AND (enrolment_id IS NOT NULL OR channel <> 'direct')
    GROUP BY year""",
]

AREAS = [
    f"""WITH {ON_DAY}, {PEOPLE}
    SELECT h.area_code, count(*), sum(people.people)
    FROM on_day JOIN household h ON h.id = on_day.household_id
    LEFT JOIN people ON people.household_id = on_day.household_id
    WHERE on_day.status = 'archived' GROUP BY h.area_code""",
    """SELECT h.area_code, count(*) FROM household_exit x JOIN household h ON h.id = x.household_id
    WHERE x.exited_on <= :as_of GROUP BY h.area_code""",
    "SELECT area_code, name FROM org WHERE kind = 'county'",
]

#: Pairing coverage: archived households per union, how many paired on the day, and how many
#: of those paired before the visit interval with no visit within it.
PAIRED = """EXISTS (SELECT 1 FROM pairing p WHERE p.household_id = h.id AND p.started_on <= :as_of
                    AND (p.ended_on IS NULL OR p.ended_on > :as_of){more})"""
COVERAGE = [
    """SELECT value FROM policy_setting WHERE key = 'pair_visit_days' AND effective_from <= :as_of
    ORDER BY effective_from DESC LIMIT 1""",
    "SELECT id, code, name, kind, path FROM org "
    "WHERE kind IN ('province', 'city', 'county', 'grassroots') ORDER BY path",
    f"""WITH {ON_DAY}
    SELECT h.org_id, count(*),
        sum(CASE WHEN {PAIRED.format(more="")} THEN 1 ELSE 0 END),
        sum(CASE WHEN {PAIRED.format(more=" AND p.started_on < :cutoff")}
                  AND NOT EXISTS (SELECT 1 FROM pair_visit v WHERE v.household_id = h.id
                                  AND v.visited_on >= :cutoff AND v.visited_on <= :as_of)
                 THEN 1 ELSE 0 END)
    FROM on_day JOIN household h ON h.id = on_day.household_id
    WHERE on_day.status = 'archived' GROUP BY h.org_id""",
]

#: The dashboard's parts in the order ``services.reports.dashboard`` runs them, then the chain head.
DASHBOARD: dict[str, list[str]] = {
    "categories": [CATEGORIES],
    "causes": [CAUSES],
    "pipeline": PIPELINE,
    "programs": _programs("g.year >= :since"),
    "programs_this_year": _programs("g.year = :year"),
    "exits": [EXITS],
    "training": TRAINING,
    "areas": AREAS,
    "coverage": COVERAGE,
    "ledger_head": ["SELECT seq, hash FROM ledger_head WHERE id = 1"],
}

#: What each benchmarked report runs, as lists of statements.
REPORTS: dict[str, list[str]] = {
    "categories": [CATEGORIES],
    "programs": _programs("g.year = :year"),
    "exits": [EXITS],
    "dashboard": [sql for part in DASHBOARD.values() for sql in part],
}

EXIT_YEAR = {
    "sqlite": "CAST(strftime('%Y', exited_on) AS INTEGER)",
    "postgresql": "CAST(extract(year FROM exited_on) AS INTEGER)",
}


def dialect_sql(sql: str, dialect: str) -> str:
    """A statement in SQLite's or PostgreSQL's (psycopg's) dialect."""
    sql = sql.replace("{exit_year}", EXIT_YEAR[dialect])
    if dialect == "postgresql":
        sql = sql.replace("%", "%%")
        sql = re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql)
    return sql


def statements(name: str, dialect: str) -> list[str]:
    return [dialect_sql(sql, dialect) for sql in REPORTS[name]]


Results = list[list[tuple[Any, ...]]]


def sqlite_results(db: Path | str, name: str) -> Results:
    """Every statement of a report, run through sqlite3 on a new connection."""
    connection = sqlite3.connect(db)
    try:
        return [connection.execute(sql, PARAMS).fetchall() for sql in statements(name, "sqlite")]
    finally:
        connection.close()


def postgresql_results(url: str, name: str) -> Results:
    """Every statement of a report, run through psycopg on a new connection."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as connection:
        return [list(connection.execute(sql, PARAMS).fetchall())
                for sql in statements(name, "postgresql")]  # fmt: skip


# --- the report's figures against the SQL's -------------------------------------------------


def _programs_expected(results: Results) -> dict[str, Any]:
    catalogue, grouped, (every,) = results
    by_program = {row[0]: [int(v or 0) for v in row[1:]] for row in grouped}
    rows = sorted((code, *by_program.get(code, [0, 0, 0, 0])) for code, _, _ in catalogue)
    total_amount = sum(row[4] for row in rows)
    return {"rows": rows, "households": int(every[0]), "people": int(every[1]),
            "amount_fen": total_amount}  # fmt: skip


def _programs_observed(part: dict[str, Any]) -> dict[str, Any]:
    rows = sorted((r["program"], r["grants"], r["households"], r["people"], r["amount_fen"])
                  for r in part["rows"])  # fmt: skip
    total = part["total"]
    return {"rows": rows, "households": total["households"], "people": total["people"],
            "amount_fen": total["amount_fen"]}  # fmt: skip


def _categories(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((c, int(n), int(p or 0)) for c, n, p in rows)


def _exits(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((int(y), k, int(n)) for y, k, n in rows)


def _exits_observed(part: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((int(r["year"]), k, v) for r in part["rows"] for k, v in r.items()
                  if k not in ("year", "total") and v)  # fmt: skip


#: The dashboard's headline figures checked against the SQL (all but the coverage percentage).
HEADLINE = ("archived", "people", "identifying", "paired", "exits_since", "stable_exits_since",
            "aid_since_fen", "aided_households_since", "aid_this_year_fen", "classes_since",
            "trainees_since", "employed_since", "placed_since")  # fmt: skip


def _dashboard_expected(results: Results) -> dict[str, Any]:
    parts: dict[str, Results] = {}
    position = 0
    for part, sqls in DASHBOARD.items():
        parts[part] = results[position : position + len(sqls)]
        position += len(sqls)
    categories = _categories(parts["categories"][0])
    by_status, passed, waiting_by_steps = (dict(rows) for rows in parts["pipeline"])
    waiting = [waiting_by_steps.get(index, 0) for index in range(len(STEPS))]
    waiting[0] += by_status.get("candidate", 0)
    pipeline = [(step, waiting[i], passed.get(step, 0)) for i, step in enumerate(STEPS)]
    pipeline += [("archived", by_status.get("archived", 0), 0),
                 ("rejected", by_status.get("rejected", 0), 0)]  # fmt: skip
    exits = _exits(parts["exits"][0])
    trainees, classes, placements = parts["training"]
    register, left, _names = parts["areas"]
    people_by_area = {area: (int(n), int(p or 0)) for area, n, p in register}
    exits_by_area = {area: int(n) for area, n in left}
    areas = sorted((area, *people_by_area.get(area, (0, 0)), exits_by_area.get(area, 0))
                   for area in set(people_by_area) | set(exits_by_area))  # fmt: skip
    coverage = parts["coverage"][2]
    return {
        "headline": {
            "archived": sum(n for _, n, _ in categories),
            "people": sum(p for _, _, p in categories),
            "identifying": sum(waiting),
            "paired": sum(int(row[2]) for row in coverage),
            "exits_since": sum(n for y, _, n in exits if y >= SINCE),
            "stable_exits_since": sum(n for y, k, n in exits if y >= SINCE and k == "stable"),
            "aid_since_fen": _programs_expected(parts["programs"])["amount_fen"],
            "aided_households_since": _programs_expected(parts["programs"])["households"],
            "aid_this_year_fen": _programs_expected(parts["programs_this_year"])["amount_fen"],
            "classes_since": sum(int(n) for *_, n in classes),
            "trainees_since": sum(int(row[2]) for row in trainees),
            "employed_since": sum(int(row[5] or 0) for row in trainees),
            "placed_since": sum(int(a or 0) + int(b or 0) for _, a, b in placements),
        },
        "categories": categories,
        "causes": sorted((c or "unknown", int(n)) for c, n in parts["causes"][0]),
        "pipeline": pipeline,
        "programs": _programs_expected(parts["programs"]),
        "programs_this_year": _programs_expected(parts["programs_this_year"]),
        "exits": exits,
        "areas": areas,
        "ledger_head": int(parts["ledger_head"][0][0][0]),
    }


def _dashboard_observed(output: dict[str, Any]) -> dict[str, Any]:
    return {
        "headline": {key: output["headline"][key] for key in HEADLINE},
        "categories": sorted((r["category"], r["households"], r["people"])
                             for r in output["categories"]["rows"] if r["households"]),
        "causes": sorted((r["cause"], r["households"]) for r in output["causes"]["rows"]
                         if r["households"]),
        "pipeline": [(r["stage"], r["waiting"], r["passed"]) for r in output["pipeline"]["rows"]],
        "programs": _programs_observed(output["programs"]),
        "programs_this_year": _programs_observed(output["programs_this_year"]),
        "exits": _exits_observed(output["exits"]),
        "areas": sorted((r["area_code"], r["households"], r["people"], r["exits"])
                        for r in output["areas"]["rows"]),
        "ledger_head": output["ledger_head"]["entries"],
    }  # fmt: skip


def expected(name: str, results: Results) -> Any:
    if name == "categories":
        return _categories(results[0])
    if name == "programs":
        return _programs_expected(results)
    if name == "exits":
        return _exits(results[0])
    return _dashboard_expected(results)


def observed(name: str, output: dict[str, Any]) -> Any:
    if name == "categories":
        return sorted((r["category"], r["households"], r["people"])
                      for r in output["rows"] if r["households"])  # fmt: skip
    if name == "programs":
        return _programs_observed(output)
    if name == "exits":
        return _exits_observed(output)
    return _dashboard_observed(output)


def check_same(results: Results, argv: list[str], name: str) -> float:
    """The report's figures are the SQL's: a benchmark of a wrong answer measures nothing.
    Returns how long the report took as a new command."""
    done = run(argv, capture=True)
    got, want = observed(name, json.loads(done.stdout.decode())), expected(name, results)
    if got != want:
        raise RuntimeError(f"report {name} differs from its SQL:\n{got}\n{want}")
    return done.seconds


# --- the benchmark --------------------------------------------------------------------------


def build_ledger(work: Path, *, households: int, aid_rows: int) -> Path:
    """The generated ledger; kept between runs while its sizes, rows and schema are the same."""
    from kunnan.db.revision import HEAD_REVISION

    db = work / "reports.sqlite"
    marker = work / "reports.json"
    wanted = {"households": households, "aid_rows": aid_rows, "revision": HEAD_REVISION,
              "generator": GENERATOR_VERSION}  # fmt: skip
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


#: Each benchmarked report's arguments after ``kunnan report``.
REPORT_ARGS: dict[str, list[str]] = {
    "categories": ["categories", "--as-of", AS_OF],
    "programs": ["programs", "--year", str(YEAR), "--as-of", AS_OF],
    "exits": ["exits", "--as-of", AS_OF],
    "dashboard": ["dashboard", "--as-of", AS_OF],
}


def commands(db: Path | str) -> dict[str, list[str]]:
    """Each report as a user runs it."""
    return {
        name: [KUNNAN, "--db", str(db), "report", *args, "--format", "json"]
        for name, args in REPORT_ARGS.items()
    }


def in_one_process(
    db: Path | str, small: Path | str, *, dialect: str, rounds: int
) -> dict[str, dict[str, float]]:
    """Medians of each report on both ledgers and of its SQL, timed in one new process."""
    argv = [PYTHON, "-m", "benchmarks.inprocess", "--db", str(db), "--small", str(small),
            "--dialect", dialect, "--rounds", str(rounds), *REPORT_ARGS]  # fmt: skip
    measured: dict[str, dict[str, float]] = json.loads(run(argv, capture=True).stdout.decode())
    return measured


def bench(work: Path, *, small: Path, households: int, aid_rows: int, rounds: int) -> list[Figure]:
    db = build_ledger(work, households=households, aid_rows=aid_rows)
    process = {
        name: check_same(sqlite_results(db, name), argv, name)
        for name, argv in commands(db).items()
    }
    say(f"reports: {len(REPORT_ARGS)} reports, {rounds} rounds in one process")
    measured = in_one_process(db, small, dialect="sqlite", rounds=rounds)
    size = f"{households:,} households, {aid_rows:,} aid rows"
    return judged(measured, process, group=GROUP, baseline="sqlite3 SQL", size=size, rounds=rounds)


LABELS = {name: "report " + " ".join(args) for name, args in REPORT_ARGS.items()}


def judged(
    measured: dict[str, dict[str, float]],
    process: dict[str, float],
    *,
    group: str,
    baseline: str,
    size: str,
    rounds: int,
) -> list[Figure]:
    figures = []
    for name, label in LABELS.items():
        ours, sql, startup = (measured[name][kind] for kind in ("kunnan", "sql", "small"))
        statements_run = len(REPORTS[name])
        figures.append(
            Figure(group, label, ours, "s", f"{baseline} ({statements_run} statements)", sql,
                   limit=1.5, ratio_override=max(ours - startup, 0) / sql,
                   note=f"{size}; in one process, medians of {rounds}; ratio = (report − the "
                   f"same report on a small ledger, {startup * 1000:.0f} ms) ÷ SQL; "
                   f"as a new command (start-up included) it took {process[name]:.2f} s",
                   extra={"startup_s": startup, "statements": statements_run,
                          "new_process_s": process[name]})
        )  # fmt: skip
    return figures
