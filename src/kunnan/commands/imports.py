"""kunnan import: bring a union's spreadsheets (CSV or Excel) into the ledger.

``import households`` is here; ``import aid`` (the aid ledger) is added the
same way: a ``RowImporter`` in services, its file's columns, and a command
that calls ``run_file_import`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunnan.commands.options import ledger, output_file, today, whole_number
from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _, n_, p_
from kunnan.ui.console import note

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kunnan.files import OutputFile
    from kunnan.services.imports import ImportReport, Outcome, RowImporter
    from kunnan.sheets.columns import Column, HeaderMatch
    from kunnan.sheets.read import Table
    from kunnan.sheets.write import RejectFile

app = typer.Typer(
    help="Bring households in from CSV (UTF-8 or GB18030) or Excel .xlsx files.",
    no_args_is_help=True,
)

FileArg = Annotated[
    Path, typer.Argument(help="A CSV (UTF-8 or GB18030) or Excel .xlsx file.", show_default=False)
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="CSV encoding: utf-8, gb18030 (gbk, gb2312), big5 or utf-16 (default: utf-8 or gb18030, detected).",
    ),
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="Excel sheet to read (default: the first).")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check every row against the ledger; write nothing.")
]
SkipInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Import the good rows and write the bad ones to a reject file (default: all or nothing).",
    ),
]
RejectsOpt = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        help="Reject file for --skip-invalid (default: FILE.rejects.csv or .xlsx beside FILE).",
        show_default=False,
    ),
]
RejectsForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace the reject file if it already exists.")
]
MaxErrorsOpt = Annotated[
    int,
    typer.Option(
        "--max-errors", parser=whole_number(least=0), help="List at most N bad rows (0 = all)."
    ),
]
MaxRowsOpt = Annotated[
    int,
    typer.Option(
        "--max-rows",
        parser=whole_number(least=1),
        help="Refuse a file of more than N data rows (a register that big: raise it).",
    ),
]

#: Files at least this large get a progress bar (when stderr is a terminal): bytes of CSV,
#: or of an Excel sheet's XML (about 600 rows of a households sheet).
PROGRESS_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileImport:
    """What one kind of import brings to ``run_file_import``."""

    entity: str
    #: A number of groups of rows, for messages: "1 household", "3 households".
    groups: Callable[[int], str]
    columns: Sequence[Column]
    required: Sequence[str]
    is_header: Callable[[Sequence[str]], bool]
    error_headers: dict[str, str]
    make_importer: Callable[[Session, HeaderMatch, bool], RowImporter[Any]]
    summary: Callable[[ImportReport], str]


def default_rejects(path: Path) -> Path:
    suffix = ".xlsx" if path.suffix.lower() == ".xlsx" else ".csv"
    return path.with_name(f"{path.stem}.rejects{suffix}")


def run_file_import(
    ctx: typer.Context,
    *,
    spec: FileImport,
    path: Path,
    encoding: str | None,
    sheet: str | None,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    force: bool,
    max_errors: int,
    max_rows: int,
    options: dict[str, Any],
) -> None:
    """Open the file, check its header, import it in one transaction and report."""
    from kunnan.files import check
    from kunnan.services.imports import ImportReport, record_import, run_import
    from kunnan.sheets.read import Footer, bind_header, open_table, sha256_of

    if rejects is not None and not skip_invalid:
        raise InvalidInput(_("--rejects goes with --skip-invalid"))
    reject_path = (rejects or default_rejects(path)) if skip_invalid and not dry_run else None
    reject_target = (
        output_file(ctx, reject_path, force=force, reading=path)
        if reject_path is not None
        else None
    )
    if reject_target is not None:
        check(reject_target)  # before a single row is read
    with open_table(
        path, encoding=encoding, sheet=sheet, is_header=spec.is_header, max_rows=max_rows
    ) as table:
        header = bind_header(
            table, spec.columns, required=spec.required, quiet=spec.error_headers.values()
        )
        _note_ignored(table, header)
        digest = sha256_of(path)
        report = ImportReport(file=table.name)
        sink = (
            _reject_sink(table, header, reject_target, spec)
            if reject_target is not None
            else nullcontext(None)
        )
        nothing = False
        id_number = header.bound.get("id_number")
        footer = Footer(table.rows(), id_place=id_number.index if id_number else None)
        with sink as set_aside, _progress(table) as progress, ledger(ctx, write=True) as session:
            importer = spec.make_importer(session, header, table.kind == "csv")
            run_import(
                importer=importer,
                rows=iter(footer),
                report=report,
                max_problems=max_errors or None,
                reject=set_aside.reject if set_aside is not None else None,
                progress=progress,
            )
            if footer.skipped:
                note(_footer_note(table.name, footer.skipped))
            if report.rows == 0:
                raise InvalidInput(
                    _(
                        "{file}: no rows under the header (row {row}); nothing to import",
                        file=table.name,
                        row=table.header_row,
                    )
                )
            _print_problems(table.name, report)
            if report.problem_count and not skip_invalid:
                summary = _problem_summary(report, spec.groups)
                raise InvalidInput(
                    _(
                        "{file}: {summary}; nothing was written (dry run)",
                        file=table.name,
                        summary=summary,
                    )
                    if dry_run
                    else _(
                        "{file}: {summary}; nothing was imported",
                        file=table.name,
                        summary=summary,
                    ),
                    hint=_(
                        "fix them and import again, or import the good rows with --skip-invalid"
                    ),
                )
            # --skip-invalid with every row bad imports nothing: refused once the reject file
            # is written, the ledger left as it was.
            nothing = skip_invalid and report.rows_rejected == report.rows
            if dry_run or nothing:
                session.rollback()
            else:
                record_import(
                    session, entity=spec.entity, report=report, sha256=digest, options=options
                )
            if set_aside is not None:
                set_aside.finish()  # on disk before the import commits; put in place after
    if nothing:
        raise _nothing_imported(table.name, report, None if dry_run else reject_path)
    summary = spec.summary(report)
    note(
        _("{file}: dry run, nothing written: {summary}", file=table.name, summary=summary)
        if dry_run
        else _("{file}: {summary}", file=table.name, summary=summary)
    )
    if reject_path is not None and report.rows_rejected:
        note(_("rejected rows written to {path}", path=reject_path))


def _footer_note(file: str, skipped: Sequence[tuple[int, str]]) -> str:
    """The one note about the footer rows an import skipped: how many, which, what they say."""
    separator = p_("list separator", ", ")
    rows = separator.join(str(number) for number, _word in skipped)
    words = separator.join(dict.fromkeys(word for _number, word in skipped))
    return n_(
        "{file}: skipped {n} footer row at the end of the table (row {rows}: {words}), not data",
        "{file}: skipped {n} footer rows at the end of the table (rows {rows}: {words}), not data",
        len(skipped),
        file=file,
        n=len(skipped),
        rows=rows,
        words=words,
    )


def _nothing_imported(file: str, report: ImportReport, rejects: Path | None) -> InvalidInput:
    """--skip-invalid, and every row was rejected: nothing imported is a failed import."""
    if rejects is None:  # a dry run
        return InvalidInput(
            _(
                "{file}: every row would be rejected ({rows}); nothing would be imported (dry run)",
                file=file,
                rows=_rows(report.rows),
            )
        )
    return InvalidInput(
        _(
            "{file}: every row was rejected ({rows}), so nothing was imported; "
            "the rejected rows are in {path}",
            file=file,
            rows=_rows(report.rows),
            path=rejects,
        ),
        hint=_("fix them there and import that file"),
    )


def _note_ignored(table: Table, header: HeaderMatch) -> None:
    from kunnan.sheets.read import listed

    if header.ignored:
        note(
            _(
                "{file}: ignoring columns kunnan does not know: {columns}",
                file=table.name,
                columns=listed(header.ignored),
            )
        )


def _problem_summary(report: ImportReport, groups: Callable[[int], str]) -> str:
    return _(
        "{problems} in {groups} ({rows})",
        problems=n_("{n} problem", "{n} problems", report.problem_count, n=report.problem_count),
        groups=groups(report.rejected),
        rows=_rows(report.rows_rejected),
    )


def _rows(count: int) -> str:
    return n_("{n} row", "{n} rows", count, n=count)


def _print_problems(file: str, report: ImportReport) -> None:
    for problem in report.problems:
        note(problem.line(file))
    hidden = report.problem_count - len(report.problems)
    if hidden > 0:
        note(
            _(
                "{file}: … and {n} more problems (--max-errors 0 lists them all)",
                file=file,
                n=hidden,
            )
        )


@dataclass
class _Rejects:
    """Where an import's rejected rows go: ``reject`` each one, ``finish`` before committing."""

    file: RejectFile

    def reject(self, outcome: Outcome) -> None:
        reasons: dict[int, list[str]] = {}
        for problem in outcome.problems:
            reasons.setdefault(problem.row, []).append(problem.short)
        first = min(reasons) if reasons else None
        for row in outcome.rows:
            own = reasons.get(row.number)
            text = (
                _("row {row}: {reasons}", row=row.number, reasons=p_("clauses", "; ").join(own))
                if own
                else _(
                    "row {row}: not imported because of row {first} of the same household",
                    row=row.number,
                    first=first,
                )
            )
            self.file.add(row.cells, text)

    def finish(self) -> None:
        self.file.finish()


