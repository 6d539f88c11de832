"""Every file kunnan writes: new or --force, regular files only, never the ledger, whole, 0600.

Each command that writes a file is run against every kind of target a careless or
hostile caller could give: an existing file, the ledger itself under several names,
its -wal/-shm/-journal, a FIFO, a device, a folder, a missing folder, the file being
imported, a full disk. The refusals are one line, leave the target and the ledger as
they were, and leave no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import AID, ledger_fixture
from tests.support import Ledger, invoke

sqlite_aid = ledger_fixture(*AID, backends="sqlite")

BAD_HOUSEHOLDS = "name,id_number,org\n王五,12345,phosphate\n"
BAD_AID = "household,program,fund,on_date\nH999999,living-aid,F001,2018-06-01\n"

Writer = Callable[[Path, Path], list[str]]
#: Writers that exit other than 0 having written their file: an import whose every row is
#: rejected writes the rejects and refuses, having imported nothing.
EXIT_WHEN_WRITTEN = {"import households --rejects": 3, "import aid --rejects": 3}


def _households_file(folder: Path) -> Path:
    source = folder / "in.csv"
    if not source.exists():
        source.write_text(BAD_HOUSEHOLDS, encoding="utf-8")
    return source


def _aid_file(folder: Path) -> Path:
    source = folder / "aid-in.csv"
    if not source.exists():
        source.write_text(BAD_AID, encoding="utf-8")
    return source


#: Each command that writes a file, as the arguments that make it write ``target``
#: (``folder`` holds the files it reads).
WRITERS: dict[str, Writer] = {
    "export households": lambda target, _: ["export", "households", "-o", str(target), "-f", "csv"],
    "export members": lambda target, _: ["export", "members", "-o", str(target), "-f", "json"],
    "export upstream": lambda target, _: ["export", "upstream", "--year", "2018", "-o", str(target)],
    "report html": lambda target, _: ["report", "html", "-o", str(target), "--as-of", "2018-12-24"],
    "notice export": lambda target, _: ["notice", "export", "--households", "H000001", "-o", str(target),
                                        "-f", "csv"],
    "import households --rejects": lambda target, folder: [
        "import", "households", str(_households_file(folder)), "--skip-invalid", "--rejects", str(target)],
    "import aid --rejects": lambda target, folder: [
        "import", "aid", str(_aid_file(folder)), "--skip-invalid", "--rejects", str(target)],
    "db backup": lambda target, _: ["db", "backup", str(target)],
}  # fmt: skip

#: What each writer's file must be named to be written (the return is a workbook).
SUFFIX = {"export upstream": ".xlsx"}


def _target(folder: Path, writer: str) -> Path:
    return folder / f"out{SUFFIX.get(writer, '.csv')}"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", "-journal")))


@pytest.mark.parametrize("writer", WRITERS)
def test_a_file_is_written_new_private_and_replaced_only_with_force(
    sqlite_aid: Ledger, tmp_path: Path, writer: str
) -> None:
    target = _target(tmp_path, writer)
    args = WRITERS[writer](target, tmp_path)
    wrote = sqlite_aid.run(*args)
    assert wrote.exit_code == EXIT_WHEN_WRITTEN.get(writer, 0), wrote.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    written = target.read_bytes()
    target.write_bytes(b"a caseworker's own file")
    refused = sqlite_aid.fails(*args, code=5)
    assert f"{target} already exists (add --force to replace it)" in refused.stderr
    assert target.read_bytes() == b"a caseworker's own file"
    again = sqlite_aid.run(*args, "--force")
    assert again.exit_code == EXIT_WHEN_WRITTEN.get(writer, 0), again.stderr
    assert len(target.read_bytes()) > 0 and target.read_bytes() != b"a caseworker's own file"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []
    assert written  # the first write wrote something


def _ledger_names(ledger: Ledger, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The ledger and its companions under every name that reaches them."""
    assert ledger.path is not None
    path = ledger.path
    yield "the ledger", path
    yield "the ledger, relative", Path(os.path.relpath(path))
    yield "the ledger, with ..", path.parent / ".." / path.parent.name / path.name
    through = tmp_path / "via-link"
    through.symlink_to(path.parent, target_is_directory=True)
    yield "the ledger, through a linked folder", through / path.name
    hard = tmp_path / "hard-link.sqlite"
    os.link(path, hard)
    yield "a hard link to the ledger", hard
    for suffix in ("-wal", "-shm", "-journal"):
        yield f"the ledger's {suffix}", Path(f"{path}{suffix}")


