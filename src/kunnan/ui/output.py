"""Lists and records on stdout, in the formats every list and show command offers.

- ``table``: a Rich table for people, with labels in the chosen language,
  money in yuan (3,000.00) and ID numbers and phones masked.
- ``json``: a stable shape for programs: English keys, enum slugs, money as
  integer fen in fields ending ``_fen``, ISO dates, masked personal data.
- ``csv``: the same keys and values as JSON, one row per record; text cells
  that a spreadsheet would run as a formula are escaped (``escape_cell``).
- ``markdown``: the table's cells as a GitHub-flavoured Markdown table.

Each column is a ``kunnan.ui.columns.Column``; how its values look in each
format is decided there.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kunnan.ui.columns import UNBROKEN, Column, escape_cell, machine_value, screen_value


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


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], view: View) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
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
    from rich.table import Table

    from kunnan.ui.console import stdout_console

    shown = [column for column in columns if column.in_table]
    headers = [column.header(view.lang) for column in shown]
    cells = [[_screen(f, row.get(f.key), view) for f in shown] for row in rows]
    footer = [_screen(f, total.get(f.key), view) for f in shown] if total else None
    console = stdout_console()
    widths, needed = fit_columns(
        shown, headers, [*cells, *([footer] if footer else [])], console.width
    )
    if needed > console.width:
        console = stdout_console(width=needed)
    if title:
        from rich.text import Text

        console.print(Text(title, style="bold"))
    table = Table(box=box.SIMPLE_HEAD, show_footer=footer is not None)
    for index, column in enumerate(shown):
        table.add_column(
            headers[index],
            justify="right" if column.numeric else "left",
            footer=footer[index] if footer else "",
            overflow="fold",
            no_wrap=column.kind in UNBROKEN,
            width=widths[index],
        )
    for row_cells in cells:
        table.add_row(*row_cells)
    console.print(table)


#: Text columns may wrap, but not below two Chinese characters.
WRAPPED_MIN = 4


def fit_columns(
    columns: Sequence[Column], headers: Sequence[str], cells: Sequence[Sequence[str]], width: int
) -> tuple[list[int | None], int]:
    """Column widths for a table in ``width`` cells, and the width it needs.

    Numbers, dates and ID numbers are never broken; text columns give up
    space widest-first, down to their minimum. When even that does not fit,
    the table is printed wider than the terminal rather than cropped.
    """
    from rich.cells import cell_len

    count = len(columns)
    overhead = 2 + (count - 1) + 2 * count  # edges, separators, one space of padding a side
    natural = [
        max([cell_len(headers[i]), *(cell_len(row[i]) for row in cells)]) for i in range(count)
    ]
    if sum(natural) + overhead <= width:
        return [None] * count, sum(natural) + overhead
    flexible = [i for i, column in enumerate(columns) if column.kind not in UNBROKEN]
    floors = {i: min(natural[i], columns[i].min_width or WRAPPED_MIN) for i in flexible}
    room = width - overhead - sum(natural[i] for i in range(count) if i not in floors)

    def used(cap: int) -> int:
        return sum(max(floors[i], min(natural[i], cap)) for i in flexible)

    cap = max((natural[i] for i in flexible), default=0)
    while cap > 0 and used(cap) > room:
        cap -= 1
    widths: list[int | None] = [None] * count
    for i in flexible:
        widths[i] = max(floors[i], min(natural[i], cap))
    needed = sum(natural[i] for i in range(count) if i not in floors) + used(cap) + overhead
    return widths, needed


def _print(renderable: Any) -> None:
    from kunnan.ui.console import stdout_console

    stdout_console().print(renderable)
