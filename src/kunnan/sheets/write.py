"""Writing exports: CSV, Excel .xlsx and JSON, through kunnan's one safe writer.

Every file goes through ``kunnan.files.write_atomically``: new (or replaced with
``--force``), regular files only, never the ledger, whole or not at all, mode 0600.

CSV files are UTF-8 with a byte-order mark, so Excel opens Chinese text
correctly (``--encoding gb18030`` or ``utf-8`` writes them otherwise); text
cells that a spreadsheet would run as a formula are prefixed with ``'``.

An .xlsx workbook is laid out for an office (``Workbook``): columns as wide
as their text (a Chinese character counts two), the header row bold and
frozen, yuan as numbers shown ``#,##0.00``, dates as dates, every text cell
stored as text (never as a formula), and ID numbers, phones and codes in
text columns (``@``) so Excel neither rounds nor reformats them. Sheets are
written as a stream (openpyxl's write-only mode), so a column's width is
decided before its rows: from its kind and header (``sheet_columns``), or
from all its rows where they are at hand (``fitted``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from kunnan.domain.errors import InvalidInput
from kunnan.files import OutputFile, check, write_atomically
from kunnan.i18n import _
from kunnan.ui.columns import FORMULA_STARTS, Column, escape_cell, file_in_fen
from kunnan.ui.output import SCHEMA_VERSION

#: How CSV files are written unless ``--encoding`` says otherwise: UTF-8 with a byte-order
#: mark, which Excel needs to open Chinese text correctly (without one it guesses the
#: system's code page).
CSV_ENCODING = "utf-8-sig"
#: Columns written as text in Excel, never rounded or reformatted: by kind, and codes by key.
TEXT_KINDS = ("id_number", "phone")
TEXT_KEYS = ("household", "archive_no", "area_code", "fund", "ref")
#: Number formats: text (never a number), yuan, counts, dates.
TEXT_FORMAT = "@"
YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: Widest a column is laid out (in characters; a Chinese character counts two): longer text
#: stays whole in its cell, shown when the cell is selected.
WIDTH_MAX = 50
#: Room beside the widest text (bold headers, Excel's filter button).
WIDTH_PADDING = 2
#: How wide a value of each kind is (in characters), for sheets laid out before their rows
#: are known (a stream): an ID number takes 18, a date 10, yuan up to millions 12.
KIND_WIDTHS = {
    "id_number": 18,
    "phone": 11,
    "date": 10,
    "birth_date": 10,
    "datetime": 19,
    "money": 12,
    "int": 6,
    "decimal": 8,
    "json": 40,
}
#: Text columns by key: a name takes three or four Chinese characters, a union's name up to
#: eight, an archive number 17 (620402-2018-00001).
KEY_WIDTHS = {
    "household": 7,
    "archive_no": 17,
    "area_code": 6,
    "name": 8,
    "head_name": 8,
    "member": 8,
    "visitor": 8,
    "operator": 8,
    "org": 16,
    "program": 14,
    "program_name": 12,
    "fund": 4,
    "fund_name": 22,
    "ref": 16,
    "employer": 18,
    "address": 30,
    "reason": 30,
    "override_reason": 20,
    "note": 30,
}
#: Any other text column.
TEXT_WIDTH = 10


class RowWriter(Protocol):
    """A table being written: a sheet of an .xlsx workbook or a CSV file."""

    def row(self, cells: Sequence[Any]) -> None: ...


class _CsvSheet:
    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def row(self, cells: Sequence[Any]) -> None:
        self._writer.writerow([_csv_cell(cell) for cell in cells])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def file_encoding(given: str | None, file_format: str) -> str:
    """The encoding of a CSV file a command writes: ``--encoding``, or UTF-8 with a
    byte-order mark; refused for other formats (JSON is always UTF-8, Excel has none)."""
    from kunnan.ui.output import csv_encoding

    if given is None:
        return CSV_ENCODING
    if file_format != "csv":
        raise InvalidInput(
            _("--encoding is for CSV files; {format} files have none to choose", format=file_format)
        )
    return csv_encoding(given, option="--encoding")


@contextmanager
def csv_file(target: OutputFile, *, encoding: str = CSV_ENCODING) -> Iterator[RowWriter]:
    """Write one CSV table to ``target`` (a temporary file, put in place when complete).

    ``encoding`` is one of ``kunnan.ui.output.CSV_ENCODINGS`` (``csv_encoding`` reads what a
    user typed).
    """
    with write_atomically(target) as temp, temp.open("w", encoding=encoding, newline="") as stream:
        yield _CsvSheet(stream)


@dataclass(frozen=True)
class SheetColumn:
    """One column of a sheet as Excel shows it: its header, its width in characters, and how
    its cells are stored (a number format; text columns ``@``)."""

    header: str
    width: int
    number_format: str | None = None
    #: Bold cells: a sheet of labels and values (no header row) has its labels bold.
    bold: bool = False


def text_width(text: str) -> int:
    """How many characters wide a text is in a sheet: a Chinese character counts two."""
    from kunnan.ui.wrap import cells

    return max((cells(line) for line in text.splitlines()), default=0)


def laid_out(cells: int) -> int:
    """A column's width for text ``cells`` wide: with room beside it, within ``WIDTH_MAX``."""
    return min(cells, WIDTH_MAX) + WIDTH_PADDING


