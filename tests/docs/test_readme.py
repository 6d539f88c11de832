"""The README is one story that runs: every command block, in order, prints what it shows.

The README's ``console`` and ``sh`` blocks are read in order (``tests/docs/readme.py``) and
run as a newcomer types them: in one working directory holding a copy of ``sample_data/``
(the checkout, as far as the README's commands see it), with a home folder of its own, so
``export KUNNAN_DB=~/union/ledger.sqlite`` puts the story's fresh ledger there. Blocks in any
other language (``json``, none) are not run.

The blocks:

- ``console``: a line starting ``$ `` is a command (a line ending in ``\\`` continues on the
  next); the lines after it, up to the next ``$ ``, are exactly what it prints: its stdout and
  its stderr lines, each stream's lines in their order (a terminal interleaves the two as
  kunnan writes them). Trailing spaces and blank lines are not compared; ``...`` alone on a
  line stands for any number of lines (a clock time, a hash, a long table's middle).
  Outputs are those of a terminal 160 columns wide, the width kunnan writes tables to a pipe.
- ``sh``: every command must exit 0; what it prints is not checked. Lines starting ``#`` are
  comments. Used for outputs in Chinese, whose wording is still changing, and for files.
- A command ending in the comment ``# exit N`` must exit N; in a console block its refusal
  (``error: …`` on stderr) is shown and checked like any other line. Any other exit fails.

How commands run: ``kunnan …`` in-process (``tests.support.invoke``, the real command line,
with ``~/`` the reader's home); ``export NAME=VALUE`` sets the variable for the commands after
it; anything else (a pipe, a redirect, ``$(…)``, another program) in bash, with the test's
Python environment first on PATH. ``kunnan demo --db PATH [--force]`` is served by copying the
demo ledger the session builds once (``baiyin_demo``) and giving what that build printed.

A ``<!-- readme-test: … -->`` line just before a block says what the test does instead:

- ``<!-- readme-test: skip: REASON -->``: the block is not run. ``SKIPPED`` lists every
  command so skipped, and the test fails when the README's differ: ``. .venv/bin/activate``
  (the test has its own environment), ``pipx install .`` and ``pip install .`` (installing
  kunnan), ``make test`` (the test suite, this test in it) and the ``make bench`` lines (the
  benchmarks: minutes, an environment of their own, a PostgreSQL server), and the blocks of
  "Running on PostgreSQL" that need a province's server (``kunnan db copy`` is shown between
  two files there too, and tested on a real server in ``tests/commands/test_db_copy.py``).
- ``<!-- readme-test: instead: A; B -->``: commands A and B (``;`` between them) run in the
  block's place. ``make demo`` (which creates .venv first) is run as ``mkdir -p build`` and
  ``kunnan demo --db build/demo.sqlite --force``, what its Makefile rule runs.

``python -m tests.docs.readme DEMO.sqlite`` prints what every command really prints, to copy
into the README when an output changes.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.conftest import BuiltDemo
from tests.docs.readme import README, Block, Command, Reader, blocks, matches, remove_ledgers
from tests.support import Result

#: Every command of a block the README marks ``skip``, and why each cannot run in a test.
SKIPPED = {
    ". .venv/bin/activate": "the test runs kunnan from its own environment",
    "pipx install .": "installs kunnan for the user",
    "pip install .": "installs kunnan into the active environment",
    "make test": "the whole test suite, this test among it",
    "make bench": "the benchmarks: minutes, and an environment of their own",
    'make bench BENCH_ARGS="--scale 10"': "the benchmarks at ten times the size",
    'make bench BENCH_ARGS="--only import --only reports --rounds 7"': "the benchmarks",
    "KUNNAN_BENCH_DB=postgresql://user@127.0.0.1:5432/postgres make bench": "and a server",
    # Running on PostgreSQL: a province's server, which the README's reader does not have
    "export KUNNAN_DB=postgresql://kunnan@db.example.org/kunnan": "a PostgreSQL server",
    "kunnan db upgrade": "on that server",
    "kunnan db copy ~/union/ledger.sqlite postgresql://kunnan@db.example.org/kunnan": "to it",
    "pg_dump --format=custom --file=kunnan-2018-12-24.dump "
    "postgresql://kunnan@db.example.org/kunnan": "the server's backup tool",
    "createdb --host=db.example.org --owner=kunnan kunnan_restored": "the server's tools",
    "pg_restore --dbname=postgresql://kunnan@db.example.org/kunnan_restored "
    "kunnan-2018-12-24.dump": "the server's tools",
    "kunnan --db postgresql://kunnan@db.example.org/kunnan_restored db verify": "on the server",
    "kunnan --db postgresql://kunnan@db.example.org/kunnan --operator 王丽 db roles sync "
    "--login 李发明": "the server's roles",
    "kunnan --db postgresql://kunnan_3f2a9c01d4_op2@db.example.org/kunnan household list": (
        "as an operator's role on the server"
    ),
}


def _readme_blocks() -> list[Block]:
    return list(blocks(README.read_text(encoding="utf-8")))


def test_the_readme_runs_in_order_and_prints_what_it_shows(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    def demo(typed: str, target: Path) -> Result:
        shutil.copyfile(baiyin_demo.path, target)
        built = str(baiyin_demo.path)
        return Result(0, baiyin_demo.stdout, baiyin_demo.stderr.replace(built, typed))

    reader = Reader.at(tmp_path, demo)
    problems: list[str] = []
    started = time.monotonic()
    ran = 0
    try:
        for block in _readme_blocks():
            if block.skip:
                continue
            for command in block.commands:
                result = reader.run(command)
                ran += 1
                problem = _problem(command, result)
                if problem:
                    problems.append(problem)
    finally:
        remove_ledgers(tmp_path)
    assert ran > 100, f"only {ran} commands found in the README"
    assert not problems, f"{len(problems)} README command(s) do not do what it shows:\n\n" + (
        "\n\n".join(problems[:15])
    )
    assert time.monotonic() - started < 60


def _problem(command: Command, result: Result) -> str | None:
    printed = _printed(result)
    if result.exit_code != command.exit_code:
        wanted = f"exit {command.exit_code}" if command.exit_code else "success"
        return f"{command.where}\nwanted {wanted}, got exit {result.exit_code}\n{printed}"
    if command.expected is not None and not matches(command.expected, result.stdout, result.stderr):
        shown = "\n".join(f"    {line}" for line in command.expected)
        return f"{command.where}\nthe README shows:\n{shown}\nbut it printed:\n{printed}"
    return None


def _printed(result: Result) -> str:
    out = "\n".join(f"    {line.rstrip()}" for line in result.stdout.splitlines())
    err = "\n".join(f"    {line.rstrip()}" for line in result.stderr.splitlines())
    return f"  stdout:\n{out}\n  stderr:\n{err}"


def test_the_commands_skipped_are_the_few_listed() -> None:
    skipped = [c.typed for b in _readme_blocks() if b.skip for c in b.commands]
    assert sorted(set(skipped)) == sorted(SKIPPED), "update SKIPPED and the module's docstring"


def test_every_console_block_starts_with_a_command_and_every_block_has_one() -> None:
    for block in _readme_blocks():
        assert block.commands, f"README.md:{block.line}: a {block.language} block with no command"


def test_shown_lines_match_stdout_and_stderr_interleaved_with_ellipses() -> None:
    assert matches(["H000001", "registered"], "H000001\n", "registered\n")
    assert matches(["registered", "H000001"], "H000001\n", "registered\n")
    assert matches(["a", "...", "d"], "a\nb\nc\nd\n", "")
    assert matches(["a", "..."], "a\nb\n", "warning\n")
    assert matches(["  a   ", "", "b"], "  a\n\n\nb  \n", "")
    assert not matches(["a"], "a\nb\n", "")
    assert not matches(["b", "a"], "a\nb\n", "")
    assert not matches(["a", "...", "c"], "a\nb\n", "")
    assert not matches(["  a"], "a\n", "")


def test_blocks_read_commands_continuations_exit_codes_outputs_and_markers() -> None:
    text = "\n".join(
        [
            "Prose.",
            "```console",
            "$ kunnan org add --code a \\",
            "    --name 甲   # a comment",
            "added a",
            "$ kunnan org add --code a --name 甲   # exit 5",
            "error: exists",
            "```",
            "```json",
            "{}",
            "```",
            "<!-- readme-test: skip: installs things -->",
            "```sh",
            "make install",
            "```",
            "<!-- readme-test: instead: mkdir -p build; kunnan demo --db build/d.sqlite -->",
            "",
            "```sh",
            "make demo",
            "```",
            "```sh",
            "# a comment",
            "kunnan db verify",
            "```",
        ]
    )
    console, skipped, instead, sh = blocks(text)
    first, second = console.commands
    assert first.text == "kunnan org add --code a --name 甲   # a comment"
    assert first.typed == "kunnan org add --code a --name 甲"
    assert (first.line, first.exit_code, first.expected) == (3, 0, ["added a"])
    assert (second.exit_code, second.expected) == (5, ["error: exists"])
    assert skipped.skip == "installs things" and skipped.commands[0].text == "make install"
    assert instead.instead and [c.text for c in instead.commands] == [
        "mkdir -p build",
        "kunnan demo --db build/d.sqlite",
    ]
    assert [(c.text, c.expected) for c in sh.commands] == [("kunnan db verify", None)]
