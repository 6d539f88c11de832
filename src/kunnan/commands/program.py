"""kunnan program: the programme catalogue and its rules, each in force from a date."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from kunnan.commands.options import (
    FormatOption,
    check_something_given,
    ledger,
    parse_on,
    validated,
    view,
)
from kunnan.domain.enums import Guarantee, OncePer
from kunnan.domain.money import format_fen
from kunnan.i18n import _, translate
from kunnan.ui.columns import Column, machine_value
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="The programme catalogue and its rules.", no_args_is_help=True)

ProgramArg = Annotated[
    str, typer.Argument(help="Programme: its code (golden-autumn) or Chinese name (金秋助学).")
]
OnRuleOption = Annotated[
    str | None,
    typer.Option("--on", help="The rules in force on this date (default: today)."),
]

PROGRAM_FIELDS = (
    Column("code", "Programme", min_width=13),
    Column("name", "Name", min_width=8),
    Column("guarantee", "Guarantee", "enum", Guarantee, min_width=9),
    #: cash (granted from a fund), loan or service (each with its own commands).
    Column("kind", "Kind", in_table=False, context="kind"),
    Column("effective_from", "Rule since", "date", drop=1),
    Column("standard_fen", "Standard", "money", in_table=False),
    Column("undergraduate_fen", "Undergraduate", "money", in_table=False),
    Column("junior_college_fen", "Junior college", "money", in_table=False),
    Column("high_school_fen", "High school", "money", in_table=False),
    Column("standards", "Standard", min_width=12),
    Column("ceiling", "At most std", drop=3),
    Column("yearly_cap_fen", "Cap a year", "money", drop=2),
    Column("archived_only", "Archived only", drop=4),
    Column("admission_required", "Admission", drop=5),
    Column("once_per", "Once a year per", "enum", OncePer, drop=3),
    Column("excludes", "Not with", min_width=10, drop=6),
)
#: JSON and CSV carry each amount in its own field; tables show them in one column.
MACHINE_FIELDS = tuple(f for f in PROGRAM_FIELDS if f.key != "standards")

SWITCHES = ("ceiling", "archived_only", "admission_required")


def _fields(output: OutputFormat) -> tuple[Column, ...]:
    return PROGRAM_FIELDS if output is OutputFormat.TABLE else MACHINE_FIELDS


def _on_screen(rows: list[dict[str, Any]], output: OutputFormat, lang: str) -> list[dict[str, Any]]:
    """In tables switches read yes/no (是/否) and the standards share one column, each
    named by its admission level (本科 1,500.00; 大专 …)."""
    from kunnan.services.program import LEVEL_COLUMNS

    if output is not OutputFormat.TABLE:
        return rows
    words = {True: translate("yes", lang), False: translate("no", lang)}
    shown = []
    for row in rows:
        record = {
            k: words[v] if k in SWITCHES and isinstance(v, bool) else v for k, v in row.items()
        }
        parts = [format_fen(row["standard_fen"])] if row["standard_fen"] is not None else []
        for level, key in LEVEL_COLUMNS.items():
            if row[key] is not None:
                name = level.label(lang).replace("_", " ")
                parts.append(f"{name} {format_fen(row[key])}")
        record["standards"] = "; ".join(parts)
        shown.append(record)
    return shown


@app.command("list")
def list_(
    ctx: typer.Context, on: OnRuleOption = None, output: FormatOption = OutputFormat.TABLE
) -> None:
    """List the programmes with the rule of each in force on a date.

    Example:

    \b
        kunnan program list --on 2018-09-01
    """
    from kunnan.services.program import list_programs
    from kunnan.ui.output import render_rows

    day = parse_on(on, allow_future=True)
    with ledger(ctx, write=False) as session:
        rows = list_programs(session, on=day)
    shown = view(ctx, output)
    records = _on_screen([dataclasses.asdict(r) for r in rows], output, shown.lang)
    render_rows(records, _fields(output), shown)


@app.command("show")
def show(
    ctx: typer.Context,
    program: ProgramArg,
    on: OnRuleOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show a programme's rule in force on a date, and every rule it has had.

    Example:

    \b
        kunnan program show golden-autumn
    """
    from kunnan.services.program import find_program, program_in_force, rule_history
    from kunnan.ui.output import render_record, render_rows, write_json

    day = parse_on(on, allow_future=True)
    with ledger(ctx, write=False) as session:
        found = find_program(session, program)
        current = dataclasses.asdict(program_in_force(session, found, on=day))
        history = [dataclasses.asdict(r) for r in rule_history(session, found)]
    shown = view(ctx, output)
    if shown.format is OutputFormat.JSON:
        data = {f.key: machine_value(f, current[f.key], reveal=False) for f in MACHINE_FIELDS}
        data["rules"] = [
            {f.key: machine_value(f, r[f.key], reveal=False) for f in MACHINE_FIELDS}
            for r in history
        ]
        write_json(data)
    elif shown.format is OutputFormat.CSV:
        render_rows(history, MACHINE_FIELDS, shown)
    else:
        current, *history = _on_screen([current, *history], output, shown.lang)
        record_fields = [f for f in PROGRAM_FIELDS if f.in_table]
        render_record(current, record_fields, shown, title=f"{current['code']}  {current['name']}")
        rule_fields = [f for f in record_fields if f.key not in ("code", "name", "guarantee")]
        title = translate("Rules over time", shown.lang)
        render_rows(history, rule_fields, shown, title=title)


