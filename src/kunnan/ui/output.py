"""Lists and records on stdout, in the formats every list and show command offers.

- ``table``: a Rich table for people, with labels in the chosen language,
  money in yuan (3,000.00) and ID numbers and phones masked.
- ``json``: a stable shape for programs: English keys, enum slugs, money as
  integer fen in fields ending ``_fen``, ISO dates, masked personal data.
- ``csv``: the same keys and values as JSON, one row per record; text cells
  that a spreadsheet would run as a formula are escaped (``escape_cell``).
  UTF-8 without a byte-order mark, as programs reading a pipe expect;
  ``--csv-encoding utf-8-sig`` or ``gb18030`` writes it for Excel instead
  (``use_csv_encoding``).
- ``markdown``: the table's cells as a GitHub-flavoured Markdown table.

Each column is a ``kunnan.ui.columns.Column``; how its values look in each
format is decided there.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _
from kunnan.ui.columns import UNBROKEN, Column, escape_cell, machine_value, screen_value

#: The encodings kunnan writes CSV in: UTF-8 with a byte-order mark (Excel needs the mark to
#: read Chinese as UTF-8), plain UTF-8 (for programs), GB18030 (older Chinese Excel).
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
#: How the encodings are also spelled.
_ENCODING_NAMES = {
    "utf8": "utf-8",
    "utf8-sig": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "utf8-bom": "utf-8-sig",
}


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class View:
    """How the user asked to see output."""

    format: OutputFormat = OutputFormat.TABLE
    lang: str = "en"
    reveal: bool = False


def _screen(column: Column, value: Any, view: View) -> str:
    return screen_value(column, value, lang=view.lang, reveal=view.reveal)


def render_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    view: View,
    *,
    title: str | None = None,
    total: Mapping[str, Any] | None = None,
) -> None:
    """Write a list in the chosen format to stdout."""
    if view.format is OutputFormat.JSON:
        data = [
            {f.key: machine_value(f, row.get(f.key), reveal=view.reveal) for f in columns}
            for row in rows
        ]
        _write_json(data)
    elif view.format is OutputFormat.CSV:
        _write_csv(rows, columns, view)
    elif view.format is OutputFormat.MARKDOWN:
        _write_markdown(rows, columns, view, title=title, total=total)
    else:
        _write_table(rows, columns, view, title=title, total=total)


def render_record(
    record: Mapping[str, Any], columns: Sequence[Column], view: View, *, title: str | None = None
) -> None:
    """Write one record: a two-column table, a JSON object, or a one-row CSV."""
    if view.format is OutputFormat.JSON:
        _write_json(
            {f.key: machine_value(f, record.get(f.key), reveal=view.reveal) for f in columns}
        )
    elif view.format in (OutputFormat.CSV, OutputFormat.MARKDOWN):
        render_rows([record], columns, view, title=title)
    else:
        from rich.table import Table

        table = Table(title=title, show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for column in columns:
            table.add_row(column.header(view.lang), _screen(column, record.get(column.key), view))
        _print(table)


def write_json(data: Any) -> None:
    _write_json(data)


#: The shape of kunnan's JSON output, in every document: raised when a key is renamed or
#: removed or changes meaning (a key added does not raise it), so programs can tell.
SCHEMA_VERSION = 1


def json_document(data: Any) -> dict[str, Any]:
    """What ``--format json`` prints: an object with its ``schema_version`` first; a list's
    items are its ``rows``."""
    if isinstance(data, Mapping):
        return {"schema_version": SCHEMA_VERSION, **data}
    return {"schema_version": SCHEMA_VERSION, "rows": list(data)}


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(json_document(data), ensure_ascii=False, indent=2) + "\n")


def csv_encoding(text: str, *, option: str) -> str:
    """The encoding to write CSV in, as a user types it (``UTF8``, ``utf-8-bom``…), one of
    ``CSV_ENCODINGS``."""
    name = text.strip().lower().replace("_", "-")
    name = _ENCODING_NAMES.get(name, name)
    if name not in CSV_ENCODINGS:
        raise InvalidInput(
            _(
                "{option}: kunnan writes CSV in utf-8-sig (UTF-8 with a byte-order mark, "
                "for Excel), utf-8 or gb18030, not '{given}'",
                option=option,
                given=text,
            )
        )
    return name


@dataclass
class CsvOut:
    """How the CSV a command prints is encoded (``--csv-encoding``; None: as stdout is, which
    is UTF-8), and whether the byte-order mark of ``utf-8-sig`` is written already."""

    encoding: str | None = None
    marked: bool = False


#: This command's CSV on stdout; the root command sets it from ``--csv-encoding``.
CSV_OUT = CsvOut()


def use_csv_encoding(encoding: str | None) -> None:
    """Encode the CSV this command prints in ``encoding`` (None: as stdout is, UTF-8)."""
    CSV_OUT.encoding = encoding
    CSV_OUT.marked = False


@contextmanager
def _csv_stdout() -> Iterator[Any]:
    """Stdout for CSV, in the encoding asked for; a byte-order mark at most once a command."""
    encoding = CSV_OUT.encoding
    raw = getattr(sys.stdout, "buffer", None)
    if encoding is None or raw is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(
        raw, encoding="utf-8" if encoding == "utf-8-sig" else encoding, newline=""
    )
    try:
        if encoding == "utf-8-sig" and not CSV_OUT.marked:
            stream.write("\ufeff")
            CSV_OUT.marked = True
        yield stream
    finally:
        stream.flush()
        stream.detach()  # stdout stays open, for what the command prints next


def _write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], view: View) -> None:
    with _csv_stdout() as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([f.key for f in columns])
        for row in rows:
            writer.writerow([_csv_cell(f, row.get(f.key), view) for f in columns])


def _csv_cell(column: Column, value: Any, view: View) -> Any:
    shown = machine_value(column, value, reveal=view.reveal)
    if shown is None:
        return ""
    if column.kind == "json":
        return escape_cell(json.dumps(shown, ensure_ascii=False))
    if isinstance(shown, list):
        shown = ";".join(str(part) for part in shown)
    if isinstance(shown, str):
        return escape_cell(shown)
    return shown


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _write_markdown(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    view: View,
    *,
    title: str | None,
    total: Mapping[str, Any] | None,
) -> None:
    """A GitHub-flavoured Markdown table, for pasting into reports and wikis."""
    shown = [column for column in columns if column.in_table]
    lines = [f"**{title}**", ""] if title else []
    lines.append("| " + " | ".join(_markdown_cell(f.header(view.lang)) for f in shown) + " |")
    lines.append("|" + "|".join("---:" if f.numeric else "---" for f in shown) + "|")
    body = [{f.key: _screen(f, row.get(f.key), view) for f in shown} for row in rows]
    if total:
        body.append(
            {
                f.key: f"**{_screen(f, total.get(f.key), view)}**"
                if total.get(f.key) is not None
                else ""
                for f in shown
            }
        )
    for row in body:
        lines.append("| " + " | ".join(_markdown_cell(row[f.key]) for f in shown) + " |")
    sys.stdout.write("\n".join(lines) + "\n")


def _write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    view: View,
    *,
    title: str | None,
    total: Mapping[str, Any] | None,
) -> None:
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from kunnan.ui.console import stdout_console, terminal_width

    shown = [column for column in columns if column.in_table]
    headers = [column.header(view.lang) for column in shown]
    cells = [[_screen(f, row.get(f.key), view) for f in shown] for row in rows]
    footer = [_screen(f, total.get(f.key), view) for f in shown] if total else None
    limit = None if LAYOUT.wide else terminal_width()
    fit = fit_table(shown, headers, [*cells, *([footer] if footer else [])], limit)
    left_out = [headers[i] for i in range(len(shown)) if i not in fit.kept]
    if left_out:
        _note_left_out(left_out)
    console = stdout_console(width=max(fit.needed, limit or 0, cell_len(title or "")))
    table = Table(box=box.SIMPLE_HEAD, show_footer=footer is not None)
    for index, width in zip(fit.kept, fit.widths, strict=True):
        column = shown[index]
        table.add_column(
            _fitted(headers[index], width),
            justify="right" if column.numeric else "left",
            footer=footer[index] if footer else "",
            overflow="fold",
            width=width,
        )
    for row_cells in cells:
        table.add_row(
            *(_fitted(row_cells[i], w) for i, w in zip(fit.kept, fit.widths, strict=True))
        )
    with console.capture() as captured:
        if title:
            from rich.text import Text

            console.print(Text(title, style="bold"))
        console.print(table)
    _write_lines(captured.get())


def _fitted(text: str, width: int | None) -> str:
    """A cell's text broken into lines of ``width`` cells: between words, or between Chinese
    characters, never inside a code or number (Rich would fold ``620421-2016-00001``)."""
    from rich.cells import cell_len

    from kunnan.ui.wrap import wrap_cells

    if width is None or cell_len(text) <= width:
        return text
    return "\n".join(wrap_cells(text, width))


def _note_left_out(headers: Sequence[str]) -> None:
    from kunnan.i18n import n_, p_
    from kunnan.ui.console import note

    note(
        n_(
            "left out {n} column to fit the terminal ({names}); --wide shows every column",
            "left out {n} columns to fit the terminal ({names}); --wide shows every column",
            len(headers),
            n=len(headers),
            names=p_("list separator", ", ").join(headers),
        )
    )


def _write_lines(text: str) -> None:
    """Text as drawn, without the blanks Rich pads each line with to the table's edge."""
    sys.stdout.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


