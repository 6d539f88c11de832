"""Reports timed inside one process: ``python -m benchmarks.inprocess``.

A report's own cost (parsing its options, opening the ledger, its queries, its JSON) is
what is left of a command once the interpreter has started and kunnan's modules are
loaded. A new process costs 0.5–2 s of start-up, and its noise alone is larger than a
query of a few milliseconds, so the reports are judged here: each report runs through
kunnan's command line in this process (``kunnan.cli.app``, with its output captured),
on the big ledger and on the small one, and the plain SQL runs on the big ledger, in
turn, round after round. Every run opens the ledger afresh (``forget_engines``), so
each pays what a new process would pay for its statements but for importing modules.

Prints {report: {"kunnan": s, "small": s, "sql": s}}, medians, as JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

from benchmarks.reports import REPORT_ARGS, Results, postgresql_results, sqlite_results


def _report(argv: list[str]) -> Callable[[], float]:
    from kunnan.cli import app
    from kunnan.db.engine import forget_engines

    def measure() -> float:
        forget_engines()
        out = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out):
            code = app(args=argv, standalone_mode=False)
        seconds = time.perf_counter() - start
        if code not in (0, None):
            raise RuntimeError(f"kunnan {' '.join(argv)} exited {code}")
        json.loads(out.getvalue())  # a whole report came out
        return seconds

    return measure


def _sql(db: str, name: str, dialect: str) -> Callable[[], float]:
    def results() -> Results:
        return sqlite_results(db, name) if dialect == "sqlite" else postgresql_results(db, name)

    def measure() -> float:
        start = time.perf_counter()
        results()
        return time.perf_counter() - start

    return measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inprocess", description=__doc__)
    parser.add_argument("--db", required=True, help="the big ledger (path or URL)")
    parser.add_argument("--small", required=True, help="a ledger of a few households")
    parser.add_argument("--dialect", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("reports", nargs="+", choices=sorted(REPORT_ARGS))
    args = parser.parse_args(argv)
    cases: dict[tuple[str, str], Callable[[], float]] = {}
    for name in args.reports:
        report = ["report", *REPORT_ARGS[name], "--format", "json"]
        cases[name, "kunnan"] = _report(["--db", args.db, *report])
        cases[name, "small"] = _report(["--db", args.small, *report])
        cases[name, "sql"] = _sql(args.db, name, args.dialect)
    for measure in cases.values():  # imports, caches of the operating system and the server
        measure()
    times: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    for _ in range(args.rounds):
        for case, measure in cases.items():
            times[case].append(measure())
    medians: dict[str, dict[str, Any]] = {}
    for (name, kind), values in times.items():
        medians.setdefault(name, {})[kind] = statistics.median(values)
    json.dump(medians, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
