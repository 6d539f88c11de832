"""The append-only triggers kunnan installs, written down once, and how to find them altered.

The audit log, the aid ledger, balance assertions and the loan tables refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL) in the database itself. Those
refusals are only as good as the triggers behind them, and a person with SQL
can drop a trigger, replace it by one that does nothing, rewrite the function
it calls, or disable it (PostgreSQL). ``EXPECTED`` is what the head migration
leaves; ``trigger_problems`` compares the ledger's catalogue with it, and
``kunnan db verify`` reports any difference (``services.checks``).

The definitions are the triggers as the catalogue prints them: SQLite keeps the
``CREATE TRIGGER`` text as it was run (``sqlite_master.sql``); PostgreSQL prints
``pg_get_triggerdef`` and keeps the function's body (``pg_proc.prosrc``). Both
are compared with runs of blanks folded, so layout never counts but every word
does. Migrations from 0009 on create triggers from these definitions; one that
changes a definition here copies the old text into the migrations that ran it.

The second kind of trigger notes, in ``row_change``, each row of a signed table
(``SIGNED``: every table kunnan keeps records in, except the signing tables themselves)
that a statement inserts, updates or deletes, so that the end of the write signs exactly
those rows (``store.signatures``). ``kunnan db verify`` checks these triggers too.

Database specifics (SQLite's schema table, PostgreSQL's catalogue) live here,
in db/, like the pragmas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

from kunnan.i18n import N_, _

#: The words each kind of table refuses with; ``{table}`` is the table's name.
RECORD_REFUSAL = "{table} rows are never changed or deleted"
LEDGER_REFUSAL = (
    "{table} rows are append-only: they are never updated or deleted "
    "(correct an entry with a reversal)"
)

#: PostgreSQL: the function the aid ledger's tables share (migration 0006); it names the
#: table it refuses for. Its body is split over two string constants, as it was written.
LEDGER_FUNCTION = "kunnan_append_only"
LEDGER_FUNCTION_BODY = (
    "BEGIN RAISE EXCEPTION '% rows are append-only: they are never updated or deleted ' "
    "'(correct an entry with a reversal)', TG_TABLE_NAME; END"
)


@dataclass(frozen=True)
class AppendOnlyTable:
    """A table whose rows are added and never changed, and how its triggers are built."""

    table: str
    #: The migration that protected it.
    since: str
    #: The aid ledger's own tables share one PostgreSQL function; the others have their own.
    ledger: bool = False

    @property
    def refusal(self) -> str:
        return (LEDGER_REFUSAL if self.ledger else RECORD_REFUSAL).format(table=self.table)

    @property
    def function(self) -> str:
        """The PostgreSQL function its triggers call."""
        return LEDGER_FUNCTION if self.ledger else f"{self.table}_append_only"

    @property
    def function_body(self) -> str:
        return (
            LEDGER_FUNCTION_BODY if self.ledger else f"BEGIN RAISE EXCEPTION '{self.refusal}'; END"
        )


APPEND_ONLY: tuple[AppendOnlyTable, ...] = (
    AppendOnlyTable("audit_log", since="0004"),
    AppendOnlyTable("aid_entry", since="0006", ledger=True),
    AppendOnlyTable("fund_assertion", since="0006", ledger=True),
    AppendOnlyTable("loan", since="0008"),
    AppendOnlyTable("loan_repayment", since="0008"),
    AppendOnlyTable("loan_default", since="0008"),
    AppendOnlyTable("log_entry", since="0019"),
    AppendOnlyTable("checkpoint", since="0019"),
)

#: The tables whose PostgreSQL TRUNCATE refusal migration 0009 adds (0006 gave the aid
#: ledger's tables theirs).
TRUNCATE_SINCE_0009 = tuple(t for t in APPEND_ONLY if not t.ledger and t.since < "0009")


@dataclass(frozen=True)
class SignedTable:
    """A table whose rows are signed, and the columns of its key with their kind
    (``int``, ``text`` or ``date``), which the triggers write as ``domain.signing.key_text``
    does."""

    table: str
    key: tuple[tuple[str, str], ...] = (("id", "int"),)
    #: The migration that installed its noting triggers.
    since: str = "0018"


def _signed(*names: str, since: str = "0018") -> tuple[SignedTable, ...]:
    return tuple(SignedTable(name, since=since) for name in names)


#: Every table kunnan keeps records in, except the signing tables (``row_change``,
#: ``signature``, ``signed_row``), the event log (``log_entry``) and the checkpoints that
#: sign it (``checkpoint``, each its own proof); a test holds it to the models.
SIGNED: tuple[SignedTable, ...] = (
    *_signed(
        "audit_log", "fund", "ledger_head", "org", "policy_line", "void", "agreement",
        "fund_assertion", "household", "operator", "operator_key", "training_class",
        "contact_attempt", "household_cause_ended", "household_status_change",
        "housing_case", "identification_case", "member", "pairing", "counseling_session",
        "household_head_change", "housing_status_change", "identification_step",
        "income_calculation", "legal_case", "objection", "pair_visit", "training_enrolment",
        "household_exit", "household_review", "job_placement", "legal_status_change", "loan",
        "followup", "training_progress", "pending",
    ),
    SignedTable("policy_setting", (("key", "text"), ("effective_from", "date"))),
    SignedTable("program", (("code", "text"),)),
    SignedTable("program_rule", (("program", "text"), ("effective_from", "date"))),
    SignedTable("household_cause", (("household_id", "int"), ("cause", "text"))),
    SignedTable("aid_entry", (("seq", "int"),)),
    SignedTable("loan_default", (("loan_id", "int"),)),
    SignedTable("loan_repayment", (("entry_seq", "int"),)),
    *_signed("ledger_key", "witnessed_log", "witness_evidence", since="0019"),
)  # fmt: skip


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    #: What it refuses, for the problem a missing one makes: "UPDATE", "TRUNCATE" …
    refuses: str
    #: The definition as the catalogue prints it (PostgreSQL: without the schema).
    definition: str
    #: PostgreSQL: the function it calls and that function's body.
    function: str | None = None
    function_body: str | None = None
    #: It notes changes for signing (``SIGNED``) rather than refusing them.
    notes: bool = False


def _sqlite_key(table: SignedTable, row: str) -> str:
    return " || '/' || ".join(f"CAST({row}.{column} AS TEXT)" for column, _kind in table.key)


def _postgresql_key(table: SignedTable, row: str) -> str:
    parts = [
        f"to_char({row}.{column}, 'YYYY-MM-DD')" if kind == "date" else f"{row}.{column}::text"
        for column, kind in table.key
    ]
    return " || '/' || ".join(parts)


def sqlite_noting(table: SignedTable) -> tuple[Trigger, ...]:
    name = table.table
    new, old = _sqlite_key(table, "NEW"), _sqlite_key(table, "OLD")
    bodies = {
        "INSERT": f"INSERT INTO row_change (table_name, row_key) VALUES ('{name}', {new});",  # noqa: S608
        "UPDATE": (
            f"INSERT INTO row_change (table_name, row_key) SELECT '{name}', {new} "
            f"UNION SELECT '{name}', {old};"
        ),
        "DELETE": f"INSERT INTO row_change (table_name, row_key) VALUES ('{name}', {old});",  # noqa: S608
    }
    return tuple(
        Trigger(
            name=f"{name}_noted_{verb.lower()}",
            table=name,
            refuses=verb,
            definition=(
                f"CREATE TRIGGER {name}_noted_{verb.lower()} AFTER {verb} ON {name} "
                f"BEGIN {body} END"
            ),
            notes=True,
        )
        for verb, body in bodies.items()
    )


def postgresql_noting(table: SignedTable) -> Trigger:
    name = table.table
    new, old = _postgresql_key(table, "NEW"), _postgresql_key(table, "OLD")
    body = (
        "BEGIN "  # noqa: S608 (kunnan's own table and column names)
        "IF TG_OP <> 'DELETE' THEN "
        f"INSERT INTO row_change (table_name, row_key) VALUES ('{name}', {new}); END IF; "
        f"IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({old}) IS DISTINCT FROM ({new})) THEN "
        f"INSERT INTO row_change (table_name, row_key) VALUES ('{name}', {old}); END IF; "
        "RETURN NULL; END"
    )
    return Trigger(
        name=f"{name}_noted",
        table=name,
        refuses=N_("INSERT, UPDATE and DELETE"),
        definition=(
            f"CREATE TRIGGER {name}_noted AFTER INSERT OR DELETE OR UPDATE ON {name} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_noted()"
        ),
        function=f"{name}_noted",
        function_body=body,
        notes=True,
    )


def signed_since(revision: str) -> tuple[SignedTable, ...]:
    """The signed tables whose noting triggers migration ``revision`` installs."""
    return tuple(table for table in SIGNED if table.since == revision)


def noting(dialect: str, tables: tuple[SignedTable, ...] = SIGNED) -> tuple[Trigger, ...]:
    """The triggers that note each change of a signed table's rows in ``row_change``."""
    if dialect == "postgresql":
        return tuple(postgresql_noting(table) for table in tables)
    return tuple(trigger for table in tables for trigger in sqlite_noting(table))


