"""Reading a table from a CSV or Excel .xlsx file, one row at a time, within limits.

CSV files may be UTF-8 (with or without a byte-order mark) or GB18030 (the
superset of GBK that Chinese Excel and WPS save); the encoding is detected
from the start of the file unless given (``ENCODINGS`` lists what may be
given). Excel files are read as streams by ``kunnan.sheets.xlsx``.

Row numbers are the ones a spreadsheet shows: the first line of the file is
row 1. Title rows above the header are skipped: the header is the first row
that names at least two of the format's columns. Blank rows are skipped, and
so is a roster's footer below the data (合计, 填表人 …: ``Footer``, by the rule of
``kunnan.domain.roster``).

Every read is bounded: the limits below say how many rows, columns and
characters a file may hold, and how far an .xlsx file may expand. A file
past one is refused with one line (InvalidInput) when reading reaches it,
in memory that does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kunnan.domain.errors import InvalidInput
from kunnan.domain.roster import FOOTER_ROWS_MAX, footer_word, holds_id_number
from kunnan.i18n import LANGUAGES, _, p_
from kunnan.sheets.columns import Column, HeaderError, HeaderMatch, cell_text, match_header, quote
from kunnan.sheets.limits import (
    COLUMNS_MAX,
    CSV_CELL_MAX,
    CSV_RECORD_MAX,
    MAX_ROWS,
    cell_too_long,
    file_error,
    row_trouble,
    too_many_columns,
)
from kunnan.sheets.xlsx import open_workbook

#: How much of a CSV file is read to tell its encoding.
SAMPLE_BYTES = 1 << 20
#: The header must be within this many rows from the top.
HEADER_SEARCH_ROWS = 20

#: What --encoding accepts, by Python's name for each codec: the encodings Chinese
#: spreadsheets are saved in. Others (latin-1, say) would read any bytes as wrong text.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "gb2312": "GB2312",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}
#: Names listed whole in a message; a longer list ends with how many more.
LISTED_MAX = 10

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
        """How far reading has got, in bytes of ``total`` (for Excel, of the sheet's XML)."""
        return self._position()


def bind_header(
    table: Table,
    columns: Sequence[Column],
    *,
    required: Iterable[str],
    quiet: Iterable[str] = (),
) -> HeaderMatch:
    """The table's header row bound to a format's columns, refused when it names a column
    twice or lacks a required one (named in the file's language, then in the other)."""
    try:
        header = match_header(table.header, columns, quiet=quiet)
    except HeaderError as error:
        raise InvalidInput(
            _("{file}: row {row}: {problem}", file=table.name, row=table.header_row, problem=error)
        ) from None
    needed = set(required)
    missing = [column for column in columns if column.key in needed and not header.has(column.key)]
    if missing:
        other = next(lang for lang in LANGUAGES if lang != header.lang)
        names = p_("list separator", ", ").join(
            f"{column.header(header.lang)} ({column.header(other)})" for column in missing
        )
        raise InvalidInput(
            _(
                "{file}: the header row (row {row}) has no {names} column",
                file=table.name,
                row=table.header_row,
                names=names,
            )
        )
    return header


def listed(names: Sequence[str], *, noun: str = "columns") -> str:
    """Names from a file for a message: at most LISTED_MAX, each shortened, then how many more.

    A header can name 16,000 columns of a thousand characters each; the
    message about them stays one short line.
    """
    shown = p_("list separator", ", ").join(quote(name) for name in names[:LISTED_MAX])
    hidden = len(names) - LISTED_MAX
    if hidden <= 0:
        return shown
    if noun == "sheets":
        return _("{shown} … and {hidden:,} more sheets", shown=shown, hidden=hidden)
    return _("{shown} … and {hidden:,} more columns", shown=shown, hidden=hidden)


@contextmanager
def open_table(
    path: Path,
    *,
    is_header: Callable[[Sequence[str]], bool],
    encoding: str | None = None,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
) -> Iterator[Table]:
    """Open a CSV or .xlsx file and find its header row; InvalidInput when it cannot be read.

    More than ``max_rows`` data rows, or any other limit above, is an
    InvalidInput when reading gets there: an import that reads the rows
    inside its transaction writes nothing.
    """
    try:
        with path.open("rb") as probe:
            start = probe.read(8)
    except FileNotFoundError:
        raise InvalidInput(_("no file {path}", path=path)) from None
    except IsADirectoryError:
        raise InvalidInput(_("{path} is a folder, not a file", path=path)) from None
    except OSError as error:
        raise InvalidInput(
            _("cannot read {path}: {reason}", path=path, reason=error.strerror)
        ) from None
    if not start:
        raise file_error(path, _("the file is empty"))
    if start.startswith(_XLS_MAGIC):
        raise file_error(path, _("this is an old Excel .xls file; save it as .xlsx or CSV (UTF-8)"))
    with ExitStack() as stack:
        if start.startswith(_XLSX_MAGIC):
            if encoding is not None:
                raise file_error(path, _("--encoding is for CSV files; this is an Excel file"))
            table = _open_xlsx(path, stack, sheet=sheet, is_header=is_header, max_rows=max_rows)
        else:
            if sheet is not None:
                raise file_error(path, _("--sheet is for Excel files; this is a CSV file"))
            table = _open_csv(
                path, stack, encoding=encoding, is_header=is_header, max_rows=max_rows
            )
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
        raise file_error(path, _("the file has no rows"))
    raise file_error(
        path,
        _(
            "no header row found in the first {rows} rows "
            "(kunnan looks for column names such as 姓名 and 身份证号, or name and id_number)",
            rows=HEADER_SEARCH_ROWS,
        ),
        hint=hint,
    )


def _data_rows(
    path: Path, numbered: Iterator[tuple[int, tuple[Any, ...]]], max_rows: int
) -> Iterator[SourceRow]:
    count = 0
    for number, cells in numbered:
        if not _blank(cells):
            count += 1
            if count > max_rows:
                raise file_error(
                    path,
                    _(
                        "the file has more than {rows:,} rows under its header, more than "
                        "kunnan reads at once",
                        rows=max_rows,
                    ),
                    hint=_("split it, or give --max-rows if the register really is that big"),
                )
            yield SourceRow(number=number, cells=cells)


class Footer:
    """A table's data rows without its footer: the rows at its end whose first non-empty
    cell starts with a footer word (合计, 填表人 …) and whose ID number cell holds no number
    (``kunnan.domain.roster``). Such rows are held back until a row of data comes after
    them (then they are data, and read as such) or the table ends (then they are its
    footer, listed in ``skipped`` and never read as data). At most FOOTER_ROWS_MAX are held:
    a longer run is no footer, and all of it is read."""

    def __init__(self, rows: Iterator[SourceRow], *, id_place: int | None) -> None:
        self._rows = rows
        self._id_place = id_place
        #: The footer's rows, once the table has been read: (row number, its footer word).
        self.skipped: list[tuple[int, str]] = []

    def word(self, row: SourceRow) -> str | None:
        """The footer word a row starts with, if it is a footer row."""
        cells = row.cells
        place = self._id_place
        if place is not None and place < len(cells):
            number = cells[place]
            # Nearly every row: an ID number that starts with a digit, decided at once.
            if number is not None and (
                not isinstance(number, str) or number[:1].isdigit() or holds_id_number(number)
            ):
                return None
        for cell in cells:  # the first non-empty cell
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            return footer_word(cell) if isinstance(cell, str) else None
        return None

    def __iter__(self) -> Iterator[SourceRow]:
        held: list[tuple[SourceRow, str]] = []
        too_long = False
        for row in self._rows:
            word = self.word(row)
            if word is None:
                for earlier, _word in held:
                    yield earlier
                held.clear()
                too_long = False
                yield row
            elif too_long:
                yield row
            else:
                held.append((row, word))
                if len(held) > FOOTER_ROWS_MAX:
                    for earlier, _word in held:
                        yield earlier
                    held.clear()
                    too_long = True
        self.skipped = [(row.number, word) for row, word in held]


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, from the first bytes of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(_UTF16_BOMS):
        raise ValueError(
            _("the file is UTF-16 text; save it as CSV UTF-8 (or give --encoding utf-16)")
        )
    if b"\x00" in sample:
        raise ValueError(_("the file holds NUL bytes: it is not a CSV text file"))
    for candidate in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return candidate
    raise ValueError(_("the file is neither UTF-8 nor GB18030 text; give --encoding"))


def _codec(name: str) -> str:
    """The codec --encoding names, if it is one of ENCODINGS."""
    if not name.strip():
        raise InvalidInput(
            _("--encoding is empty; give one of utf-8, gb18030, gbk, gb2312, big5 or utf-16")
        )
    try:
        found = codecs.lookup(name).name
    except LookupError:
        raise InvalidInput(
            _("--encoding: unknown encoding '{name}' (use utf-8 or gb18030)", name=quote(name))
        ) from None
    if found not in ENCODINGS:
        raise InvalidInput(
            _(
                "--encoding: kunnan reads CSV files in utf-8, gb18030, gbk, gb2312, big5 or "
                "utf-16, not '{name}'",
                name=quote(name),
            )
        )
    # A byte-order mark is never data: read UTF-8 as utf-8-sig so one is dropped.
    return "utf-8-sig" if found == "utf-8" else found


class _Lines:
    """A CSV file's lines for csv.reader, never more than CSV_RECORD_MAX characters in memory.

    ``readline`` of a text file reads a whole line, however long; this reads
    at most one record's worth and refuses a record past the limit, or one
    with more delimiters than COLUMNS_MAX (before csv.reader makes a list of
    them). ``taken`` is reset by the reader after each record.
    """

    def __init__(self, text: io.TextIOWrapper, path: Path, delimiter: str) -> None:
        self._text = text
        self._path = path
        self._delimiter = delimiter
        self.record = 1
        self._taken = 0
        self._delimiters = 0

    def next_record(self) -> None:
        self.record += 1
        self._taken = 0
        self._delimiters = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._text.readline(CSV_RECORD_MAX + 1 - self._taken)
        if not line:
            raise StopIteration
        self._taken += len(line)
        self._delimiters += line.count(self._delimiter)
        if self._delimiters >= COLUMNS_MAX:
            raise file_error(self._path, too_many_columns(self.record))
        if self._taken > CSV_RECORD_MAX:
            raise file_error(
                self._path,
                _(
                    "row {row} is longer than {limit:,} characters; is this the right file?",
                    row=self.record,
                    limit=CSV_RECORD_MAX,
                ),
            )
        return line


def _open_csv(
    path: Path,
    stack: ExitStack,
    *,
    encoding: str | None,
    is_header: Callable[[Sequence[str]], bool],
    max_rows: int,
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
    lines = _Lines(text, path, delimiter)
    reader = csv.reader(lines, delimiter=delimiter)
    label = ENCODINGS[chosen]
    hint = (
        _("read as {encoding}; give --encoding if that is wrong", encoding=label)
        if chosen != "utf-8-sig"
        else None
    )

    def numbered() -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        while True:
            try:
                cells = next(reader)
                "".join(cells).encode("utf-8")
            except StopIteration:
                return
            except UnicodeError:  # a lone surrogate re-encoded, or UTF-16 with no byte-order mark
                other = "gb18030" if chosen.startswith("utf-8") else "utf-8"
                wrong = (
                    _(
                        "row {row} is not {encoding} text "
                        "({encoding} was detected from the start of the file)",
                        row=number + 1,
                        encoding=label,
                    )
                    if detected
                    else _(
                        "row {row} is not {encoding} text ({encoding} was as given)",
                        row=number + 1,
                        encoding=label,
                    )
                )
                raise file_error(
                    path,
                    wrong,
                    hint=_(
                        "give --encoding {other} if the file is {name}",
                        other=other,
                        name=other.upper(),
                    ),
                ) from None
            except csv.Error as error:
                reason = str(error)
                if "field larger" in reason:
                    reason = cell_too_long()
                raise file_error(path, row_trouble(number + 1, reason)) from None
            number += 1
            lines.next_record()
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
        _rows=_data_rows(path, rows, max_rows),
        _position=raw.tell,
    )


# --- Excel ------------------------------------------------------------------------------------


def _open_xlsx(
    path: Path,
    stack: ExitStack,
    *,
    sheet: str | None,
    is_header: Callable[[Sequence[str]], bool],
    max_rows: int,
) -> Table:
    workbook = open_workbook(path, stack)
    names = [name for name, _part, _chart in workbook.sheets]
    if sheet is None:
        if not names:
            raise file_error(path, _("the workbook has no sheets"))
        chosen = 0
    elif sheet in names:
        chosen = names.index(sheet)
    else:
        raise file_error(
            path,
            _(
                "no sheet '{sheet}'; its sheets are: {sheets}",
                sheet=quote(sheet),
                sheets=listed(names, noun="sheets"),
            ),
        )
    name, part, chart = workbook.sheets[chosen]
    if chart:
        raise file_error(path, _("'{sheet}' is a chart sheet, not a table", sheet=quote(name)))
    rows = workbook.rows(part)
    header_row, header = _find_header(path, rows, is_header, None)
    return Table(
        path=path,
        kind="xlsx",
        header=header,
        header_row=header_row,
        sheet=name,
        total=workbook.part_size(part),
        _rows=_data_rows(path, rows, max_rows),
        _position=workbook.position,
    )


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, for the audit log's record of what was imported."""
    import hashlib

    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