@dataclass
class Layout:
    """How tables meet the terminal: fitted to its width, or every column in full (--wide)."""

    wide: bool = False


#: This command's layout; the root command sets it from ``--wide``.
LAYOUT = Layout()

#: Text columns may wrap, but not below two Chinese characters.
WRAPPED_MIN = 4
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


@dataclass(frozen=True)
class Fit:
    """How a table fits: the columns kept (by index), each one's width (None: as wide as its
    cells), and the width the table then needs."""

    kept: list[int]
    widths: list[int | None]
    needed: int


def fit_table(
    columns: Sequence[Column],
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    width: int | None,
) -> Fit:
    """Fit a table in ``width`` cells (None: no limit, every column as wide as its cells).

    Numbers, dates, codes and ID numbers are never broken, nor is any word: text columns
    give up space widest-first, down to their longest word. When that is not enough, the
    columns that may go (``Column.drop``, highest first) are left out one by one; when even
    that does not fit, the table is printed wider than the terminal rather than cropped.
    """
    from rich.cells import cell_len

    count = len(columns)
    natural = [
        max([cell_len(headers[i]), *(cell_len(row[i]) for row in cells)]) for i in range(count)
    ]
    floors = []
    for i, column in enumerate(columns):
        texts = [headers[i], *(row[i] for row in cells)]
        longest_word = max((cell_len(w) for text in texts for w in _WORD.findall(text)), default=0)
        if column.kind in UNBROKEN:  # its values whole; only its header may wrap
            least = max((cell_len(row[i]) for row in cells), default=0)
        else:
            least = column.min_width or WRAPPED_MIN
        floors.append(min(natural[i], max(least, longest_word)))
    kept = list(range(len(columns)))
    if width is None:
        return Fit(kept, [None] * len(kept), _overhead(len(kept)) + sum(natural))
    going = sorted((i for i in kept if columns[i].drop), key=lambda i: (-columns[i].drop, -i))
    while True:
        widths, needed = _wrapped([natural[i] for i in kept], [floors[i] for i in kept], width)
        if needed <= width or not going:
            return Fit(kept, widths, needed)
        kept.remove(going.pop(0))