def number_format(column: Column, lang: str) -> str | None:
    """How Excel stores and shows the column's cells (None: as Excel guesses, General)."""
    kind = column.kind
    if kind in TEXT_KINDS or column.key in TEXT_KEYS:
        return TEXT_FORMAT
    if kind == "money":
        return None if file_in_fen(column, lang) else YUAN_FORMAT
    if kind in ("date", "birth_date"):  # a masked birth date is the year alone, as text
        return DATE_FORMAT
    if kind == "datetime":
        return DATETIME_FORMAT
    if kind == "decimal":
        return DECIMAL_FORMAT
    return None


def value_width(column: Column, lang: str) -> int:
    """How wide the column's values are, known before any is read: by kind (an enum: its
    longest label in ``lang``), else by key."""
    kind = column.kind
    if kind in ("enum", "enum_list") and column.enum is not None:
        widest = max(text_width(member.label(lang)) for member in column.enum)
        return widest * 3 + 2 if kind == "enum_list" else widest  # up to three, separated
    if kind in KIND_WIDTHS:
        return KIND_WIDTHS[kind]
    return KEY_WIDTHS.get(column.key, TEXT_WIDTH)


def sheet_columns(columns: Sequence[Column], lang: str) -> list[SheetColumn]:
    """The layout of a sheet of ``columns`` with headers in ``lang``, decided before its rows
    (openpyxl's write-only mode writes column widths ahead of the first row): each column as
    wide as its header or its usual value, whichever is wider."""
    laid: list[SheetColumn] = []
    for column in columns:
        header = column.header(lang)
        width = max(text_width(header), value_width(column, lang))
        laid.append(SheetColumn(header, laid_out(width), number_format(column, lang)))
    return laid


def fitted(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] | None = None,
    *,
    bold: Sequence[bool] = (),
) -> list[SheetColumn]:
    """The layout of a sheet whose rows are all at hand: each column as wide as its widest
    cell as Excel shows it (yuan with thousands grouped, dates as YYYY-MM-DD)."""
    count = max([len(headers), *(len(row) for row in rows)], default=0)
    shown = list(formats or ())
    shown += [None] * (count - len(shown))
    laid: list[SheetColumn] = []
    for index in range(count):
        header = headers[index] if index < len(headers) else ""
        widest = max(
            [
                text_width(header),
                *(_shown_width(row[index], shown[index]) for row in rows if index < len(row)),
            ]
        )
        laid.append(
            SheetColumn(
                header,
                laid_out(widest),
                shown[index],
                bold=bold[index] if index < len(bold) else False,
            )
        )
    return laid


def _shown_width(value: Any, number: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | Decimal | float) and number in (YUAN_FORMAT, COUNT_FORMAT):
        return len(f"{value:,.2f}" if number == YUAN_FORMAT else f"{value:,.0f}")
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return text_width(str(value))


