"""Where the ledger lives: ``--db`` / ``KUNNAN_DB`` as a path or a database URL.

A path may hold any character its file system allows (``#``, ``?``, ``%``, spaces,
Chinese): it is never pasted into a URL as text, but quoted where a URL is needed, so
SQLite always opens exactly the file named. Only SQLite files and PostgreSQL servers
hold ledgers; any other URL is refused here, with what to give instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _

DEFAULT_FILE_NAME = "ledger.sqlite"

#: What ``--db`` may start with for a PostgreSQL ledger (kunnan drives it with psycopg 3).
POSTGRESQL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


#: A URL's scheme, as RFC 3986 spells it; anything else before "://" is part of a path.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


@dataclass(frozen=True)
class Location:
    """A resolved database location: its SQLAlchemy URL and, for SQLite files, the path."""

    url: str
    path: Path | None

    @property
    def display(self) -> str:
        """Where the ledger is, for messages; passwords never shown."""
        if self.path is not None:
            return str(self.path)
        return _without_password(self.url)


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("kunnan", appauthor=False)) / DEFAULT_FILE_NAME


def for_file(path: Path) -> Location:
    """The location of the SQLite ledger in ``path`` (made absolute)."""
    absolute = path.expanduser().resolve()
    return Location(url=sqlite_url(absolute), path=absolute)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file, with the characters URLs give meaning to quoted."""
    return "sqlite:///" + quote(str(path), safe="/")


def sqlite_uri(path: Path, *, read_only: bool = True, immutable: bool = False) -> str:
    """SQLite's own ``file:`` URI for ``path`` (see sqlite.org/uri.html), quoted likewise.

    ``immutable`` tells SQLite that nobody can change the file while it is open, so it needs
    neither a lock nor the -shm file: true of a ledger on a read-only file system.
    """
    options = "?mode=ro" if read_only else "?mode=rw"
    if immutable:
        options += "&immutable=1"
    return "file:" + quote(str(path), safe="/") + options


def resolve(value: str | None) -> Location:
    """Turn ``--db`` (or ``KUNNAN_DB``, or the default) into a Location."""
    raw = value if value else os.environ.get("KUNNAN_DB") or None
    if raw is None:
        return for_file(default_path())
    scheme, separator, rest = raw.partition("://")
    if not separator or not _SCHEME.fullmatch(scheme):  # a path (which may hold "://" too)
        return for_file(Path(raw))
    scheme = scheme.lower()
    if scheme in POSTGRESQL_SCHEMES:
        return Location(url="postgresql+psycopg://" + rest, path=None)
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return _sqlite_location(rest)
    shown = _without_password(raw)
    if scheme.startswith(("postgresql+", "postgres+")):
        raise InvalidInput(
            _(
                "--db: kunnan reaches PostgreSQL through psycopg 3, not '{scheme}' "
                "({url}); write postgresql://user@host:port/database",
                scheme=scheme,
                url=shown,
            )
        )
    raise InvalidInput(
        _(
            "--db: kunnan keeps its ledger in a SQLite file or on a PostgreSQL server, "
            "not '{scheme}://' ({url}); give a file path or postgresql://user@host:port/database",
            scheme=scheme,
            url=shown,
        )
    )


def _sqlite_location(rest: str) -> Location:
    """``sqlite:///relative/file`` or ``sqlite:////absolute/file``, as SQLAlchemy spells them."""
    from urllib.parse import unquote

    file_part, _separator, query = rest.partition("?")
    file_part = unquote(file_part)
    if query:
        raise InvalidInput(
            _("--db: a sqlite:// URL with options cannot be used; give the file's path")
        )
    if file_part.startswith("/"):
        file_part = file_part[1:]
    if not file_part or file_part == ":memory:":
        raise InvalidInput(_("an in-memory SQLite database cannot hold a ledger; give a file"))
    return for_file(Path(file_part))


def _without_password(url: str) -> str:
    """The URL with its password, if it has one (``user:password@`` or ``?password=``), shown
    as ``***``; the user is kept: a refusal of the login names who logged in."""
    scheme, _separator, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        user, _at, host = authority.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        authority = f"{user}@{host}"
    path = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", path)
    return f"{scheme}://{authority}{slash}{path}"
