"""kunnan audit: who changed what, when, and with which command."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, parse_optional_date, view, whole_number
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="The audit log of every change.", no_args_is_help=True)

AUDIT_FIELDS = (
    Column("id", "#", "int"),
    Column("at", "When", "datetime"),
    Column("operator", "Operator", drop=1),
    Column("command", "Command", drop=2),
    Column("action", "Action"),
    Column("entity", "Record", context="entity"),
    Column("entity_ref", "Ref", context="entity_ref", drop=3),
    Column("changes", "Changes", "json"),
)


@app.command("list")
def list_(
    ctx: typer.Context,
    operator: Annotated[str | None, typer.Option("--operator", help="Only this operator.")] = None,
    household: Annotated[
        str | None, typer.Option("--household", help="Only this household (code, archive no., ID).")
    ] = None,
    command: Annotated[
        str | None, typer.Option("--command", help="Only commands containing this text.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date, YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this date, YYYY-MM-DD.")
    ] = None,
    reveals: Annotated[
        bool, typer.Option("--reveals", help="Only the times full ID and phone numbers were shown.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", parser=whole_number(least=0, most=10**9), help="At most N entries (0 = all)."
        ),
    ] = 100,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List audit entries, newest first.

    Example:

    \b
        kunnan audit list --household H000001
        kunnan audit list --reveals --since 2018-12-01
    """
    from kunnan.services.audit import list_entries
    from kunnan.store.households import resolve_household
    from kunnan.ui.output import render_rows

    since_day = parse_optional_date(since, option="--since")
    until_day = parse_optional_date(until, option="--until")
    with ledger(ctx, write=False) as session:
        household_id = resolve_household(session, household).id if household else None
        rows = list_entries(
            session,
            operator=operator,
            household_id=household_id,
            command=command,
            action="reveal" if reveals else None,
            since=since_day,
            until=until_day,
            limit=limit or None,
        )
    render_rows([dataclasses.asdict(r) for r in rows], AUDIT_FIELDS, view(ctx, output))
    if not rows:
        note(_("no audit entries match"))
