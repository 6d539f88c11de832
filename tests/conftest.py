"""Shared fixtures: real ledgers on SQLite always, and on PostgreSQL when KUNNAN_TEST_PG is set.

Every test that takes ``ledger`` (or ``cli``) runs once per backend, each
time on a fresh database copied from a template migrated to head at the
start of the session. Without KUNNAN_TEST_PG the PostgreSQL pass is skipped
with a line in the report header and the summary; with
KUNNAN_TEST_PG_REQUIRED=1 a missing or unreachable server fails the run.
The browser tests (the HTML report in Chromium) take the ``browser`` fixture:
without Chromium they are skipped with a line likewise, and with
KUNNAN_TEST_BROWSER_REQUIRED=1 a missing Chromium fails the run. Those that read a
page's QR code back from a screenshot also take ``qr_reader`` (zbarimg, Debian's
zbar-tools), skipped and required in the same way.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support import Ledger, pg_admin_url

# Tables are laid out for a known width, whatever terminal or worker runs the tests.
os.environ["COLUMNS"] = "160"
os.environ.pop("KUNNAN_DB", None)
os.environ.pop("KUNNAN_LANG", None)
# English unless a test asks for Chinese, whatever the locale of the machine.
for _variable in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"
os.environ.pop("KUNNAN_OPERATOR", None)
os.environ.pop("KUNNAN_PASSPHRASE", None)
# The operators' private keys go to a folder of this run (and worker), never the real home.
CONFIG_HOME = tempfile.mkdtemp(
    prefix=f"kunnan-config-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
)
os.environ["KUNNAN_CONFIG_HOME"] = CONFIG_HOME
atexit.register(shutil.rmtree, CONFIG_HOME, ignore_errors=True)

PG_URL = os.environ.get("KUNNAN_TEST_PG", "").strip()
PG_REQUIRED = os.environ.get("KUNNAN_TEST_PG_REQUIRED") == "1"
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
SKIP_LINE = "PostgreSQL pass: skipped (set KUNNAN_TEST_PG=postgresql://user@host:port/db to run it)"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("KUNNAN_TEST_BROWSER_REQUIRED") == "1"
BROWSER_SKIP_LINE = "browser pass: skipped (install Chromium, Debian package chromium, to run it)"
QR_READER = shutil.which("zbarimg")
QR_SKIP_LINE = "QR codes read back: skipped (install zbarimg, Debian package zbar-tools, to run it)"
_counter = itertools.count()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts in English: the language is the process's, and a command or test that
    spoke Chinese must not leave it to the next."""
    from kunnan import i18n

    i18n.use("en")
    yield
    i18n.use("en")


