"""A fuzz of the real command tree: hostile arguments never crash kunnan or half-write the ledger.

Argument vectors are built from the commands' own options: Chinese text, emoji,
NUL bytes, very long strings, SQL fragments, path tricks, numbers and dates in
odd forms. Whatever happens, there is no traceback; a refusal is one line and
leaves the database as it was; a success leaves a ledger that passes
``kunnan db verify``. KUNNAN_FUZZ_EXAMPLES sets how many vectors to try
(``make stress`` runs many more).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from kunnan.cli import app
from tests.support import Ledger, make_id

EXAMPLES = int(os.environ.get("KUNNAN_FUZZ_EXAMPLES", "25"))

#: Commands that write files or replace the ledger are fuzzed elsewhere (their paths are checked).
SKIPPED = {"init", "demo", "db upgrade", "db backup", "db restore"}

HOSTILE = [
    "", " ", "张三", "阿依古丽·买买提", "🙂", "\x00", "a\x00b", "x" * 5000, "路" * 300,
    "'; DROP TABLE household; --", "1 OR 1=1", "%", "_", "../../etc/passwd", "/dev/null",
    "-1", "0", "1e9", "3,000.00", "99999999999999", "NaN", "2018-02-30", "2018-12-24", "2099-01-01",
    "H000001", "H999999", "h1", "620402-2018-00001", make_id(sequence=11), make_id(sequence=11)[:17] + "0",
    "13893001234", "低保户", "dibao", "illness", "因病", "baiyin", "phosphate", "白银区总工会", "=cmd|' /C calc'!A0",
]  # fmt: skip


def leaf_commands() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(command: Any, path: str) -> None:
        if getattr(command, "commands", None):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
        elif path not in SKIPPED:
            found.append((path, command))

    walk(get_command(app), "")
    return found


COMMANDS = leaf_commands()


def _relative(text: str) -> str:
    """No absolute paths: a command that writes a file (report html -o, notice export) writes
    inside the sandbox the test runs in, whatever it is given."""
    return text.lstrip("/\\") if text.startswith(("/", "\\")) else text


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = path.split()
    value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)).map(_relative)
    for param in command.params:
        if param.name in ("help",) or not draw(st.booleans()):
            continue
        if param.param_type_name == "argument":
            args.append(draw(value))
            continue
        name = draw(st.sampled_from(param.opts))
        if getattr(param, "is_flag", False):
            args.append(name)
        else:
            args += [name, draw(value)]
    if draw(st.integers(0, 9)) == 0:
        args.append(draw(st.sampled_from(["--bogus", "--", "-x", "extra"])))
    return args


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory deep enough that ../../anything stays inside the test's own."""
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    return deep


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(args=argv())
def test_hostile_arguments_never_crash_or_half_write(
    seeded: Ledger, args: list[str], sandbox: Path
) -> None:
    assert Path.cwd() == sandbox
    before = seeded.snapshot()
    result = seeded.run(*args)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.exit_code != 70, result.stderr
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert seeded.snapshot() == before
    else:
        seeded.ok("db", "verify")


def test_the_fuzz_reaches_every_command() -> None:
    assert len(COMMANDS) > 30
    assert {"household add", "identify advance", "exit stable", "report categories"} <= {
        p for p, _ in COMMANDS
    }