def create_noting(connection: Connection, tables: tuple[SignedTable, ...] = SIGNED) -> None:
    """Install the noting triggers (migration 0018): functions first on PostgreSQL."""
    dialect = connection.dialect.name
    for trigger in noting(dialect, tables):
        if trigger.function is not None:
            connection.exec_driver_sql(
                f"CREATE FUNCTION {trigger.function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"{trigger.function_body} $$"
            )
        connection.exec_driver_sql(trigger.definition)


def drop_noting(connection: Connection, tables: tuple[SignedTable, ...] = SIGNED) -> None:
    dialect = connection.dialect.name
    for trigger in noting(dialect, tables):
        if dialect == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {trigger.function}()")
        else:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name}")


def create_append_only(connection: Connection, table: AppendOnlyTable) -> None:
    """Install a table's append-only triggers as ``expected`` describes them (migrations
    from 0019 on; the earlier ones wrote theirs out)."""
    postgresql = connection.dialect.name == "postgresql"
    built = postgresql_triggers(table) if postgresql else sqlite_triggers(table)
    functions = {t.function: t.function_body for t in built if t.function is not None}
    for function, body in functions.items():
        connection.exec_driver_sql(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$"
        )
    for trigger in built:
        connection.exec_driver_sql(trigger.definition)


