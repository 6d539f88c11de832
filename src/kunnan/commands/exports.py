"""kunnan export: the register to CSV, Excel or JSON files, and the return sent up.

Exports mask ID and phone numbers as the screen does (``--reveal`` writes
them in full and is audited), are written to a temporary file renamed into
place, mode 0600, and never through a symbolic link. ``export households``
writes the households file that ``import households`` reads. CSV files have a
byte-order mark for Excel unless ``--encoding`` says otherwise.
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands.options import (
    ForceOption,
    RevealOption,
    WhyOption,
    ledger,
    output_file,
    parse_area,
    parse_choice,
    state,
    today,
    whole_number,
)
from kunnan.domain.enums import Category, HouseholdStatus
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import LANGUAGES, _, by_name, translate
from kunnan.ui.console import note

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from kunnan.files import OutputFile
    from kunnan.services.exports.register import HouseholdRecord
    from kunnan.services.household.register import HouseholdFilter
    from kunnan.ui.columns import Column

app = typer.Typer(
    help="Write the register to CSV, Excel or JSON files, and the return sent up.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


OutputOpt = Annotated[
    Path, typer.Option("--output", "-o", help="File to write.", show_default=False)
]
ExportFormatOpt = Annotated[
    ExportFormat | None,
    typer.Option("--format", "-f", help="csv, xlsx or json (default: from the file name)."),
]
StatusOpt = Annotated[
    str | None, typer.Option("--status", help=f"Only this status: {HouseholdStatus.choices()}.")
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", help=f"Only this category: {Category.choices()}.")
]
OrgOpt = Annotated[
    str | None, typer.Option("--org", help="Only this union and the unions under it.")
]
AreaOpt = Annotated[str | None, typer.Option("--area", help="Only this area code.")]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="CSV files: utf-8-sig (the default: UTF-8 with a byte-order mark, as Excel "
        "wants it), gb18030 (older Chinese Excel) or utf-8 (for programs).",
        show_default=False,
    ),
]


def _format(output: Path, given: ExportFormat | None) -> ExportFormat:
    if given is not None:
        return given
    try:
        return ExportFormat(output.suffix.lower().lstrip("."))
    except ValueError:
        raise InvalidInput(
            _(
                "cannot tell the format from '{file}': name it .csv, .xlsx or .json, "
                "or give --format",
                file=output.name,
            )
        ) from None


def _filter(
    status: str | None, category: str | None, org: str | None, area: str | None
) -> HouseholdFilter:
    from kunnan.services.household.register import HouseholdFilter

    return HouseholdFilter(
        status=parse_choice(HouseholdStatus, status, "--status"),
        category=parse_choice(Category, category, "--category"),
        org=org,
        area_code=parse_area(area),
    )


def _value(column: Column, household: dict[str, Any], member: dict[str, Any]) -> Any:
    return member[column.key] if column.key in member else household.get(column.key)


@contextmanager
def _writer(
    output: OutputFile,
    fmt: ExportFormat,
    *,
    what: str,
    lang: str,
    reveal: bool,
    columns: Sequence[Column],
    encoding: str,
) -> Iterator[Callable[[HouseholdRecord], None]]:
    """A function that writes one household (with its members) to the open file."""
    from kunnan.sheets.write import RowWriter, csv_file, json_file, xlsx_file
    from kunnan.ui.columns import file_value

    if fmt is ExportFormat.JSON:
        with json_file(output) as items:

            def json_value(column: Column, value: Any) -> Any:
                if column.kind == "enum_list":
                    return list(value or [])
                return file_value(column, value, lang="en", reveal=reveal, xlsx=False)

            def write_json(record: HouseholdRecord) -> None:
                household = record.household
                if what == "households":  # one object per household, with its members
                    item = {
                        c.key: json_value(c, household.get(c.key))
                        for c in columns
                        if c.key not in _PERSON_KEYS
                    }
                    item["members"] = [
                        {
                            c.key: json_value(c, m.get(c.key))
                            for c in columns
                            if c.key in _PERSON_KEYS
                        }
                        for m in record.members
                    ]
                    items.item(item)
                    return
                for member in record.members:
                    items.item(
                        {c.key: json_value(c, _value(c, household, member)) for c in columns}
                    )

            yield write_json
        return

    xlsx = fmt is ExportFormat.XLSX

    def write_rows(sheet: RowWriter) -> Callable[[HouseholdRecord], None]:
        def write(record: HouseholdRecord) -> None:
            household = dict(record.household)
            if by_name(lang):
                household["org"] = household["org_name"]  # office sheets name the union
            for member in record.members:
                sheet.row(
                    [
                        file_value(
                            c, _value(c, household, member), lang=lang, reveal=reveal, xlsx=xlsx
                        )
                        for c in columns
                    ]
                )

        return write

    if xlsx:
        with xlsx_file(output) as book:
            titles = {
                "households": translate("households", lang, "sheet"),
                "members": translate("members", lang, "sheet"),
            }
            yield write_rows(book.sheet_for(titles[what], columns, lang))
    else:
        with csv_file(output, encoding=encoding) as sheet:
            sheet.row([column.header(lang) for column in columns])
            yield write_rows(sheet)


def _export_people(
    ctx: typer.Context,
    *,
    what: str,
    output: OutputFile,
    fmt: ExportFormat,
    where: HouseholdFilter,
    columns: Sequence[Column],
    reveal: bool,
    why: str | None,
    encoding: str | None,
) -> None:
    """Write one row per person (CSV, xlsx) or one object per household or person (JSON).

    The file is renamed into place after the transaction ends, so a reveal's
    audit row and the file land together or not at all.
    """
    from kunnan.files import check
    from kunnan.services.exports.register import households_for_export, record_bulk_reveal
    from kunnan.sheets.write import file_encoding

    written = file_encoding(encoding, fmt.value)
    check(output)  # before the register is read
    lang = state(ctx).lang
    households = people = 0
    with (
        _writer(
            output, fmt, what=what, lang=lang, reveal=reveal, columns=columns, encoding=written
        ) as write,
        ledger(ctx, write=reveal) as session,
    ):
        for record in households_for_export(session, where=where):
            households += 1
            people += len(record.members)
            write(record)
        if reveal:
            record_bulk_reveal(
                session,
                what=f"export {what}",
                file=output.path.name,
                households=households,
                why=why,
            )
    values = {"households": households, "people": people, "path": output.path}
    note(
        _(
            "wrote {households} households ({people} people) to {path} "
            "(with full ID and phone numbers)",
            **values,
        )
        if reveal
        else _(
            "wrote {households} households ({people} people) to {path} "
            "(ID and phone numbers masked)",
            **values,
        )
    )


_PERSON_KEYS = frozenset(
    {
        "relation",
        "name",
        "id_number",
        "sex",
        "birth_date",
        "phone",
        "employer",
        "identity",
        "health",
        "schooling",
        "monthly_income_fen",
    }
)


@app.command("households")
def households(
    ctx: typer.Context,
    output: OutputOpt,
    fmt: ExportFormatOpt = None,
    status: StatusOpt = None,
    category: CategoryOpt = None,
    org: OrgOpt = None,
    area: AreaOpt = None,
    encoding: EncodingOpt = None,
    reveal: RevealOption = False,
    why: WhyOption = None,
    force: ForceOption = False,
) -> None:
    """Write the register, one row per person, in the format `import households` reads.

    CSV and Excel have English keys, or Chinese headers and labels with --lang zh;
    JSON has one object per household with its members.

    Example:

    \b
        kunnan --lang zh export households -o 花名册.xlsx --status archived
        kunnan export households -o register.csv --reveal --why "moving to the provincial ledger"
    """
    from kunnan.services.imports.households import HOUSEHOLD_COLUMNS

    _export_people(
        ctx,
        what="households",
        output=output_file(ctx, output, force=force),
        fmt=_format(output, fmt),
        where=_filter(status, category, org, area),
        columns=HOUSEHOLD_COLUMNS,
        reveal=reveal,
        why=why,
        encoding=encoding,
    )


@app.command("members")
def members(
    ctx: typer.Context,
    output: OutputOpt,
    fmt: ExportFormatOpt = None,
    status: StatusOpt = None,
    category: CategoryOpt = None,
    org: OrgOpt = None,
    area: AreaOpt = None,
    encoding: EncodingOpt = None,
    reveal: RevealOption = False,
    why: WhyOption = None,
    force: ForceOption = False,
) -> None:
    """Write every member of the matching households, one row (or JSON object) per person,
    with sex and birth year (the birth date with --reveal).

    Example:

    \b
        kunnan export members -o members.xlsx --category dibao
    """
    from kunnan.services.exports.register import MEMBER_COLUMNS

    _export_people(
        ctx,
        what="members",
        output=output_file(ctx, output, force=force),
        fmt=_format(output, fmt),
        where=_filter(status, category, org, area),
        columns=MEMBER_COLUMNS,
        reveal=reveal,
        why=why,
        encoding=encoding,
    )


@app.command("upstream")
def upstream(
    ctx: typer.Context,
    year: Annotated[
        int,
        typer.Option("--year", parser=whole_number(), help="The year of the return, e.g. 2018."),
    ],
    output: OutputOpt,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Whose return: this union and those under it (default: all)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write the return a union sends up, an Excel workbook with one sheet per table:
    archived households by category and by main cause, per county or district.

    Counts households archived now that were registered by the end of the year.

    Example:

    \b
        kunnan --lang zh export upstream --year 2018 -o 白银市2018年报.xlsx
    """
    from kunnan.domain.dates import DateError, parse_year
    from kunnan.files import check
    from kunnan.services.exports.upstream import UpstreamScope, build_return
    from kunnan.sheets.write import fitted, xlsx_file
    from kunnan.store.orgs import find_org

    try:
        year = parse_year(str(year))
    except DateError as error:
        raise InvalidInput(_("--year: {error}", error=error)) from None
    target = output_file(ctx, output, force=force)
    check(target)
    if output.suffix.lower() != ".xlsx":
        raise InvalidInput(_("the return is an Excel workbook: name the file .xlsx"))
    lang = state(ctx).lang
    with xlsx_file(target) as book, ledger(ctx, write=False) as session:
        union = find_org(session, org) if org else None
        sheets = build_return(session, UpstreamScope(year=year, org=union))
        facts = _about(lang, union.name if union else None, year)
        about = book.sheet(
            translate("About", lang), fitted((), facts, bold=(True, False)), header=False
        )
        for label, value in facts:
            about.row([label, value])
        for table in sheets:
            headers = [_in(lang, pair) for pair in table.headers]
            rows = [[_in(lang, row[0]), *row[1:]] for row in table.rows]
            sheet = book.sheet(table.title(lang), fitted(headers, rows, _figures(rows)))
            for cells in rows:
                sheet.row(cells)
    note(
        _(
            "wrote the {year} return ({n} tables) to {path}",
            year=year,
            n=len(sheets),
            path=output,
        )
    )


def _figures(rows: Sequence[Sequence[Any]]) -> list[str | None]:
    """How the return's columns show: the first names the union; then yuan (the aid table
    holds Decimal yuan) with two decimals, counts with thousands grouped."""
    from decimal import Decimal

    from kunnan.sheets.write import COUNT_FORMAT, YUAN_FORMAT

    width = max((len(row) for row in rows), default=0)
    return [None] + [
        YUAN_FORMAT
        if any(isinstance(row[i], Decimal) for row in rows if i < len(row))
        else COUNT_FORMAT
        for i in range(1, width)
    ]


def _in(lang: str, pair: Sequence[str]) -> str:
    """A text the return gives in both languages, (English, Chinese), in ``lang``."""
    return pair[LANGUAGES.index(lang)]


def _about(lang: str, union: str | None, year: int) -> list[tuple[str, str]]:
    """The return's first sheet: whose it is, for which year, what it counts, when it was made."""
    return [
        (translate("Union", lang, "return"), union or translate("all unions", lang)),
        (translate("Year", lang), str(year)),
        (
            translate("Counts", lang, "return"),
            translate("households archived now and registered by {year}-12-31", lang).format(
                year=year
            ),
        ),
        (translate("Made", lang, "return"), today().isoformat()),
    ]
