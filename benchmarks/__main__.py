"""``python -m benchmarks``: run the benchmarks, print the table, write the JSON."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks import grants, imports, reports, startup
from benchmarks.common import Figure, machine, say, table, write_json

SUITES = ("startup", "import", "reports", "grants", "postgresql")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the import and report sizes (10: 1,000,000 households "
        "imported, reports on 1,000,000 households and 5,000,000 aid rows)",
    )
    parser.add_argument(
        "--only", action="append", choices=SUITES, help="run only these suites (repeatable)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the quick measurements")
    parser.add_argument(
        "--grants",
        type=int,
        default=None,
        help="grants to make (default 2,000 × scale, at most 10,000)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("build/bench"),
        help="where files and ledgers are made (kept, to look at)",
    )
    parser.add_argument("--json", type=Path, default=Path("build/bench/results.json"))
    args = parser.parse_args(argv)  # fmt: skip
    chosen = set(args.only or SUITES)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    import_households = int(100_000 * args.scale)
    report_households = int(100_000 * args.scale)
    report_aid = int(500_000 * args.scale)
    figures: list[Figure] = []
    started = time.perf_counter()
    say(f"benchmarks on {machine()}")
    if "startup" in chosen:
        figures += startup.bench(work, repeat=max(args.rounds, 3) * 2)
    if "import" in chosen:
        figures += imports.bench(work, households=import_households, rounds=1)
    if "reports" in chosen:
        small = startup.small_ledger(work)
        figures += reports.bench(work, small=small, households=report_households,
                                 aid_rows=report_aid, rounds=args.rounds)  # fmt: skip
    if "grants" in chosen:
        count = args.grants or min(10_000, int(2_000 * args.scale))
        figures += grants.bench(work, grants=count)
    if "postgresql" in chosen:
        url = os.environ.get("KUNNAN_BENCH_DB")
        if url:
            from benchmarks import pg

            figures += pg.bench(url, work=work, households=report_households,
                                aid_rows=report_aid, rounds=args.rounds)  # fmt: skip
        else:
            say("postgresql: skipped (set KUNNAN_BENCH_DB=postgresql://user@host/db to run it)")
    elapsed = time.perf_counter() - started
    settings = {"scale": args.scale, "rounds": args.rounds, "grants": args.grants,
                "suites": sorted(chosen), "seconds": round(elapsed, 1)}  # fmt: skip
    write_json(args.json, figures, settings)
    print(table(figures))
    met = [f for f in figures if f.met is not None]
    missed = [f for f in met if not f.met]
    print(f"\n{len(met) - len(missed)} of {len(met)} targets met in {elapsed:.0f} s"
          + (": missed " + "; ".join(f"{f.group}: {f.name}" for f in missed) if missed else "")
          + f". Figures written to {args.json}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
