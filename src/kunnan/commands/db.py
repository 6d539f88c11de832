"""kunnan init and kunnan db: create, upgrade, verify, back up and restore the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    PassphraseOption,
    ledger,
    new_passphrase,
    state,
    text_option,
    view,
)
from kunnan.domain.errors import CheckFailed
from kunnan.domain.text import NAME_MAX
from kunnan.i18n import _, p_
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

if TYPE_CHECKING:
    from kunnan.domain.events import Pinned

app = typer.Typer(
    help="The ledger: upgrade, current revision, check, verify, back up, restore, copy.",
    no_args_is_help=True,
)
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]


def init(
    ctx: typer.Context,
    admin: Annotated[
        str | None,
        typer.Option(
            "--admin",
            help="Register the ledger's first operator, its administrator: from then on only "
            "registered operators write to it, each write signed with its operator's key.",
        ),
    ] = None,
    passphrase: PassphraseOption = False,
) -> None:
    """Create the ledger (mode 0600) or upgrade it to this kunnan's schema.

    Example:

    \b
        kunnan --db ~/union/ledger.sqlite init
        kunnan --db ~/union/ledger.sqlite init --admin 王丽
    """
    # A bad --admin is refused before the ledger is made or upgraded: one line, nothing done.
    who = (
        None if admin is None else text_option(admin, "--admin", max_length=NAME_MAX, required=True)
    )
    _upgrade(ctx)
    if who is not None:
        from kunnan.domain.enums import Role, named
        from kunnan.services.operator import add_operator

        secret = new_passphrase(passphrase)
        with ledger(ctx, write=True) as session:
            add_operator(session, name=who, role=Role.ADMIN, org=None, passphrase=secret)
        note(_("{name} is an operator now: {role}", name=who, role=named(Role.ADMIN)))


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the ledger's schema to the head revision (creating the ledger if needed).

    Example:

    \b
        kunnan db upgrade
    """
    _upgrade(ctx)


def _upgrade(ctx: typer.Context) -> None:
    from kunnan.db import migrate

    location = state(ctx).location
    before, after = migrate.upgrade(location)
    if before == after:
        note(
            _(
                "ledger at {ledger} is up to date (revision {revision})",
                ledger=location.display,
                revision=after,
            )
        )
    elif before is None:
        note(
            _(
                "created ledger at {ledger} (revision {revision})",
                ledger=location.display,
                revision=after,
            )
        )
    else:
        note(
            _(
                "upgraded ledger at {ledger} from revision {before} to {after}",
                ledger=location.display,
                before=before,
                after=after,
            )
        )


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Print the ledger's schema revision and the head revision of this kunnan.

    Example:

    \b
        kunnan db current
    """
    from kunnan.db import migrate

    at = migrate.current(state(ctx).location)
    head = migrate.head_revision()
    typer.echo(_("{revision} (head {head})", revision=at or p_("revision", "none"), head=head))


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Check that the ledger is at the head revision and its tables match kunnan's models.

    Exits 1 when they do not.

    Example:

    \b
        kunnan db check
    """
    from kunnan.db import migrate

    location = state(ctx).location
    migrate.check(location)
    note(_("ledger at {ledger}: schema at head and matching the models", ledger=location.display))


PROBLEM_FIELDS = (
    Column("check", "Check"),
    Column("ref", "Record", context="ref"),
    Column("message", "Problem"),
)


