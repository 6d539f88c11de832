"""kunnan init and kunnan db: create the ledger and keep its schema at the head revision."""

from __future__ import annotations

import typer

from kunnan.commands._common import state
from kunnan.ui.console import note

app = typer.Typer(
    help="The ledger's schema: upgrade, current revision, check.", no_args_is_help=True
)


def init(ctx: typer.Context) -> None:
    """Create the ledger (mode 0600) or upgrade it to this kunnan's schema.

    Example:

    \b
        kunnan --db ~/union/ledger.sqlite init
    """
    _upgrade(ctx)


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
        note(f"ledger at {location.display} is up to date (revision {after})")
    elif before is None:
        note(f"created ledger at {location.display} (revision {after})")
    else:
        note(f"upgraded ledger at {location.display} from revision {before} to {after}")


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
    typer.echo(f"{at or 'none'} (head {head})")


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
    note(f"ledger at {location.display}: schema at head and matching the models")
