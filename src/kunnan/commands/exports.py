"""kunnan export: the register, the aid ledger and the exits to CSV, Excel or JSON files, and
the return sent up.

Exports mask ID and phone numbers as the screen does (``--reveal`` writes
them in full and is audited), are written to a temporary file renamed into
place, mode 0600, and never through a symbolic link. ``export households``
writes the households file that ``import households`` reads; ``export aid``
and ``export exits`` write the ledgers a union office keeps (发放台账,
退出台账), read a page at a time however long they are. CSV files have a
byte-order mark for Excel unless ``--encoding`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
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
    parse_optional_date,
    state,
    today,
    whole_number,
)
from kunnan.domain.enums import Category, ExitKind, HouseholdStatus
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import LANGUAGES, _, by_name, n_, translate
from kunnan.ui.console import note

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

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
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="Only from this day on, YYYY-MM-DD.", show_default=False),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", help="Only up to this day, YYYY-MM-DD.", show_default=False)
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


#: Columns an export writes as a name in Chinese files and as a code in English ones (the
#: union, the programme), as the households file does.
_NAMED_IN_CHINESE = {"org": "org_name", "program": "program_name"}


def _file_cell(column: Column, row: Mapping[str, Any], *, lang: str) -> Any:
    named = _NAMED_IN_CHINESE.get(column.key)
    if named is not None and by_name(lang) and row.get(named):
        return row[named]
    return row.get(column.key)


def _json_item(columns: Sequence[Column], row: Mapping[str, Any], *, reveal: bool) -> Any:
    from kunnan.ui.columns import file_value

    return {
        c.key: file_value(c, row.get(c.key), lang="en", reveal=reveal, xlsx=False) for c in columns
    }


@contextmanager
def _ledger_file(
    output: OutputFile,
    fmt: ExportFormat,
    *,
    lang: str,
    reveal: bool,
    encoding: str,
    sheet: str,
    columns: Sequence[Column],
    json_columns: Sequence[Column],
    details: tuple[str, str, Sequence[Column], Sequence[Column]] | None = None,
) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """A function that writes one row of a ledger (aid entries, exits) to the open file.

    ``sheet`` is the workbook's sheet title (in the file's language). ``details`` names rows
    that each row holds (an exit's follow-ups): their key, the title of the sheet they get in
    a workbook, their columns there and in JSON (under the key).
    CSV has one table: the row alone.
    """
    from kunnan.sheets.write import csv_file, json_file, xlsx_file
    from kunnan.ui.columns import file_value

    if fmt is ExportFormat.JSON:
        with json_file(output) as items:

            def write_json(row: Mapping[str, Any]) -> None:
                item = _json_item(json_columns, row, reveal=reveal)
                if details is not None:
                    key, _title, _columns, inner = details
                    item[key] = [_json_item(inner, part, reveal=reveal) for part in row[key]]
                items.item(item)

            yield write_json
        return

    xlsx = fmt is ExportFormat.XLSX

    def cells(shown: Sequence[Column], row: Mapping[str, Any]) -> list[Any]:
        return [
            file_value(c, _file_cell(c, row, lang=lang), lang=lang, reveal=reveal, xlsx=xlsx)
            for c in shown
        ]

    if not xlsx:
        with csv_file(output, encoding=encoding) as table:
            table.row([c.header(lang) for c in columns])
            yield lambda row: table.row(cells(columns, row))
        return
    with xlsx_file(output) as book:
        main = book.sheet_for(sheet, columns, lang)
        if details is None:
            yield lambda row: main.row(cells(columns, row))
            return
        key, title, inner, _json = details
        second = book.sheet_for(title, inner, lang)

        def write_both(row: Mapping[str, Any]) -> None:
            main.row(cells(columns, row))
            for part in row[key]:
                second.row(cells(inner, part))

        yield write_both


def _span(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The days ``--from`` and ``--to`` give, checked to make a span."""
    from kunnan.domain.dates import check_span

    first = parse_optional_date(start, option="--from")
    last = parse_optional_date(end, option="--to")
    check_span(first, last)
    return first, last


@app.command("aid")
def aid(
    ctx: typer.Context,
    output: OutputOpt,
    fmt: ExportFormatOpt = None,
    org: OrgOpt = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            parser=whole_number(least=1949, most=2200),
            help="Only aid counting toward this year.",
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this programme.")] = None,
    fund: Annotated[str | None, typer.Option("--fund", help="Only aid from this fund.")] = None,
    encoding: EncodingOpt = None,
    reveal: RevealOption = False,
    why: WhyOption = None,
    force: ForceOption = False,
) -> None:
    """Write the aid ledger (发放台账): every cash grant and reversal, in ledger order, with
    the household, its head, the union, the programme, the fund, the amount in yuan, the
    date, the member it was for and the voucher.

    A reversal is a row of its own with the negative amount and the entry it reverses, so
    the amounts add up to what was paid. JSON has the amount in fen (amount_fen).

    Example:

    \b
        kunnan --lang zh export aid -o 2018年帮扶资金发放台账.xlsx --year 2018
        kunnan export aid -o 金秋助学2018.csv --program golden-autumn --year 2018 --encoding gb18030
        kunnan export aid -o pingchuan-aid.json --org pingchuan --from 2018-01-01 --to 2018-06-30
    """
    from kunnan.files import check
    from kunnan.services.exports.aid import (
        AID_COLUMNS,
        AID_JSON_COLUMNS,
        AidExportFilter,
        aid_for_export,
    )
    from kunnan.services.fund import resolve_fund
    from kunnan.services.program import find_program
    from kunnan.sheets.write import file_encoding
    from kunnan.store.operators import scoped_org

    target = output_file(ctx, output, force=force)
    chosen = _format(output, fmt)
    written = file_encoding(encoding, chosen.value)
    first, last = _span(start, end)
    check(target)  # before the ledger is read
    lang = state(ctx).lang
    # The file is put in place after the transaction ends: a reveal's audit row and the
    # file land together or not at all.
    with (
        _ledger_file(
            target,
            chosen,
            lang=lang,
            reveal=reveal,
            encoding=written,
            sheet=translate("aid ledger", lang, "sheet"),
            columns=AID_COLUMNS,
            json_columns=AID_JSON_COLUMNS,
        ) as write,
        ledger(ctx, write=reveal) as session,
    ):
        where = AidExportFilter(
            org=scoped_org(session, org),
            year=year,
            start=first,
            end=last,
            program=find_program(session, program).code if program else None,
            fund_id=resolve_fund(session, fund).id if fund else None,
        )
        entries = _write_each(
            session,
            aid_for_export(session, where=where),
            write,
            reveal=reveal,
            why=why,
            what="export aid",
            file=output.name,
            counted="entries",
        )
    values = {"n": entries, "path": output}
    note(
        n_(
            "wrote {n} aid entry to {path} (with full ID and phone numbers)",
            "wrote {n} aid entries to {path} (with full ID and phone numbers)",
            entries,
            **values,
        )
        if reveal
        else n_(
            "wrote {n} aid entry to {path} (ID and phone numbers masked)",
            "wrote {n} aid entries to {path} (ID and phone numbers masked)",
            entries,
            **values,
        )
    )


@app.command("exits")
def exits(
    ctx: typer.Context,
    output: OutputOpt,
    fmt: ExportFormatOpt = None,
    org: OrgOpt = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this kind of exit: {ExitKind.choices()}.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            parser=whole_number(least=1949, most=2200),
            help="Only exits in this calendar year.",
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    encoding: EncodingOpt = None,
    reveal: RevealOption = False,
    why: WhyOption = None,
    force: ForceOption = False,
) -> None:
    """Write the exits from the register (退出台账), by exit date: the household, its head,
    the kind, the date and the reason, and the follow-up visits (回访): how many were made,
    the last and what it found, the next due, and any relapse.

    Excel workbooks have a second sheet with every follow-up; JSON has them under each
    exit's followups.

    Example:

    \b
        kunnan --lang zh export exits -o 2018年退出台账.xlsx --year 2018
        kunnan export exits -o stable-exits.csv --kind stable --org pingchuan
    """
    from kunnan.files import check
    from kunnan.services.exports.exits import (
        EXIT_COLUMNS,
        EXIT_JSON_COLUMNS,
        FOLLOWUP_COLUMNS,
        FOLLOWUP_JSON_COLUMNS,
        ExitExportFilter,
        exits_for_export,
    )
    from kunnan.sheets.write import file_encoding
    from kunnan.store.operators import scoped_org

    target = output_file(ctx, output, force=force)
    chosen = _format(output, fmt)
    written = file_encoding(encoding, chosen.value)
    first, last = _span(start, end)
    exit_kind = parse_choice(ExitKind, kind, "--kind")
    check(target)  # before the ledger is read
    lang = state(ctx).lang
    with (
        _ledger_file(
            target,
            chosen,
            lang=lang,
            reveal=reveal,
            encoding=written,
            sheet=translate("exits", lang, "sheet"),
            columns=EXIT_COLUMNS,
            json_columns=EXIT_JSON_COLUMNS,
            details=(
                "followups",
                translate("follow-ups", lang, "sheet"),
                FOLLOWUP_COLUMNS,
                FOLLOWUP_JSON_COLUMNS,
            ),
        ) as write,
        ledger(ctx, write=reveal) as session,
    ):
        where = ExitExportFilter(
            org=scoped_org(session, org),
            kind=exit_kind,
            year=year,
            start=first,
            end=last,
        )
        count = _write_each(
            session,
            exits_for_export(session, where=where),
            write,
            reveal=reveal,
            why=why,
            what="export exits",
            file=output.name,
            counted="exits",
        )
    values = {"n": count, "path": output}
    note(
        n_(
            "wrote {n} exit to {path} (with full ID and phone numbers)",
            "wrote {n} exits to {path} (with full ID and phone numbers)",
            count,
            **values,
        )
        if reveal
        else n_(
            "wrote {n} exit to {path} (ID and phone numbers masked)",
            "wrote {n} exits to {path} (ID and phone numbers masked)",
            count,
            **values,
        )
    )


def _write_each(
    session: Any,
    rows: Iterable[Mapping[str, Any]],
    write: Callable[[Mapping[str, Any]], None],
    *,
    reveal: bool,
    why: str | None,
    what: str,
    file: str,
    counted: str,
) -> int:
    """Write each row an export streams, and record a reveal of the households they are of
    (with how many rows, under ``counted``); return how many rows were written."""
    from kunnan.services.exports.register import record_bulk_reveal

    count = 0
    households: set[int] = set()
    for row in rows:
        count += 1
        households.add(row["household_id"])
        write(row)
    if reveal:
        record_bulk_reveal(
            session, what=what, file=file, households=len(households), why=why, **{counted: count}
        )
    return count


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

    Counts households archived now that were registered by the end of the year. The
    ledger's latest checkpoint goes with it, with its consistency proofs: the union above
    holds it with kunnan witness update.

    Example:

    \b
        kunnan --lang zh export upstream --year 2018 -o 白银市2018年报.xlsx
    """
    from kunnan.domain.dates import DateError, parse_year
    from kunnan.domain.events import BUNDLE_FORMAT
    from kunnan.files import check
    from kunnan.services.exports.upstream import UpstreamScope, build_return
    from kunnan.services.log import CHECKPOINT_SHEET, upstream_text
    from kunnan.sheets.write import fitted, xlsx_file
    from kunnan.store.operators import scoped_org

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
        union = scoped_org(session, org)
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
        carried = upstream_text(session)
        if carried is not None:  # sending the return up is also witnessing the ledger
            pinned = book.sheet(translate(CHECKPOINT_SHEET, lang), fitted([BUNDLE_FORMAT], []))
            pinned.row([carried])
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
