"""Reading an Excel .xlsx workbook within limits, whatever the file holds.

An .xlsx file is a zip of XML parts, and each layer can be made hostile: a
zip whose parts expand a thousandfold (a zip bomb), a directory that lies
about the sizes, XML that declares entities (billion laughs) or points at
other files (external entities), a row of millions of cells, one cell of
hundreds of megabytes, millions of tiny shared strings. Every one is
refused with one line, in memory and time bounded by the limits in
``kunnan.sheets.read``, before anything is imported.

The layers, outermost first:

- The zip's directory is read (after checking from its last record how many
  parts it has) and refused when its parts would expand past
  ``XLSX_EXPANDED_MAX`` or one of them expands as only a bomb does.
- Every part is read through ``_MeteredPart``, which counts the bytes it
  really gives out. The directory's sizes cannot be trusted: CPython's
  ``ZipExtFile`` stops at the size the central directory declares, but a
  plain ``read()`` decompresses up to 1 GiB in one call before cutting it
  to that size, so parts are read in small chunks and counted here.
- The XML is parsed with defusedxml, which refuses entity declarations and
  external references; kunnan's own parsers also refuse any DTD.
- openpyxl parses the small parts whole (the sheet list, styles,
  relationships), each at most ``XLSX_PART_MAX``. The shared strings are
  parsed here into their text alone, and the sheet as a stream that drops
  each row once read, so memory does not grow with the rows; openpyxl's
  ``WorkSheetParser`` still turns each row's cells into values, so cells
  read exactly as openpyxl reads them. openpyxl's own read-only worksheet
  is not used: it parses a whole sheet that has no ``dimension`` element
  just to open it, and yields every missing row of a gap one by one.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn, cast
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _
from kunnan.sheets.columns import Formula, quote
from kunnan.sheets.limits import (
    COLUMNS_MAX,
    CSV_CELL_MAX,
    EXCEL_ROWS_MAX,
    XLSX_ELEMENT_BYTES_MAX,
    XLSX_EXPANDED_MAX,
    XLSX_PART_MAX,
    XLSX_PARTS_MAX,
    XLSX_RATIO_FROM,
    XLSX_RATIO_MAX,
    XLSX_ROW_ELEMENTS_MAX,
    XLSX_SHARED_STRINGS_MAX,
    cell_too_long,
    file_error,
    row_trouble,
    too_many_columns,
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA = _MAIN + "sheetData"
_ROW = _MAIN + "row"
_SHARED_STRING = _MAIN + "si"
_TEXT = _MAIN + "t"
_RUN = _MAIN + "r"
#: Bytes asked of the zip at a time: one decompression step stays this small.
_CHUNK = 64 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
#: What a damaged zip or damaged XML raises from zipfile, zlib, expat and openpyxl's cell parser.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ParseError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    OSError,
)


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


class _Meter:
    """How much of one workbook has been read, and how much since the XML last made sense.

    ``unparsed`` counts the bytes read since a parser here last saw an element
    start or end: past ``XLSX_ELEMENT_BYTES_MAX`` one cell or tag is absurdly
    long, and expat would be holding all of it in memory.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total = 0
        self.unparsed = 0
        #: The part read last, for how far reading has got.
        self.current: _MeteredPart | None = None

    def refuse(self, message: str) -> NoReturn:
        raise file_error(self.path, message)


class _MeteredPart(io.RawIOBase):
    """One part of the zip, read a chunk at a time and counted against the limits."""

    def __init__(self, part: IO[bytes], *, name: str, limit: int, meter: _Meter) -> None:
        super().__init__()
        self._part = part
        self._name = name
        self._limit = limit
        self._meter = meter
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._part.read(min(len(view), _CHUNK))
        size = len(data)
        view[:size] = data
        self.given += size
        meter = self._meter
        meter.total += size
        meter.unparsed += size
        if self.given > self._limit:
            meter.refuse(_part_too_big(self._name, self._limit))
        if meter.total > XLSX_EXPANDED_MAX:
            meter.refuse(_too_big(meter.total))
        if meter.unparsed > XLSX_ELEMENT_BYTES_MAX:
            meter.refuse(
                _(
                    "part {part} holds a cell or tag longer than kunnan reads ({size}); "
                    "is this the right file?",
                    part=quote(self._name),
                    size=_megabytes(XLSX_ELEMENT_BYTES_MAX),
                )
            )
        return size

    def close(self) -> None:
        if not self.closed:
            self._part.close()
        super().close()


