"""kunnan demo: build a sample Baiyin-shaped ledger and show it."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import ledger, state, today
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

DEFAULT_DEMO_FILE = "kunnan-demo.sqlite"


def demo(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help=f"File to build the sample ledger in (default: ./{DEFAULT_DEMO_FILE})."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it already exists.")
    ] = False,
) -> None:
    """Build the Baiyin sample ledger (December 2018) and show its dashboard.

    About 5,000 households with five years of history, built through the same
    rules as every command: identification, pairing, grants, exits and
    follow-ups. The figures match the Baiyin city union's published 2018 totals;
    everything personal is invented (sample_data/README.md).

    Example:

    \b
        kunnan demo --db /tmp/demo.sqlite --force
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kunnan.commands.report import show_dashboard
    from kunnan.db import migrate
    from kunnan.db.engine import forget
    from kunnan.db.location import for_file, resolve
    from kunnan.db.maintenance import new_ledger_file
    from kunnan.services.demo import AS_OF, STAGES, build_demo
    from kunnan.ui.console import stderr_console

    root = ctx.find_root()
    target = db or root.obj.db or DEFAULT_DEMO_FILE
    location = resolve(target)
    if location.path is None:
        raise InvalidInput(_("the demo builds a SQLite file; give --db a file path"))
    started = time.monotonic()
    columns = (
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # Built in a temporary file beside the target and put in its place only when complete:
    # killed or failing half-way, an older ledger there is left as it was.
    with new_ledger_file(location.path, force=force) as building:
        note(_("building the Baiyin sample ledger at {path}", path=location.path))
        building_location = for_file(building)
        migrate.upgrade(building_location)
        root.obj = dataclasses.replace(state(ctx), db=str(building))
        with Progress(*columns, console=stderr_console(), transient=True) as bar:
            task = bar.add_task(_(STAGES[0]), total=len(STAGES))

            def advance(stage: str, _count: int) -> None:
                position = STAGES.index(stage) + 1
                bar.update(
                    task,
                    completed=position,
                    description=_(STAGES[min(position, len(STAGES) - 1)]),
                )

            with ledger(ctx, write=True) as session:
                summary = build_demo(session, today=today(), progress=advance)
        forget(building_location)
    root.obj = dataclasses.replace(state(ctx), db=str(location.path))
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
            path=location.path,
            day=AS_OF.isoformat(),
        )
    )