def pytest_report_header(config: pytest.Config) -> list[str]:
    pg = f"PostgreSQL pass: on ({pg_admin_url(PG_URL).split('@')[-1]})" if PG_URL else SKIP_LINE
    return [
        pg,
        f"browser pass: on ({BROWSER})" if BROWSER else BROWSER_SKIP_LINE,
        f"QR codes read back: on ({QR_READER})" if QR_READER else QR_SKIP_LINE,
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    if BROWSER_REQUIRED and not BROWSER:
        pytest.exit("KUNNAN_TEST_BROWSER_REQUIRED=1 but Chromium is not installed", returncode=3)
    if BROWSER_REQUIRED and not QR_READER:
        pytest.exit("KUNNAN_TEST_BROWSER_REQUIRED=1 but zbarimg is not installed", returncode=3)
    if PG_REQUIRED and not PG_URL:
        pytest.exit("KUNNAN_TEST_PG_REQUIRED=1 but KUNNAN_TEST_PG is not set", returncode=3)
    if PG_URL:
        try:
            engine = create_engine(pg_admin_url(PG_URL))
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
        except Exception as error:  # the server is the environment's, not ours
            pytest.exit(f"cannot reach KUNNAN_TEST_PG: {error}", returncode=3)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not PG_URL:
        terminalreporter.write_line(SKIP_LINE, yellow=True)
    if not BROWSER:
        terminalreporter.write_line(BROWSER_SKIP_LINE, yellow=True)
    if not QR_READER:
        terminalreporter.write_line(QR_SKIP_LINE, yellow=True)


@pytest.fixture
def browser() -> str:
    """The Chromium to run a page in; without one the test is skipped (see the module doc)."""
    if not BROWSER:
        pytest.skip(BROWSER_SKIP_LINE)
    return BROWSER


@pytest.fixture
def qr_reader() -> str:
    """The zbarimg that reads a QR code back from a screenshot; skipped without one, like
    ``browser`` (and required with it)."""
    if not QR_READER:
        pytest.skip(QR_SKIP_LINE)
    return QR_READER


@dataclass
class Templates:
    sqlite_file: Path
    pg_database: str | None


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    from kunnan.db import migrate
    from kunnan.db.location import resolve

    sqlite_file = tmp_path_factory.mktemp("template") / "template.sqlite"
    migrate.upgrade(resolve(str(sqlite_file)))
    pg_database = None
    if PG_URL:
        pg_database = f"kunnan_tpl_{uuid.uuid4().hex[:8]}"
        _pg_execute(f'CREATE DATABASE "{pg_database}"')
        migrate.upgrade(resolve(_pg_url_for(pg_database)))
    yield Templates(sqlite_file=sqlite_file, pg_database=pg_database)
    if pg_database:
        _pg_execute(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')


def _pg_execute(statement: str) -> None:
    engine = create_engine(pg_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _pg_url_for(database: str) -> str:
    base = pg_admin_url(PG_URL)
    return base.rsplit("/", 1)[0] + "/" + database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


Build = Callable[[Ledger], object]


class LedgerMaker:
    """Fresh ledgers for tests, copied from templates built once per session (and worker).

    A template is the head schema plus whatever a ``build`` function did to it
    through the real command line; each test gets its own copy (a file copy on
    SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so a fixture that
    takes forty commands to set up runs them once, not once per test.
    """

    def __init__(self, templates: Templates, root: Path) -> None:
        self._root = root
        self._built: dict[tuple[str, str], str] = {}
        self._base = templates

    def _source(self, backend: str, chain: tuple[tuple[str, Build], ...]) -> str:
        if not chain:
            if backend == "sqlite":
                return str(self._base.sqlite_file)
            assert self._base.pg_database is not None
            return self._base.pg_database
        key = (backend, "+".join(name for name, _ in chain))
        if key not in self._built:
            base = self._source(backend, chain[:-1])
            _name, build = chain[-1]
            if backend == "sqlite":
                path = self._root / f"{key[1]}.sqlite"
                shutil.copyfile(base, path)
                path.chmod(0o600)
                build(Ledger(url=str(path), backend="sqlite", path=path))
                self._built[key] = str(path)
            else:
                database = f"kunnan_tpl_{uuid.uuid4().hex[:10]}"
                _pg_execute(f'CREATE DATABASE "{database}" TEMPLATE "{base}"')
                build(Ledger(url=_pg_url_for(database), backend="postgresql", path=None))
                self._built[key] = database
        return self._built[key]

    @contextmanager
    def fresh(self, backend: str, tmp_path: Path, *chain: tuple[str, Build]) -> Iterator[Ledger]:
        source = self._source(backend, tuple(chain))
        if backend == "sqlite":
            path = tmp_path / "ledger.sqlite"
            shutil.copyfile(source, path)
            path.chmod(0o600)
            yield Ledger(url=str(path), backend="sqlite", path=path)
            return
        database = f"kunnan_t_{os.getpid()}_{next(_counter)}"
        _pg_execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
        try:
            yield Ledger(url=_pg_url_for(database), backend="postgresql", path=None)
        finally:
            _pg_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def drop(self) -> None:
        for (backend, _name), source in self._built.items():
            if backend == "postgresql":
                _pg_execute(f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)')


@pytest.fixture(scope="session")
def maker(templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerMaker]:
    made = LedgerMaker(templates, tmp_path_factory.mktemp("built"))
    yield made
    made.drop()


def ledger_fixture(*chain: tuple[str, Build], backends: str = "each") -> Any:
    """A fixture giving each test a fresh copy of a ledger built by ``chain`` (name, build) steps."""

    @pytest.fixture
    def made(maker: LedgerMaker, backend: str, tmp_path: Path) -> Iterator[Ledger]:
        with maker.fresh("sqlite" if backends == "sqlite" else backend, tmp_path, *chain) as fresh:
            yield fresh

    return made


@pytest.fixture
def ledger(maker: LedgerMaker, backend: str, tmp_path: Path) -> Iterator[Ledger]:
    """A fresh ledger at the head revision, on this test's backend."""
    with maker.fresh(backend, tmp_path) as fresh:
        yield fresh


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    """A database with no kunnan schema yet (a path that does not exist, or an empty PG db)."""
    if backend == "sqlite":
        path = tmp_path / "new" / "ledger.sqlite"
        yield Ledger(url=str(path), backend="sqlite", path=path)
        return
    database = f"kunnan_e_{os.getpid()}_{next(_counter)}"
    _pg_execute(f'CREATE DATABASE "{database}"')
    try:
        yield Ledger(url=_pg_url_for(database), backend="postgresql", path=None)
    finally:
        _pg_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def cli(ledger: Ledger) -> Ledger:
    """The ledger, for tests that drive the command line (reads better at call sites)."""
    return ledger


def add_baiyin_unions(cli: Ledger) -> Ledger:
    """Add the ``baiyin`` fixture's organisations to any ledger."""
    cli.ok("org", "add", "--code", "baiyin", "--name", "白银市总工会", "--kind", "city",
           "--area", "620400")  # fmt: skip
    cli.ok("org", "add", "--code", "baiyin-qu", "--name", "白银区总工会", "--kind", "county",
           "--parent", "baiyin", "--area", "620402")  # fmt: skip
    cli.ok("org", "add", "--code", "pingchuan", "--name", "平川区总工会", "--kind", "county",
           "--parent", "baiyin", "--area", "620403")  # fmt: skip
    cli.ok("org", "add", "--code", "phosphate", "--name", "白银磷肥厂工会", "--kind", "grassroots",
           "--parent", "baiyin-qu")  # fmt: skip
    cli.ok("org", "add", "--code", "aluminium-unit", "--name", "华鹭铝业公司", "--kind", "unit",
           "--parent", "baiyin-qu")  # fmt: skip
    return cli


def add_seed(cli: Ledger) -> None:
    """A 2018 dibao line of 520 yuan and one candidate household, H000001."""
    from tests.support import make_id

    cli.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    cli.ok("household", "add", "--name", "张三", "--id-number", make_id(sequence=11),
           "--org", "phosphate", "--cause", "illness", "--on", "2018-01-02")  # fmt: skip


def add_aid(cli: Ledger) -> None:
    from tests.aid_support import prepare

    prepare(cli)


#: The city union's staff, one of each role, all at 白银市总工会 (so every household is theirs),
#: as the Baiyin sample registers them.
CITY_STAFF = {
    "admin": "王丽",
    "approver": "陈国栋",
    "finance": "刘淑芳",
    "auditor": "马建华",
    "reviewer": "赵德明",
    "caseworker": "周红",
}


def add_staff(cli: Ledger) -> None:
    """Register the city union's staff: the administrator first, who adds the others."""
    cli.ok("operator", "add", CITY_STAFF["admin"], "--role", "admin", "--org", "baiyin")
    for role, name in CITY_STAFF.items():
        if role != "admin":
            cli.ok("--operator", CITY_STAFF["admin"], "operator", "add", name, "--role", role,
                   "--org", "baiyin")  # fmt: skip


def add_staffed_aid(cli: Ledger) -> None:
    """The ``aid`` ledger with H000002 visited, inspected and calculated (its deliberation
    due), candidate H000003 of 白银磷肥厂工会, and then the city union's staff registered."""
    from tests.support import make_id

    cli.ok("policy", "set-line", "--area", "620403", "--year", "2018", "--amount", "520")
    for step, *options in (
        ("visit", "--visitor", "李发明", "--visitor", "张清满"),
        ("inspect", "--car-value", "0"),
        ("calculate",),
    ):
        cli.ok("identify", step, "H000002", *options, "--on", "2018-05-02")
    cli.ok("household", "add", "--name", "王五", "--id-number", make_id(sequence=51),
           "--org", "phosphate", "--cause", "illness", "--on", "2018-05-01")  # fmt: skip
    add_staff(cli)


BAIYIN: tuple[tuple[str, Build], ...] = (("baiyin", add_baiyin_unions),)
SEEDED = (*BAIYIN, ("seeded", add_seed))
AID = (*BAIYIN, ("aid", add_aid))
STAFFED = (*AID, ("staffed", add_staffed_aid))

#: Baiyin's city union, two county unions, a grassroots union and a responsible unit.
baiyin = ledger_fixture(*BAIYIN)
#: The same, always on SQLite: for what only SQLite files have (backups, pragmas, file faults).
sqlite_baiyin = ledger_fixture(*BAIYIN, backends="sqlite")
sqlite_ledger = ledger_fixture(backends="sqlite")
#: Baiyin with a dibao line and one candidate household, for tests that need something to act on.
seeded = ledger_fixture(*SEEDED)
#: Baiyin with archived household H000001 (its student admitted to university in 2018),
#: candidate household H000002, and fund F001 holding 100,000 yuan since 2018-01-02.
aid = ledger_fixture(*AID)
#: The ``aid`` ledger worked on by the city union's staff (``CITY_STAFF``, ``add_staffed_aid``).
staffed = ledger_fixture(*STAFFED)


@pytest.fixture
def session(ledger: Ledger) -> Iterator[Any]:
    """A write session on a fresh ledger, as a command would open it (committed at the end)."""
    from kunnan.db.location import resolve
    from tests.support import open_sealed

    with open_sealed(
        resolve(ledger.url), write=True, operator="测试员", command="kunnan test"
    ) as opened:
        yield opened


@dataclass(frozen=True)
class BuiltDemo:
    """The Baiyin sample ledger `kunnan demo` built, and what the command printed."""

    path: Path
    stdout: str
    stderr: str

    def copy(self, to: Path) -> Ledger:
        """A writable copy, for tests that change the ledger."""
        target = to / "demo.sqlite"
        shutil.copyfile(self.path, target)
        return Ledger(url=str(target), backend="sqlite", path=target)

    @property
    def ledger(self) -> Ledger:
        """The shared ledger, for tests that only read it."""
        return Ledger(url=str(self.path), backend="sqlite", path=self.path)


@pytest.fixture(scope="session")
def baiyin_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """`kunnan demo --force` over an existing file, built once for all the run's workers."""
    import fcntl
    import json

    from tests.support import invoke

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's directory, common to its workers
    path, printed = shared / "baiyin-demo.sqlite", shared / "baiyin-demo.json"
    with (shared / "baiyin-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():
            path.write_text("an earlier ledger")
            result = invoke(["demo", "--db", str(path), "--force"])
            assert result.exit_code == 0, result.stderr
            printed.write_text(json.dumps({"stdout": result.stdout, "stderr": result.stderr}))
    # Built by one worker, written to by all: each keeps the sample staff's keys, as the
    # demo keeps them for whoever built it.
    from kunnan.services.demo import save_sample_keys

    save_sample_keys()
    output = json.loads(printed.read_text())
    return BuiltDemo(path=path, stdout=output["stdout"], stderr=output["stderr"])
