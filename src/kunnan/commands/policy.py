"""kunnan policy: dibao lines per area and year, and the multipliers and limits of the rules."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    ledger,
    parse_area,
    parse_on,
    validated,
    view,
    whole_number,
)
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="Dibao lines and policy settings.", no_args_is_help=True)

LINE_FIELDS = (
    Column("area_code", "Area"),
    Column("year", "Year"),
    Column("dibao_line_fen", "Dibao line / person / month", "money"),
)
SETTING_FIELDS = (
    Column("key", "Setting"),
    Column("zh", "Chinese name"),
    Column("value", "Value"),
    Column("effective_from", "In force since", "date"),
    Column("description", "Meaning"),
)


@app.command("set-line")
def set_line(
    ctx: typer.Context,
    area: Annotated[str, typer.Option("--area", help="Six-digit area code, e.g. 620402.")],
    year: Annotated[
        int,
        typer.Option(
            "--year",
            parser=whole_number(least=1949, most=2200),
            help="The year the line applies to.",
        ),
    ],
    amount: Annotated[
        str, typer.Option("--amount", help="Monthly dibao line per person, in yuan.")
    ],
) -> None:
    """Set the local minimum-living line (最低生活保障标准) for an area and year.

    Example:

    \b
        kunnan policy set-line --area 620402 --year 2018 --amount 520
    """
    from kunnan.domain.money import format_fen
    from kunnan.schemas.policy import PolicyLineSet
    from kunnan.services.policy import set_line as set_policy_line

    data = validated(PolicyLineSet, {"area_code": area, "year": year, "dibao_line_fen": amount})
    with ledger(ctx, write=True) as session:
        _line, previous = set_policy_line(session, data=data)
    values = {
        "area": data.area_code,
        "year": data.year,
        "amount": format_fen(data.dibao_line_fen),
    }
    if previous is None:
        note(_("dibao line for {area} in {year}: {amount} yuan", **values))
    else:
        note(
            _(
                "dibao line for {area} in {year}: {amount} yuan (was {previous})",
                previous=format_fen(previous),
                **values,
            )
        )


@app.command("lines")
def lines(
    ctx: typer.Context,
    area: Annotated[str | None, typer.Option("--area", help="Only this area code.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", parser=whole_number(least=1949, most=2200), help="Only this year."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List dibao lines by area and year.

    Example:

    \b
        kunnan policy lines --year 2018
    """
    from kunnan.services.policy import list_lines
    from kunnan.ui.output import render_rows

    with ledger(ctx, write=False) as session:
        rows = [
            {"area_code": r.area_code, "year": r.year, "dibao_line_fen": r.dibao_line_fen}
            for r in list_lines(session, area_code=parse_area(area), year=year)
        ]
    render_rows(rows, LINE_FIELDS, view(ctx, output))
    if not rows:
        note(_("no dibao lines set: kunnan policy set-line --area … --year … --amount …"))


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting name (see kunnan policy show).")],
    value: Annotated[
        str, typer.Argument(help="New value: a number, days, yuan, on/off, or one of its choices.")
    ],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="In force from this date, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Change a policy setting from a date on; earlier decisions keep the old value.

    Example:

    \b
        kunnan policy set marginal_multiplier 2 --from 2019-01-01
    """
    from kunnan.services.policy import set_setting

    effective = parse_on(from_, option="--from", allow_future=True)
    with ledger(ctx, write=True) as session:
        setting = set_setting(session, key=key, value=value, effective_from=effective)
    note(_("{key} set from {day}", key=setting.key, day=effective.isoformat()))


@app.command("show")
def show(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The settings in force on this date (default: today)."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show every policy setting in force on a date, with its meaning.

    Example:

    \b
        kunnan policy show --on 2018-12-24
    """
    from kunnan.services.policy import settings_in_force
    from kunnan.ui.output import render_rows

    day = parse_on(on, allow_future=True)
    with ledger(ctx, write=False) as session:
        rows = [dataclasses.asdict(r) for r in settings_in_force(session, on=day)]
    render_rows(rows, SETTING_FIELDS, view(ctx, output))