def _part_too_big(name: str, limit: int) -> str:
    return _(
        "part {part} of the workbook is bigger than kunnan reads ({size}); is this the right file?",
        part=quote(name),
        size=_megabytes(limit),
    )


def _too_big(size: int) -> str:
    return _(
        "the workbook expands to {size} when opened, more than kunnan reads ({limit}); "
        "save a register that big as CSV UTF-8",
        size=_megabytes(size),
        limit=_megabytes(XLSX_EXPANDED_MAX),
    )


class MeteredZip(zipfile.ZipFile):
    """The workbook's zip, every part of it read through ``_MeteredPart``.

    openpyxl reads the parts it parses whole through ``open``, each within
    ``XLSX_PART_MAX``; this module's stream parsers give their own limits.
    """

    def __init__(self, file: IO[bytes], meter: _Meter) -> None:
        super().__init__(file)
        self.meter = meter

    def open(
        self,
        name: str | zipfile.ZipInfo,
        mode: str = "r",
        pwd: bytes | None = None,
        *,
        force_zip64: bool = False,
    ) -> IO[bytes]:
        if mode != "r":
            raise ValueError("a workbook is only read")
        return self.open_part(name, limit=XLSX_PART_MAX)

    def open_part(self, name: str | zipfile.ZipInfo, *, limit: int) -> IO[bytes]:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.file_size > limit:
            self.meter.refuse(_part_too_big(info.filename, limit))
        part = super().open(info, "r")
        self.meter.unparsed = 0
        metered = _MeteredPart(part, name=info.filename, limit=limit, meter=self.meter)
        self.meter.current = metered
        return cast(IO[bytes], io.BufferedReader(metered, buffer_size=_CHUNK))


