"""Test helpers: run the real CLI on a real ledger, snapshot a database, make ID numbers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unicodedata import normalize

from sqlalchemy import MetaData, create_engine, select
from typer.main import get_command
from typer.testing import CliRunner

from kunnan.cli import app
from kunnan.domain.idnumber import check_character
from kunnan.ui.output import SCHEMA_VERSION

RUNNER = CliRunner()
#: Built once: Typer rebuilds the whole command tree on every CliRunner.invoke.
COMMAND = get_command(app)


def pg_admin_url(url: str) -> str:
    """KUNNAN_TEST_PG with the psycopg driver named, as SQLAlchemy wants it."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON document printed, without its ``schema_version`` (checked here)."""
        document = json.loads(self.stdout)
        assert document.pop("schema_version") == SCHEMA_VERSION, "no schema_version"
        return document

    def rows(self) -> list[Any]:
        """The rows of a JSON list printed (``--format json`` of a list command)."""
        document = self.json()
        assert set(document) == {"rows"}, sorted(document)
        rows: list[Any] = document["rows"]
        return rows


@dataclass
class Ledger:
    """A real database and the real command line pointed at it."""

    url: str
    backend: str
    path: Path | None

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        """Run ``kunnan --db URL ARGS…`` in-process, as the console script would."""
        return invoke(["--db", self.url, *args], env=env)

    def ok(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        result = self.run(*args, env=env)
        assert result.exit_code == 0, f"kunnan {' '.join(args)} failed:\n{result.stderr}"
        return result

    def fails(self, *args: str, code: int, env: dict[str, str | None] | None = None) -> Result:
        """Run a command that must be refused: one line on stderr, the given exit code."""
        result = self.run(*args, env=env)
        assert result.exit_code == code, (
            f"kunnan {' '.join(args)} exited {result.exit_code}, expected {code}:\n{result.stderr}"
        )
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
        assert lines[0].startswith(("error: ", "错误：")), lines[0]
        assert "Traceback" not in result.stderr
        return result

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, for 'the database is unchanged' assertions."""
        url = self.url if "://" in self.url else f"sqlite:///{self.url}"
        engine = create_engine(pg_admin_url(url))
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as connection:
                return {
                    name: sorted(
                        (tuple(row) for row in connection.execute(select(table))), key=repr
                    )
                    for name, table in sorted(metadata.tables.items())
                }
        finally:
            engine.dispose()


#: Codes of refusals (bad input, not found, conflict, rule…), which are also checked in Chinese.
REFUSAL_CODES = frozenset(range(2, 10))


#: Whether every refusal is run again in Chinese (on once every message is translated).
CHECK_CHINESE = True


def invoke(
    args: list[str], env: dict[str, str | None] | None = None, *, chinese: bool | None = None
) -> Result:
    """Run kunnan in-process. A refusal is run again in Chinese (the database is unchanged by
    a refusal): it must be refused the same way, in one line, with no English left."""
    result = _invoke(args, env)
    if (
        (CHECK_CHINESE if chinese is None else chinese)
        and result.exit_code in REFUSAL_CODES
        and result.stderr.startswith("error: ")
        and not any(arg == "--lang" or arg.startswith("--lang=") for arg in args)
        and not (env or {}).get("KUNNAN_LANG")
    ):
        check_chinese(args, env, result)
    return result


def check_chinese(args: list[str], env: dict[str, str | None] | None, english: Result) -> None:
    from tests.catalog import english_words

    chinese = _invoke(["--lang", "zh", *args], env)
    where = f"kunnan --lang zh {' '.join(args)}"
    assert chinese.exit_code == english.exit_code, f"{where}: {chinese.stderr}"
    lines = chinese.stderr.strip().splitlines()
    assert len(lines) == len(english.stderr.strip().splitlines()), f"{where}: {chinese.stderr}"
    assert lines[0].startswith("错误："), f"{where}: {lines[0]}"
    given = [*args, *(value for value in (env or {}).values() if value)]
    typed = " ".join(  # echoed as typed, quoted, or in its normal form
        [*given, *(repr(value) for value in given), *(normalize("NFKC", v) for v in given)]
    )
    left = [word for word in english_words(chinese.stderr) if word not in typed]
    assert left == [], f"{where}: untranslated {left} in: {chinese.stderr.strip()}"


def _invoke(args: list[str], env: dict[str, str | None] | None = None) -> Result:
    with RUNNER.isolation(env=env) as streams:
        try:
            COMMAND.main(args=args, prog_name="kunnan")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Result(code, streams[0].getvalue().decode(), streams[1].getvalue().decode())


def make_id(area: str = "620402", birth: dt.date = dt.date(1978, 3, 15), sequence: int = 1) -> str:
    """A valid 18-character ID number (odd sequence → male, even → female)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def archive_household(
    cli: Ledger,
    code: str,
    *,
    start: dt.date,
    by: str = "baiyin",
    extra_calculate: tuple[str, ...] = (),
) -> dt.date:
    """Take a household through the seven steps from ``start``; return the day it was archived.

    Needs a dibao line for the household's area and the year of ``start``.
    """
    day = start.isoformat
    cli.ok("identify", "visit", code, "--visitor", "李发明", "--visitor", "张清满", "--on", day())
    cli.ok("identify", "inspect", code, "--car-value", "0", "--on", day())
    cli.ok("identify", "calculate", code, *extra_calculate, "--on", day())
    cli.ok("identify", "deliberate", code, "--decision", "approve", "--attendees", "5",
           "--minutes", "同意", "--on", day())  # fmt: skip
    cli.ok("identify", "appraise", code, "--for", "9", "--against", "1", "--on", day())
    cli.ok("identify", "publicize", code, "--from", day())
    confirmed = start + dt.timedelta(days=7)
    cli.ok("identify", "confirm", code, "--by", by, "--on", confirmed.isoformat())
    return confirmed


def walk_to_notice(cli: Ledger, code: str = "H000001") -> None:
    """Take a registered household through the first six steps; its notice runs 2018-04-09 to 15."""
    cli.ok(
        "identify",
        "visit",
        code,
        "--visitor",
        "李发明",
        "--visitor",
        "张清满",
        "--on",
        "2018-04-02",
    )
    cli.ok("identify", "inspect", code, "--housing", "owned", "--area", "44", "--car-value", "0",
           "--no-second-home", "--no-business", "--on", "2018-04-03")  # fmt: skip
    cli.ok("identify", "calculate", code, "--on", "2018-04-04")
    cli.ok("identify", "deliberate", code, "--decision", "approve", "--attendees", "7",
           "--minutes", "同意纳入建档", "--on", "2018-04-05")  # fmt: skip
    cli.ok("identify", "appraise", code, "--for", "21", "--against", "2", "--on", "2018-04-06")
    cli.ok("identify", "publicize", code, "--from", "2018-04-09", "--place", "厂区公示栏")


def archived_household(cli: Ledger, name: str, sequence: int, org: str) -> str:
    """Register a one-person household with no income (a dibao case) and archive it on 2018-04-16.

    The union's area needs a 2018 dibao line. Returns the household's code.
    """
    code = cli.ok("household", "add", "--name", name, "--id-number", make_id(sequence=sequence),
                  "--org", org, "--income", "0", "--cause", "illness",
                  "--on", "2018-03-01").stdout.strip()  # fmt: skip
    walk_to_notice(cli, code)
    cli.ok("identify", "confirm", code, "--by", "baiyin", "--on", "2018-04-16")
    return code


@contextmanager
def open_sealed(location: Any, **options: Any) -> Iterator[Any]:
    """A session as ``kunnan.db.session.open_session`` opens it, whose writes are sealed
    (signed and logged) before it commits, as every command's are
    (``commands.options.ledger``): what a test writes through the services directly then
    verifies as kunnan's own."""
    from kunnan.db.session import open_session
    from kunnan.store.signatures import seal

    with open_session(location, **options) as session:
        yield session
        if options.get("write"):
            seal(session)
