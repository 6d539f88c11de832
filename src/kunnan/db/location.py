"""Where the ledger lives: ``--db`` / ``KUNNAN_DB`` as a path or a SQLAlchemy URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kunnan.domain.errors import InvalidInput

DEFAULT_FILE_NAME = "ledger.sqlite"


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
        scheme, _, rest = self.url.partition("://")
        if "@" in rest:
            rest = rest.split("@", 1)[1]
        return f"{scheme}://{rest}"


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("kunnan", appauthor=False)) / DEFAULT_FILE_NAME


def resolve(value: str | None) -> Location:
    """Turn ``--db`` (or ``KUNNAN_DB``, or the default) into a Location."""
    raw = value if value else os.environ.get("KUNNAN_DB") or None
    if raw is None:
        path = default_path()
        return Location(url=f"sqlite:///{path}", path=path)
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        if scheme in ("postgresql", "postgres"):
            return Location(url="postgresql+psycopg://" + raw.split("://", 1)[1], path=None)
        if scheme.startswith("sqlite"):
            file_part = raw.split("://", 1)[1].lstrip("/")
            if not file_part or file_part == ":memory:":
                raise InvalidInput("an in-memory SQLite database cannot hold a ledger; give a file")
            path = Path("/" + file_part) if raw.startswith("sqlite:////") else Path(file_part)
            return Location(url=f"sqlite:///{path.resolve()}", path=path.resolve())
        return Location(url=raw, path=None)
    path = Path(raw).expanduser().resolve()
    return Location(url=f"sqlite:///{path}", path=path)
