"""kunnan db copy: a ledger copied between SQLite files and PostgreSQL databases, and verified.

Each copy is checked by the command itself (row counts, a digest of each table, db check, db
verify's checks) and here independently: every row of every table read back after a round
trip to the other kind of database, the reports of the copy, and what the copy does next (a
new household gets the next code: PostgreSQL's sequences were set past the copied ids).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kunnan.db.revision import HEAD_REVISION
from kunnan.models import Base
from tests.aid_support import sql
from tests.conftest import AID, BuiltDemo, LedgerMaker
from tests.pg_support import admin_url, execute, new_database, url_for
from tests.support import Ledger, invoke, make_id


@pytest.fixture
def sqlite_aid(maker: LedgerMaker, tmp_path: Path) -> Iterator[Ledger]:
    """The ``aid`` ledger, on SQLite only, in a folder of its own (``tmp_path`` stays empty)."""
    folder = tmp_path / "source"
    folder.mkdir()
    with maker.fresh("sqlite", folder, *AID) as made:
        yield made


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(source: str, target: str, *more: str) -> dict[str, dict[str, Any]]:
    """Copy with the command line; the tables it reports copying, by name."""
    result = invoke(["db", "copy", source, target, "-f", "json", *more])
    assert result.exit_code == 0, result.stderr
    assert "verified: the same rows and contents in every table" in result.stderr
    return {table["table"]: table for table in result.rows()}


def test_a_ledger_is_copied_into_a_new_file_and_its_source_is_only_read(
    aid: Ledger, tmp_path: Path
) -> None:
    before = aid.snapshot()
    target = tmp_path / "copy.sqlite"
    result = invoke(["db", "copy", aid.url, str(target)])
    assert result.exit_code == 0, result.stderr
    assert "household" in result.stdout and "aid_entry" in result.stdout
    assert "total" in result.stdout
    tables = len(Base.metadata.tables)
    assert result.stderr.strip().startswith(f"copied {tables} tables, ")
    assert "9 ledger checks passed" in result.stderr
    assert aid.snapshot() == before
    copy = Ledger(url=str(target), backend="sqlite", path=target)
    if aid.backend == "sqlite":
        assert copy.snapshot() == before
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert "verified" in copy.ok("db", "verify").stderr
    assert copy.ok("ledger", "head").stdout == aid.ok("ledger", "head").stdout


def test_a_round_trip_through_the_other_kind_of_database_gives_back_every_row(
    aid: Ledger, tmp_path: Path
) -> None:
    admin_url()
    before = aid.snapshot()
    with new_database() as middle, new_database() as last:
        if aid.backend == "sqlite":
            there, back = url_for(middle), str(tmp_path / "back.sqlite")
            back_ledger = Ledger(url=back, backend="sqlite", path=Path(back))
        else:
            there, back = str(tmp_path / "middle.sqlite"), url_for(last)
            back_ledger = Ledger(url=back, backend="postgresql", path=None)
        first = _copy(aid.url, there)
        second = _copy(there, back)
        assert first == second  # the same digests, read from the source and from the copy
        assert back_ledger.snapshot() == before


def test_the_baiyin_sample_moves_onto_postgresql_and_back_with_its_figures(
    baiyin_demo: BuiltDemo, tmp_path: Path
) -> None:
    admin_url()
    source = baiyin_demo.ledger
    original = _file_hash(baiyin_demo.path)
    with new_database() as name:
        server = Ledger(url=url_for(name), backend="postgresql", path=None)
        onto = _copy(source.url, server.url)
        assert onto["household"]["rows"] == 5165 and onto["aid_entry"]["rows"] == 14504
        assert sum(table["rows"] for table in onto.values()) > 200_000
        back = _copy(server.url, str(tmp_path / "back.sqlite"))
        assert back == onto
        for report in (["categories"], ["causes"], ["exits", "--since", "2017"],
                       ["programs", "--since", "2016"], ["training", "--since", "2016"],
                       ["dashboard"]):  # fmt: skip
            args = ["report", *report, "--as-of", "2018-12-24", "-f", "json"]
            assert server.ok(*args).json() == source.ok(*args).json(), report
        assert "verified" in server.ok("db", "verify").stderr
        # the ids go on from the copied ones: PostgreSQL's sequences were set past them
        added = server.ok("--operator", "李发明", "household", "add", "--name", "新户",
                          "--id-number", make_id("620402", sequence=901), "--org", "baiyin-qu",
                          "--on", "2018-12-25")  # fmt: skip
        assert added.stdout.strip() == "H005166"
        assert server.ok("--operator", "刘淑芳", "fund", "add", "--name", "2019年送温暖",
                         "--source", "union", "--year", "2019").stdout.strip() == "F018"  # fmt: skip
    assert _file_hash(baiyin_demo.path) == original


def test_a_file_is_replaced_only_with_force(sqlite_aid: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "taken.sqlite"
    target.write_text("somebody's notes")
    refused = invoke(["db", "copy", sqlite_aid.url, str(target)])
    assert refused.exit_code == 5, refused.stderr
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert target.read_text() == "somebody's notes"
    assert [p.name for p in tmp_path.iterdir()] == sorted(["source", "taken.sqlite"])
    _copy(sqlite_aid.url, str(target), "--force")
    assert "verified" in invoke(["--db", str(target), "db", "verify"]).stderr


def test_a_ledger_is_never_copied_onto_itself(sqlite_aid: Ledger, tmp_path: Path) -> None:
    assert sqlite_aid.path is not None
    before = _file_hash(sqlite_aid.path)
    link = tmp_path / "same.sqlite"
    link.hardlink_to(sqlite_aid.path)
    for target in (sqlite_aid.url, str(link)):
        result = invoke(["db", "copy", sqlite_aid.url, target, "--force"])
        assert result.exit_code == 3, result.stderr
        assert "the same ledger" in result.stderr
    assert _file_hash(sqlite_aid.path) == before


def test_a_postgresql_ledger_is_never_copied_onto_itself_under_another_spelling() -> None:
    admin_url()
    with new_database() as name:
        url = url_for(name)
        assert invoke(["--db", url, "init"]).exit_code == 0
        result = invoke(["db", "copy", url, f"{url}?application_name=kunnan", "--force"])
        assert result.exit_code == 3, result.stderr
        assert "the same ledger" in result.stderr
        assert execute("SELECT version_num FROM alembic_version", database=name) == [
            (HEAD_REVISION,)
        ]


def test_a_source_not_at_this_kunnans_revision_is_refused_with_the_upgrade_hint(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    sql(sqlite_aid, "UPDATE alembic_version SET version_num = '0008'")
    target = tmp_path / "copy.sqlite"
    result = sqlite_aid.fails("db", "copy", sqlite_aid.url, str(target), code=7)
    assert "schema revision 0008" in result.stderr
    assert f"kunnan --db {sqlite_aid.path} db upgrade" in result.stderr
    assert not target.exists()
    missing = invoke(["db", "copy", str(tmp_path / "nothing.sqlite"), str(target)])
    assert missing.exit_code == 7 and "no ledger at" in missing.stderr


def test_a_source_that_fails_the_ledgers_checks_gives_no_copy(
    sqlite_aid: Ledger, tmp_path: Path
) -> None:
    """Someone with SQL edited a grant behind the triggers: the copy holds the same rows, and
    fails the same check; nothing is kept."""
    sql(sqlite_aid, "DROP TRIGGER aid_entry_no_update")
    sql(sqlite_aid, "UPDATE aid_entry SET amount_fen = amount_fen + 100 WHERE seq = 1")
    sql(sqlite_aid, "CREATE TRIGGER aid_entry_no_update BEFORE UPDATE ON aid_entry BEGIN "
                    "SELECT RAISE(ABORT, 'aid_entry rows are append-only: they are never updated "
                    "or deleted (correct an entry with a reversal)'); END")  # fmt: skip
    target = tmp_path / "copy.sqlite"
    result = sqlite_aid.fails("db", "copy", sqlite_aid.url, str(target), code=1)
    # the first check to find it is the event log's: the entry is not as its event records it
    assert "the copy fails the ledger's checks: aid_entry 1 was changed outside kunnan" in (
        result.stderr
    )
    assert "the source fails them too" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["source"]


def test_a_source_kunnan_may_not_write_is_copied(sqlite_aid: Ledger, tmp_path: Path) -> None:
    assert sqlite_aid.path is not None
    before = _file_hash(sqlite_aid.path)
    sqlite_aid.path.chmod(0o400)
    try:
        _copy(sqlite_aid.url, str(tmp_path / "copy.sqlite"))
    finally:
        sqlite_aid.path.chmod(0o600)
    assert _file_hash(sqlite_aid.path) == before


# PostgreSQL targets: an empty database, or --force -------------------------------------------


def _ledger_head(database: str) -> list[tuple[Any, ...]]:
    return execute("SELECT seq, hash FROM ledger_head", database=database)


def test_a_database_holding_a_ledger_is_refused_and_force_replaces_only_kunnans_tables(
    sqlite_aid: Ledger,
) -> None:
    admin_url()
    with new_database() as name:
        url = url_for(name)
        assert invoke(["--db", url, "init"]).exit_code == 0
        execute("CREATE TABLE their_notes (id int PRIMARY KEY, note text)", database=name)
        execute("INSERT INTO their_notes VALUES (1, '别动我的表')", database=name)
        before = _ledger_head(name)
        refused = sqlite_aid.fails("db", "copy", sqlite_aid.url, url, code=5)
        assert f"already holds a kunnan ledger (schema revision {HEAD_REVISION})" in refused.stderr
        assert "--force" in refused.stderr
        assert _ledger_head(name) == before
        copied = _copy(sqlite_aid.url, url, "--force")
        assert _ledger_head(name) != before
        assert copied["household"]["rows"] == 2
        assert execute("SELECT note FROM their_notes", database=name) == [("别动我的表",)]
        assert "verified" in invoke(["--db", url, "db", "verify"]).stderr


def test_force_drops_nothing_another_object_depends_on_and_leaves_the_ledger_as_it_was(
    sqlite_aid: Ledger,
) -> None:
    admin_url()
    with new_database() as name:
        url = url_for(name)
        _copy(sqlite_aid.url, url)
        execute("CREATE VIEW their_view AS SELECT id FROM household", database=name)
        before = _ledger_head(name)
        refused = sqlite_aid.fails("db", "copy", sqlite_aid.url, url, "--force", code=5)
        assert "is used by something that is not kunnan's" in refused.stderr
        assert "their_view" in refused.stderr and "nothing was changed" in refused.stderr
        assert _ledger_head(name) == before
        assert execute("SELECT count(*) FROM their_view", database=name) == [(2,)]


@pytest.mark.parametrize("force", [False, True])
def test_tables_named_as_kunnans_without_a_ledger_are_never_dropped(
    sqlite_aid: Ledger, force: bool
) -> None:
    admin_url()
    with new_database() as name:
        execute("CREATE TABLE household (id int PRIMARY KEY, who text)", database=name)
        args = ["--force"] if force else []
        refused = sqlite_aid.fails("db", "copy", sqlite_aid.url, url_for(name), *args, code=5)
        assert "tables named as kunnan's (household) but no kunnan ledger" in refused.stderr
        tables = execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database=name
        )
        assert tables == [("household",)]


def test_a_refusal_is_worded_in_chinese_too(sqlite_aid: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "taken.sqlite"
    target.write_text("x")
    result = invoke(["--lang", "zh", "db", "copy", sqlite_aid.url, str(target)])
    assert result.exit_code == 5 and result.stderr.startswith("错误：")
    done = invoke(["--lang", "zh", "db", "copy", sqlite_aid.url, str(tmp_path / "new.sqlite")])
    assert done.exit_code == 0 and "校验通过" in done.stderr
    assert json.loads(invoke(["db", "copy", sqlite_aid.url, str(tmp_path / "j.sqlite"),
                              "-f", "json"]).stdout)["rows"][0]["digest"]  # fmt: skip
