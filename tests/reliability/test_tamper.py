"""Every kind of record kunnan keeps, edited, deleted, inserted or reordered by raw SQL, is
named by ``kunnan db verify``.

The ledger here has rows of every signed table (``db.triggers.SIGNED``), written through the
real command line by the city union's staff, each write signed with its operator's key. The
tampering is done as a careful person with SQL would: on PostgreSQL in a session that fires
no trigger (``session_replication_role = replica``: no append-only refusal, no foreign key,
no note in ``row_change``); on SQLite with the table's triggers dropped for the change and
put back exactly as kunnan installs them. So nothing but the data itself tells of the
change, and ``db verify`` must find it from the signatures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Table, UniqueConstraint, and_, func, insert, select, text

from kunnan.db.triggers import SIGNED, SignedTable, expected
from kunnan.domain.events import BUNDLE_FORMAT
from kunnan.domain.note import Checkpoint as NoteCheckpoint
from kunnan.domain.note import checkpoint_body, sign_note, verifier_key
from kunnan.domain.signing import key_from_seed, key_text, public_bytes
from kunnan.models import Base
from tests.aid_support import raw, sql
from tests.conftest import CITY_STAFF, STAFFED, ledger_fixture
from tests.support import Ledger

#: A second approver, to approve what the first one asks for (a void is approved by another).
SECOND_APPROVER = "张敏"


def _build(ledger: Ledger) -> None:
    """Two rows (at least) of every kind of record, each written by the role that writes it.

    On the ``staffed`` ledger (archived H000001 with a student, H000002 calculated, candidate
    H000003, fund F001, the city union's staff): policy and programme rules, agreements,
    head changes and causes, reviews, H000002's notice with two objections, H000001's
    pairing (reassigned) and visits, every service case, two training classes with
    enrolments and stages, contacts (two voided), grants and an approved reversal (and one
    waiting), a second fund, balance assertions, two loans repaid in part and defaulted,
    two reveals, H000001's stable exit with a follow-up done and H000003 archived then moved.
    """

    def as_(role: str) -> Callable[..., object]:
        return lambda *args: ledger.ok("--operator", CITY_STAFF[role], *args)

    admin, case, review = as_("admin"), as_("caseworker"), as_("reviewer")
    approve, money = as_("approver"), as_("finance")

    admin("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    admin("policy", "set-line", "--area", "620402", "--year", "2020", "--amount", "560")
    admin("policy", "set", "marginal_multiplier", "2", "--from", "2019-01-01")
    admin("policy", "set", "marginal_multiplier", "1.8", "--from", "2020-01-01")
    admin("program", "set", "medical-aid", "--cap", "30000", "--from", "2019-01-01")
    admin("program", "set", "living-aid", "--cap", "5000", "--from", "2019-01-01")
    admin("agreement", "add", "--org", "baiyin-qu", "--year", "2018", "--target-helped", "120",
          "--target-exits", "30", "--signed-on", "2018-01-15")  # fmt: skip
    admin("agreement", "add", "--org", "pingchuan", "--year", "2018", "--target-helped", "80",
          "--target-exits", "20", "--signed-on", "2018-01-16")  # fmt: skip
    admin("operator", "add", SECOND_APPROVER, "--role", "approver", "--org", "baiyin")

    case("household", "head", "H000001", "--to", "张小梅", "--reason", "incapacity",
         "--former-relation", "parent", "--on", "2018-02-01")  # fmt: skip
    case("household", "head", "H000001", "--to", "张建国", "--reason", "other",
         "--former-relation", "child", "--on", "2018-02-02")  # fmt: skip
    case("household", "edit", "H000001", "--secondary", "unemployment", "--secondary", "other")
    review("review", "record", "H000001", "--on", "2018-12-20")
    review("review", "record", "H000001", "--outcome", "causes", "--cause", "illness",
           "--secondary", "education", "--secondary", "disability", "--reason", "复核发现因学因残",
           "--on", "2018-12-21")  # fmt: skip

    review("identify", "deliberate", "H000002", "--decision", "approve", "--attendees", "5",
           "--minutes", "同意", "--on", "2018-05-03")  # fmt: skip
    review("identify", "appraise", "H000002", "--for", "9", "--against", "1", "--on", "2018-05-04")
    review("identify", "publicize", "H000002", "--from", "2018-05-07")
    review("identify", "object", "H000002", "--by", "匿名", "--text", "有经营收入",
           "--on", "2018-05-08")  # fmt: skip
    review("identify", "object", "H000002", "--by", "王某", "--text", "家里有车",
           "--on", "2018-05-09")  # fmt: skip

    case("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
         "--phone", "13893005678", "--on", "2018-05-02")  # fmt: skip
    case("pair", "visit", "H000001", "--note", "送去米面油", "--on", "2018-06-10")
    case("pair", "visit", "H000001", "--kind", "phone", "--note", "电话询问病情",
         "--on", "2018-07-01")  # fmt: skip
    case("pair", "reassign", "H000001", "--unit", "aluminium-unit", "--contact", "张清满",
         "--phone", "13893006789", "--on", "2018-08-01")  # fmt: skip

    case("aid", "housing", "H000001", "--kind", "low-rent", "--status", "applied",
         "--on", "2018-03-01")  # fmt: skip
    case("aid", "housing", "H000001", "--kind", "rent-subsidy", "--status", "applied",
         "--on", "2018-03-02")  # fmt: skip
    case("aid", "legal", "H000001", "--kind", "legal-aid", "--status", "opened",
         "--on", "2018-03-01")  # fmt: skip
    case("aid", "legal", "H000001", "--kind", "wage-arrears", "--status", "opened",
         "--against", "某建筑公司", "--on", "2018-03-02")  # fmt: skip
    case("aid", "place", "H000001", "--member", "张小梅", "--employer", "某公司", "--job", "工人",
         "--monthly-wage", "2000", "--via", "direct", "--on", "2018-08-01")  # fmt: skip
    case("aid", "place", "H000002", "--employer", "银光化学", "--job", "保洁员",
         "--monthly-wage", "3000", "--via", "spring-breeze", "--on", "2018-05-20")  # fmt: skip
    case("aid", "counsel", "H000001", "--by", "王心怡", "--note", "谈心", "--on", "2018-04-10")
    case("aid", "counsel", "H000001", "--by", "王心怡", "--note", "再次谈心", "--on", "2018-05-10")

    admin("training", "class", "add", "--name", "2018年电焊班", "--trade", "welding",
          "--start", "2018-03-01", "--end", "2018-04-30", "--org", "baiyin")  # fmt: skip
    admin("training", "class", "add", "--name", "2018年烹饪班", "--trade", "cooking",
          "--start", "2018-06-01", "--end", "2018-06-30")  # fmt: skip
    case("training", "enroll", "C001", "H000001", "--member", "张建国", "--on", "2018-02-20")
    case("training", "enroll", "C002", "H000001", "--member", "张小梅", "--on", "2018-05-25")
    case("training", "complete", "C001", "H000001", "--member", "张建国", "--on", "2018-04-30")
    case("training", "certify", "C001", "H000001", "--member", "张建国",
         "--certificate", "W-2018-1", "--on", "2018-05-10")  # fmt: skip

    for method, outcome, on in (("phone", "reached", "02"), ("door", "no-answer", "03"),
                                ("phone", "reached", "04"), ("phone", "reached", "05")):  # fmt: skip
        case("household", "contact", "H000003", "--by", method, "--outcome", outcome,
             "--on", f"2018-05-{on}")  # fmt: skip
    approve("void", "CA003", "--reason", "录错了户", "--on", "2018-05-06")
    approve("void", "CA004", "--reason", "重复录入", "--on", "2018-05-06")
    ledger.ok("--operator", SECOND_APPROVER, "approve", "accept", "P0001")
    ledger.ok("--operator", SECOND_APPROVER, "approve", "accept", "P0002")

    money("aid", "grant", "H000001", "--program", "golden-autumn", "--member", "张小梅",
          "--fund", "F001", "--on", "2018-09-01")  # fmt: skip
    money("aid", "grant", "H000001", "--program", "medical-aid", "--amount", "8000",
          "--fund", "F001", "--on", "2018-09-02")  # fmt: skip
    money("aid", "reverse", "3", "--reason", "重复发放，退回资金", "--on", "2018-09-03")
    approve("approve", "accept", "P0003")
    money("aid", "reverse", "2", "--reason", "待核实", "--on", "2018-09-05")  # left waiting
    money("fund", "add", "--name", "2019年帮扶资金", "--source", "union", "--year", "2019")
    money("fund", "contribute", "F002", "5000", "--from", "白银市总工会", "--on", "2019-01-02")
    money("fund", "assert", "F001", "95000", "--on", "2018-09-04")
    money("aid", "loan", "H000001", "--amount", "20000", "--fund", "F001", "--term-months", "12",
          "--on", "2018-10-01")  # fmt: skip
    money("aid", "loan", "H000001", "--amount", "10000", "--fund", "F001", "--term-months", "12",
          "--on", "2018-10-02")  # fmt: skip
    money("aid", "repay", "L001", "2000", "--on", "2018-11-01")
    money("aid", "repay", "L002", "1000", "--on", "2018-11-02")
    money("aid", "loan-default", "L001", "--reason", "失联", "--on", "2019-11-01")
    money("aid", "loan-default", "L002", "--reason", "外出务工失联", "--on", "2019-11-02")
    money("fund", "assert", "F001", "68000", "--on", "2019-12-31")

    as_("auditor")("household", "show", "H000001", "--reveal", "--why", "核对身份证号")
    approve("household", "show", "H000002", "--reveal", "--why", "核对户主身份")

    case("household", "member", "edit", "H000001", "head", "--income", "5000")
    approve("exit", "stable", "H000001", "--recalculate", "--on", "2020-01-10")
    case("exit", "followup", "H000001", "--by", "李发明", "--outcome", "stable",
         "--note", "工作稳定", "--on", "2020-04-10")  # fmt: skip
    day = "2020-02-03"
    case("identify", "visit", "H000003", "--visitor", "李发明", "--visitor", "张清满", "--on", day)
    case("identify", "inspect", "H000003", "--car-value", "0", "--on", day)
    case("identify", "calculate", "H000003", "--on", day)
    review("identify", "deliberate", "H000003", "--decision", "approve", "--attendees", "5",
           "--minutes", "同意", "--on", day)  # fmt: skip
    review("identify", "appraise", "H000003", "--for", "9", "--against", "1", "--on", day)
    review("identify", "publicize", "H000003", "--from", day)
    approve("identify", "confirm", "H000003", "--by", "baiyin", "--on", "2020-02-10")
    approve("exit", "moved", "H000003", "--to", "兰州市", "--on", "2020-07-01")
    _checkpoints_and_witness(ledger, admin)


def _checkpoints_and_witness(ledger: Ledger, admin: Callable[..., object]) -> None:
    """Two checkpoint keys (the first retired), checkpoints, and two county ledgers
    witnessed, each with a rollback kept as evidence."""
    admin("ledger", "key", "--origin", "kunnan/白银市总工会")
    admin("ledger", "checkpoint")
    admin("ledger", "key")
    admin("ledger", "checkpoint")
    folder = Path(tempfile.mkdtemp())
    for origin in ("kunnan/白银区总工会", "kunnan/平川区总工会"):
        key = key_from_seed(origin.encode())
        admin("witness", "add", verifier_key(origin, public_bytes(key)))
        for size, code in ((9, 0), (4, 5)):  # the second goes back: refused, kept
            body = checkpoint_body(NoteCheckpoint(origin, size, bytes([size]) * 32))
            path = folder / f"{size}.json"
            path.write_text(json.dumps({"format": BUNDLE_FORMAT, "proofs": [{"old_size": 0, "proof": []}],
                                        "checkpoint": sign_note(body, origin, key)}))  # fmt: skip
            done = ledger.run("--operator", CITY_STAFF["admin"], "witness", "update", str(path))
            assert done.exit_code == code, done.stderr


records = ledger_fixture(*STAFFED, ("tamper-records", _build))

#: The column an edit changes in each table (its new value follows from the old one, by
#: type, unless given).
EDITED: dict[str, str | tuple[str, Any]] = {
    "audit_log": "operator",
    "fund": "year",
    "ledger_head": "seq",
    "org": "name",
    "policy_line": "dibao_line_fen",
    "void": "reason",
    "agreement": "target_helped",
    "fund_assertion": "balance_fen",
    "household": "address",
    "operator": ("role", "caseworker"),
    "operator_key": "added_at",
    "training_class": "name",
    "contact_attempt": "note",
    "household_cause_ended": "until_on",
    "household_status_change": "reason",
    "housing_case": "opened_on",
    "identification_case": "started_on",
    "member": "monthly_income_fen",
    "pairing": "contact_name",
    "counseling_session": "note",
    "household_head_change": "note",
    "housing_status_change": "note",
    "identification_step": "note",
    "income_calculation": "per_capita_fen",
    "legal_case": "opened_on",
    "objection": "text",
    "pair_visit": "note",
    "training_enrolment": "enrolled_on",
    "household_exit": "reason",
    "household_review": "note",
    "job_placement": "monthly_wage_fen",
    "legal_status_change": "note",
    "loan": "amount_fen",
    "followup": "note",
    "training_progress": "on_date",
    "pending": "expires_on",
    "policy_setting": ("value", "3"),
    "program": "name",
    "program_rule": "ceiling",
    "household_cause": "position",
    "aid_entry": "amount_fen",
    "loan_default": "reason",
    "loan_repayment": "loan_id",
    "ledger_key": "origin",
    "witnessed_log": "size",
    "witness_evidence": "kind",
}

#: Which rows of a table stand for it, when not all do: the audit rows of a reveal.
ONLY: dict[str, Callable[[Table], Any]] = {"audit_log": lambda t: t.c.action == "reveal"}

#: A table with one row by design (``CHECK (id = 1)``): no copy of it, no second row.
SINGLE = {"ledger_head"}

SIGNED_BY_NAME = {signed.table: signed for signed in SIGNED}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _key_columns(signed: SignedTable) -> list[str]:
    return [column for column, _kind in signed.key]


def _lowest(connection: Connection, name: str, count: int) -> list[dict[str, Any]]:
    """The ``count`` rows of lowest key of a table (of those that stand for it)."""
    table = _table(name)
    query = select(table).order_by(*(table.c[c] for c in _key_columns(SIGNED_BY_NAME[name])))
    if name in ONLY:
        query = query.where(ONLY[name](table))
    rows = [dict(row._mapping) for row in connection.execute(query.limit(count))]
    assert len(rows) == count, f"the ledger needs {count} row(s) of {name}"
    return rows


def _where(name: str, row: dict[str, Any]) -> Any:
    table = _table(name)
    return and_(*(table.c[c] == row[c] for c in _key_columns(SIGNED_BY_NAME[name])))


def _ref(name: str, row: dict[str, Any]) -> str:
    return f"{name} {key_text([row[c] for c in _key_columns(SIGNED_BY_NAME[name])])}"


def _other(value: Any, length: int | None = None) -> Any:
    """A value of the same type as ``value`` and different from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | Decimal):
        return value + 1
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, bytes):
        return bytes([value[0] ^ 1]) + value[1:]
    assert isinstance(value, str), value
    return (value if length is None or len(value) < length else value[: length - 1]) + "改"