@contextmanager
def _reject_sink(
    table: Table, header: HeaderMatch, target: OutputFile, spec: FileImport
) -> Iterator[_Rejects]:
    from kunnan.sheets.write import reject_file

    with reject_file(
        target,
        kind=table.kind,
        header=table.header,
        error_header=spec.error_headers[header.lang],
        encoding=table.encoding or "utf-8-sig",
    ) as rejects:
        yield _Rejects(rejects)


@contextmanager
def _progress(table: Table) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for big files, when stderr is a terminal."""
    import sys

    big = table.total is not None and table.total >= PROGRESS_BYTES
    if not (big and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn(_("{task.fields[rows]:,} rows")),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(_("importing {file}", file=table.name), total=table.total, rows=0)

        def advance(rows: int) -> None:
            bar.update(task, completed=table.position(), rows=rows)

        yield advance


def _household_summary(report: ImportReport) -> str:
    parts = [
        _("{n} rows read", n=report.rows),
        _(
            "{n} new households ({people})",
            n=report.created,
            people=_people(report.rows_added),
        ),
    ]
    if report.matched:
        parts.append(_already_registered(report))
    parts.append(_("{n} rejected ({rows} rows)", n=report.rejected, rows=report.rows_rejected))
    return p_("clauses", "; ").join(parts)


def _already_registered(report: ImportReport) -> str:
    """The households of the file that were in the register already, and what became of them."""
    values = {
        "n": report.matched,
        "rows": report.rows_matched,
        "updated": report.updated,
        "people": _people(report.added - report.rows_added),
    }
    joined = report.added - report.rows_added
    if report.updated and joined:
        return _(
            "{n} already registered ({rows} rows), {updated} updated, {people} added to them",
            **values,
        )
    if report.updated:
        return _("{n} already registered ({rows} rows), {updated} updated", **values)
    if joined:
        return _("{n} already registered ({rows} rows), {people} added to them", **values)
    return _("{n} already registered ({rows} rows)", **values)


def _people(count: int) -> str:
    return n_("{n} person", "{n} people", count, n=count)


@app.command("households")
def households(
    ctx: typer.Context,
    file: FileArg,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Union for rows whose union column is blank or missing."),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Bring households already registered (same head's ID number) up to date.",
        ),
    ] = False,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    rejects: RejectsOpt = None,
    force: RejectsForceOpt = False,
    max_errors: MaxErrorsOpt = 50,
    max_rows: MaxRowsOpt = 1_000_000,  # kunnan.sheets.limits.MAX_ROWS
) -> None:
    """Import households from a CSV or Excel file: one row per person, the head worker's row first
    or marked 户主 (the same columns `export households` writes; see the README).

    All or nothing: any bad row and nothing is imported; every bad row is listed
    with its row number, column and reason. Households whose head is already
    registered are left alone (or updated, field by field and audited, with --update).

    Example:

    \b
        kunnan import households 困难职工花名册.xlsx --dry-run
        kunnan import households households.csv --org baiyin-qu --skip-invalid
    """
    from kunnan.services.imports.households import (
        ERROR_HEADERS,
        HOUSEHOLD_COLUMNS,
        REQUIRED_COLUMNS,
        HouseholdFileImporter,
        is_header,
    )

    on = today()

    def make(session: Session, header: HeaderMatch, csv_escaped: bool) -> RowImporter[Any]:
        if org is None and not header.has("org"):
            raise InvalidInput(
                _(
                    "{file} has no 所属工会 (org) column: add one, or give --org for every row",
                    file=file.name,
                )
            )
        return HouseholdFileImporter(
            session,
            header=header,
            today=on,
            default_org=org,
            update=update,
            csv_escaped=csv_escaped,
        )

    spec = FileImport(
        entity="household",
        groups=lambda n: n_("{n} household", "{n} households", n, n=n),
        columns=HOUSEHOLD_COLUMNS,
        required=REQUIRED_COLUMNS,
        is_header=is_header,
        error_headers=ERROR_HEADERS,
        make_importer=make,
        summary=_household_summary,
    )
    run_file_import(
        ctx,
        spec=spec,
        path=file,
        encoding=encoding,
        sheet=sheet,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects=rejects,
        force=force,
        max_errors=max_errors,
        max_rows=max_rows,
        options={"update": update, "skip_invalid": skip_invalid, "org": org},
    )


def _check_finds_households(header: HeaderMatch, file: Path) -> None:
    """A file of rows about households names each by code or by its head's ID number."""
    if not header.has("household") and not header.has("id_number"):
        raise InvalidInput(
            _(
                "{file} needs a 户编号 (household) or 身份证号 (id_number) column "
                "to find each household",
                file=file.name,
            )
        )


