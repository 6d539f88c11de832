"""The command line's promises: fast start-up, help for every command, documented exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from kunnan.cli import app
from kunnan.domain.errors import EXIT_CODES
from tests.support import invoke

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND_TABLE = README.split("## Commands", 1)[1].split("\n## ", 1)[0]

HEAVY = ("sqlalchemy", "alembic", "kunnan.models", "rich.table", "kunnan.db.session")


def test_help_imports_no_database_or_table_libraries() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['kunnan', '--help']\n"
        "try:\n    runpy.run_module('kunnan', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "Usage: kunnan" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_runs_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kunnan", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("kunnan ")


def _commands() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(command: object, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}")
        else:
            found.append((path, command))

    walk(get_command(app), "kunnan")
    return found


def test_every_command_has_help_with_an_example_and_a_row_in_the_readme() -> None:
    commands = _commands()
    assert len(commands) > 15
    for path, command in commands:
        help_text = getattr(command, "help", "") or ""
        assert help_text.strip(), f"{path} has no help"
        assert "Example:" in help_text, f"{path} --help shows no example"
        assert (
            f"`{path.removeprefix('kunnan ')}" in README or path.removeprefix("kunnan ") in README
        ), f"README's command table does not mention {path}"
        result = invoke([*path.split()[1:], "--help"])
        assert result.exit_code == 0, (path, result.stderr)


def test_readme_documents_every_exit_code() -> None:
    section = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\|\s*(\d+)\s*\|", section, re.MULTILINE)}
    assert documented == {code for code, _ in EXIT_CODES}


def test_readme_quick_start_is_the_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick and "make test" in quick


def test_an_unusable_database_path_is_one_line_with_exit_8(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.sqlite"
    folder.mkdir()  # a directory where the ledger file should be
    result = invoke(["--db", str(folder), "household", "list"])
    assert result.exit_code == 8
    assert result.stderr == "error: cannot open the ledger file\n"


def test_an_unexpected_failure_is_one_line_with_exit_70(capsys: pytest.CaptureFixture[str]) -> None:
    from kunnan.cli import _unexpected

    assert _unexpected(ZeroDivisionError("division by zero"), debug=False) == 70
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (ZeroDivisionError); nothing was written.")
    assert len(err.splitlines()) == 1
    # --debug: kunnan prints the traceback itself (no locals, no values), then the same line
    assert _unexpected(ZeroDivisionError("division by zero"), debug=True) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "ZeroDivisionError: division by zero" in err
    assert err.splitlines()[-1].startswith("error: internal error (ZeroDivisionError)")


def test_the_root_help_lists_each_command_as_its_own_help_says() -> None:
    from kunnan.cli import COMMANDS, load

    for name in COMMANDS:
        assert COMMANDS[name].summary == load(name).get_short_help_str(10_000), name


def test_help_builds_no_command_module() -> None:
    probe = (
        "import sys\nfrom kunnan.cli import main\nsys.argv = ['kunnan', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('kunnan.commands.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "household  Register households and find them again." in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
