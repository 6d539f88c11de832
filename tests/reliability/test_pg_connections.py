"""A PostgreSQL ledger that cannot be reached says why, in one line, and never its password.

Each cause is met for real: a closed port on 127.0.0.1 (refused), a port that accepts and
never answers (timeout), a host name that does not resolve, and on the suite's server
(KUNNAN_TEST_PG) a database and a role that do not exist, a wrong and a missing password,
and SSL asked for where the server has none, or refused without it. The last two need the
server to check passwords for one database and refuse unencrypted connections to another:
``.ci/run`` writes those two lines into CI's pg_hba.conf (neither database has to exist).
Every one exits 8, as every "database unavailable" error does.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_support import (
    admin_url,
    cannot_run,
    execute,
    new_database,
    new_role,
    server_address,
    unique,
    url_for,
)
from tests.support import Result, invoke

SECRET = "Pa55-never-shown"
UNAVAILABLE = 8
#: The databases .ci/run's pg_hba.conf makes the server check a password for, and refuse
#: to reach unencrypted.
PASSWORD_CHECKED = "kunnan_password_check"
SSL_ONLY = "kunnan_ssl_check"

#: Commands that each connect their own way: a session, Alembic, the copy's two ends, the demo.
COMMANDS = {
    "household list": lambda url, tmp: ["--db", url, "household", "list"],
    "db upgrade": lambda url, tmp: ["--db", url, "db", "upgrade"],
    "db copy to it": lambda url, tmp: ["db", "copy", str(tmp / "none.sqlite"), url],
    "db copy from it": lambda url, tmp: ["db", "copy", url, str(tmp / "copy.sqlite")],
    "demo": lambda url, tmp: ["demo", "--db", url],
}


def _refused(args: list[str], env: dict[str, str | None] | None = None) -> str:
    """The one line a command that cannot connect prints; it exits 8, and no secret shows."""
    result: Result = invoke(args, env=env)
    assert result.exit_code == UNAVAILABLE, (args, result.exit_code, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        yield int(listening.getsockname()[1])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_server_on_the_port_is_a_refused_connection(
    command: str, closed_port: int, tmp_path: Path
) -> None:
    url = f"postgresql://kunnan:{SECRET}@127.0.0.1:{closed_port}/ledger"
    if command == "db copy to it":
        assert invoke(["--db", str(tmp_path / "none.sqlite"), "init"]).exit_code == 0
    line = _refused(COMMANDS[command](url, tmp_path))
    assert line == (
        f"error: cannot reach the database server at 127.0.0.1:{closed_port}: the connection "
        "was refused (is PostgreSQL running there, and listening on that address and port?)"
    )
    assert not (tmp_path / "copy.sqlite").exists()


def test_a_server_that_never_answers_is_a_timeout(silent_port: int) -> None:
    url = f"postgresql://kunnan:{SECRET}@127.0.0.1:{silent_port}/ledger?connect_timeout=1"
    line = _refused(["--db", url, "household", "list"])
    assert line.startswith(
        f"error: cannot reach the database server at 127.0.0.1:{silent_port}: "
        "no answer within 1 s ("
    )


def test_a_host_that_does_not_resolve_is_named() -> None:
    line = _refused(
        ["--db", f"postgresql://kunnan:{SECRET}@nosuch.invalid/ledger", "db", "current"]
    )
    assert line == (
        "error: cannot reach the database server: the host name nosuch.invalid is not known "
        "(check the host in the URL)"
    )


def test_a_database_that_does_not_exist_is_named_with_how_to_create_it() -> None:
    admin_url()
    missing = unique("kunnan_missing")
    url = url_for(missing, password=SECRET)
    line = _refused(["--db", url, "household", "list"])
    user = url.split("//", 1)[1].split(":", 1)[0]
    assert line == (
        f"error: there is no database {missing} on the server at {server_address()} "
        f"(create it first with CREATE DATABASE {missing} OWNER {user}, "
        "or check its name in the URL)"
    )
    assert execute(f"SELECT 1 FROM pg_database WHERE datname = '{missing}'") == []


def test_a_role_that_does_not_exist_is_named() -> None:
    admin_url()
    nobody = unique("kunnan_nobody")
    line = _refused(["--db", url_for("postgres", user=nobody, password=SECRET), "db", "current"])
    assert line.startswith(
        f"error: the database server at {server_address()} has no user (role) {nobody} ("
    )


@pytest.fixture
def no_password_file(tmp_path: Path) -> dict[str, str | None]:
    """An environment where libpq finds no password but the URL's."""
    empty = tmp_path / "pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    return {"PGPASSFILE": str(empty), "PGPASSWORD": None}