def _aid_summary(report: ImportReport) -> str:
    return _(
        "{rows:,} rows read; {created:,} grants paid, {matched:,} already in the ledger, "
        "{rejected:,} rejected",
        rows=report.rows,
        created=report.created,
        matched=report.matched,
        rejected=report.rejected,
    )


@app.command("aid")
def aid(
    ctx: typer.Context,
    file: FileArg,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    rejects: RejectsOpt = None,
    force: RejectsForceOpt = False,
    max_errors: MaxErrorsOpt = 50,
    max_rows: MaxRowsOpt = 1_000_000,  # kunnan.sheets.limits.MAX_ROWS
) -> None:
    """Import cash aid already given, one grant per row, through the programmes' rules and funds.

    Each row names its household (户编号 or 档案号, or the head's 身份证号), the
    programme (帮扶项目), fund (资金), date (发放日期) and optionally the amount
    (金额(元), default the standard), the member (受助人), a voucher number
    (凭证号) and a supervisor's override reason (特批原因). Rows already in the
    ledger are matched, not paid twice. All or nothing unless --skip-invalid.

    Example:

    \b
        kunnan import aid 2018金秋助学发放表.xlsx --dry-run
    """
    from kunnan.services.imports.aid import (
        AID_COLUMNS,
        ERROR_HEADERS,
        REQUIRED_COLUMNS,
        AidFileImporter,
        is_header,
    )

    def make(session: Session, header: HeaderMatch, csv_escaped: bool) -> RowImporter[Any]:
        _check_finds_households(header, file)
        return AidFileImporter(session, header=header, csv_escaped=csv_escaped)

    spec = FileImport(
        entity="aid",
        groups=_rows,
        columns=AID_COLUMNS,
        required=REQUIRED_COLUMNS,
        is_header=is_header,
        error_headers=ERROR_HEADERS,
        make_importer=make,
        summary=_aid_summary,
    )
    run_file_import(
        ctx,
        spec=spec,
        path=file,
        encoding=encoding,
        sheet=sheet,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects=rejects,
        force=force,
        max_errors=max_errors,
        max_rows=max_rows,
        options={"skip_invalid": skip_invalid},
    )


