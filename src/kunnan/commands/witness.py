"""kunnan witness: the level above as witness of its lower unions' ledgers."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, view
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Witness lower unions' ledgers: hold their checkpoints, refuse a rollback or a fork.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="The lower ledger's verifier key (its kunnan ledger show --verifier-key).",
        ),
    ],
) -> None:
    """Witness a lower union's ledger: keep its verifier key, to hold its checkpoints.

    Example:

    \b
        kunnan witness add "$(< 区工会账本公钥.txt)"
    """
    from kunnan.services.witness import add as add_witnessed

    with ledger(ctx, write=True) as session:
        witnessed = add_witnessed(session, key)
        origin = witnessed.origin
    note(_("ledger {origin} is witnessed here from now on", origin=origin))


@app.command("update")
def update(
    ctx: typer.Context,
    bundle: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The lower ledger's kunnan ledger checkpoint --since file, or its return (.xlsx).",
        ),
    ],
) -> None:
    """Hold a witnessed ledger's new checkpoint, if its proof shows it extends the one held.

    The file is the lower ledger's kunnan ledger checkpoint --since file, or the return it
    sent up (kunnan export upstream, which carries its latest checkpoint). A rollback (a
    smaller size) or a fork (another root, or no proof that it extends the one held) is
    refused, exit 5, and kept as evidence (kunnan witness show ORIGIN).

    Example:

    \b
        kunnan witness update 区工会检查点.json
    """
    from kunnan.domain.errors import Conflict
    from kunnan.services.log import bundle_in_return, read_file
    from kunnan.services.witness import update as offer

    text = bundle_in_return(bundle) if bundle.suffix.lower() == ".xlsx" else read_file(bundle)
    with ledger(ctx, write=True) as session:
        offered = offer(session, text)
    if offered.refused is not None:
        raise Conflict(offered.message, hint=_("the refusal is kept as evidence"))
    note(
        _(
            "ledger {origin}: {message}; size {size}",
            origin=offered.origin,
            message=offered.message,
            size=offered.checkpoint.size,
        )
    )


HELD_COLUMNS = (
    Column("origin", "Ledger"),
    Column("size", "Events held", "int"),
    Column("root", "Root"),
    Column("updated_at", "Updated"),
    Column("evidence", "Evidence", "int"),
)
EVIDENCE_COLUMNS = (
    Column("kind", "Refused as"),
    Column("held_size", "Size held", "int"),
    Column("offered_size", "Size offered", "int"),
    Column("recorded_at", "Recorded"),
)


@app.command("show")
def show(
    ctx: typer.Context,
    origin: Annotated[
        str | None,
        typer.Argument(metavar="[ORIGIN]", help="One witnessed ledger: its evidence."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The ledgers witnessed here with the checkpoint held for each, or one ledger's
    evidence of rollbacks and forks.

    Example:

    \b
        kunnan witness show
    """
    from kunnan.services.witness import evidence, held
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        if origin is None:
            rows = [dataclasses.asdict(h) for h in held(session)]
            columns: tuple[Column, ...] = HELD_COLUMNS
        else:
            rows = [dataclasses.asdict(e) for e in evidence(session, origin)]
            columns = EVIDENCE_COLUMNS
    render_rows(rows, columns, view(ctx, output))