@app.command("verify")
def verify(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """Check the ledger file (SQLite integrity_check) and the ledger's own rules; exit 1 on any problem.

    Example:

    \b
        kunnan db verify
    """
    import dataclasses

    from kunnan.db.errors import stored_values_checked
    from kunnan.db.maintenance import integrity_problems
    from kunnan.services.db_check import Problem, run_checks
    from kunnan.ui.output import render_rows

    location = state(ctx).location
    problems: list[Problem] = []
    if location.path is not None:
        problems += [
            Problem("sqlite", location.path.name, p) for p in integrity_problems(location.path)
        ]
    with stored_values_checked(), ledger(ctx, write=False) as session:
        count, found = run_checks(session)
    problems += found
    if problems:
        render_rows([dataclasses.asdict(p) for p in problems], PROBLEM_FIELDS, view(ctx, output))
        raise CheckFailed(
            _(
                "{n} problem(s) found in {ledger}",
                n=len(problems),
                ledger=location.display,
            )
        )
    note(
        _(
            "ledger at {ledger} verified: file integrity and {count} ledger checks passed",
            ledger=location.display,
            count=count,
        )
    )


@app.command("backup")
def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="The backup file to write (mode 0600).")],
    force: ForceOpt = False,
) -> None:
    """Copy the ledger to a file while others may be using it, and check the copy.

    Uses SQLite's online backup API; the copy is written to a temporary file,
    checked with integrity_check, and renamed into place readable by its owner
    only.

    Example:

    \b
        kunnan db backup ~/backups/ledger-2018-12-24.sqlite
    """
    from kunnan.db.maintenance import backup as copy_ledger

    location = state(ctx).location
    copy_ledger(location, target, force=force)
    note(
        _(
            "backed up {ledger} to {target} (integrity check passed)",
            ledger=location.display,
            target=target,
        )
    )


@app.command("restore")
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup made with kunnan db backup.")],
    force: ForceOpt = False,
    roll_back: Annotated[
        bool,
        typer.Option(
            "--roll-back",
            help="Restore a copy older than the ledger's latest checkpoint (or with another "
            "history); the restored ledger records that it was rolled back.",
        ),
    ] = False,
) -> None:
    """Replace the ledger with a backup, after the backup passes kunnan db verify.

    The backup is read, never changed. Stop other kunnan users of the ledger
    while restoring. A backup that does not hold what the ledger's latest checkpoint
    pinned is refused unless --roll-back. The restore is an event of the restored ledger.

    Example:

    \b
        kunnan db restore ~/backups/ledger-2018-12-24.sqlite --force
    """
    from kunnan.db.errors import stored_values_checked
    from kunnan.db.location import for_file
    from kunnan.db.maintenance import check_integrity, looks_like_sqlite
    from kunnan.db.maintenance import restore as replace_ledger
    from kunnan.db.revision import HEAD_REVISION
    from kunnan.db.session import is_newer, open_session
    from kunnan.domain.errors import Conflict, LedgerNotReady
    from kunnan.services.db_check import run_checks
    from kunnan.services.log import record_restore, restore_refusal

    location = state(ctx).location
    if not source.is_file():
        raise CheckFailed(_("{path} is not a file", path=source))
    pinned_here = _pinned(ctx)
    if not looks_like_sqlite(source):
        raise CheckFailed(
            _(
                "{path} is not a kunnan backup: it is not an SQLite database file",
                path=source,
            )
        )
    check_integrity(source)
    backup_location = for_file(source)
    try:
        with (
            open_session(
                backup_location,
                write=False,
                read_only=True,
                operator=state(ctx).operator,
                command=ctx.command_path,
            ) as session,
            stored_values_checked(),
        ):
            _count, problems = run_checks(session)
            refusal = None if problems else restore_refusal(session, pinned_here)
    except LedgerNotReady as error:
        revision = _revision_of(source)
        if revision is None:
            raise CheckFailed(
                _("{path} is not a kunnan backup: it holds no kunnan ledger", path=source)
            ) from None
        if is_newer(revision):
            raise
        if revision != HEAD_REVISION:
            raise CheckFailed(
                _(
                    "{path} is a ledger at schema revision {revision}, older than this kunnan's",
                    path=source,
                    revision=revision,
                ),
                hint=_(
                    "upgrade a copy of it first (kunnan --db COPY db upgrade), "
                    "then restore the copy"
                ),
            ) from None
        raise CheckFailed(
            _(
                "{path} cannot be read as a ledger: {reason}",
                path=source,
                reason=error.message,
            )
        ) from None
    if problems:
        raise CheckFailed(
            _(
                "{path} fails verify: {ref} {problem}",
                path=source,
                ref=problems[0].ref,
                problem=problems[0].message,
            )
        )
    if refusal is not None and not roll_back:
        raise Conflict(refusal, hint=_("--roll-back restores it anyway, and records it"))
    replace_ledger(location, source, force=force)
    with ledger(ctx, write=True) as session:
        record_restore(session, source=source.name, pinned_before=pinned_here, refusal=refusal)
    note(_("restored {ledger} from {path}", ledger=location.display, path=source))
    if refusal is not None:
        note(_("the ledger was rolled back: {why}", why=refusal))


