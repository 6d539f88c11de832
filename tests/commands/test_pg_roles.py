"""PostgreSQL enforces roles and scope in the database (``kunnan db roles sync``): raw SQL as
two operators' roles, and the command line connected as one of them.

PostgreSQL only: skipped with the suite's line when KUNNAN_TEST_PG is unset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.aid_support import sql
from tests.conftest import AID, LedgerMaker
from tests.pg_support import admin_url, execute, url_for
from tests.support import Ledger

ADMIN = ("--operator", "王丽")
#: A caseworker of 白银区总工会 (H000001's union) and one of 平川区总工会 (H000002's).
MINE, THEIRS = "李发明", "周平"
PASSWORDS = {MINE: "pw-li-2018", THEIRS: "pw-zhou-2018"}


@pytest.fixture
def pg(maker: LedgerMaker, tmp_path: Path) -> Iterator[Ledger]:
    """The aid ledger on PostgreSQL, with two caseworkers whose roles may log in; every role
    made is dropped at the end."""
    admin_url()  # skipped without a server
    with maker.fresh("postgresql", tmp_path, *AID) as ledger:
        database = str(make_url(ledger.url).database)
        try:
            ledger.ok("fund", "add", "--name", "平川区帮扶资金", "--source", "union", "--year",
                      "2018", "--org", "pingchuan")  # fmt: skip
            ledger.ok("fund", "add", "--name", "白银区帮扶资金", "--source", "union", "--year",
                      "2018", "--org", "baiyin-qu")  # fmt: skip
            ledger.ok("household", "contact", "H000002", "--by", "phone", "--outcome", "reached")
            ledger.ok("operator", "add", "王丽", "--role", "admin")
            ledger.ok(*ADMIN, "operator", "add", MINE, "--role", "caseworker", "--org",
                      "baiyin-qu")  # fmt: skip
            ledger.ok(*ADMIN, "operator", "add", THEIRS, "--role", "caseworker", "--org",
                      "pingchuan")  # fmt: skip
            for name, password in PASSWORDS.items():
                ledger.ok(*ADMIN, "db", "roles", "sync", "--login", name,
                          env={"KUNNAN_DB_PASSWORD": password})  # fmt: skip
            yield ledger
        finally:
            _drop_roles(database)


def _drop_roles(database: str) -> None:
    from kunnan.db.roles import prefix

    start = prefix(database)
    roles = [str(r[0]) for r in execute(
        f"SELECT rolname FROM pg_roles WHERE starts_with(rolname, '{start}') "
        "ORDER BY rolname LIKE '%\\_op%' DESC"
    )]  # fmt: skip
    for role in roles:
        execute(f'DROP OWNED BY "{role}"', database=database)
    for role in roles:
        execute(f'DROP ROLE IF EXISTS "{role}"')


def _role_of(ledger: Ledger, name: str) -> str:
    return str(sql(ledger, "SELECT db_role FROM operator WHERE name = :n", n=name)[0][0])


def _connect(ledger: Ledger, name: str) -> psycopg.Connection[tuple[object, ...]]:
    database = str(make_url(ledger.url).database)
    url = url_for(database, user=_role_of(ledger, name), password=PASSWORDS[name])
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _count(connection: psycopg.Connection[tuple[object, ...]], query: str) -> int:
    row = connection.execute(query).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(str(row[0]))


def test_a_grassroots_role_reads_and_changes_only_its_unions_rows(pg: Ledger) -> None:
    with _connect(pg, MINE) as mine, _connect(pg, THEIRS) as theirs:
        assert [r[0] for r in mine.execute("SELECT id FROM household ORDER BY id")] == [1]
        assert [r[0] for r in theirs.execute("SELECT id FROM household ORDER BY id")] == [2]
        for connection, household in ((mine, 2), (theirs, 1)):
            hidden = (
                f"SELECT count(*) FROM member WHERE household_id = {household}",
                f"SELECT count(*) FROM contact_attempt WHERE household_id = {household}",
                f"SELECT count(*) FROM household_status_change WHERE household_id = {household}",
                f"SELECT count(*) FROM audit_log WHERE household_id = {household}",
            )
            for query in hidden:
                assert _count(connection, query) == 0, query
        assert _count(mine, "SELECT count(*) FROM member") == 2
        # Funds: F001 is the root union's (白银市总工会), F002 平川区's, F003 白银区's.
        assert [r[0] for r in mine.execute("SELECT id FROM fund ORDER BY id")] == [3]
        assert [r[0] for r in theirs.execute("SELECT id FROM fund ORDER BY id")] == [2]
        # The aid ledger's rows of funds and households outside the union are not seen.
        assert _count(theirs, "SELECT count(*) FROM aid_entry") == 0
        # Another union's rows are not changed: no row is found to change.
        changed = mine.execute("UPDATE member SET name = '改名' WHERE household_id = 2")
        assert changed.rowcount == 0
        moved = mine.execute("UPDATE household SET org_id = 2 WHERE id = 2")
        assert moved.rowcount == 0
        removed = mine.execute("DELETE FROM contact_attempt WHERE household_id = 2")
        assert removed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("UPDATE fund SET name = '改名' WHERE id = 2")
    assert sql(pg, "SELECT name FROM member WHERE household_id = 2")[0][0] == "李明"


def test_no_operator_role_changes_the_append_only_rows_policies_or_triggers(pg: Ledger) -> None:
    refused = (
        "UPDATE audit_log SET operator = 'x'",
        "DELETE FROM audit_log",
        "UPDATE aid_entry SET amount_fen = 1",
        "DELETE FROM aid_entry",
        "DELETE FROM fund_assertion",
        "DROP POLICY kunnan_scope ON household",
        "ALTER TABLE household DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE household NO FORCE ROW LEVEL SECURITY",
        "DROP TRIGGER aid_entry_append_only ON aid_entry",
        "ALTER TABLE aid_entry DISABLE TRIGGER USER",
        "CREATE POLICY everything ON household USING (true)",
        "DROP FUNCTION kunnan_scope(text)",
    )
    with _connect(pg, MINE) as mine:
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                mine.execute(statement)
    admin = "SELECT count(*) FROM pg_policies WHERE policyname = 'kunnan_scope'"
    assert int(execute(admin, database=str(make_url(pg.url).database))[0][0]) > 10


def test_the_command_line_connected_as_a_login_role_is_that_operator(pg: Ledger) -> None:
    database = str(make_url(pg.url).database)
    url = url_for(database, user=_role_of(pg, MINE), password=PASSWORDS[MINE])
    as_mine = Ledger(url=url, backend="postgresql", path=None)
    listed = as_mine.ok("household", "list", "-f", "json").rows()
    assert [row["code"] for row in listed] == ["H000001"]
    as_mine.ok("household", "contact", "H000001", "--by", "visit", "--outcome", "reached")
    last = sql(pg, "SELECT operator, command FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert tuple(last) == (MINE, "kunnan household contact")
    before = pg.snapshot()
    other = as_mine.fails("--operator", THEIRS, "household", "list", code=9)
    assert f"which is {MINE}'s: --operator {THEIRS} names someone else" in other.stderr
    assert pg.snapshot() == before


def test_a_disabled_operators_role_loses_its_group_and_login(pg: Ledger) -> None:
    pg.ok(*ADMIN, "operator", "disable", THEIRS, "--reason", "调离", "--on", "2018-12-20")
    synced = pg.ok(*ADMIN, "db", "roles", "sync")
    assert f"{THEIRS} (caseworker): disabled" in synced.stderr
    role = _role_of(pg, THEIRS)
    login, groups = execute(
        f"SELECT rolcanlogin, (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) "
        f"FROM pg_roles r WHERE rolname = '{role}'"
    )[0]
    assert (login, groups) == (False, 0)
    again = pg.fails(*ADMIN, "db", "roles", "sync", "--login", THEIRS, code=9,
                     env={"KUNNAN_DB_PASSWORD": "x"})  # fmt: skip
    assert "was disabled on 2018-12-20" in again.stderr


def test_only_a_postgresql_ledger_has_database_roles(seeded: Ledger) -> None:
    if seeded.backend != "sqlite":
        pytest.skip("the SQLite refusal")
    refused = seeded.fails("db", "roles", "sync", code=6)
    assert "only a PostgreSQL ledger has database roles" in refused.stderr
