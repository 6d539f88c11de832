"""A fuzz of the real command tree: hostile arguments never crash kunnan or half-write the ledger.

Argument vectors are built from the commands' own options, with values drawn from the
categories of ``VECTORS`` (and random text): Chinese text, emoji, NUL bytes, very long
strings, SQL fragments, foreign digits, bidirectional and zero-width characters, codes,
path tricks, output paths that name the ledger or its companions, special files (a FIFO,
a folder, a device, a link), names with the characters URLs give meaning to, and hostile
files (zip bombs, XML attacks, endless rows, fake ledgers). Whatever happens, there is no
traceback and no internal error; a refusal is one line and leaves the database as it was;
a success leaves a ledger that passes ``kunnan db verify``; and the special files, the
ledger and the system's /dev/null are what they were. KUNNAN_FUZZ_EXAMPLES sets how many
vectors to try (``make stress`` runs many more).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from kunnan.cli import app
from tests.hostile import FAMILIES, LAUGHS, MB, XXE, inline, repeated, workbook
from tests.support import Ledger, make_id

EXAMPLES = int(os.environ.get("KUNNAN_FUZZ_EXAMPLES", "40"))

#: The demo builds thousands of households: too slow to draw; its file handling is
#: tested in test_output_files.py.
SKIPPED = {"demo"}

HEAD = make_id(sequence=11)  # the seeded household's head

#: Values by category. "@name" is a file made in the test's sandbox (``SANDBOX``), given
#: as its absolute path; every other value is used as it is, made relative if absolute.
VECTORS: dict[str, list[str]] = {
    "text": ["", " ", "张三", "阿依古丽·买买提", "🙂", "\x00", "a\x00b", "x" * 5000, "路" * 300],
    "sql": ["'; DROP TABLE household; --", "1 OR 1=1", "%", "_"],
    "numbers and dates": ["-1", "0", "1e9", "3,000.00", "99999999999999", "NaN", "2018-02-30",
                          "2018-12-24", "2099-01-01", "1900-01-01", "1949-10-01", "2000-01-01"],
    "foreign digits": ["٣٠٠", "³", "३", "۳", "③", "𝟑", "２０１８-１２-２４", "３００", "H٠٠٠٠٠١"],
    "bidi and zero-width": ["张\u202e三", "\u2066低保户\u2069", "张\u200b三", "\ufeff张三",
                            "note\u200d", "\u202aH000001"],
    "codes": ["H000001", "H999999", "h1", "620402-2018-00001", HEAD, HEAD[:17] + "0", HEAD[-6:],
              HEAD[:10], "13893001234", "低保户", "dibao", "illness", "因病", "baiyin", "phosphate",
              "白银区总工会", "62040", "６２０４０", "990000"],
    "formulas": ["=cmd|' /C calc'!A0", "@SUM(A1)", "+1"],
    "path tricks": ["../../etc/passwd", "/dev/null", "/dev/full", "..", ".", "-", "~"],
    "output paths": ["@ledger", "@ledger-wal", "@ledger-shm", "@ledger-journal", "@existing.csv",
                     "@missing/out.csv", "out.csv", "out.xlsx", "out.json", "out.html"],
    "special files": ["@fifo", "@folder", "@device", "@link"],
    "path characters": ["led#1.csv", "a?b.xlsx", "%41%20.html", "台账 2018.csv", "file:x.csv",
                        "a&b=c;.sqlite"],
    "hostile files": ["@bomb.xlsx", "@laughs.xlsx", "@xxe.xlsx", "@wide.csv", "@utf16.csv",
                      "@fake.sqlite", "@text.sqlite"],
    "encodings": ["nope", "rot13", "hex", "base64", "zlib", "utf-32", "latin-1", "x" * 300],
}  # fmt: skip

VALUES = [value for values in VECTORS.values() for value in values]


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
    """No absolute paths but the sandbox's own: a writer that got a path wrong writes inside
    the sandbox the test runs in, whatever it is given."""
    return text.lstrip("/\\") if text.startswith(("/", "\\")) else text


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = path.split()
    value = st.one_of(st.sampled_from(VALUES), st.text(max_size=30))
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
        args.append(draw(st.sampled_from(["--bogus", "--", "-x", "extra", "--debug"])))
    return args


def _hostile_files(folder: Path) -> dict[str, Path]:
    """Small versions of the hostile files tests/reliability/test_hostile_files.py measures."""
    header, row = FAMILIES["households"]
    made = {
        "@bomb.xlsx": workbook(folder / "bomb.xlsx", header=header, rows=[
            b'<row r="2"><c r="A2"><v>', *repeated(b"1", 300 * MB), b"</v></c></row>"]),
        "@laughs.xlsx": workbook(folder / "laughs.xlsx", header=header, doctype=LAUGHS, rows=[
            b'<row r="2">' + b'<c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>']),
        "@xxe.xlsx": workbook(folder / "xxe.xlsx", header=header, doctype=XXE, rows=[
            b'<row r="2">' + inline("B", 2, row[1]) + b"</row>"]),
    }  # fmt: skip
    wide = folder / "wide.csv"
    wide.write_text(",".join(header) + "\n" + ",".join([*row, *("x",) * 20_000]) + "\n")
    utf16 = folder / "utf16.csv"
    utf16.write_bytes((",".join(header) + "\n" + ",".join(row) + "\n").encode("utf-16-le"))
    fake = folder / "fake.sqlite"
    fake.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 32)
    text = folder / "text.sqlite"
    text.write_text("户编号,姓名\nH000001,张三\n", encoding="utf-8")
    made.update(
        {"@wide.csv": wide, "@utf16.csv": utf16, "@fake.sqlite": fake, "@text.sqlite": text}
    )
    return made


@pytest.fixture
def sandbox(
    seeded: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Path]]:
    """A working directory deep enough that ../../anything stays inside the test's own, and
    the files the "@" values name: the ledger and its companions, special files, hostile files."""
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    # On PostgreSQL there is no ledger file: the "@ledger" values name a file that is not there.
    ledger = seeded.path if seeded.path is not None else deep / "ledger.sqlite"
    files = {
        "@ledger": ledger,
        **{f"@ledger{s}": Path(f"{ledger}{s}") for s in ("-wal", "-shm", "-journal")},
    }
    existing = deep / "existing.csv"
    existing.write_text("a caseworker's own file\n", encoding="utf-8")
    fifo = deep / "fifo"
    os.mkfifo(fifo)
    folder = deep / "folder"
    folder.mkdir()
    link = deep / "link"
    link.symlink_to(existing)
    files.update({"@existing.csv": existing, "@missing/out.csv": deep / "missing" / "out.csv",
                  "@fifo": fifo, "@folder": folder, "@link": link})  # fmt: skip
    if os.geteuid() == 0:  # a device of the test's own, never the system's
        device = deep / "device"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        files["@device"] = device
    else:
        files["@device"] = fifo
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    files.update(_hostile_files(hostile))
    yield files


def _kinds(files: dict[str, Path]) -> dict[str, int]:
    """The kind of each special file (and of /dev/null), to check that no command changed it."""
    watched = [
        *(files[name] for name in ("@fifo", "@folder", "@device", "@link")),
        Path("/dev/null"),
    ]
    return {str(path): stat.S_IFMT(os.lstat(path).st_mode) for path in watched}


def _resolved(args: list[str], files: dict[str, Path]) -> list[str]:
    return [str(files[arg]) if arg in files else _relative(arg) for arg in args]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=argv())
def test_hostile_arguments_never_crash_or_half_write(
    seeded: Ledger, drawn: list[str], sandbox: dict[str, Path]
) -> None:
    args = _resolved(drawn, sandbox)
    kinds = _kinds(sandbox)
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
    assert _kinds(sandbox) == kinds, args
    assert HEAD not in result.stderr, "a full ID number in a message"


def test_the_fuzz_reaches_every_command() -> None:
    assert len(COMMANDS) > 30
    assert {"household add", "identify advance", "exit stable", "report categories",
            "export households", "db backup", "db restore", "import households"} <= {
        p for p, _ in COMMANDS
    }  # fmt: skip


def test_the_vectors_cover_every_kind_of_attack() -> None:
    assert {"output paths", "special files", "path characters", "bidi and zero-width",
            "foreign digits", "hostile files", "encodings", "sql", "text"} <= set(VECTORS)  # fmt: skip
    assert all(VECTORS.values())