@pytest.mark.parametrize("writer", WRITERS)
def test_no_command_writes_over_the_ledger_even_with_force(
    sqlite_aid: Ledger, tmp_path: Path, writer: str
) -> None:
    assert sqlite_aid.path is not None
    before = sqlite_aid.snapshot()
    ledger_bytes = sqlite_aid.path.read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    for name, target in _ledger_names(sqlite_aid, work):
        existed = target.exists()
        refused = sqlite_aid.fails(*WRITERS[writer](target, work), "--force", code=3)
        assert "kunnan never writes over it" in refused.stderr, (name, refused.stderr)
        assert target.exists() == existed, name
    assert sqlite_aid.path.read_bytes() == ledger_bytes
    assert sqlite_aid.snapshot() == before
    sqlite_aid.ok("db", "verify")
    assert _leftovers(sqlite_aid.path.parent) == [] and _leftovers(work) == []


def test_an_import_never_writes_its_rejects_over_the_file_it_reads(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    source = _households_file(tmp_path)
    for name in (str(source), os.path.relpath(source)):
        refused = sqlite_aid.fails("import", "households", str(source), "--skip-invalid",
                                   "--rejects", name, "--force", code=3)  # fmt: skip
        assert "is the file being read" in refused.stderr
    assert source.read_text(encoding="utf-8") == BAD_HOUSEHOLDS


@contextlib.contextmanager
def _special(kind: str, folder: Path) -> Iterator[Path]:
    if kind == "fifo":
        fifo = folder / "out.csv"
        os.mkfifo(fifo)
        yield fifo
    elif kind == "device":
        # A device of the test's own (the null device's numbers), never the system's /dev/null:
        # a writer that got this wrong would replace it.
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        device = folder / "out.csv"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        yield device
    elif kind == "folder":
        inner = folder / "out.csv"
        inner.mkdir()
        yield inner
    else:
        socket_path = folder / "out.csv"
        import socket

        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(socket_path))
            yield socket_path


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "socket"])
@pytest.mark.parametrize("writer", WRITERS)
def test_only_regular_files_are_written(
    sqlite_aid: Ledger, tmp_path: Path, writer: str, kind: str
) -> None:
    with _special(kind, tmp_path) as target:
        before = os.lstat(target)
        # A FIFO opened for writing would block until a reader came: the refusal comes first.
        refused = sqlite_aid.fails(*WRITERS[writer](target, tmp_path), "--force", code=3)
        assert "kunnan writes only to regular files" in refused.stderr
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (
            before.st_mode,
            before.st_ino,
            before.st_rdev,
        )
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("writer", WRITERS)
def test_a_missing_folder_is_one_line(sqlite_aid: Ledger, tmp_path: Path, writer: str) -> None:
    target = tmp_path / "no such folder" / "out.csv"
    refused = sqlite_aid.fails(*WRITERS[writer](target, tmp_path), code=3)
    assert f"folder {target.parent} does not exist" in refused.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_a_symbolic_link_is_never_followed(sqlite_aid: Ledger, tmp_path: Path, writer: str) -> None:
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("keep me", encoding="utf-8")
    link = _target(tmp_path, writer)
    link.symlink_to(secret)
    refused = sqlite_aid.fails(*WRITERS[writer](link, tmp_path), "--force", code=3)
    assert "is a symbolic link" in refused.stderr
    assert secret.read_text(encoding="utf-8") == "keep me" and link.is_symlink()