def _zip_parts(file: IO[bytes]) -> int | None:
    """How many parts the zip's last record says it has; None when there is no such record.

    Read before ``zipfile`` builds an object for every part, so that a zip of
    millions of empty parts costs nothing.
    """
    size = file.seek(0, io.SEEK_END)
    tail_size = min(size, 22 + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        return None
    parts: int = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20
    if parts == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        (end_offset,) = struct.unpack_from("<Q", tail, locator + 8)
        file.seek(end_offset)
        record = file.read(56)
        if len(record) == 56 and record[:4] == _ZIP64_END:
            (parts,) = struct.unpack_from("<Q", record, 32)
    file.seek(0)
    return parts


def check_directory(path: Path, file: IO[bytes]) -> None:
    """Refuse, from the zip's directory alone, a workbook too big or shaped like a zip bomb."""
    parts = _zip_parts(file)
    if parts is not None and parts > XLSX_PARTS_MAX:
        raise file_error(
            path,
            _(
                "the workbook is a zip of {parts:,} parts, more than kunnan reads ({limit:,}); "
                "is this the right file?",
                parts=parts,
                limit=XLSX_PARTS_MAX,
            ),
        )


def check_parts(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts declare an expanded size past the limits."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > XLSX_EXPANDED_MAX:
        raise file_error(path, _too_big(total))
    for info in infos:
        if info.file_size > XLSX_RATIO_FROM and info.file_size > XLSX_RATIO_MAX * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise file_error(
                path,
                _(
                    "part {part} expands {ratio:,} times its size, as only a crafted file "
                    "(a zip bomb) does; kunnan does not read it",
                    part=quote(info.filename),
                    ratio=ratio,
                ),
            )


def unreadable(path: Path, error: BaseException) -> InvalidInput:
    """The one line for a workbook openpyxl, zipfile or expat could not read."""
    if isinstance(error, DefusedXmlException):
        return file_error(
            path,
            _(
                "the workbook's XML declares entities or a document type, which spreadsheets "
                "never do (an XML attack); kunnan does not read it"
            ),
        )
    return file_error(path, _("this is not a readable Excel .xlsx file"))


class _Stream:
    """One part parsed as a stream, and the elements parsed since its reader last let go.

    The reader calls ``release`` after each record (a row, a shared string)
    once it has cleared what it no longer needs; between two calls at most
    ``XLSX_ROW_ELEMENTS_MAX`` elements may end, so no record can be made of
    millions of elements.
    """

    def __init__(self, archive: MeteredZip, name: str, *, limit: int) -> None:
        self._archive = archive
        self._name = name
        self._limit = limit
        self.root: Any = None
        self._held = 0

    def release(self) -> None:
        self._held = 0

    def events(self) -> Iterator[tuple[str, Any]]:
        meter = self._archive.meter
        with self._archive.open_part(self._name, limit=self._limit) as source:
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                meter.unparsed = 0
                if self.root is None:
                    self.root = element
                if event == "end":
                    self._held += 1
                    if self._held > XLSX_ROW_ELEMENTS_MAX:
                        meter.refuse(
                            _(
                                "part {part} holds more than {limit:,} XML elements in one row "
                                "or string; is this the right file?",
                                part=quote(self._name),
                                limit=XLSX_ROW_ELEMENTS_MAX,
                            )
                        )
                yield event, element


class _SharedStrings:
    """A parser target that keeps the shared strings' text and nothing else (no tree).

    A string's text is as openpyxl's ``Text.content`` gives it: the ``t`` of
    the string, then the ``t`` of each rich-text run ``r``; phonetic guides
    (``rPh``) are not text. Parsing into a tree and calling ``Text.from_tree``
    takes 15 µs a string, and a hostile file holds millions of them.
    """

    def __init__(self, meter: _Meter, name: str) -> None:
        self.strings: list[str] = []
        self.events = 0
        self._meter = meter
        self._name = name
        self._path: list[str] = []
        self._parts: list[str] = []
        self._elements = 0
        self._in_text = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events += 1
        path = self._path
        path.append(tag)
        if tag == _SHARED_STRING:
            self._parts = []
            self._elements = 0
        self._elements += 1
        if self._elements > XLSX_ROW_ELEMENTS_MAX:
            self._meter.refuse(
                _(
                    "part {part} holds more than {limit:,} XML elements in one string; "
                    "is this the right file?",
                    part=quote(self._name),
                    limit=XLSX_ROW_ELEMENTS_MAX,
                )
            )
        self._in_text = tag == _TEXT and (
            path[-2:-1] == [_SHARED_STRING] or path[-3:-1] == [_SHARED_STRING, _RUN]
        )

    def end(self, tag: str) -> None:
        self.events += 1
        self._path.pop()
        self._in_text = False
        if tag == _SHARED_STRING:
            self.strings.append("".join(self._parts).replace("x005F_", ""))

    def data(self, text: str) -> None:
        self.events += 1
        if self._in_text:
            self._parts.append(text)

    def close(self) -> list[str]:
        return self.strings


def shared_strings(archive: MeteredZip, name: str) -> list[str]:
    """The workbook's shared strings, as openpyxl reads them, without keeping their XML."""
    meter = archive.meter
    target = _SharedStrings(meter, name)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    seen = 0
    with archive.open_part(name, limit=XLSX_SHARED_STRINGS_MAX) as source:
        while chunk := source.read(_CHUNK):
            parser.feed(chunk)
            if target.events != seen:
                meter.unparsed = 0
                seen = target.events
        parser.close()
    return target.strings


def sheet_rows(
    archive: MeteredZip, name: str, *, parser: Any
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows of one sheet: (row number, values), within the row and cell limits.

    ``parser`` is openpyxl's ``WorkSheetParser`` for the workbook's shared
    strings, date formats and epoch; only its row and cell readers are used.
    Reading stops at the end of ``sheetData``: what follows (merged cells,
    formatting) is never read.
    """
    meter = archive.meter
    depth = 0
    sheet_data: Any = None
    rows = 0
    stream = _Stream(archive, name, limit=XLSX_EXPANDED_MAX)
    for event, element in stream.events():
        if event == "start":
            depth += 1
            if depth == 2 and element.tag == _SHEET_DATA:
                sheet_data = element
            continue
        depth -= 1
        if depth == 1:
            if element.tag == _SHEET_DATA:
                return
            stream.root.clear()  # a part of the sheet before its data: views, columns, size
            stream.release()
        elif depth == 2 and sheet_data is not None and element.tag == _ROW:
            rows += 1
            number, cells = parser.parse_row(element)
            sheet_data.clear()
            stream.release()
            # openpyxl keeps these for a whole sheet; kunnan needs neither across rows.
            parser.row_dimensions.clear()
            if len(parser.shared_formulae) > 1000:
                parser.shared_formulae.clear()  # formulas are refused anyway
            if rows > EXCEL_ROWS_MAX:
                meter.refuse(
                    _(
                        "the sheet has more than {limit:,} rows, more than Excel allows; "
                        "is this the right file?",
                        limit=EXCEL_ROWS_MAX,
                    )
                )
            if number > EXCEL_ROWS_MAX:
                meter.refuse(
                    _(
                        "row {row:,} is past the last row Excel allows ({limit:,}); "
                        "is this the right file?",
                        row=number,
                        limit=EXCEL_ROWS_MAX,
                    )
                )
            yield number, _values(meter, number, cells)


def _values(meter: _Meter, number: int, cells: list[dict[str, Any]]) -> tuple[Any, ...]:
    width = 0 if len(cells) <= COLUMNS_MAX else COLUMNS_MAX + 1
    for cell in cells:
        if cell["value"] is not None and cell["column"] > width:
            width = cell["column"]
    if width > COLUMNS_MAX:
        meter.refuse(too_many_columns(number))
    values: list[Any] = [None] * width
    for cell in cells:
        value = cell["value"]
        column = cell["column"]
        if value is None or column < 1:
            continue
        if isinstance(value, str) and len(value) > CSV_CELL_MAX:
            meter.refuse(row_trouble(number, cell_too_long()))
        values[column - 1] = Formula(str(value)) if cell["data_type"] == "f" else value
    return tuple(values)


@dataclass
class Workbook:
    """An open workbook: its sheets in order (name, part, whether it is a chart) and how to read one."""

    archive: MeteredZip
    sheets: list[tuple[str, str, bool]]
    parser: Any

    def part_size(self, part: str) -> int:
        return self.archive.getinfo(part).file_size

    def rows(self, part: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The sheet's rows; a damaged part or an XML attack found on the way is one InvalidInput."""
        try:
            yield from sheet_rows(self.archive, part, parser=self.parser)
        except _UNREADABLE as error:
            raise unreadable(self.archive.meter.path, error) from None

    def position(self) -> int:
        """Bytes of the sheet read so far (of ``part_size``)."""
        current = self.archive.meter.current
        return current.given if current is not None else 0


def open_workbook(path: Path, stack: ExitStack) -> Workbook:
    """Open an .xlsx file within the limits: its directory, sheet list, styles and shared strings."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml import DEFUSEDXML, LXML
    from openpyxl.xml.constants import SHARED_STRINGS

    if not (DEFUSEDXML or LXML):
        # openpyxl parses the small parts with the standard library unless told otherwise.
        raise InvalidInput(
            _(
                "Excel files are read only with defusedxml's protection; "
                "unset OPENPYXL_DEFUSEDXML to read them"
            )
        )
    meter = _Meter(path)
    file = stack.enter_context(path.open("rb"))
    try:
        check_directory(path, file)
        archive = MeteredZip(file, meter)
        stack.callback(archive.close)
        check_parts(path, archive)
        reader = ExcelReader(file, read_only=True, keep_links=False)
        reader.archive = archive
        reader.valid_files = archive.namelist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            reader.read_manifest()
            package: Any = reader.package
            strings_type = package.find(SHARED_STRINGS)
            strings = (
                shared_strings(archive, strings_type.PartName[1:])
                if strings_type is not None
                else []
            )
            reader.read_workbook()
            apply_stylesheet(archive, reader.wb)
            sheets = [
                (str(sheet.name), str(rel.target), "chartsheet" in str(rel.Type))
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files
            ]
    except _UNREADABLE as error:
        raise unreadable(path, error) from None
    book: Any = reader.wb
    parser = WorkSheetParser(
        cast(Any, None),
        strings,
        data_only=False,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    return Workbook(archive=archive, sheets=sheets, parser=parser)
