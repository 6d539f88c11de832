"""Read the README's command blocks and run them as a reader types them (see test_readme.py).

``python -m tests.docs.readme DEMO.sqlite`` runs the README the same way and prints every
command with what it really printed (stdout, then stderr), to copy into the README when an
output changes; DEMO.sqlite is a ledger ``kunnan demo`` built.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import kunnan
from tests.support import Result, invoke

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SAMPLES = ROOT / "sample_data"
#: The terminal width the README's outputs are shown at.
COLUMNS = "160"
#: Shown alone on a line of expected output: any number of lines.
ELLIPSIS = "..."
MARKER = re.compile(r"^<!--\s*readme-test:\s*(skip|instead)\b:?\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```\s*([\w-]*)\s*$")
COMMENT = re.compile(r"\s+#[^'\"]*$")
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
EXPORT = re.compile(r"^export\s+([A-Z_][A-Z0-9_]*)=(\S*)$")
SHELL_CHARACTERS = set("|&;<>()$`*")


@dataclass
class Command:
    """One command as typed, where it is in the README, and what it must do."""

    text: str
    line: int
    exit_code: int = 0
    #: Lines the README shows after it (console blocks); None: only the exit code is checked.
    expected: list[str] | None = None

    @property
    def where(self) -> str:
        return f"README.md:{self.line}: {self.text}"

    @property
    def typed(self) -> str:
        """The command without its trailing comment."""
        return COMMENT.sub("", self.text)


@dataclass
class Block:
    language: str
    line: int
    commands: list[Command] = field(default_factory=list)
    #: ``<!-- readme-test: skip: why -->`` before the block: why it is not run.
    skip: str | None = None
    #: ``<!-- readme-test: instead: A; B -->`` before the block: the commands run in its place.
    instead: bool = False


def blocks(text: str) -> Iterator[Block]:
    """The console and sh blocks of a Markdown text, with their commands, in order.

    A ``<!-- readme-test: instead: A; B -->`` line before a block stands for it: the block's
    commands are A and B (``;`` separated), not the lines it shows.
    """
    lines = text.splitlines()
    marker: tuple[str, str, int] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        found = MARKER.match(line)
        if found:
            marker = (found.group(1), found.group(2), index + 1)
            index += 1
            continue
        fence = FENCE.match(line)
        if not fence and not line.strip().startswith("```"):
            if line.strip():
                marker = None  # a marker stands just before its block
            index += 1
            continue
        language, start = (fence.group(1) if fence else ""), index + 1
        end = _end_of_block(lines, index)
        body = lines[index + 1 : end]
        index = end + 1
        if language not in ("console", "sh"):
            assert marker is None, f"README.md:{start}: a readme-test marker before a block not run"
            continue
        block = Block(language, start)
        if marker is not None:
            kind, argument, at = marker
            marker = None
            if kind == "skip":
                assert argument, f"README.md:{at}: say why the block is skipped"
                block.skip = argument
            else:
                block.instead = True
                block.commands = [
                    Command(part.strip(), at, _exit_code(part)) for part in argument.split(";")
                ]
                yield block
                continue
        block.commands = (_console if language == "console" else _sh)(body, start + 1)
        yield block


def _end_of_block(lines: list[str], start: int) -> int:
    for index in range(start + 1, len(lines)):
        if lines[index].strip() == "```":
            return index
    raise AssertionError(f"README.md:{start + 1}: a code block that never ends")


def _exit_code(text: str) -> int:
    """The exit status a trailing ``# exit N`` asks for; 0 without one."""
    found = EXIT.search(text)
    return int(found.group(1)) if found else 0


def _joined(body: list[str], index: int) -> tuple[str, int]:
    """The command starting at body[index], with its ``\\`` continuations; the next index."""
    parts = [body[index]]
    while parts[-1].endswith("\\") and index + 1 < len(body):
        parts[-1] = parts[-1][:-1].rstrip()
        index += 1
        parts.append(body[index].strip())
    return " ".join(parts), index + 1


def _console(body: list[str], first: int) -> list[Command]:
    commands: list[Command] = []
    index = 0
    while index < len(body):
        line = body[index]
        if not line.startswith("$ "):
            if not commands:
                raise AssertionError(f"README.md:{first + index}: a console block starts with $")
            assert commands[-1].expected is not None
            commands[-1].expected.append(line)
            index += 1
            continue
        text, after = _joined(body, index)
        commands.append(Command(text[2:].strip(), first + index, _exit_code(text), expected=[]))
        index = after
    return commands


def _sh(body: list[str], first: int) -> list[Command]:
    commands = []
    index = 0
    while index < len(body):
        if not body[index].strip() or body[index].lstrip().startswith("#"):
            index += 1
            continue
        text, after = _joined(body, index)
        commands.append(Command(text.strip(), first + index, _exit_code(text)))
        index = after
    return commands