def _pinned(ctx: typer.Context) -> Pinned | None:
    """What the ledger being replaced had pinned by its latest checkpoint; None when it has
    none, or cannot be read (a damaged ledger is what restoring is for)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kunnan.db.session import open_session
    from kunnan.domain.errors import KunnanError
    from kunnan.services.log import pinned

    app = state(ctx)
    if app.location.path is None or not app.location.path.is_file():
        return None
    try:
        with open_session(
            app.location, write=False, read_only=True, operator=app.operator,
            command=ctx.command_path,
        ) as session:  # fmt: skip
            return pinned(session)
    except (KunnanError, SQLAlchemyError, ValueError):
        return None


def _revision_of(path: Path) -> str | None:
    """The schema revision recorded in a SQLite file, or None if it records none."""
    import sqlite3
    from contextlib import closing

    from kunnan.db.engine import read_only_uri

    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


COPY_FIELDS = (
    Column("table", "Table", context="database"),
    Column("rows", "Rows", "int"),
    Column("digest", "Content digest (SHA-256)", in_table=False),
)


@app.command("copy")
def copy(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help="The ledger to copy: a file, or a PostgreSQL database URL.")
    ],
    target: Annotated[
        str,
        typer.Argument(
            help="Where the copy goes: a new file, or an empty PostgreSQL database's URL."
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace what is there: the file, or kunnan's tables in the database "
            "(dropped first; other tables are left alone).",
        ),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Copy a ledger, SQLite or PostgreSQL, into a new one of either kind, and verify the copy.

    SRC and DST are each a file or a database URL (postgresql://user@host/database), so a
    ledger moves from a file onto a server and back: kunnan db copy ledger.sqlite
    postgresql://kunnan@db.example.org/kunnan. SRC is only read, at one moment, while others
    may keep working in it; it must be at this kunnan's schema revision (kunnan db upgrade).
    DST must be a file that does not exist yet or a database without a ledger, unless
    --force.

    The copy is made at the head revision, table by table, and verified before it is kept:
    the same rows with the same contents in every table (a digest of each on both sides),
    kunnan db check, and kunnan db verify's checks. If any differs, nothing is kept and the
    command exits 1 naming the table or the check.

    Example:

    \b
        kunnan db copy kunnan-demo.sqlite ~/backups/kunnan-demo-copy.sqlite
    """
    import dataclasses
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kunnan.db.fresh import new_ledger, same_database
    from kunnan.db.location import resolve
    from kunnan.db.session import snapshot
    from kunnan.domain.copying import check_distinct
    from kunnan.files import Protected, ledger_files
    from kunnan.i18n import N_
    from kunnan.services.db_copy import check_source, copy_ledger, ledger_table_names
    from kunnan.ui.console import stderr_console
    from kunnan.ui.output import render_rows

    started = time.monotonic()
    source_at, target_at = resolve(source), resolve(target)
    check_distinct(source_at.display, target_at.display, same=same_database(source_at, target_at))
    protected: tuple[Protected, ...] = ()
    if source_at.path is not None:
        protected = tuple(
            Protected(p.path, N_("the ledger being copied")) for p in ledger_files(source_at.path)
        )
    tables = ledger_table_names()
    columns = (
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with snapshot(source_at) as reading:
        check_source(reading, source_at)
        with (
            new_ledger(
                target_at, force=force, tables=tables, protected=protected, check_file=True
            ) as writing,
            Progress(*columns, console=stderr_console(), transient=True) as bar,
        ):
            task = bar.add_task(tables[0], total=len(tables))

            def advance(table: str, _rows: int) -> None:
                position = tables.index(table) + 1
                bar.update(
                    task, completed=position, description=tables[min(position, len(tables) - 1)]
                )

            result = copy_ledger(
                reading,
                writing,
                target_location=target_at,
                operator=state(ctx).operator,
                command=ctx.command_path,
                progress=advance,
            )
    render_rows(
        [dataclasses.asdict(table) for table in result.tables],
        COPY_FIELDS,
        view(ctx, output),
        total={"table": _("total"), "rows": result.rows},
    )
    note(
        _(
            "copied {tables} tables, {rows:,} rows, from {source} to {target} in {seconds:.1f} s; "
            "verified: the same rows and contents in every table, the schema at head and "
            "matching the models, and {checks} ledger checks passed",
            tables=len(result.tables),
            rows=result.rows,
            source=source_at.display,
            target=target_at.display,
            seconds=time.monotonic() - started,
            checks=result.checks,
        )
    )


roles_app = typer.Typer(
    help="PostgreSQL roles: the database itself enforces who may do what.",
    no_args_is_help=True,
)
app.add_typer(roles_app, name="roles")


@roles_app.command("sync")
def roles_sync(
    ctx: typer.Context,
    login: Annotated[
        str | None,
        typer.Option(
            "--login",
            help="Let this operator's role log in, with a password from a prompt or "
            "KUNNAN_DB_PASSWORD.",
        ),
    ] = None,
) -> None:
    """Make the ledger's PostgreSQL roles: one per role, one per operator, and row-level
    security keeping each operator's role to their union and those under it.

    Run it again after adding or disabling operators: a disabled operator's role loses its
    group and its login. Only a PostgreSQL ledger has database roles.

    Example:

    \b
        kunnan db roles sync --login 李发明
    """
    import os

    from kunnan.db.roles import sync
    from kunnan.domain.errors import InvalidInput, PermissionDenied, RuleViolation
    from kunnan.domain.operators import database_roles_refusal, read_refusal
    from kunnan.services.operator import resolve_operator
    from kunnan.store import audit
    from kunnan.store.operators import facts_of

    password = None
    with ledger(ctx, write=True) as session:
        refusal = database_roles_refusal(session.connection().dialect.name)
        if refusal is not None:
            raise RuleViolation(refusal)
        who = None
        if login is not None:
            operator = resolve_operator(session, login)
            disabled = read_refusal(facts_of(operator))
            if disabled is not None:
                raise PermissionDenied(disabled)
            who = operator.id
            password = os.environ.get("KUNNAN_DB_PASSWORD") or typer.prompt(
                _("Password for {name}", name=operator.name),
                hide_input=True,
                confirmation_prompt=True,
            )
            if not password.strip():
                raise InvalidInput(_("--login needs a password (KUNNAN_DB_PASSWORD or typed)"))
        synced = sync(
            session.connection(), login=(who, password) if who is not None and password else None
        )
        audit.record(
            session,
            action="update",
            entity="db_roles",
            entity_ref=login,
            changes={"operators": [o.db_role for o in synced.operators], "login": synced.login},
        )
    for made in synced.operators:
        note(
            _("{name} ({role}): disabled, {db_role} cannot log in", name=made.name,
              role=made.role, db_role=made.db_role)
            if made.disabled
            else _("{name} ({role}): database role {db_role}", name=made.name,
                   role=made.role, db_role=made.db_role)
        )  # fmt: skip
    if synced.login is not None:
        note(_("{db_role} may log in now", db_role=synced.login))