def _overhead(count: int) -> int:
    return 2 + (count - 1) + 2 * count  # edges, separators, one space of padding a side


def _wrapped(
    natural: Sequence[int], floors: Sequence[int], width: int
) -> tuple[list[int | None], int]:
    """Each column's width (None: its natural width) and the table's: the widest columns
    narrowed first, none below its floor."""
    count = len(natural)
    overhead = _overhead(count)
    if sum(natural) + overhead <= width:
        return [None] * count, sum(natural) + overhead
    room = width - overhead

    def used(cap: int) -> int:
        return sum(max(floors[i], min(natural[i], cap)) for i in range(count))

    cap = max(natural, default=0)
    while cap > 0 and used(cap) > room:
        cap -= 1
    widths = [max(floors[i], min(natural[i], cap)) for i in range(count)]
    spare = room - sum(widths)
    for i in sorted(range(count), key=lambda i: natural[i] - widths[i], reverse=True):
        more = min(max(spare, 0), natural[i] - widths[i])  # what the cap left over
        widths[i] += more
        spare -= more
    return list[int | None](widths), sum(widths) + overhead


def _print(renderable: Any) -> None:
    from kunnan.ui.console import stdout_console

    console = stdout_console()
    with console.capture() as captured:
        console.print(renderable)
    _write_lines(captured.get())
