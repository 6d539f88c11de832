"""kunnan compare: outside data against the register, reporting differences, changing nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from kunnan.commands.options import (
    FormatOption,
    RevealOption,
    WhyOption,
    ledger,
    today,
    view,
    whole_number,
)
from kunnan.domain.enums import CivilFinding
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _
from kunnan.ui.columns import Column
from kunnan.ui.console import note
from kunnan.ui.output import OutputFormat

app = typer.Typer(help="Compare outside data with the register (数据比对).", no_args_is_help=True)

FINDING_FIELDS = (
    Column("kind", "Finding", "enum", CivilFinding),
    Column("row", "Row", "int"),
    Column("household", "Household", min_width=7),
    Column("id_number", "ID number", "id_number"),
    Column("list_name", "Name on list", min_width=6),
    Column("register_name", "Name in register", min_width=6),
    Column("detail", "Detail"),
)


@app.command("civil")
def civil(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="The civil-affairs dibao list: CSV (UTF-8 or GB18030) or Excel .xlsx.",
            show_default=False,
        ),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="CSV encoding: utf-8, gb18030 (gbk, gb2312), big5 or utf-16 (default: utf-8 or gb18030, detected).",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Excel sheet to read (default: the first).")
    ] = None,
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows",
            parser=whole_number(least=1),
            help="Refuse a list of more than N data rows (a list that big: raise it).",
        ),
    ] = 1_000_000,  # kunnan.sheets.limits.MAX_ROWS
    output: FormatOption = OutputFormat.TABLE,
    reveal: RevealOption = False,
    why: WhyOption = None,
) -> None:
    """Compare the civil-affairs bureau's dibao list (民政低保名单) with the register.

    Reports dibao households not on the list, people on the list whose household
    is marginal or not registered, members the list marks deceased, and names
    that differ for one ID number. Changes nothing. Exits 0 when nothing differs,
    1 when something does. The list's columns: 身份证号 and 姓名 (id_number, name),
    and optionally 低保状态 (在保/停保/死亡), 月保障金额(元) and 日期.

    CSV is printed as UTF-8 for programs; for a file to open in Excel, add
    --csv-encoding utf-8-sig (or gb18030).

    Example:

    \b
        kunnan compare civil 民政低保名单.xlsx --format csv > 比对结果.csv
        kunnan compare civil 民政低保名单.xlsx --format csv --csv-encoding gb18030 > 比对结果.csv
    """
    from kunnan.services.compare import (
        CIVIL_COLUMNS,
        REQUIRED_COLUMNS,
        Comparison,
        compare_civil,
        is_header,
    )
    from kunnan.services.exports.register import record_bulk_reveal
    from kunnan.sheets.read import bind_header, listed, open_table
    from kunnan.ui.output import render_rows

    comparison = Comparison()
    with open_table(
        file, encoding=encoding, sheet=sheet, is_header=is_header, max_rows=max_rows
    ) as table:
        header = bind_header(table, CIVIL_COLUMNS, required=REQUIRED_COLUMNS)
        if header.ignored:
            note(
                _(
                    "{file}: ignoring columns kunnan does not compare: {columns}",
                    file=table.name,
                    columns=listed(header.ignored),
                )
            )
        with ledger(ctx, write=reveal) as session:
            findings = list(
                compare_civil(
                    session,
                    rows=table.rows(),
                    header=header,
                    today=today(),
                    csv_escaped=table.kind == "csv",
                    comparison=comparison,
                )
            )
            if reveal:
                households = len({f.household for f in findings if f.household})
                record_bulk_reveal(
                    session, what="compare civil", file=table.name, households=households, why=why
                )
    if comparison.rows == 0:
        raise InvalidInput(
            _("{file}: no rows under the header; nothing to compare", file=table.name)
        )
    render_rows(
        [dataclasses.asdict(f) for f in findings], FINDING_FIELDS, view(ctx, output, reveal)
    )
    if findings:
        note(
            _(
                "{file}: compared {rows} rows with the register: {n} differences",
                file=table.name,
                rows=comparison.rows,
                n=len(findings),
            )
        )
        raise typer.Exit(code=1)
    note(
        _(
            "{file}: compared {rows} rows with the register: no differences",
            file=table.name,
            rows=comparison.rows,
        )
    )
