"""PostgreSQL enforces who may do what: a database role per kunnan role and per operator, table
privileges by duty, and row-level security by union (``kunnan db roles sync``).

- One group role per kunnan role (``Role``), named with the ledger's prefix (``prefix``:
  PostgreSQL roles belong to the whole server, so each ledger database has its own). Its
  table privileges are those of the duties ``domain.operators.ROLE_DUTIES`` gives the role:
  every group reads every table; each duty changes the tables ``DUTY_TABLES`` names; every
  role adds to the tables of ``EVERY_ROLE_WRITES`` (the audit log: even a reveal is recorded)
  and changes those of ``EVERY_ROLE_CHANGES`` (the signing of every write, pending approvals);
  and the append-only tables (``APPEND_ONLY_TABLES``: the audit log and every table the
  triggers of ``db.triggers`` protect) are only ever granted INSERT and SELECT.
- One role per operator (``operator.db_role``), NOLOGIN and a member of its role's group;
  ``--login`` lets it log in with a SCRAM-SHA-256 verifier computed here, so the password
  itself never reaches the server. A disabled operator's role loses its group and LOGIN.
- Row-level security: ``kunnan_scope()`` (SECURITY DEFINER, owned by the ledger's owner) is
  the path of the union of the operator whose role is ``current_user`` (NULL: the owner, or
  an operator of the whole ledger). Policies keep households, every table hanging off a
  household (found through the foreign keys), funds, the aid ledger and the audit log to the
  rows of that union and those under it. The tables are ENABLEd and FORCEd, and the policies
  let a NULL scope through, so the owner keeps every row. Only a table's owner alters it,
  drops its policies or its triggers; operators' roles own nothing.

SQL only, over the catalogue; the rules of who gets what come from ``domain.operators``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from kunnan.db.triggers import APPEND_ONLY
from kunnan.domain.enums import Duty, Role
from kunnan.domain.operators import ROLE_DUTIES

#: The tables every role may add rows to, whatever its duties (more will join, e.g. signatures).
EVERY_ROLE_WRITES: tuple[str, ...] = ("audit_log", "log_entry")

#: Tables every role changes as part of any write: the signing of each write (the rows it
#: changed, noted by triggers and emptied when sealed; the signature and each row's latest
#: digest), an operator's own new key, and the actions held for a second operator.
EVERY_ROLE_CHANGES: tuple[str, ...] = (
    "row_change", "signature", "signed_row", "operator_key", "pending",
)  # fmt: skip

#: Tables whose rows are never changed nor deleted: INSERT and SELECT only, for everyone.
APPEND_ONLY_TABLES: frozenset[str] = frozenset({"audit_log", *(t.table for t in APPEND_ONLY)})

#: Every table, for the duties that may change any of them.
EVERY_TABLE = "*"

_REGISTER = (
    "household", "household_cause", "household_cause_ended", "member", "household_head_change",
    "household_status_change", "contact_attempt", "identification_case", "identification_step",
    "income_calculation",
)  # fmt: skip

#: The tables each duty changes (INSERT, UPDATE, DELETE; INSERT only if append-only).
DUTY_TABLES: dict[Duty, tuple[str, ...]] = {
    Duty.CASEWORK: (
        *_REGISTER, "pairing", "pair_visit", "followup", "job_placement", "housing_case",
        "housing_status_change", "legal_case", "legal_status_change", "counseling_session",
        "training_enrolment", "training_progress",
    ),
    Duty.REVIEW: (*_REGISTER, "objection", "household_review"),
    Duty.APPROVE: (
        *_REGISTER, "household_exit", "followup", "void", "pairing", "pair_visit",
        "job_placement", "housing_case", "housing_status_change", "legal_case",
        "legal_status_change", "counseling_session", "training_progress", "objection",
        "household_review",
    ),
    Duty.MONEY: (
        "fund", "aid_entry", "fund_assertion", "ledger_head", "loan", "loan_repayment",
        "loan_default",
    ),
    Duty.ADMINISTER: (EVERY_TABLE,),
}  # fmt: skip

#: Tables every writer holds a row of while it writes (SELECT … FOR UPDATE needs UPDATE on a
#: column): the household, the fund, the chain head (``db.locks``).
_HELD = ("household", "fund", "ledger_head")

SCOPE_FUNCTION = "kunnan_scope"
POLICY = "kunnan_scope"
_READ_POLICY, _WRITE_POLICY = "kunnan_scope_read", "kunnan_scope_insert"
_NAME = re.compile(r"[a-z0-9_]{1,63}")


def prefix(database: str) -> str:
    """The start of every role name of this ledger database: short, and its own."""
    return "kunnan_" + hashlib.sha256(database.encode()).hexdigest()[:10] + "_"


def group_of(role: Role, start: str) -> str:
    return f"{start}{role.value}"


def operator_role(operator_id: int, start: str) -> str:
    return f"{start}op{operator_id}"


def writes(role: Role) -> bool:
    return any(DUTY_TABLES.get(duty) for duty in ROLE_DUTIES[role])


def table_privileges(role: Role, tables: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """What ``role``'s group may do with each table: its duties' tables, every role's, and
    only INSERT and SELECT on the append-only ones."""
    changes: set[str] = set()
    for duty in ROLE_DUTIES[role]:
        changes.update(DUTY_TABLES.get(duty, ()))
    grants: dict[str, tuple[str, ...]] = {}
    for table in tables:
        writes_it = EVERY_TABLE in changes or table in changes
        if table in EVERY_ROLE_WRITES or (writes_it and table in APPEND_ONLY_TABLES):
            grants[table] = ("SELECT", "INSERT")
        elif writes_it or table in EVERY_ROLE_CHANGES:
            grants[table] = ("SELECT", "INSERT", "UPDATE", "DELETE")
        else:
            grants[table] = ("SELECT",)
    return grants


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, 7677), made
    here so the password is never sent to the server."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


@dataclass(frozen=True)
class OperatorRole:
    name: str
    role: str
    db_role: str
    disabled: bool


@dataclass(frozen=True)
class Synced:
    groups: tuple[str, ...]
    operators: tuple[OperatorRole, ...]
    login: str | None


def _q(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a role or table name kunnan makes: {name!r}")
    return f'"{name}"'


def _ddl(connection: Connection, statement: str) -> None:
    """A statement without parameters (DDL), whatever colons it holds."""
    connection.execute(text(statement.replace(":", "\\:")))


def _tables(connection: Connection) -> list[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    )
    return [str(row[0]) for row in rows]


def _ensure_role(connection: Connection, name: str) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    if exists.first() is None:
        _ddl(connection, f"CREATE ROLE {_q(name)} NOLOGIN")


def _grant_groups(connection: Connection, start: str, tables: Sequence[str]) -> list[str]:
    groups = []
    for role in Role:
        group = group_of(role, start)
        groups.append(group)
        _ensure_role(connection, group)
        _ddl(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {_q(group)}")
        _ddl(connection, f"GRANT USAGE ON SCHEMA public TO {_q(group)}")
        for table, privileges in table_privileges(role, tables).items():
            _ddl(connection, f"GRANT {', '.join(privileges)} ON {_q(table)} TO {_q(group)}")
        # Every role adds audit rows (EVERY_ROLE_WRITES), which take their ids from a sequence.
        _ddl(connection, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_q(group)}")
        if writes(role):
            for table in _HELD:
                if table in tables:
                    _ddl(connection, f"GRANT UPDATE (id) ON {_q(table)} TO {_q(group)}")
    return groups


def _sync_operators(connection: Connection, start: str) -> list[OperatorRole]:
    rows = connection.execute(
        text("SELECT id, name, role, disabled_on, db_role FROM operator ORDER BY id")
    ).all()
    synced = []
    for operator_id, name, role, disabled_on, db_role in rows:
        role_name = db_role or operator_role(int(operator_id), start)
        _ensure_role(connection, role_name)
        if db_role is None:
            connection.execute(
                text("UPDATE operator SET db_role = :r WHERE id = :id"),
                {"r": role_name, "id": operator_id},
            )
        for other in Role:
            _ddl(connection, f"REVOKE {_q(group_of(other, start))} FROM {_q(role_name)}")
        if disabled_on is None:
            connection.execute(text(f"GRANT {_q(group_of(Role(role), start))} TO {_q(role_name)}"))
        else:
            _ddl(connection, f"ALTER ROLE {_q(role_name)} NOLOGIN")
        synced.append(OperatorRole(str(name), str(role), role_name, disabled_on is not None))
    return synced


#: A household of the operator's union or one under it.
_HOUSEHOLD_IN_SCOPE = (
    "EXISTS (SELECT 1 FROM org o WHERE o.id = household.org_id "
    "AND starts_with(o.path, kunnan_scope()))"
)
#: A fund of the operator's union or one under it (a fund without a union: the root union's).
_FUND_IN_SCOPE = (
    "starts_with(COALESCE((SELECT o.path FROM org o WHERE o.id = fund.org_id), "
    "(SELECT o.path FROM org o WHERE o.parent_id IS NULL ORDER BY o.id LIMIT 1)), "
    "kunnan_scope())"
)


@dataclass(frozen=True)
class Reference:
    """A column of a table that names a row of ``parent`` (by its column ``key``)."""

    column: str
    parent: str
    key: str


def _covered(connection: Connection, tables: Sequence[str]) -> dict[str, list[Reference]]:
    """The tables row-level security restricts, each with the (column, parent table) it is
    judged through: household and fund by their union; every table with a reference to one
    already restricted (a household_id column counts as one), level by level, so no policy
    ever reads a table that reads it back."""
    edges = connection.execute(
        text(
            "SELECT cl.relname, a.attname, pc.relname, pa.attname FROM pg_constraint c "
            "JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class pc ON pc.oid = c.confrelid "
            "JOIN pg_namespace n ON n.oid = cl.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() "
            "AND array_length(c.conkey, 1) = 1 ORDER BY 1, 2"
        )
    ).all()
    references: dict[str, list[Reference]] = {}
    for child, column, parent, key in edges:
        if child != parent:
            references.setdefault(str(child), []).append(
                Reference(str(column), str(parent), str(key))
            )
    household_columns = connection.execute(
        text(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_name = 'household_id' ORDER BY 1"
        )
    ).all()
    for (table,) in household_columns:
        known = references.setdefault(str(table), [])
        if not any(r.column == "household_id" for r in known):
            known.append(Reference("household_id", "household", "id"))
    covered: dict[str, list[Reference]] = {"household": [], "fund": []}
    while True:
        level = {
            table: [r for r in references.get(table, []) if r.parent in covered]
            for table in tables
            if table not in covered
        }
        new = {table: through for table, through in level.items() if through}
        if not new:
            return covered
        covered.update(new)


def _expression(table: str, through: Sequence[Reference], *, strict: bool) -> str:
    """The policy's condition on a row of ``table``; ``strict``: a row that names no
    household is the unscoped operators' only (the audit log). Names are the catalogue's,
    checked by ``_q``."""
    scope = f"{SCOPE_FUNCTION}()"
    if table == "household":
        mine = _HOUSEHOLD_IN_SCOPE
    elif table == "fund":
        mine = _FUND_IN_SCOPE
    else:
        parts = []
        for ref in through:
            row = f"{_q(table)}.{_q(ref.column)}"
            found = f"EXISTS (SELECT 1 FROM {_q(ref.parent)} p WHERE p.{_q(ref.key)} = {row})"  # noqa: S608
            parts.append(found if strict else f"({row} IS NULL OR {found})")
        mine = " OR ".join(parts) if strict else " AND ".join(parts)
    return f"{scope} IS NULL OR ({mine})"


def _row_security(connection: Connection, tables: Sequence[str], groups: Sequence[str]) -> None:
    connection.execute(
        text(
            f"CREATE OR REPLACE FUNCTION {SCOPE_FUNCTION}(who text DEFAULT current_user) "  # noqa: S608
            "RETURNS text LANGUAGE sql STABLE SECURITY DEFINER "
            "SET search_path = pg_catalog, public AS $$ "
            "SELECT o.path FROM public.operator op JOIN public.org o ON o.id = op.org_id "
            "WHERE op.db_role = who AND op.disabled_on IS NULL $$"
        )
    )
    _ddl(connection, f"REVOKE ALL ON FUNCTION {SCOPE_FUNCTION}(text) FROM PUBLIC")
    for group in groups:
        _ddl(connection, f"GRANT EXECUTE ON FUNCTION {SCOPE_FUNCTION}(text) TO {_q(group)}")
    for table, through in _covered(connection, tables).items():
        name = _q(table)
        _ddl(connection, f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        _ddl(connection, f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        for policy in (POLICY, _READ_POLICY, _WRITE_POLICY):
            _ddl(connection, f"DROP POLICY IF EXISTS {policy} ON {name}")
        if table == "audit_log":
            read = _expression(table, through, strict=True)
            write = _expression(table, through, strict=False)
            connection.execute(
                text(f"CREATE POLICY {_READ_POLICY} ON {name} FOR SELECT USING ({read})")
            )
            connection.execute(
                text(f"CREATE POLICY {_WRITE_POLICY} ON {name} FOR INSERT WITH CHECK ({write})")
            )
        else:
            condition = _expression(table, through, strict=False)
            connection.execute(
                text(
                    f"CREATE POLICY {POLICY} ON {name} FOR ALL USING ({condition}) "
                    f"WITH CHECK ({condition})"
                )
            )


def sync(connection: Connection, *, login: tuple[int, str] | None = None) -> Synced:
    """Make (or bring up to date) the ledger's group roles, its operators' roles and the
    row-level security; ``login``: (operator id, password) whose role may then log in."""
    database = str(connection.execute(text("SELECT current_database()")).scalar_one())
    start = prefix(database)
    tables = _tables(connection)
    groups = _grant_groups(connection, start, tables)
    operators = _sync_operators(connection, start)
    _row_security(connection, tables, groups)
    login_role = None
    if login is not None:
        operator_id, password = login
        login_role = str(
            connection.execute(
                text("SELECT db_role FROM operator WHERE id = :id"), {"id": operator_id}
            ).scalar_one()
        )
        verifier = scram_verifier(password)
        assert re.fullmatch(r"[A-Za-z0-9$:+/=-]+", verifier)
        _ddl(connection, f"ALTER ROLE {_q(login_role)} LOGIN PASSWORD '{verifier}'")
    return Synced(tuple(groups), tuple(operators), login_role)