def drop_append_only(connection: Connection, table: AppendOnlyTable) -> None:
    postgresql = connection.dialect.name == "postgresql"
    built = postgresql_triggers(table) if postgresql else sqlite_triggers(table)
    for trigger in built:
        on = f" ON {trigger.table}" if postgresql else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name}{on}")
    for function in {t.function for t in built if t.function is not None}:
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")


def sqlite_triggers(table: AppendOnlyTable) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(
            name=f"{table.table}_no_{verb.lower()}",
            table=table.table,
            refuses=verb,
            definition=(
                f"CREATE TRIGGER {table.table}_no_{verb.lower()} BEFORE {verb} ON {table.table} "
                f"BEGIN SELECT RAISE(ABORT, '{table.refusal}'); END"
            ),
        )
        for verb in ("UPDATE", "DELETE")
    )


def postgresql_triggers(table: AppendOnlyTable) -> tuple[Trigger, ...]:
    name, function, body = table.table, table.function, table.function_body
    return (
        Trigger(
            name=f"{name}_append_only",
            table=name,
            refuses=N_("UPDATE and DELETE"),
            definition=(
                f"CREATE TRIGGER {name}_append_only BEFORE DELETE OR UPDATE ON {name} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            ),
            function=function,
            function_body=body,
        ),
        Trigger(
            name=f"{name}_no_truncate",
            table=name,
            refuses="TRUNCATE",
            definition=(
                f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            ),
            function=function,
            function_body=body,
        ),
    )


def expected(dialect: str) -> tuple[Trigger, ...]:
    """Every trigger the head migration leaves on this kind of database: the append-only
    ones, and those that note changes for signing."""
    build = postgresql_triggers if dialect == "postgresql" else sqlite_triggers
    return (
        *(trigger for table in APPEND_ONLY for trigger in build(table)),
        *noting(dialect),
    )


def trigger_functions() -> list[str]:
    """The PostgreSQL functions kunnan's triggers call."""
    return sorted({t.function for t in expected("postgresql") if t.function is not None})


def folded(sql: str) -> str:
    """The text with each run of blanks (newlines included) made one space."""
    return " ".join(sql.split())


@dataclass(frozen=True)
class TriggerProblem:
    trigger: str
    table: str
    message: str


def trigger_problems(connection: Connection) -> list[TriggerProblem]:
    """How the ledger's append-only triggers differ from ``expected``: missing, altered, disabled."""
    if connection.dialect.name == "postgresql":
        return _postgresql_problems(connection)
    return _sqlite_problems(connection)


def _missing(trigger: Trigger) -> TriggerProblem:
    if trigger.notes:
        return TriggerProblem(
            trigger.name,
            trigger.table,
            _(
                "trigger {trigger} on {table} is missing: kunnan's own changes of its rows "
                "are no longer signed (dropped?)",
                trigger=trigger.name,
                table=trigger.table,
            ),
        )
    return TriggerProblem(
        trigger.name,
        trigger.table,
        _(
            "trigger {trigger} on {table} is missing: {refuses} of its rows "
            "is no longer refused (dropped?)",
            trigger=trigger.name,
            table=trigger.table,
            refuses=_(trigger.refuses),
        ),
    )


def _not_firing(trigger: Trigger, enabled: str) -> str:
    """A PostgreSQL trigger that is there but does not fire (``tgenabled`` D or R)."""
    values = {"trigger": trigger.name, "table": trigger.table, "refuses": _(trigger.refuses)}
    if trigger.notes:
        return _(
            "trigger {trigger} on {table} does not fire: kunnan's own changes of its rows are "
            "no longer signed (ALTER TABLE … ENABLE TRIGGER restores it)",
            trigger=trigger.name,
            table=trigger.table,
        )
    if enabled == "D":
        return _(
            "trigger {trigger} on {table} is disabled: {refuses} of its rows is no longer "
            "refused (ALTER TABLE … ENABLE TRIGGER restores it)",
            **values,
        )
    return _(
        "trigger {trigger} on {table} is set to fire on replicas only: {refuses} of its rows "
        "is no longer refused (ALTER TABLE … ENABLE TRIGGER restores it)",
        **values,
    )


def _altered(trigger: Trigger, what: str) -> TriggerProblem:
    return TriggerProblem(
        trigger.name,
        trigger.table,
        _(
            "trigger {trigger} on {table} is not the one kunnan installs: {what}",
            trigger=trigger.name,
            table=trigger.table,
            what=what,
        ),
    )


def _sqlite_problems(connection: Connection) -> list[TriggerProblem]:
    found = {
        str(name): str(sql or "")
        for name, sql in connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    problems: list[TriggerProblem] = []
    for trigger in expected("sqlite"):
        sql = found.get(trigger.name)
        if sql is None:
            problems.append(_missing(trigger))
        elif folded(sql) != folded(trigger.definition):
            problems.append(_altered(trigger, _("its definition was changed (replaced?)")))
    return problems


#: The catalogue's view of the triggers on kunnan's tables in the ledger's own schema.
_PG_TRIGGERS = text(
    """
    SELECT t.tgname, c.relname, n.nspname, t.tgenabled, pg_get_triggerdef(t.oid),
           p.proname, l.lanname, p.prosrc
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_proc p ON p.oid = t.tgfoid
    JOIN pg_language l ON l.oid = p.prolang
    WHERE NOT t.tgisinternal AND n.nspname = current_schema()
    """
)

#: tgenabled: O fires (the default), A fires always; D is disabled, R fires on replicas only.
_FIRES = frozenset({"O", "A"})


def _postgresql_problems(connection: Connection) -> list[TriggerProblem]:
    found = {(row[0], row[1]): tuple(row) for row in connection.execute(_PG_TRIGGERS)}
    problems: list[TriggerProblem] = []
    for trigger in expected("postgresql"):
        row = found.get((trigger.name, trigger.table))
        if row is None:
            problems.append(_missing(trigger))
            continue
        _name, _table, schema, enabled, definition, function, language, body = row
        unqualified = re.sub(rf"\b{re.escape(schema)}\.", "", definition)
        if folded(unqualified) != folded(trigger.definition):
            problems.append(_altered(trigger, _("its definition was changed (replaced?)")))
        elif function != trigger.function or language != "plpgsql":
            problems.append(
                _altered(
                    trigger,
                    _(
                        "it calls {function}() instead of {expected}()",
                        function=function,
                        expected=trigger.function,
                    ),
                )
            )
        elif folded(body or "") != folded(trigger.function_body or ""):
            problems.append(
                _altered(
                    trigger,
                    _("the function {function}() it calls was rewritten", function=function),
                )
            )
        if enabled not in _FIRES:
            problems.append(
                TriggerProblem(trigger.name, trigger.table, _not_firing(trigger, enabled))
            )
    return problems