# --- A full disk (a real, small file system) ----------------------------------------------------------------------------


def _can_mount() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` bytes (tmpfs), mounted at ``folder``."""
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                   check=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
        folder.rmdir()


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system at ``folder`` until about ``leave`` bytes are free."""
    free = os.statvfs(folder)
    room = free.f_bavail * free.f_frsize - leave
    if room > 0:
        (folder / "filler").write_bytes(b"\0" * room)


FULL_DISK_WRITERS = ["export households", "export upstream", "report html", "notice export",
                     "import households --rejects", "db backup"]  # fmt: skip


@pytest.mark.skipif(not _can_mount(), reason="mounting a small file system needs root")
@pytest.mark.parametrize("writer", FULL_DISK_WRITERS)
def test_a_full_disk_is_one_line_and_leaves_nothing(
    sqlite_aid: Ledger, tmp_path: Path, writer: str
) -> None:
    before = sqlite_aid.snapshot()
    with small_disk(tmp_path / "disk", "256k") as disk:
        source = _households_file(tmp_path)
        _fill(disk, leave=2048)
        args = WRITERS[writer](disk / _target(disk, writer).name, tmp_path)
        if writer.startswith("import"):
            assert source.parent == tmp_path
        refused = sqlite_aid.run(*args)
        assert refused.exit_code == 8, refused.stderr
        # An import lists the rows it set aside before it says why it stopped.
        assert refused.stderr.splitlines()[-1] == "error: the disk is full; nothing was written"
        assert "Traceback" not in refused.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    assert sqlite_aid.snapshot() == before


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_refuses_special_files_and_the_open_ledger(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)
    result = invoke(["demo", "--db", str(fifo), "--force"])
    assert result.exit_code == 3 and "kunnan writes only to regular files" in result.stderr
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    result = invoke(["demo", "--db", str(folder), "--force"])
    assert result.exit_code == 3 and "a folder" in result.stderr
    result = invoke(["demo", "--db", str(tmp_path / "none" / "x.sqlite")])
    assert result.exit_code == 3 and "does not exist" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.sqlite", "folder.sqlite"]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.5, 4.0])
def test_a_demo_killed_while_replacing_a_ledger_leaves_the_old_one_whole(
    sqlite_aid: Ledger, tmp_path: Path, delay: float
) -> None:
    import signal
    import sys
    import time

    assert sqlite_aid.path is not None
    before = sqlite_aid.snapshot()
    process = subprocess.Popen(
        [sys.executable, "-m", "kunnan", "demo", "--db", str(sqlite_aid.path), "--force"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    sqlite_aid.ok("db", "verify")
    after = sqlite_aid.snapshot()
    if after != before:  # it finished first: then the whole sample is there
        assert len(after["household"]) == 5165
    for leftover in sqlite_aid.path.parent.glob(".*.partial*"):
        leftover.unlink()  # what a killed process cannot remove: hidden, never the ledger


@pytest.mark.skipif(not _can_mount(), reason="mounting a small file system needs root")
def test_a_demo_that_runs_out_of_disk_leaves_the_old_ledger_untouched(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    assert sqlite_aid.path is not None
    with small_disk(tmp_path / "disk", "4m") as disk:
        old = Ledger(url=str(disk / "ledger.sqlite"), backend="sqlite", path=disk / "ledger.sqlite")
        assert old.path is not None
        old.path.write_bytes(sqlite_aid.path.read_bytes())
        before = old.snapshot()
        result = invoke(["demo", "--db", str(old.path), "--force"])
        assert result.exit_code == 8, result.stderr
        assert result.stderr.splitlines()[-1] == "error: the disk is full; nothing was written"
        assert old.snapshot() == before
        old.ok("db", "verify")
        assert not [p.name for p in disk.iterdir() if p.name.startswith(".")]
