"""What one file may hold, and the refusal that names a file.

A caseworker's register is far inside every limit; a file past one is refused with one line
before anything is imported, so a hostile or mistaken file costs bounded memory and time.
"""

from __future__ import annotations

from pathlib import Path

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _

#: The longest cell a CSV may hold; no field of the ledger comes near it.
CSV_CELL_MAX = 1 << 20


#: Data rows read from one file, unless the command is given --max-rows.
MAX_ROWS = 1_000_000


#: The widest row: Excel's own last column (XFD). No spreadsheet holds more.
COLUMNS_MAX = 16_384


#: The longest CSV record, in characters: one line, or several when a quoted cell
#: holds line breaks. Read a line at a time, never more than this in memory.
CSV_RECORD_MAX = 32 << 20


#: What an .xlsx workbook may expand to, all its parts together (bytes, as the
#: zip declares them and as they are really read).
XLSX_EXPANDED_MAX = 200 << 20


#: The shared strings, which are held in memory while the sheet is read.
XLSX_SHARED_STRINGS_MAX = 64 << 20


#: Each of the small parts openpyxl parses whole: the sheet list, styles, relationships.
XLSX_PART_MAX = 8 << 20


#: A part over XLSX_RATIO_FROM bytes that expands more than XLSX_RATIO_MAX times
#: its compressed size is a zip bomb: spreadsheet XML compresses about 10 times.
XLSX_RATIO_MAX = 100


XLSX_RATIO_FROM = 1 << 20


#: Parts in one zip (reading the zip's directory costs memory for each).
XLSX_PARTS_MAX = 10_000


#: The most XML read without an element starting or ending: one cell or tag (bytes).
XLSX_ELEMENT_BYTES_MAX = 16 << 20


#: XML elements in one row or shared string (a cell is two or three: c, v, f).
XLSX_ROW_ELEMENTS_MAX = 4 * COLUMNS_MAX


#: Excel's own last row.
EXCEL_ROWS_MAX = 1_048_576


def file_error(path: Path, message: str, *, hint: str | None = None) -> InvalidInput:
    return InvalidInput(_("{file}: {message}", file=path.name, message=message), hint=hint)


def too_many_columns(row: int) -> str:
    """A row wider than any spreadsheet, in a CSV or an Excel file."""
    return _(
        "row {row} has more than {limit:,} columns, more than any spreadsheet holds; "
        "is this the right file?",
        row=row,
        limit=COLUMNS_MAX,
    )


def cell_too_long() -> str:
    return _("a cell holds more than {limit:,} characters", limit=CSV_CELL_MAX)


def row_trouble(row: int, reason: str) -> str:
    """A row that cannot be read for ``reason``."""
    return _("row {row}: {reason}; is this the right file?", row=row, reason=reason)
