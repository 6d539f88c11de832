"""Reading a table from a CSV or Excel .xlsx file, one row at a time.

CSV files may be UTF-8 (with or without a byte-order mark) or GB18030 (the
superset of GBK that Chinese Excel and WPS save); the encoding is detected
from the start of the file unless given. Excel files are read with openpyxl
in read-only mode, which streams the sheet instead of loading it.

Row numbers are the ones a spreadsheet shows: the first line of the file is
row 1. Title rows above the header are skipped: the header is the first row
that names at least two of the format's columns. Blank rows are skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kunnan.domain.errors import InvalidInput
from kunnan.sheets.columns import Formula, cell_text

#: How much of a CSV file is read to tell its encoding.
SAMPLE_BYTES = 1 << 20
#: The longest cell a CSV may hold; no field of the ledger comes near it.
CSV_CELL_MAX = 1 << 20
#: The header must be within this many rows from the top.
HEADER_SEARCH_ROWS = 20

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

csv.field_size_limit(CSV_CELL_MAX)


class SourceRow(NamedTuple):
    """One data row: its number as a spreadsheet shows it, and its cells (typed, from Excel).

    A tuple: an import makes one for each of a million rows."""

    number: int
    cells: tuple[Any, ...]


@dataclass
class Table:
    """An open file: where it is, its header row, and its data rows (read once, in order)."""

    path: Path
    kind: str
    header: tuple[str, ...]
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    total: int | None = None
    _rows: Iterator[SourceRow] = field(default_factory=lambda: iter(()))
    _position: Callable[[], int] = lambda: 0

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[SourceRow]:
        return self._rows

    def position(self) -> int:
        """How far reading has got, in the unit of ``total`` (bytes for CSV, rows for Excel)."""
        return self._position()


def file_error(path: Path, message: str, *, hint: str | None = None) -> InvalidInput:
    return InvalidInput(f"{path.name}: {message}", hint=hint)


@contextmanager
def open_table(
    path: Path,
    *,
    is_header: Callable[[Sequence[str]], bool],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Table]:
    """Open a CSV or .xlsx file and find its header row; InvalidInput when it cannot be read."""
    try:
        with path.open("rb") as probe:
            start = probe.read(8)
    except FileNotFoundError:
        raise InvalidInput(f"no file {path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder, not a file") from None
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    if not start:
        raise file_error(path, "the file is empty")
    if start.startswith(_XLS_MAGIC):
        raise file_error(path, "this is an old Excel .xls file; save it as .xlsx or CSV (UTF-8)")
    with ExitStack() as stack:
        if start.startswith(_XLSX_MAGIC):
            if encoding is not None:
                raise file_error(path, "--encoding is for CSV files; this is an Excel file")
            table = _open_xlsx(path, stack, sheet=sheet, is_header=is_header)
        else:
            if sheet is not None:
                raise file_error(path, "--sheet is for Excel files; this is a CSV file")
            table = _open_csv(path, stack, encoding=encoding, is_header=is_header)
        yield table


def _blank(cells: Sequence[Any]) -> bool:
    for cell in cells:  # a loop, not all(): most rows answer at their first cell
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def _header_text(cells: Sequence[Any]) -> list[str]:
    texts = []
    for cell in cells:
        try:
            texts.append(cell_text(cell) or "")
        except ValueError:
            texts.append("")
    return texts


def _find_header(
    path: Path,
    numbered: Iterator[tuple[int, tuple[Any, ...]]],
    is_header: Callable[[Sequence[str]], bool],
    hint: str | None,
) -> tuple[int, tuple[str, ...]]:
    seen = 0
    for number, cells in numbered:
        if _blank(cells):
            continue
        seen += 1
        texts = _header_text(cells)
        if is_header(texts):
            return number, tuple(texts)
        if seen >= HEADER_SEARCH_ROWS or number >= 5 * HEADER_SEARCH_ROWS:
            break
    if seen == 0:
        raise file_error(path, "the file has no rows")
    raise file_error(
        path,
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows "
        "(kunnan looks for column names such as 姓名 and 身份证号, or name and id_number)",
        hint=hint,
    )


def _data_rows(numbered: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[SourceRow]:
    for number, cells in numbered:
        if not _blank(cells):
            yield SourceRow(number=number, cells=cells)


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, from the first bytes of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(_UTF16_BOMS):
        raise ValueError("the file is UTF-16 text; save it as CSV UTF-8")
    if b"\x00" in sample:
        raise ValueError("the file holds NUL bytes: it is not a CSV text file")
    for candidate in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return candidate
    raise ValueError("the file is neither UTF-8 nor GB18030 text; give --encoding")


def _codec(name: str) -> str:
    try:
        found = codecs.lookup(name).name
    except LookupError:
        raise InvalidInput(
            f"--encoding: unknown encoding '{name}' (use utf-8 or gb18030)"
        ) from None
    # A byte-order mark is never data: read UTF-8 as utf-8-sig so one is dropped.
    return "utf-8-sig" if found == "utf-8" else found


def _open_csv(
    path: Path,
    stack: ExitStack,
    *,
    encoding: str | None,
    is_header: Callable[[Sequence[str]], bool],
) -> Table:
    raw = stack.enter_context(path.open("rb"))
    size = path.stat().st_size
    sample = raw.read(SAMPLE_BYTES)
    raw.seek(0)
    if encoding is None:
        try:
            chosen = detect_encoding(sample)
        except ValueError as error:
            raise file_error(path, str(error)) from None
        detected = True
    else:
        chosen = _codec(encoding)
        detected = False
    # Undecodable bytes become lone surrogates, found row by row below, so the error names
    # the row that holds them (a strict decoder fails a whole read-ahead chunk early).
    text = stack.enter_context(
        io.TextIOWrapper(raw, encoding=chosen, errors="surrogateescape", newline="")
    )
    first_line = sample.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    label = "UTF-8" if chosen.startswith("utf") else chosen.upper()
    hint = f"read as {label}; give --encoding if that is wrong" if chosen != "utf-8-sig" else None

    def numbered() -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        while True:
            try:
                cells = next(reader)
                "".join(cells).encode("utf-8")
            except StopIteration:
                return
            except UnicodeEncodeError:
                other = "gb18030" if chosen.startswith("utf") else "utf-8"
                how = "detected from the start of the file" if detected else "as given"
                raise file_error(
                    path,
                    f"row {number + 1} is not {label} text ({label} was {how})",
                    hint=f"give --encoding {other} if the file is {other.upper()}",
                ) from None
            except csv.Error as error:
                reason = str(error)
                if "field larger" in reason:
                    reason = f"a cell holds more than {CSV_CELL_MAX:,} characters"
                raise file_error(
                    path, f"row {number + 1}: {reason}; is this the right file?"
                ) from None
            number += 1
            yield number, tuple(cells)

    rows = numbered()
    header_row, header = _find_header(path, rows, is_header, hint)
    return Table(
        path=path,
        kind="csv",
        header=header,
        header_row=header_row,
        encoding=chosen,
        total=size,
        _rows=_data_rows(rows),
        _position=raw.tell,
    )


# --- Excel ------------------------------------------------------------------------------------


def _open_xlsx(
    path: Path,
    stack: ExitStack,
    *,
    sheet: str | None,
    is_header: Callable[[Sequence[str]], bool],
) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise file_error(path, "this is not a readable Excel .xlsx file") from None
    stack.callback(workbook.close)
    names = workbook.sheetnames
    if sheet is None:
        if not names:
            raise file_error(path, "the workbook has no sheets")
        chosen = names[0]
    elif sheet in names:
        chosen = sheet
    else:
        raise file_error(path, f"no sheet '{sheet}'; its sheets are: {', '.join(names)}")
    worksheet: Any = workbook[chosen]
    if not hasattr(worksheet, "reset_dimensions"):
        raise file_error(path, f"'{chosen}' is a chart sheet, not a table")
    total = worksheet.max_row
    worksheet.reset_dimensions()  # some writers record a wrong size; read every row there is
    done = [0]

    def numbered() -> Iterator[tuple[int, tuple[Any, ...]]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, cells in enumerate(worksheet.iter_rows(), start=1):
                done[0] = number
                yield number, tuple(_xlsx_value(cell) for cell in cells)

    rows = numbered()
    header_row, header = _find_header(path, rows, is_header, None)
    return Table(
        path=path,
        kind="xlsx",
        header=header,
        header_row=header_row,
        sheet=chosen,
        total=total if isinstance(total, int) and total > 0 else None,
        _rows=_data_rows(rows),
        _position=lambda: done[0],
    )


def _xlsx_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if value is not None and getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    return value


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, for the audit log's record of what was imported."""
    import hashlib

    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
