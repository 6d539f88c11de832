"""Hand-made hostile files for the tests: zips whose directories lie, zip bombs, XML attacks.

``write_zip`` writes a zip by hand so that its directory can declare sizes that are not
true (zipfile's cannot), and compresses each distinct chunk once, so a gigabyte bomb takes
about a second to make. ``workbook`` builds an .xlsx around a sheet's rows given as XML.
"""

from __future__ import annotations

import random
import string
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support import make_id

MB = 1 << 20
GB = 1 << 30

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEAD_ID = make_id(sequence=11)
#: Each reader's own columns and a row of them: a refusal must be its one line on stderr
#: (columns another reader knows would add the warning that they are ignored).
FAMILIES = {
    "households": (("household", "name", "id_number"), ("1", "张建国", HEAD_ID)),
    "aid": (("household", "program", "fund", "on_date"), ("H000001", "golden-autumn", "F001", "2018-09-01")),
    "civil": (("id_number", "name"), (HEAD_ID, "张建国")),
}  # fmt: skip


@dataclass
class Part:
    """One part of a hand-made zip: its bytes as chunks, and the size its directory declares."""

    name: str
    chunks: Iterable[bytes]
    declared: int | None = None  # None: the true size


def write_zip(path: Path, parts: Sequence[Part]) -> Path:
    """A zip written by hand, so that its directory can lie about sizes (zipfile's cannot).

    Each chunk is compressed on its own and flushed to a byte boundary, so a chunk
    repeated a thousand times is compressed once: a gigabyte bomb takes a second.
    """
    central: list[bytes] = []
    packed_chunks: dict[bytes, bytes] = {}
    with path.open("wb") as out:
        for part in parts:
            name = part.name.encode()
            at = out.tell()
            out.write(b"\0" * (30 + len(name)))
            crc = size = 0
            for chunk in part.chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                packed = packed_chunks.get(chunk)
                if packed is None:
                    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
                    packed = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
                    packed_chunks[chunk] = packed
                out.write(packed)
            out.write(b"\x03\x00")  # the last, empty, block of the deflate stream
            end = out.tell()
            packed_size = end - at - 30 - len(name)
            declared = size if part.declared is None else part.declared
            out.seek(at)
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, packed_size,
                                  declared, len(name), 0) + name)  # fmt: skip
            out.seek(end)
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                                       packed_size, declared, len(name), 0, 0, 0, 0, 0, at) + name)  # fmt: skip
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                              out.tell() - start, start, 0))  # fmt: skip
    return path


def inline(column: str, row: int, text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{escaped}</t></is></c>'.encode()


def header_row(header: Sequence[str]) -> bytes:
    cells = b"".join(inline(column_name(i), 1, name) for i, name in enumerate(header))
    return b'<row r="1">' + cells + b"</row>"


def column_name(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook(
    path: Path,
    *,
    rows: Iterable[bytes] = (),
    strings: Iterable[bytes] = (),
    sheet_declared: int | None = None,
    strings_declared: int | None = None,
    sheet_prologue: bytes = b"",
    doctype: str = "",
    workbook_doctype: str = "",
    sheet_name: str = "Sheet1",
    header: Sequence[str] = ("household", "name", "id_number"),
    styles: Iterable[bytes] | None = None,
    styles_declared: int | None = None,
) -> Path:
    """An .xlsx file: the header row, then ``rows`` (XML chunks) in its one sheet."""

    def sheet() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN}">'.encode()
        yield sheet_prologue + b"<sheetData>" + header_row(header)
        yield from rows
        yield b"</sheetData></worksheet>"

    def shared() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<sst xmlns="{MAIN}">'.encode()
        yield from strings
        yield b"</sst>"

    return write_zip(
        path,
        [
            Part("[Content_Types].xml", [CONTENT_TYPES.encode()]),
            Part("_rels/.rels", [ROOT_RELS.encode()]),
            Part(
                "xl/workbook.xml",
                [WORKBOOK.format(doctype=workbook_doctype, sheet=sheet_name).encode()],
            ),
            Part("xl/_rels/workbook.xml.rels", [WORKBOOK_RELS.encode()]),
            Part("xl/worksheets/sheet1.xml", sheet(), sheet_declared),
            Part("xl/sharedStrings.xml", shared(), strings_declared),
            *(
                [Part("xl/styles.xml", [f'<styleSheet xmlns="{MAIN}">'.encode(), *styles],
                      styles_declared)]
                if styles is not None
                else []
            ),
        ],
    )  # fmt: skip


def repeated(piece: bytes, total: int) -> Iterator[bytes]:
    """``total`` bytes of ``piece`` over and over, a megabyte at a time."""
    block = piece * max(1, MB // len(piece))
    for _ in range(total // len(block)):
        yield block


def noise(size: int, seed: int = 17) -> str:
    """Letters that do not compress much, so a big cell is not mistaken for a zip bomb."""
    rng = random.Random(seed)  # noqa: S311 - filler, not a secret
    return "".join(rng.choices(string.ascii_letters, k=size))


#: XML attacks a document type carries: entities that expand a billionfold, or read a file.
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