def _review_summary(report: ImportReport) -> str:
    return _(
        "{rows:,} rows read; {created:,} reviews recorded, {matched:,} already in the ledger, "
        "{rejected:,} rejected",
        rows=report.rows,
        created=report.created,
        matched=report.matched,
        rejected=report.rejected,
    )


@app.command("reviews")
def reviews(
    ctx: typer.Context,
    file: FileArg,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    dry_run: DryRunOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    rejects: RejectsOpt = None,
    force: RejectsForceOpt = False,
    max_errors: MaxErrorsOpt = 50,
    max_rows: MaxRowsOpt = 1_000_000,  # kunnan.sheets.limits.MAX_ROWS
) -> None:
    """Import a year's yearly reviews (年审), one per row, through the review's rules.

    Each row names its household (户编号 or 档案号, or the head's 身份证号) and the
    review's date (年审日期); optionally the outcome (年审结论: 维持, 调整类别,
    调整致困原因, 建议退出; default 维持), the new category (调整后类别) or causes
    (主要致困原因, 次要致困原因), the reason (理由), the month's other income and
    costs in yuan (其他收入(元), 医疗支出(元), 教育支出(元), 意外支出(元)) and a note
    (备注). Each review calculates the income with the members present that day,
    as kunnan review record does. All or nothing unless --skip-invalid.

    Example:

    \b
        kunnan import reviews 2018年审补录.csv --dry-run
        kunnan import reviews 2018年审补录.csv
    """
    from kunnan.services.imports.reviews import (
        ERROR_HEADERS,
        REQUIRED_COLUMNS,
        REVIEW_COLUMNS,
        ReviewFileImporter,
        is_header,
    )

    def make(session: Session, header: HeaderMatch, csv_escaped: bool) -> RowImporter[Any]:
        _check_finds_households(header, file)
        return ReviewFileImporter(session, header=header, csv_escaped=csv_escaped)

    spec = FileImport(
        entity="review",
        groups=_rows,
        columns=REVIEW_COLUMNS,
        required=REQUIRED_COLUMNS,
        is_header=is_header,
        error_headers=ERROR_HEADERS,
        make_importer=make,
        summary=_review_summary,
    )
    run_file_import(
        ctx,
        spec=spec,
        path=file,
        encoding=encoding,
        sheet=sheet,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects=rejects,
        force=force,
        max_errors=max_errors,
        max_rows=max_rows,
        options={"skip_invalid": skip_invalid},
    )
