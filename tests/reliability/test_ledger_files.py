"""The ledger file itself: any name a file system allows, read-only copies, damaged bytes,
files that only pretend to be ledgers, ledgers from a newer kunnan, and --db URLs kunnan
cannot use. Each is one clear line (or works), never an internal error, never a change.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import AID, ledger_fixture
from tests.reliability.test_faults import read_only
from tests.support import Ledger, invoke, make_id

sqlite_aid = ledger_fixture(*AID, backends="sqlite")

#: Names a caseworker's file system allows, and that URLs and SQLite's URIs give meaning to.
ODD_NAMES = ["led#1.sqlite", "led?mode=ro.sqlite", "led%41%20.sqlite", "led&x=1;y.sqlite",
             "台账 2018.sqlite", "a:b.sqlite", "file:led.sqlite", "-led.sqlite"]  # fmt: skip


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_ledger_path_with_any_character_works_like_any_other(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "ledgers"
    folder.mkdir()
    path = folder / name
    db = str(path)
    for args in (["init"],
                 ["org", "add", "--code", "baiyin", "--name", "白银市总工会", "--kind", "city", "--area", "620400"],
                 ["household", "add", "--name", "张三", "--id-number", make_id(sequence=3), "--org", "baiyin"]):  # fmt: skip
        result = invoke(["--db", db, *args])
        assert result.exit_code == 0, (args, result.stderr)
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        name
    ]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    backup = folder / f"backup {name}"
    result = invoke(["--db", db, "db", "backup", str(backup)])
    assert result.exit_code == 0, result.stderr
    assert "integrity check passed" in result.stderr
    copy = invoke(["--db", str(backup), "household", "list", "-f", "json"])
    assert [row["code"] for row in copy.rows()] == ["H000001"]
    assert invoke(["--db", db, "db", "verify"]).exit_code == 0
    invoke(["--db", db, "household", "add", "--name", "李四", "--id-number", make_id(sequence=5),
            "--org", "baiyin"])  # fmt: skip
    restored = invoke(["--db", db, "db", "restore", str(backup), "--force"])
    assert restored.exit_code == 0, restored.stderr
    assert len(invoke(["--db", db, "household", "list", "-f", "json"]).rows()) == 1
    leftovers = {p.name for p in folder.iterdir()} - {name, backup.name}
    assert leftovers <= {f"{n}{s}" for n in (name, backup.name) for s in ("-wal", "-shm")}
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in folder.iterdir())


def test_a_sqlite_url_names_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "led#1 %.sqlite"
    assert invoke(["--db", str(path), "init"]).exit_code == 0
    from urllib.parse import quote

    url = "sqlite:///" + quote(str(path))
    result = invoke(["--db", url, "db", "verify"])
    assert result.exit_code == 0, result.stderr
    assert str(path) in result.stderr


@pytest.mark.parametrize(
    "url",
    ["mysql://kunnan:secret@127.0.0.1/ledger", "http://example.org/ledger", "ftp://x/y",
     "oracle://u@h/db", "postgresql+psycopg2://u@127.0.0.1/db", "sqlite:///:memory:",
     "sqlite:///x.sqlite?mode=ro", "mssql+pyodbc://u@dsn", "x://"],
)  # fmt: skip
def test_a_database_url_kunnan_cannot_use_is_one_line(url: str, tmp_path: Path) -> None:
    result = invoke(["--db", url, "household", "list"])
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert (len(lines) == 1 and lines[0].startswith("error: --db")) or "in-memory" in lines[0]
    assert "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _set_revision(ledger: Ledger, revision: str) -> None:
    assert ledger.path is not None
    with sqlite3.connect(ledger.path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))


@pytest.mark.parametrize("command", [["household", "list"], ["db", "upgrade"], ["db", "check"],
                                     ["db", "verify"], ["init"], ["report", "categories"]])  # fmt: skip
def test_a_ledger_from_a_newer_kunnan_is_refused_and_left_alone(
    sqlite_aid: Ledger, command: list[str]
) -> None:
    _set_revision(sqlite_aid, "0099")
    before = sqlite_aid.snapshot()
    refused = sqlite_aid.fails(*command, code=7)
    assert "written by a newer kunnan" in refused.stderr
    assert sqlite_aid.snapshot() == before


def _fakes(real: Path, folder: Path) -> dict[str, Path]:
    """Files that are not whole kunnan ledgers, though some look like one."""
    made: dict[str, Path] = {}

    def make(name: str, content: bytes) -> None:
        path = folder / name
        path.write_bytes(content)
        made[name] = path

    data = real.read_bytes()
    make("empty", b"")
    make("text", "户编号,姓名\nH000001,张三\n".encode())
    make("sqlite header only", b"SQLite format 3\x00" + b"\x00" * 84)
    make("sqlite header and noise", b"SQLite format 3\x00" + random.Random(1).randbytes(8192))  # noqa: S311
    make("truncated", data[: len(data) // 2])
    make("flipped page", data[: 4096 * 3] + b"\xff" * 4096 + data[4096 * 4 :])
    other = folder / "not kunnan.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (line TEXT)")
    made["another program's database"] = other
    newer = folder / "newer.sqlite"
    shutil.copyfile(real, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    made["a newer kunnan's ledger"] = newer
    older = folder / "older.sqlite"
    shutil.copyfile(real, older)
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    made["an older revision"] = older
    return made


def test_restore_refuses_every_file_that_is_not_a_sound_ledger(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    assert sqlite_aid.path is not None
    backup = tmp_path / "good.sqlite"
    sqlite_aid.ok("db", "backup", str(backup))
    before = sqlite_aid.snapshot()
    ledger_bytes = sqlite_aid.path.read_bytes()
    for what, fake in _fakes(backup, tmp_path).items():
        fake_bytes = fake.read_bytes()
        result = sqlite_aid.run("db", "restore", str(fake), "--force")
        assert result.exit_code in (1, 7), (what, result.exit_code, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (what, result.stderr)
        assert fake.read_bytes() == fake_bytes, what  # the file given is never changed either
        assert sqlite_aid.path.read_bytes() == ledger_bytes, what
    assert sqlite_aid.snapshot() == before
    refused = sqlite_aid.fails("db", "restore", str(sqlite_aid.path), "--force", code=3)
    assert "is the ledger itself" in refused.stderr


def test_restore_never_changes_the_backup_it_reads(sqlite_aid: Ledger, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = backups / "good.sqlite"
    sqlite_aid.ok("db", "backup", str(backup))
    saved = backup.read_bytes()
    sqlite_aid.ok("db", "restore", str(backup), "--force")
    assert backup.read_bytes() == saved
    assert sorted(p.name for p in backups.iterdir()) == ["good.sqlite"]


@pytest.mark.parametrize("seed", range(8))
def test_verify_reports_flipped_bytes_in_one_line(
    sqlite_aid: Ledger, tmp_path: Path, seed: int
) -> None:
    """Bytes flipped anywhere after the header: the verifiers say so, never exit 70."""
    assert sqlite_aid.path is not None
    backup = tmp_path / "good.sqlite"
    sqlite_aid.ok("db", "backup", str(backup))
    data = backup.read_bytes()
    chance = random.Random(seed)  # noqa: S311
    damaged = tmp_path / "damaged.sqlite"
    for _attempt in range(10):
        flipped = bytearray(data)
        for _ in range(1 + seed % 6):
            offset = chance.randrange(100, len(flipped))
            flipped[offset] ^= 1 << chance.randrange(8)
        for command in (["db", "verify"], ["ledger", "verify"]):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{damaged}{suffix}").unlink(missing_ok=True)
            damaged.write_bytes(bytes(flipped))
            result = invoke(["--db", str(damaged), *command])
            assert result.exit_code in (0, 1, 7), (command, result.stderr)
            assert "Traceback" not in result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, (command, result.stderr)
            assert lines[0].startswith(("error: ", "ledger at", "chain of")), lines[0]


def test_a_ledger_on_a_read_only_file_system_can_still_be_read(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    assert sqlite_aid.path is not None
    sqlite_aid.ok("db", "verify")  # folds the write-ahead log: no -wal or -shm beside it
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{sqlite_aid.path}{suffix}").exists()
    before = sqlite_aid.snapshot()
    out = tmp_path / "out"
    out.mkdir()
    with read_only(sqlite_aid.path.parent) as folder:
        db = str(folder / sqlite_aid.path.name)
        reads = [["db", "verify"], ["ledger", "verify"], ["ledger", "head"],
                 ["report", "categories", "--as-of", "2018-12-24"], ["report", "dashboard"],
                 ["household", "show", "H000001"], ["household", "list", "-f", "json"],
                 ["export", "households", "-o", str(out / "h.csv")],
                 ["report", "html", "-o", str(out / "d.html")], ["audit", "list"]]  # fmt: skip
        for args in reads:
            result = invoke(["--db", db, *args])
            assert result.exit_code == 0, (args, result.stderr)
        refused = invoke(["--db", db, "household", "add", "--name", "张三",
                          "--id-number", make_id(sequence=301), "--org", "phosphate"])  # fmt: skip
        assert refused.exit_code in (7, 8) and len(refused.stderr.strip().splitlines()) == 1
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            p.name for p in sqlite_aid.path.parent.iterdir()
        )
    assert sqlite_aid.snapshot() == before
    assert (out / "h.csv").exists() and (out / "d.html").exists()


def test_a_read_only_ledger_file_can_still_be_read(sqlite_aid: Ledger, tmp_path: Path) -> None:
    """Not the folder, only the file: a copy marked read-only (root may still write it)."""
    assert sqlite_aid.path is not None
    copy = tmp_path / "archive.sqlite"
    sqlite_aid.ok("db", "backup", str(copy))
    copy.chmod(0o400)
    saved = copy.read_bytes()
    for args in (["db", "verify"], ["ledger", "verify"], ["report", "categories"]):
        result = invoke(["--db", str(copy), *args])
        assert result.exit_code == 0, (args, result.stderr)
    assert copy.read_bytes() == saved