def matches(expected: list[str], stdout: str, stderr: str) -> bool:
    """Whether the lines shown are the command's stdout and stderr lines, each stream's in
    its order (as a terminal interleaves them), ``...`` standing for any lines of either.

    Trailing spaces are not compared (tables pad their cells) and blank lines are ignored.
    """
    want = tuple(line.rstrip() for line in expected if line.strip())
    out = tuple(line.rstrip() for line in stdout.splitlines() if line.strip())
    err = tuple(line.rstrip() for line in stderr.splitlines() if line.strip())

    @cache
    def match(e: int, o: int, r: int) -> bool:
        if e == len(want):
            return o == len(out) and r == len(err)
        if want[e] == ELLIPSIS:
            return (
                match(e + 1, o, r)
                or (o < len(out) and match(e, o + 1, r))
                or (r < len(err) and match(e, o, r + 1))
            )
        return (o < len(out) and want[e] == out[o] and match(e + 1, o + 1, r)) or (
            r < len(err) and want[e] == err[r] and match(e + 1, o, r + 1)
        )

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * (len(want) + len(out) + len(err)) + 1000))
    try:
        return match(0, 0, 0)
    finally:
        sys.setrecursionlimit(limit)


@dataclass
class Reader:
    """A reader at a terminal: a working directory (the checkout, with a copy of sample_data/),
    a home folder of its own, and the variables the README has had them export so far."""

    work: Path
    #: Serves ``kunnan demo --db PATH [--force]`` (PATH as typed, and where it is): copies the
    #: ledger built once and gives what that build printed.
    demo: Callable[[str, Path], Result]
    env: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def at(
        cls, folder: Path, demo: Callable[[str, Path], Result], *, samples: bool = True
    ) -> Reader:
        """A reader in ``folder``: ``checkout/`` (with a copy of sample_data/ unless not
        ``samples``) to work in, and ``home/``."""
        work, home = folder / "checkout", folder / "home"
        if samples:
            shutil.copytree(SAMPLES, work / "sample_data")
        else:
            work.mkdir()
        home.mkdir()
        env: dict[str, str | None] = {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "COLUMNS": COLUMNS,
            "KUNNAN_DB": None,
            "KUNNAN_LANG": None,
            "KUNNAN_OPERATOR": None,
        }
        return cls(work, demo, env)

    def run(self, command: Command) -> Result:
        """Run a command in the working directory: ``kunnan …`` in-process, ``export`` into
        the reader's variables, anything else (pipes, redirects, other programs) in bash."""
        text = command.text
        exported = EXPORT.match(_without_comment(text))
        if exported:
            name, value = exported.groups()
            self.env[name] = str(self.home / value[2:]) if value.startswith("~/") else value
            return Result(0, "", "")
        if _needs_shell(text):
            return self.bash(text)
        argv = [str(self.home / arg[2:]) if arg.startswith("~/") else arg for arg in _split(text)]
        previous = Path.cwd()
        os.chdir(self.work)
        try:
            if argv[1:3] == ["demo", "--db"] and argv[4:] in ([], ["--force"]):
                target = self.work / argv[3]
                if target.parent.is_dir() and (argv[4:] or not target.exists()):
                    return self.demo(argv[3], target)
            return invoke(argv[1:], env=self.env, chinese=False)
        finally:
            os.chdir(previous)

    @property
    def home(self) -> Path:
        return Path(str(self.env["HOME"]))

    def bash(self, text: str) -> Result:
        """Run a command line in bash, kunnan on PATH as the test's own environment has it."""
        source = Path(kunnan.__file__).resolve().parents[1]
        # the machine's key folder stays, as it does in-process: the reader's own settings go
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("KUNNAN_") or key == "KUNNAN_CONFIG_HOME"
        }
        env.update({key: value for key, value in self.env.items() if value is not None})
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = os.pathsep.join(
            part for part in (str(source), str(ROOT), env.get("PYTHONPATH")) if part
        )
        done = subprocess.run(
            ["bash", "-c", text],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def remove_ledgers(folder: Path) -> None:
    """Delete the ledger files under ``folder``: copies of the demo are 55 MB each, and pytest
    keeps the temporary folders of its last runs."""
    for path in folder.rglob("*.sqlite*"):
        if path.is_file():
            path.unlink()


def _without_comment(text: str) -> str:
    return " ".join(shlex.split(text, comments=True))


def _split(text: str) -> list[str]:
    return shlex.split(text, comments=True)


def _needs_shell(text: str) -> bool:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.commenters = "#"
    tokens = list(lexer)
    if not tokens or tokens[0] != "kunnan":
        return True
    return any(
        (token and set(token) <= SHELL_CHARACTERS) or "$" in token or "`" in token
        for token in tokens
    )


def show(demo_ledger: Path, folder: Path) -> None:
    """Run the README in ``folder`` and print every command with what it printed."""

    def demo(_typed: str, target: Path) -> Result:
        shutil.copyfile(demo_ledger, target)
        return Result(0, "(the demo ledger, copied)", "")

    reader = Reader.at(folder, demo)
    for block in blocks(README.read_text(encoding="utf-8")):
        if block.skip:
            continue
        for command in block.commands:
            result = reader.run(command)
            print(f"$ {command.text}    [README.md:{command.line}, exit {result.exit_code}]")
            for line in (result.stdout + result.stderr).splitlines():
                print(line.rstrip())


if __name__ == "__main__":
    import tempfile

    os.environ["COLUMNS"] = COLUMNS
    with tempfile.TemporaryDirectory() as scratch:
        show(Path(sys.argv[1]).resolve(), Path(scratch))
