"""Writing exports: CSV, Excel .xlsx and JSON, through kunnan's one safe writer.

Every file goes through ``kunnan.files.write_atomically``: new (or replaced with
``--force``), regular files only, never the ledger, whole or not at all, mode 0600.

CSV files are UTF-8 with a byte-order mark, so Excel opens Chinese text
correctly; text cells that a spreadsheet would run as a formula are
prefixed with ``'``. In .xlsx files every text cell is stored as text
(never as a formula), and ID and phone columns are formatted as text so
Excel neither rounds nor reformats them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from kunnan.files import OutputFile, check, write_atomically
from kunnan.i18n import _
from kunnan.ui.columns import FORMULA_STARTS, Column, escape_cell

CSV_ENCODING = "utf-8-sig"
#: Columns written as text in Excel, never rounded or reformatted: by kind, and codes by key.
TEXT_KINDS = ("id_number", "phone")
TEXT_KEYS = ("household", "archive_no", "area_code")
#: Sheet column widths (in characters) by kind or key; 12 for the others.
WIDTHS = {"id_number": 21, "address": 30, "org": 18, "employer": 18, "phone": 14}


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


@contextmanager
def csv_file(target: OutputFile, *, encoding: str = CSV_ENCODING) -> Iterator[RowWriter]:
    """Write one CSV table to ``target`` (a temporary file, put in place when complete)."""
    with write_atomically(target) as temp, temp.open("w", encoding=encoding, newline="") as stream:
        yield _CsvSheet(stream)


class Workbook:
    """An .xlsx workbook written as a stream (openpyxl write-only mode)."""

    def __init__(self) -> None:
        from openpyxl import Workbook as OpenpyxlWorkbook

        self._book = OpenpyxlWorkbook(write_only=True)

    def sheet(
        self,
        title: str,
        *,
        text_columns: Sequence[int] = (),
        widths: Sequence[int] | None = None,
    ) -> RowWriter:
        from openpyxl.utils import get_column_letter

        worksheet = self._book.create_sheet(title=title[:31])
        if widths:
            for index, width in enumerate(widths, start=1):
                worksheet.column_dimensions[get_column_letter(index)].width = width
        return _XlsxSheet(worksheet, frozenset(text_columns))

    def sheet_for(self, title: str, columns: Sequence[Column]) -> RowWriter:
        """A sheet laid out for ``columns``: ID numbers, phones and codes as text, each
        column as wide as its values need."""
        return self.sheet(
            title,
            text_columns=[
                i for i, c in enumerate(columns) if c.kind in TEXT_KINDS or c.key in TEXT_KEYS
            ],
            widths=[WIDTHS.get(c.kind, WIDTHS.get(c.key, 12)) for c in columns],
        )

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
    def __init__(self, worksheet: Any, text_columns: frozenset[int]) -> None:
        self._sheet = worksheet
        self._text_columns = text_columns

    def row(self, cells: Sequence[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        values: list[Any] = []
        for index, value in enumerate(cells):
            if isinstance(value, str) and (
                index in self._text_columns or value.startswith(FORMULA_STARTS)
            ):
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"  # text, never a formula
                if index in self._text_columns:
                    cell.number_format = "@"
                values.append(cell)
            else:
                values.append(value)
        self._sheet.append(values)


@contextmanager
def xlsx_file(target: OutputFile) -> Iterator[Workbook]:
    """Write an .xlsx workbook to ``target`` (a temporary file, put in place when complete)."""
    with write_atomically(target) as temp:
        book = Workbook()
        yield book
        book.save(temp)


class JsonList:
    """A JSON array written one element at a time."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._count = 0

    def item(self, value: Any) -> None:
        self._stream.write(",\n" if self._count else "[\n")
        self._stream.write(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default))
        self._count += 1

    def close(self) -> None:
        self._stream.write("\n]\n" if self._count else "[]\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@contextmanager
def json_file(target: OutputFile) -> Iterator[JsonList]:
    """Write a JSON array to ``target`` (a temporary file, put in place when complete)."""
    with write_atomically(target) as temp, temp.open("w", encoding="utf-8") as stream:
        items = JsonList(stream)
        yield items
        items.close()


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
            writer = self._book.sheet(_("rejects"))
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
