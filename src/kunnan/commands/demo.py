"""kunnan demo: build a sample Baiyin-shaped ledger and show it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from kunnan.commands._common import ledger, state, today, view
from kunnan.domain.errors import Conflict, InvalidInput
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
    """Build a sample ledger of Baiyin's unions and households, then show the register.

    Everything personal in it is invented.

    Example:

    \b
        kunnan demo --db /tmp/demo.sqlite --force
    """
    from kunnan.commands.household import ROW_FIELDS
    from kunnan.db import migrate
    from kunnan.db.location import resolve
    from kunnan.services.demo import build_demo
    from kunnan.services.households import HouseholdFilter, list_households
    from kunnan.ui.output import render_rows

    root = ctx.find_root()
    target = db or root.obj.db or DEFAULT_DEMO_FILE
    location = resolve(target)
    if location.path is None:
        raise InvalidInput("the demo builds a SQLite file; give --db a file path")
    if location.path.exists():
        if not force:
            raise Conflict(f"{location.path} already exists", hint="add --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{location.path}{suffix}").unlink(missing_ok=True)
    migrate.upgrade(location)
    root.obj = dataclasses.replace(state(ctx), db=str(location.path))
    with ledger(ctx, write=True) as session:
        count = build_demo(session, today=today())
    note(f"built a sample ledger with {count} households at {location.path}")
    with ledger(ctx, write=False) as session:
        rows, _total = list_households(session, where=HouseholdFilter())
    render_rows(
        [dataclasses.asdict(r) for r in rows],
        ROW_FIELDS,
        view(ctx, OutputFormat.TABLE),
        title="白银市困难职工登记" if state(ctx).lang == "zh" else "Baiyin hardship register",
    )
    note(f"explore it: kunnan --db {location.path} household show H000001")
