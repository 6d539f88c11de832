"""What every benchmark shares: running and timing processes, figures, the table and the JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: The interpreter of the benchmark's own environment (kunnan, sqlite-utils, psycopg).
PYTHON = sys.executable
BIN = Path(sys.executable).parent
KUNNAN = str(BIN / "kunnan")


@dataclass
class Figure:
    """One measured figure, its baseline from the same run, and the target it is judged by.

    ``better`` says which way is good: ``lower`` for times and memory (ratio = value ÷
    baseline must be at most ``limit``), ``higher`` for rates (at least ``limit``).
    """

    group: str
    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    better: str = "lower"
    limit: float | None = None
    #: Overrides value ÷ baseline where a target is not a plain quotient (reports).
    ratio_override: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ratio_override is not None:
            return self.ratio_override
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    @property
    def target(self) -> str:
        if self.limit is None:
            return ""
        return f"{'≤' if self.better == 'lower' else '≥'} {self.limit:g}×"

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        if self.limit is None or ratio is None:
            return None
        return ratio <= self.limit if self.better == "lower" else ratio >= self.limit

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("ratio_override")
        data.update(ratio=self.ratio, target=self.target, met=self.met)
        return data


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"
    if unit.endswith("/s"):
        return f"{value:,.0f} {unit}"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.3g} {unit}"


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table (readable in a terminal, pasteable into the README)."""
    head = ["benchmark", "kunnan", "baseline", "ratio", "target", "met"]
    rows = [head, ["---"] * len(head)]
    for f in figures:
        baseline = f"{f.baseline_name}: {fmt(f.baseline, f.unit)}" if f.baseline_name else ""
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        rows.append([f"{f.group}: {f.name}", fmt(f.value, f.unit), baseline, ratio, f.target, met])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return {
        "host": platform.node(),
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()}",
    }


def write_json(path: Path, figures: Sequence[Figure], settings: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "settings": settings,
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Run:
    seconds: float
    #: Peak resident memory of the process, in MB (from wait4's rusage).
    peak_mb: float
    stdout: bytes
    stderr: bytes


def run(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    check: bool = True,
    capture: bool = False,
    cwd: Path | None = None,
) -> Run:
    """Run a process, timing it from start to exit and reading its own peak memory."""
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=out if capture else subprocess.DEVNULL, stderr=err, env=full_env, cwd=cwd
        )
        # wait4, not wait: it also gives this child's own peak memory.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if check and code != 0:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} exited {code}:\n{stderr.decode(errors='replace')[-3000:]}"
        )
    return Run(seconds, usage.ru_maxrss / 1024, stdout, stderr)


def interleaved(
    cases: dict[str, Callable[[], float]], repeat: int, *, warmup: int = 1
) -> dict[str, float]:
    """Run each case ``repeat`` times, round-robin so noise falls on all alike; the medians."""
    for _ in range(warmup):
        for measure in cases.values():
            measure()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, measure in cases.items():
            times[name].append(measure())
    return {name: statistics.median(values) for name, values in times.items()}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def kunnan(*args: str, db: str | Path, capture: bool = False, check: bool = True) -> Run:
    return run([KUNNAN, "--db", str(db), *args], capture=capture, check=check)