@app.command("set")
def set_(
    ctx: typer.Context,
    program: ProgramArg,
    standard: Annotated[
        str | None,
        typer.Option(
            "--standard",
            help="Standard amount in yuan (with --level: for that level); none clears it.",
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="The admission level --standard is for: undergraduate, junior_college, high_school.",
        ),
    ] = None,
    cap: Annotated[
        str | None,
        typer.Option(
            "--cap", help="Most a household may receive in a year, in yuan; none: no cap."
        ),
    ] = None,
    ceiling: Annotated[
        str | None, typer.Option("--ceiling", help="on: no grant may pay more than the standard.")
    ] = None,
    archived_only: Annotated[
        str | None,
        typer.Option("--archived-only", help="on: archived households only; off: any registered."),
    ] = None,
    admission: Annotated[
        str | None,
        typer.Option("--admission", help="on: needs a member newly admitted to study that year."),
    ] = None,
    once_per: Annotated[
        str | None,
        typer.Option("--once-per", help=f"Once a year per: {OncePer.choices()}; none: no limit."),
    ] = None,
    excludes: Annotated[
        str | None,
        typer.Option(
            "--excludes",
            help="Programmes not combined with this one in the same year (a,b); none clears.",
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="In force from this date, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Change a programme's rule from a date on; grants are judged by the rule of their date.

    Example:

    \b
        kunnan program set medical-aid --cap 30000 --from 2019-01-01
        kunnan program set golden-autumn --level undergraduate --standard 6000 --from 2019-09-01
    """
    from kunnan.schemas.aid import RuleChange
    from kunnan.services.program import find_program, set_rule

    given = {
        "standard_fen": standard,
        "level": level,
        "yearly_cap_fen": cap,
        "ceiling": ceiling,
        "archived_only": archived_only,
        "admission_required": admission,
        "once_per": once_per,
        "excludes": excludes,
    }
    check_something_given(given)
    change = validated(RuleChange, given)
    effective = parse_on(from_, option="--from", allow_future=True)
    with ledger(ctx, write=True) as session:
        found = find_program(session, program)
        changes = set_rule(session, program=found, change=change, effective_from=effective)
        code = found.code
    if changes:
        note(
            _(
                "{code}: changed {fields} from {day}",
                code=code,
                fields=", ".join(sorted(changes)),
                day=effective.isoformat(),
            )
        )
    else:
        note(
            _(
                "{code}: the rule in force on {day} already says so; nothing changed",
                code=code,
                day=effective.isoformat(),
            )
        )