def _fresh(connection: Connection, name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` under a key no row has, its unique columns made unique too."""
    table = _table(name)
    copy = dict(row)
    for column, kind in SIGNED_BY_NAME[name].key:
        if kind == "int":
            copy[column] = connection.scalar(select(func.max(table.c[column]))) + 1
        elif kind == "date":
            copy[column] = dt.date(2099, 1, 1)
        else:
            copy[column] = row[column] + "-copy"
    keys = set(_key_columns(SIGNED_BY_NAME[name]))
    # Each unique set of columns (partial indexes too) gets one column changed.
    unique = [(c.name,) for c in table.columns if c.unique]
    unique += [
        tuple(c.name for c in k.columns)
        for k in table.constraints
        if isinstance(k, UniqueConstraint)
    ]
    unique += [tuple(c.name for c in index.columns) for index in table.indexes if index.unique]
    changed: set[str] = set()
    for columns in unique:
        free = [c for c in columns if c not in keys and copy[c] is not None]
        if not free or changed & set(columns):
            continue
        column, value = free[-1], copy[free[-1]]
        if isinstance(value, int) and not isinstance(value, bool):
            copy[column] = connection.scalar(select(func.max(table.c[column]))) + 1000
        else:
            copy[column] = _other(value, getattr(table.c[column].type, "length", None))
        changed.add(column)
    return copy


@contextmanager
def _unwatched(ledger: Ledger, name: str) -> Iterator[Connection]:
    """A raw connection changing ``name`` with no trigger firing and no foreign key checked,
    leaving the triggers as kunnan installs them."""
    with raw(ledger) as connection:
        if ledger.backend == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            yield connection
            return
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        triggers = [t for t in expected("sqlite") if t.table == name]
        for trigger in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {trigger.name}")
        yield connection
        for trigger in triggers:
            connection.exec_driver_sql(trigger.definition)


def edit(ledger: Ledger, name: str) -> list[str]:
    """UPDATE one non-key column of the table's first row."""
    column, *given = (EDITED[name],) if isinstance(EDITED[name], str) else EDITED[name]
    with _unwatched(ledger, name) as connection:
        (row,) = _lowest(connection, name, 1)
        length = getattr(_table(name).c[column].type, "length", None)
        value = given[0] if given else _other(row[column], length)
        assert value != row[column], (name, column, value)
        connection.execute(_table(name).update().where(_where(name, row)).values({column: value}))
    return [_ref(name, row)]


def delete(ledger: Ledger, name: str) -> list[str]:
    """DELETE the table's first row."""
    with _unwatched(ledger, name) as connection:
        (row,) = _lowest(connection, name, 1)
        connection.execute(_table(name).delete().where(_where(name, row)))
    return [_ref(name, row)]


def insert_copy(ledger: Ledger, name: str) -> list[str]:
    """INSERT a copy of the table's first row under a fresh key."""
    with _unwatched(ledger, name) as connection:
        (row,) = _lowest(connection, name, 1)
        fresh = _fresh(connection, name, row)
        connection.execute(insert(_table(name)).values(fresh))
    return [_ref(name, fresh)]


def reorder(ledger: Ledger, name: str) -> list[str]:
    """Swap what the table's first two rows hold, each keeping its key (for the aid ledger:
    two entries swap their seq)."""
    keys = _key_columns(SIGNED_BY_NAME[name])
    with _unwatched(ledger, name) as connection:
        first, second = _lowest(connection, name, 2)
        contents = [{c: v for c, v in row.items() if c not in keys} for row in (first, second)]
        assert contents[0] != contents[1], f"the first two rows of {name} hold the same"
        for row in (first, second):
            connection.execute(_table(name).delete().where(_where(name, row)))
        for row, content in ((first, contents[1]), (second, contents[0])):
            swapped = {**content, **{c: row[c] for c in keys}}
            connection.execute(insert(_table(name)).values(swapped))
    return [_ref(name, first), _ref(name, second)]


TAMPERING: dict[str, Callable[[Ledger, str], list[str]]] = {
    "edit": edit,
    "delete": delete,
    "insert": insert_copy,
    "reorder": reorder,
}

CASES = [
    pytest.param(table, how, id=f"{table}-{how}")
    for table in EDITED
    for how in TAMPERING
    if not (table in SINGLE and how in ("insert", "reorder"))
]


def _names(ref: str, record: str) -> bool:
    """Whether a problem's ``ref`` names the record ("household 3", not "household 31")."""
    return re.search(rf"(^|[^\w/-]){re.escape(record)}($|[^\w/-])", ref) is not None


def test_every_signed_table_is_tampered_with() -> None:
    assert set(EDITED) == {signed.table for signed in SIGNED}


def test_the_untouched_ledger_verifies_and_has_rows_of_every_kind(records: Ledger) -> None:
    assert "ledger checks passed" in records.ok("db", "verify").stderr
    for name in EDITED:
        count = sql(records, f"SELECT count(*) FROM {name}")[0][0]
        assert count >= (1 if name in SINGLE else 2), name
    reveals = sql(records, "SELECT count(*) FROM audit_log WHERE action = 'reveal'")[0][0]
    assert reveals >= 2


@pytest.mark.parametrize(("table", "how"), CASES)
def test_db_verify_names_each_record_changed_outside_kunnan(
    records: Ledger, table: str, how: str
) -> None:
    named = TAMPERING[how](records, table)
    before = records.snapshot()
    result = records.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "problem(s) found" in lines[0]
    problems = result.rows()
    for record in named:
        assert any(_names(p["ref"], record) for p in problems), (record, problems)
    assert records.snapshot() == before


# --- the log itself ------------------------------------------------------------------------


def _log(connection: Connection, *statements: tuple[str, dict[str, Any]]) -> None:
    for statement, params in statements:
        connection.execute(text(statement), params)


#: Raw SQL on the event log (and its checkpoints), and the records db verify must name.
LOG_TAMPERING: dict[str, tuple[list[tuple[str, dict[str, Any]]], list[str]]] = {
    "edit": ([("UPDATE log_entry SET digest = :zero WHERE leaf_index = 3", {"zero": bytes(32)})],
             ["event 3"]),
    "delete": ([("DELETE FROM log_entry WHERE leaf_index = 3", {})], ["event 4"]),
    "insert": ([("INSERT INTO log_entry (leaf_index, signature_id, table_name, row_key, digest, "
                 "recorded_at, leaf_hash) SELECT leaf_index + 1000000, signature_id, table_name, "
                 "row_key, digest, recorded_at, leaf_hash FROM log_entry WHERE leaf_index = 3",
                 {})], ["event 1000003"]),
    "reorder": ([("UPDATE log_entry SET leaf_index = -1 WHERE leaf_index = 3", {}),
                 ("UPDATE log_entry SET leaf_index = 3 WHERE leaf_index = 4", {}),
                 ("UPDATE log_entry SET leaf_index = 4 WHERE leaf_index = -1", {})],
                ["event 3", "event 4"]),
    "checkpoint": ([("UPDATE checkpoint SET size = size - 1 WHERE id = "
                     "(SELECT min(id) FROM checkpoint)", {})], ["checkpoint"]),
    # the secret personal data is digested with: every member's row no longer matches
    "secret": ([("UPDATE ledger_secret SET secret = :zero", {"zero": bytes(32)})], ["member"]),
}  # fmt: skip


@pytest.mark.parametrize("how", sorted(LOG_TAMPERING))
def test_db_verify_names_each_event_changed_outside_kunnan(records: Ledger, how: str) -> None:
    statements, named = LOG_TAMPERING[how]
    table = {"checkpoint": "checkpoint", "secret": "ledger_secret"}.get(how, "log_entry")
    with _unwatched(records, table) as connection:
        _log(connection, *statements)
    result = records.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    refs = [p["ref"] for p in result.rows() if p["check"] == "log"]
    for record in named:
        assert any(ref.startswith(record) for ref in refs), (record, refs)