class Workbook:
    """An .xlsx workbook written as a stream (openpyxl write-only mode), laid out for an office:
    each sheet's columns fitted, its header row bold and frozen, yuan as numbers with two
    decimals, ID numbers and codes as text, dates as dates."""

    def __init__(self) -> None:
        from openpyxl import Workbook as OpenpyxlWorkbook

        self._book = OpenpyxlWorkbook(write_only=True)

    def sheet(
        self, title: str, columns: Sequence[SheetColumn], *, header: bool = True
    ) -> RowWriter:
        """A new sheet laid out as ``columns`` say; its first row is their headers, in bold,
        frozen so that it stays in view (``header=False``: a sheet of labels and values)."""
        from openpyxl.utils import get_column_letter

        worksheet = self._book.create_sheet(title=title[:31])
        # Write-only sheets write widths and panes ahead of the first row: set them now.
        for index, column in enumerate(columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet = _XlsxSheet(worksheet, columns)
        if header:
            worksheet.freeze_panes = "A2"
            sheet.header([column.header for column in columns])
        return sheet

    def sheet_for(self, title: str, columns: Sequence[Column], lang: str) -> RowWriter:
        """A sheet of ``columns`` with headers in ``lang``, laid out before its rows arrive."""
        return self.sheet(title, sheet_columns(columns, lang))

    def discard(self) -> None:
        """Close every sheet unsaved, and remove the rows openpyxl holds in its temporary files
        (a failed export: otherwise each open sheet's stream complains when it is collected)."""
        for worksheet in self._book.worksheets:
            writer = getattr(worksheet, "_writer", None)
            if writer is None:
                continue
            with suppress(Exception):
                worksheet.close()
            with suppress(Exception):
                writer.cleanup()

    def save(self, path: Path) -> None:
        """Zip the workbook in memory, then write it out: a disk that fills up then fails
        kunnan's own write, cleanly, instead of leaving openpyxl's archive half-closed
        (Python would print its error when the archive is collected)."""
        import io

        packed = io.BytesIO()
        self._book.save(packed)
        with path.open("wb") as stream:
            stream.write(packed.getbuffer())


class _XlsxSheet:
    """A sheet's rows, each cell stored as its column says: text never as a formula or number."""

    def __init__(self, worksheet: Any, columns: Sequence[SheetColumn]) -> None:
        self._sheet = worksheet
        self._formats = [column.number_format for column in columns]
        self._bold = [column.bold for column in columns]
        self._font: Any = None

    def _bold_font(self) -> Any:
        if self._font is None:
            from openpyxl.styles import Font

            self._font = Font(bold=True)
        return self._font

    def header(self, cells: Sequence[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        row: list[Any] = []
        for text in cells:
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.data_type = "s"
            cell.font = self._bold_font()
            row.append(cell)
        self._sheet.append(row)

    def row(self, cells: Sequence[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        formats, bold = self._formats, self._bold
        values: list[Any] = []
        for index, value in enumerate(cells):
            styled = index < len(formats) and (formats[index] is not None or bold[index])
            text = isinstance(value, str)
            if value is None or not (styled or (text and value.startswith(FORMULA_STARTS))):
                values.append(value)  # the common case: a plain value as Excel reads it
                continue
            cell = WriteOnlyCell(self._sheet, value=value)
            if text:
                cell.data_type = "s"  # text, never a formula
            if styled:
                shown = formats[index]
                # A date or yuan format on text (a masked birth year) would only confuse.
                if shown is not None and not (text and shown != TEXT_FORMAT):
                    cell.number_format = shown
                if bold[index]:
                    cell.font = self._bold_font()
            values.append(cell)
        self._sheet.append(values)


@contextmanager
def xlsx_file(target: OutputFile) -> Iterator[Workbook]:
    """Write an .xlsx workbook to ``target`` (a temporary file, put in place when complete)."""
    with write_atomically(target) as temp:
        book = Workbook()
        try:
            yield book
        except BaseException:
            book.discard()
            raise
        book.save(temp)


class JsonList:
    """A JSON array written one element at a time (``indent``: inside an object)."""

    def __init__(self, stream: Any, *, indent: str = "") -> None:
        self._stream = stream
        self._count = 0
        self._indent = indent

    def item(self, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
        if self._indent:
            inner = self._indent + "  "
            text = inner + text.replace("\n", "\n" + inner)
        self._stream.write(",\n" if self._count else "[\n")
        self._stream.write(text)
        self._count += 1

    def close(self) -> None:
        end = "\n" + self._indent + "]" if self._count else "[]"
        self._stream.write(end + ("\n" if not self._indent else ""))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@contextmanager
def json_file(target: OutputFile) -> Iterator[JsonList]:
    """Write a JSON document to ``target`` (a temporary file, put in place when complete): as
    ``--format json`` prints a list (``kunnan.ui.output.json_document``), its
    ``schema_version`` first, then the items as its ``rows``, so that a program reading the
    file knows which shape it reads."""
    with write_atomically(target) as temp, temp.open("w", encoding="utf-8") as stream:
        stream.write(f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "rows": ')
        items = JsonList(stream, indent="  ")
        yield items
        items.close()
        stream.write("\n}\n")


class RejectFile:
    """The rows an import set aside, in the input's format plus an error column.

    Nothing is created until the first row arrives; ``commit`` puts the file in
    place only when it holds rows, ``discard`` removes it. The target is checked
    at once, so an import that could not write its rejects refuses before it reads.
    """

    def __init__(
        self,
        target: OutputFile,
        *,
        kind: str,
        header: Sequence[str],
        error_header: str,
        encoding: str = CSV_ENCODING,
    ) -> None:
        check(target)
        self.target = target
        self.path = target.path
        self.count = 0
        self._kind = kind
        self._header = [*header, error_header]
        self._encoding = encoding
        self._open_file: ExitStack | None = None
        self._temp: Path | None = None
        self._stream: Any = None
        self._writer: RowWriter | None = None
        self._book: Workbook | None = None
        self._finished = False

    def _open(self) -> RowWriter:
        self._open_file = ExitStack()
        self._temp = self._open_file.enter_context(write_atomically(self.target))
        if self._kind == "xlsx":
            self._book = Workbook()
            columns = [
                SheetColumn(h, laid_out(max(text_width(h), TEXT_WIDTH))) for h in self._header
            ]
            writer = self._book.sheet(_("rejects"), columns)
        else:
            self._stream = self._open_file.enter_context(
                self._temp.open("w", encoding=self._encoding, newline="")
            )
            writer = _CsvSheet(self._stream)
            writer.row(self._header)
        self._writer = writer
        return writer

    def add(self, cells: Sequence[Any], error: str) -> None:
        writer = self._writer or self._open()
        width = len(self._header) - 1
        padded = [*list(cells)[:width], *([None] * (width - len(cells)))]
        writer.row([*(_plain(cell) for cell in padded), error])
        self.count += 1

    def finish(self) -> None:
        """Write the whole file to disk (not yet in place): called before the import commits,
        so a disk that fills up refuses the import instead of losing its rejects."""
        if self._temp is None or self._finished:
            return
        if self._book is not None:
            self._book.save(self._temp)
        if self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
        self._finished = True

    def commit(self) -> None:
        """Put the finished file in place (after the import committed)."""
        if self._open_file is None:
            return
        self.finish()
        opened, self._open_file = self._open_file, None
        opened.close()  # closes the stream, then puts the file in place

    def discard(self) -> None:
        if self._book is not None and not self._finished:
            self._book.discard()
        if self._open_file is None:
            return
        opened, self._open_file = self._open_file, None
        # Leaving the writer with an error removes the temporary file instead of placing it.
        opened.__exit__(_Discarded, _Discarded(), None)


class _Discarded(Exception):
    """The reject file is not wanted: the import failed or wrote nothing."""


def _plain(cell: Any) -> Any:
    """A cell as read, written back: a formula as its text (the reject file holds values)."""
    return str(cell) if isinstance(cell, str) else cell


@contextmanager
def reject_file(
    target: OutputFile, *, kind: str, header: Sequence[str], error_header: str, encoding: str
) -> Iterator[RejectFile]:
    rejects = RejectFile(
        target, kind=kind, header=header, error_header=error_header, encoding=encoding
    )
    try:
        yield rejects
    except BaseException:
        rejects.discard()
        raise
    rejects.commit()
