"""The one way kunnan writes a file: new (or replaced with ``--force``), regular files only,
never the ledger, whole or not at all, readable by its owner only.

Every command that writes a file (exports, the return sent up, the HTML report, public
notices, reject files, backups, the demo) names it as an ``OutputFile`` and writes it
through ``write_atomically``:

- The content goes to a temporary file in the same folder, created mode 0600 (exports hold
  ID numbers and incomes), flushed to disk, and only then put in place: a reader never
  sees half a file, and a failed or interrupted write leaves nothing behind.
- Without ``force`` an existing file is never replaced, not even one that appeared while
  kunnan was writing: the finished file is linked into place, which fails if the name is
  taken.
- Only regular files are replaced. A symbolic link, folder, FIFO, device or socket is
  refused, with or without ``force``.
- The open ledger and its companions (``-wal``, ``-shm``, ``-journal``), and the file a
  command is reading, are never written, with or without ``force``, under any name that
  reaches them (another spelling of the path, a hard link).
- A missing folder, a full disk, a read-only file system or a folder kunnan may not write
  in is one line, and nothing is left behind.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from kunnan.domain.errors import Conflict, DatabaseUnavailable, InvalidInput, KunnanError
from kunnan.i18n import N_, _

#: What SQLite keeps beside a database file while it is in use.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

#: Errors of the disk or file system rather than of the path the user gave.
_STORAGE_ERRORS = {
    errno.ENOSPC: N_("the disk is full; nothing was written"),
    errno.EDQUOT: N_("the disk quota is used up; nothing was written"),
    errno.EROFS: N_("the file system is read-only; nothing was written"),
    errno.EIO: N_("the disk reported an I/O error; nothing was written"),
}

#: Hard links cannot be made on some file systems (FAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


@dataclass(frozen=True)
class Protected:
    """A file no output may land on: ``what`` says what it is, for the refusal (marked with
    ``N_``, shown translated)."""

    path: Path
    what: str


@dataclass(frozen=True)
class OutputFile:
    """A file a command is about to write, and what it may and may not replace."""

    path: Path
    #: Replace an existing regular file (``--force``).
    force: bool = False
    #: Files never written, with or without ``force``: the ledger, the file being read.
    protected: tuple[Protected, ...] = ()


def ledger_files(ledger: Path) -> tuple[Protected, ...]:
    """The ledger file and the files SQLite keeps beside it."""
    return (
        Protected(ledger, N_("the ledger")),
        *(
            Protected(Path(f"{ledger}{suffix}"), N_("a file of the ledger's"))
            for suffix in SQLITE_COMPANIONS
        ),
    )


def check(target: OutputFile) -> None:
    """Refuse, before any work is done, a target the write would have to refuse at the end."""
    path = target.path
    found = _lstat(path)
    if found is None:
        parent = path.parent
        if not parent.is_dir():
            raise InvalidInput(
                _(
                    "folder {folder} does not exist; create it first or give another path",
                    folder=parent,
                )
            )
    else:
        kind = _not_regular(found.st_mode)
        if kind is not None:
            raise InvalidInput(
                _("{path} is {kind}; kunnan writes only to regular files", path=path, kind=kind)
            )
    _refuse_protected(target, found)
    if found is not None and not target.force:
        raise _exists(path)


@contextmanager
def write_atomically(target: OutputFile) -> Iterator[Path]:
    """Yield a temporary path beside the target (mode 0600) to write the whole file to; put it
    in place when the block succeeds, remove it (and any journal SQLite made) when it fails."""
    check(target)
    path = target.path
    try:
        handle, name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name[:80]}.", suffix=".partial"
        )
    except OSError as error:
        raise write_error(path, error) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        _flush(temp)
        _install(temp, target)
    except OSError as error:
        raise write_error(path, error) from None
    finally:
        for leftover in (temp, *(Path(f"{temp}{suffix}") for suffix in SQLITE_COMPANIONS)):
            with suppress(OSError):
                leftover.unlink()
    _flush_folder(path.parent)


def write_error(path: Path, error: OSError) -> KunnanError:
    """One line for a failed write: the disk's trouble, or what is wrong with the path."""
    storage = _STORAGE_ERRORS.get(error.errno or 0)
    if storage is not None:
        return DatabaseUnavailable(_(storage))
    reason = error.strerror or str(error)
    return InvalidInput(
        _(
            "cannot write {path}: {reason}; nothing was written",
            path=path,
            reason=f"{reason[:1].lower()}{reason[1:]}",
        )
    )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise write_error(path, error) from None


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, in a caseworker's words; None if regular."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def _real(path: Path) -> Path:
    """The path with its folders' links resolved (the file itself is never a link here)."""
    return Path(os.path.realpath(path.parent)) / path.name


def _refuse_protected(target: OutputFile, found: os.stat_result | None) -> None:
    real = _real(target.path)
    for protected in target.protected:
        same = _real(protected.path) == real
        if not same and found is not None:
            other = _stat(protected.path)
            same = other is not None and (other.st_dev, other.st_ino) == (
                found.st_dev,
                found.st_ino,
            )
        if same:
            raise InvalidInput(
                _(
                    "{path} is {what}; kunnan never writes over it, not even with --force",
                    path=target.path,
                    what=_(protected.what),
                )
            )


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _flush(path: Path) -> None:
    with path.open("rb+") as written:
        os.fsync(written.fileno())


def _install(temp: Path, target: OutputFile) -> None:
    """Put the finished file in place: replacing only with ``force``, never onto what
    ``check`` refuses (looked at again: a link or file may have appeared meanwhile)."""
    check(target)
    path = target.path
    if target.force:
        temp.replace(path)
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        if _lstat(path) is not None:
            raise _exists(path) from None
        temp.replace(path)


def _exists(path: Path) -> Conflict:
    return Conflict(_("{path} already exists", path=path), hint=_("add --force to replace it"))


def _flush_folder(folder: Path) -> None:
    """Make the new name itself durable (the folder's entry), where the system allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
