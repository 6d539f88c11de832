"""kunnan agreement: 目标责任书 — each union's yearly targets, and its results against them."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import FormatOption, ledger, today, validated, view, whole_number
from kunnan.domain.enums import OrgKind, TargetMeasure, TargetResult
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(
    help="Responsibility agreements (目标责任书): yearly targets per union, and results.",
    no_args_is_help=True,
)

AGREEMENT_FIELDS = (
    Column("org_code", "Code", in_table=False),
    Column("org", "Union", min_width=8),
    Column("kind", "Kind", "enum", OrgKind, in_table=False),
    Column("year", "Year", drop=1),
    Column("signed_on", "Signed", "date", in_table=False),
    Column("target_helped", "Helped: target", "int"),
    Column("helped", "Helped", "int"),
    Column("helped_met", "Helped met", "enum", TargetResult, in_table=False),
    Column("target_exits", "Exits: target", "int"),
    Column("exits", "Exits", "int"),
    Column("exits_met", "Exits met", "enum", TargetResult, in_table=False),
    Column("target_coverage_pct", "Coverage: target %", "int"),
    Column("covered_pct", "Covered % at year end", "decimal"),
    Column("archived", "Archived at year end", "int", in_table=False),
    Column("paired", "Paired at year end", "int", in_table=False),
    Column("coverage_met", "Coverage met", "enum", TargetResult, in_table=False),
    Column("met", "Result", "enum", TargetResult),
    Column("short_of", "Short of", "enum_list", TargetMeasure),
)


@app.command("add")
def add(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The union that signs (code or name).")],
    year: Annotated[
        int, typer.Option("--year", parser=whole_number(), help="The year the targets are for.")
    ],
    target_helped: Annotated[
        int,
        typer.Option(
            "--target-helped",
            parser=whole_number(),
            help="Households to aid at least once in the year.",
        ),
    ],
    target_exits: Annotated[
        int,
        typer.Option(
            "--target-exits",
            parser=whole_number(),
            help="Households to leave the register in the year.",
        ),
    ],
    target_coverage: Annotated[
        int,
        typer.Option(
            "--target-coverage",
            parser=whole_number(),
            help="Percent of archived households paired at year end.",
        ),
    ] = 100,
    signed_on: Annotated[
        str | None,
        typer.Option("--signed-on", help="When it was signed, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Record a union's responsibility agreement for a year (one per union and year).

    Example:

    \b
        kunnan agreement add --org baiyin-qu --year 2018 --target-helped 120 --target-exits 30 --target-coverage 100 --signed-on 2018-01-15
    """
    from kunnan.schemas.pairing import AgreementCreate
    from kunnan.services.agreement import add_agreement
    from kunnan.store.orgs import find_org

    data = validated(
        AgreementCreate,
        {
            "org": org,
            "year": year,
            "target_helped": target_helped,
            "target_exits": target_exits,
            "target_coverage": target_coverage,
            "signed_on": signed_on,
        },
    )
    with ledger(ctx, write=True) as session:
        add_agreement(session, data=data, today=today())
        name = find_org(session, data.org).name
    note(
        _(
            "agreement for {name} in {year}: aid {helped} households, "
            "{exits} exits, {coverage}% paired at year end",
            name=name,
            year=data.year,
            helped=data.target_helped,
            exits=data.target_exits,
            coverage=data.target_coverage,
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", parser=whole_number(), help="Only this year.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and the unions under it.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Targets against results (households aided, exits, coverage at year end), met or not met.

    Each union's results include the unions under it.

    Example:

    \b
        kunnan agreement list --year 2018
        kunnan --lang zh agreement list --year 2018 --org baiyin-qu
    """
    from kunnan.services.agreement import agreement_results, unions_without_agreement
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = agreement_results(session, year=year, org=org)
        missing = unions_without_agreement(session, year=year, org=org) if year else []
    render_rows([dataclasses.asdict(r) for r in rows], AGREEMENT_FIELDS, view(ctx, output))
    if rows:
        met = sum(1 for r in rows if r.met == TargetResult.MET.value)
        note(_("{met} of {total} agreements met every target", met=met, total=len(rows)))
    elif year:
        note(_("no agreements recorded for {year}", year=year))
    else:
        note(_("no agreements recorded"))
    if missing:
        note(_("no agreement for {year}: {unions}", year=year, unions=", ".join(missing)))
