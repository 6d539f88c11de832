"""The migrations ship inside the wheel: an installed kunnan can create a ledger on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_initialises_a_ledger_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # Built from a copy: setuptools keeps build/lib in the source tree, and a stale copy of a
    # renamed migration there would ship next to the new one.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "build", "dist", "*.egg-info", "__pycache__", "tests", "benchmarks", "sample_data"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(dist), str(source)],
        check=True, cwd=tmp_path, capture_output=True,
    )  # fmt: skip
    wheel = next(dist.glob("kunnan-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    # The throw-away venv borrows the dependencies (not kunnan) from the test venv.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUNNAN_", "PYTHON"))}
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import kunnan, kunnan.migrations as m; print(kunnan.__file__); print(m.__file__)"],
        check=True, capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    for line in where.stdout.splitlines():
        assert line.startswith(str(venv)), f"kunnan imported from outside the wheel: {line}"

    ledger = elsewhere / "ledger.sqlite"
    init = subprocess.run(
        [str(venv / "bin" / "kunnan"), "--db", str(ledger), "init"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert "created ledger" in init.stderr
    current = subprocess.run(
        [str(venv / "bin" / "kunnan"), "--db", str(ledger), "db", "current"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert current.stdout.split()[0] == current.stdout.split()[-1].rstrip(")")
