"""Writing exports: CSV, Excel .xlsx and JSON, safely.

Every file is written to a temporary file in the same folder (created mode
0600: exports hold ID numbers and incomes), flushed to disk and renamed over
the target, so a reader never sees half a file and a failed export leaves
nothing behind. A target that is a symbolic link is refused: an export must
not write where the link points.

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
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from kunnan.domain.errors import InvalidInput
from kunnan.sheets.columns import FORMULA_STARTS, escape_cell

CSV_ENCODING = "utf-8-sig"


def check_target(path: Path) -> None:
    """Refuse a target that is a symbolic link, a folder, or in a folder that does not exist."""
    if path.is_symlink():
        raise InvalidInput(f"{path} is a symbolic link; kunnan does not write through links")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {path.parent} does not exist")


@contextmanager
def safe_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (mode 0600); rename it into place on success."""
    check_target(path)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
    except OSError as error:
        raise InvalidInput(f"cannot write in {path.parent}: {error.strerror}") from None
    os.close(handle)
    temp = Path(temporary)
    try:
        yield temp
        with temp.open("rb+") as written:
            os.fsync(written.fileno())
        check_target(path)  # a link planted while the file was being written is refused too
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


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
def csv_file(path: Path, *, encoding: str = CSV_ENCODING) -> Iterator[RowWriter]:
    """Write one CSV table to ``path`` (temporary file, renamed when complete)."""
    with safe_output(path) as temp, temp.open("w", encoding=encoding, newline="") as stream:
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

    def save(self, path: Path) -> None:
        self._book.save(str(path))


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
def xlsx_file(path: Path) -> Iterator[Workbook]:
    """Write an .xlsx workbook to ``path`` (temporary file, renamed when complete)."""
    with safe_output(path) as temp:
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
def json_file(path: Path) -> Iterator[JsonList]:
    """Write a JSON array to ``path`` (temporary file, renamed when complete)."""
    with safe_output(path) as temp, temp.open("w", encoding="utf-8") as stream:
        items = JsonList(stream)
        yield items
        items.close()


class RejectFile:
    """The rows an import set aside, in the input's format plus an error column.

    Nothing is created until the first row arrives; ``commit`` renames the
    file into place only when it holds rows, ``discard`` removes it.
    """

    def __init__(
        self,
        path: Path,
        *,
        kind: str,
        header: Sequence[str],
        error_header: str,
        encoding: str = CSV_ENCODING,
    ) -> None:
        check_target(path)
        self.path = path
        self.count = 0
        self._kind = kind
        self._header = [*header, error_header]
        self._encoding = encoding
        self._temp: Path | None = None
        self._stream: Any = None
        self._writer: RowWriter | None = None
        self._book: Workbook | None = None

    def _open(self) -> RowWriter:
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".partial"
        )
        os.close(handle)
        self._temp = Path(temporary)
        if self._kind == "xlsx":
            self._book = Workbook()
            writer = self._book.sheet("rejects")
        else:
            self._stream = self._temp.open("w", encoding=self._encoding, newline="")
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

    def commit(self) -> None:
        if self._temp is None:
            return
        if self._book is not None:
            self._book.save(self._temp)
        if self._stream is not None:
            self._stream.close()
        check_target(self.path)
        self._temp.replace(self.path)
        self._temp = None

    def discard(self) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


def _plain(cell: Any) -> Any:
    """A cell as read, written back: a formula as its text (the reject file holds values)."""
    return str(cell) if isinstance(cell, str) else cell


@contextmanager
def reject_file(
    path: Path, *, kind: str, header: Sequence[str], error_header: str, encoding: str
) -> Iterator[RejectFile]:
    rejects = RejectFile(
        path, kind=kind, header=header, error_header=error_header, encoding=encoding
    )
    try:
        yield rejects
    except BaseException:
        rejects.discard()
        raise
    rejects.commit()
