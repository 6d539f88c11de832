"""kunnan demo: build a sample Baiyin-shaped ledger and show it."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import state, today
from kunnan.i18n import _
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

DEFAULT_DEMO_FILE = "kunnan-demo.sqlite"


def demo(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="File or PostgreSQL database to build the sample ledger in "
            f"(default: ./{DEFAULT_DEMO_FILE}).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace what is there: the file, or kunnan's tables in the database "
            "(dropped first; other tables are left alone).",
        ),
    ] = False,
) -> None:
    """Build the Baiyin sample ledger (December 2018) and show its dashboard.

    About 5,000 households with five years of history, built through the same
    rules as every command: identification, pairing, grants, exits and
    follow-ups. The figures match the Baiyin city union's published 2018 totals;
    everything personal is invented (sample_data/README.md).

    --db may name a PostgreSQL database (postgresql://user@host/database) instead
    of a file; the sample is built there in one transaction and comes out the
    same, figure for figure. A database that already holds a ledger is refused
    unless --force, which drops kunnan's tables there first and leaves every
    other table alone.

    Example:

    \b
        kunnan demo --db /tmp/demo.sqlite --force
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kunnan.commands.report import show_dashboard
    from kunnan.db.fresh import new_ledger
    from kunnan.db.location import resolve
    from kunnan.db.session import session_on
    from kunnan.services.db_copy import ledger_table_names
    from kunnan.services.demo import AS_OF, STAGES, build_demo, save_sample_keys
    from kunnan.ui.console import stderr_console

    root = ctx.find_root()
    target = db or root.obj.db or DEFAULT_DEMO_FILE
    location = resolve(target)
    started = time.monotonic()
    columns = (
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # Built whole or not at all (kunnan.db.fresh): in a temporary file beside the target that
    # takes its place only when complete, or in one transaction on a PostgreSQL server. Killed
    # or failing half-way, an older ledger there is left as it was.
    with new_ledger(location, force=force, tables=ledger_table_names()) as building:
        note(_("building the Baiyin sample ledger at {path}", path=location.display))
        with Progress(*columns, console=stderr_console(), transient=True) as bar:
            task = bar.add_task(_(STAGES[0]), total=len(STAGES))

            def advance(stage: str, _count: int) -> None:
                position = STAGES.index(stage) + 1
                bar.update(
                    task,
                    completed=position,
                    description=_(STAGES[min(position, len(STAGES) - 1)]),
                )

            with session_on(
                building, operator=state(ctx).operator, command=ctx.command_path
            ) as session:
                summary = build_demo(session, today=today(), progress=advance)
    save_sample_keys()
    built = target if location.path is None else str(location.path)
    root.obj = dataclasses.replace(state(ctx), db=built)
    note(
        _(
            "built {households:,} households ({archived:,} ever archived, {grants:,} grants, "
            "{exits:,} exits) in {seconds:.1f} s",
            households=summary.households,
            archived=summary.archived,
            grants=summary.grants,
            exits=summary.exits,
            seconds=time.monotonic() - started,
        )
    )
    show_dashboard(ctx, as_of=AS_OF, output=OutputFormat.TABLE)
    note(
        _(
            "explore it: kunnan --db {path} report categories --as-of {day}",
            path=location.display,
            day=AS_OF.isoformat(),
        )
    )