def test_a_wrong_or_missing_password_is_said_so(no_password_file: dict[str, str | None]) -> None:
    admin_url()
    with new_role(password="the-right-one") as role:
        wrong = url_for(PASSWORD_CHECKED, user=role, password=SECRET)
        result = invoke(["--db", wrong, "db", "current"], env=no_password_file)
        if result.exit_code == 0 or "refused the password" not in result.stderr:
            cannot_run(
                f"the server does not check passwords for database {PASSWORD_CHECKED} "
                "(pg_hba.conf: host kunnan_password_check all 127.0.0.1/32 scram-sha-256)"
            )
        line = _refused(["--db", wrong, "db", "current"], env=no_password_file)
        assert line == (
            f"error: the database server at {server_address()} refused the password of user "
            f"{role} (check the password in --db or KUNNAN_DB, or in ~/.pgpass)"
        )
        none = url_for(PASSWORD_CHECKED, user=role)
        line = _refused(["--db", none, "db", "current"], env=no_password_file)
        assert line.startswith(
            f"error: the database server at {server_address()} asks user {role} for a password"
        )
        right = url_for(PASSWORD_CHECKED, user=role, password="the-right-one")
        line = _refused(["--db", right, "db", "current"], env=no_password_file)
        assert line.startswith(f"error: there is no database {PASSWORD_CHECKED} on the server")


def _server_has_ssl() -> bool:
    return execute("SHOW ssl") == [("on",)]


def test_ssl_asked_for_where_the_server_has_none_is_said_so() -> None:
    admin_url()
    url = url_for(SSL_ONLY, password=SECRET) + "?sslmode=require"
    line = _refused(["--db", url, "db", "current"])
    if _server_has_ssl():  # then SSL is had, and the database is what is missing
        assert line.startswith(f"error: there is no database {SSL_ONLY} on the server")
        return
    assert line == (
        "error: the URL asks for SSL (sslmode=require), but the database server at "
        f"{server_address()} does not offer it "
        "(turn SSL on at the server, or leave sslmode out of the URL)"
    )


def test_a_server_that_accepts_only_ssl_says_so() -> None:
    admin_url()
    url = url_for(SSL_ONLY, password=SECRET) + "?sslmode=disable"
    result = invoke(["--db", url, "db", "current"])
    if "encrypted (SSL)" not in result.stderr:
        cannot_run(
            f"the server does not refuse unencrypted connections to {SSL_ONLY} "
            "(pg_hba.conf: hostnossl kunnan_ssl_check all 127.0.0.1/32 reject)"
        )
    line = _refused(["--db", url, "db", "current"])
    assert line == (
        f"error: the database server at {server_address()} accepts only encrypted (SSL) "
        "connections from here (add ?sslmode=require to the URL)"
    )
    plain = _refused(["--db", url_for(SSL_ONLY), "db", "current"])
    if not _server_has_ssl():  # libpq tried without SSL (it had none to try): not SSL's fault
        assert "does not let user" in plain and f"database {SSL_ONLY}" in plain


def test_a_password_in_the_url_is_never_shown_even_when_all_goes_well(tmp_path: Path) -> None:
    admin_url()
    with new_database() as name:
        url = url_for(name, password=SECRET)  # trust: the password is not even asked for
        if "password" in invoke(["--db", url, "db", "current"]).stderr:
            cannot_run("the server checks every password: the suite's URL carries none")
        for args in (["--db", url, "init"], ["--db", url, "db", "current"],
                     ["--db", url, "db", "check"], ["--db", url, "db", "verify"]):  # fmt: skip
            result = invoke(args)
            assert result.exit_code == 0, result.stderr
            assert SECRET not in result.stdout + result.stderr
        shown = invoke(["--db", url, "db", "upgrade"]).stderr
        assert ":***@" in shown
        copied = invoke(["db", "copy", url, str(tmp_path / "copy.sqlite")])
        assert copied.exit_code == 0 and ":***@" in copied.stderr
        assert SECRET not in copied.stdout + copied.stderr


def test_a_role_that_may_not_create_or_read_the_tables_is_told_so() -> None:
    admin_url()
    with new_database() as name, new_role(password=SECRET) as role:
        url = url_for(name, user=role, password=SECRET)
        if "password" in invoke(["--db", url, "db", "current"]).stderr:
            cannot_run("the server checks every password for the suite's databases")
        line = _refused(["--db", url, "db", "upgrade"])
        assert line.startswith(
            "error: the database server does not let this user use the schema public "
            "(permission denied); nothing was written"
        )
        assert invoke(["--db", url_for(name), "init"]).exit_code == 0
        line = _refused(["--db", url, "household", "list"])
        assert "the table alembic_version (permission denied)" in line
