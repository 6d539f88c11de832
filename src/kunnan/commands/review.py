"""kunnan review: the yearly review (年审) lists — households that need attention."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands._common import FormatOption, ledger, parse_on, view
from kunnan.domain.enums import Category, Cause
from kunnan.ui.console import note
from kunnan.ui.output import Field, OutputFormat

app = typer.Typer(help="Yearly review lists: households that need attention.", no_args_is_help=True)

UNPAIRED_FIELDS = (
    Field("code", "Code", "编号", min_width=7),
    Field("archive_no", "Archive no.", "档案号", min_width=8),
    Field("head_name", "Head", "户主", min_width=6),
    Field("org", "Union", "所属工会", min_width=8),
    Field("category", "Category", "困难类别", "enum", Category),
    Field("main_cause", "Main cause", "主要致困原因", "enum", Cause, in_table=False),
    Field("archived_on", "Archived", "建档日期", "date"),
    Field("unpaired_since", "Unpaired since", "未结对起始", "date"),
    Field("last_unit", "Last unit", "原责任单位", in_table=False),
    Field("last_contact", "Last contact person", "原联系人", in_table=False),
)


@app.command("unpaired")
def unpaired(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and the unions under it.")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="As the register stood on this date (default: today)."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List archived households with no responsible unit and contact person (结对帮扶全覆盖).

    Example:

    \b
        kunnan review unpaired --org baiyin-qu
    """
    from kunnan.services.orgs import find_org
    from kunnan.services.pairing import unpaired as unpaired_rows
    from kunnan.ui.output import render_rows

    day = parse_on(on)
    with ledger(ctx, write=False) as session:
        rows = unpaired_rows(session, on=day, org=find_org(session, org) if org else None)
    render_rows([dataclasses.asdict(r) for r in rows], UNPAIRED_FIELDS, view(ctx, output))
    if rows:
        households = "household has" if len(rows) == 1 else "households have"
        note(f"{len(rows)} archived {households} no pairing: kunnan pair assign HH …")
    else:
        note("every archived household is paired")
