"""Lists and records in the three formats every list and show command offers.

- ``table``: a Rich table for people, with labels in the chosen language,
  money in yuan (3,000.00) and ID numbers and phones masked.
- ``json``: a stable shape for programs: English keys, enum slugs, money as
  integer fen in fields ending ``_fen``, ISO dates, masked personal data.
- ``csv``: the same keys and values as JSON, one row per record; text cells
  that a spreadsheet would run as a formula are prefixed with ``'``.

ID numbers and phones are masked and birth dates show their year
(``kunnan.domain.masking`` says why); ``--reveal`` shows them in full in every
format.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from kunnan.domain.enums import Labelled
from kunnan.domain.masking import mask_birth_date, mask_id_number, mask_phone
from kunnan.domain.money import format_fen

Kind = Literal[
    "text",
    "int",
    "money",
    "date",
    "datetime",
    "id_number",
    "phone",
    "birth_date",
    "enum",
    "enum_list",
    "decimal",
    "json",
]

#: Characters that make a spreadsheet treat a cell as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: Values that must never be split across lines in a table.
UNBROKEN = frozenset({"id_number", "phone", "birth_date", "date", "datetime", "money", "int"})


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


@dataclass(frozen=True)
class Field:
    """A column: its key in JSON and CSV, its headers on screen, and how its values look."""

    key: str
    en: str
    zh: str
    kind: Kind = "text"
    enum: type[Labelled] | None = None
    #: Narrowest the column may get in a table (in terminal cells; a Chinese
    #: character takes two), so names wrap rather than shrink to one character.
    min_width: int | None = None
    #: Lists that have many fields show only the table ones on screen.
    in_table: bool = True

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def escape_csv_cell(value: str) -> str:
    """Prefix a text cell that a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def machine_value(field: Field, value: Any, *, reveal: bool) -> Any:
    """The value as JSON and CSV carry it."""
    if value is None:
        return None
    if not reveal and field.kind in ("id_number", "phone", "birth_date"):
        return _masked(field.kind, value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple):
        return [machine_value(field, part, reveal=reveal) for part in value]
    return value


def _masked(kind: Kind, value: Any) -> str:
    if kind == "birth_date":
        return mask_birth_date(value if isinstance(value, dt.date) else str(value))
    if kind == "phone":
        return mask_phone(str(value))
    return mask_id_number(str(value), today=dt.date.today())


def screen_value(field: Field, value: Any, view: View) -> str:
    """The value as a table shows it."""
    if value is None or value == []:
        return ""
    if field.kind == "money":
        return format_fen(int(value))
    if field.kind == "enum" and field.enum is not None:
        return _label(field.enum, value, view.lang)
    if field.kind == "enum_list" and field.enum is not None:
        separator = "、" if view.lang == "zh" else ", "
        return separator.join(_label(field.enum, part, view.lang) for part in value)
    if field.kind == "datetime" and isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    shown = machine_value(field, value, reveal=view.reveal)
    if isinstance(shown, dict | list):
        return json.dumps(shown, ensure_ascii=False)
    return str(shown)


def _label(enum: type[Labelled], value: Any, lang: str) -> str:
    try:
        return enum(str(value)).label(lang)
    except ValueError:
        return str(value)


def render_rows(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[Field],
    view: View,
    *,
    title: str | None = None,
    total: Mapping[str, Any] | None = None,
) -> None:
    """Write a list in the chosen format to stdout."""
    if view.format is OutputFormat.JSON:
        data = [
            {f.key: machine_value(f, row.get(f.key), reveal=view.reveal) for f in fields}
            for row in rows
        ]
        _write_json(data)
    elif view.format is OutputFormat.CSV:
        _write_csv(rows, fields, view)
    elif view.format is OutputFormat.MARKDOWN:
        _write_markdown(rows, fields, view, title=title, total=total)
    else:
        _write_table(rows, fields, view, title=title, total=total)


def render_record(
    record: Mapping[str, Any], fields: Sequence[Field], view: View, *, title: str | None = None
) -> None:
    """Write one record: a two-column table, a JSON object, or a one-row CSV."""
    if view.format is OutputFormat.JSON:
        _write_json(
            {f.key: machine_value(f, record.get(f.key), reveal=view.reveal) for f in fields}
        )
    elif view.format in (OutputFormat.CSV, OutputFormat.MARKDOWN):
        render_rows([record], fields, view, title=title)
    else:
        from rich.table import Table

        table = Table(title=title, show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for field in fields:
            table.add_row(field.header(view.lang), screen_value(field, record.get(field.key), view))
        _print(table)


def write_json(data: Any) -> None:
    _write_json(data)


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _write_csv(rows: Sequence[Mapping[str, Any]], fields: Sequence[Field], view: View) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([f.key for f in fields])
    for row in rows:
        writer.writerow([_csv_cell(f, row.get(f.key), view) for f in fields])


def _csv_cell(field: Field, value: Any, view: View) -> Any:
    shown = machine_value(field, value, reveal=view.reveal)
    if shown is None:
        return ""
    if field.kind == "json":
        return escape_csv_cell(json.dumps(shown, ensure_ascii=False))
    if isinstance(shown, list):
        shown = ";".join(str(part) for part in shown)
    if isinstance(shown, str):
        return escape_csv_cell(shown)
    return shown


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _write_markdown(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[Field],
    view: View,
    *,
    title: str | None,
    total: Mapping[str, Any] | None,
) -> None:
    """A GitHub-flavoured Markdown table, for pasting into reports and wikis."""
    shown = [field for field in fields if field.in_table]
    lines = [f"**{title}**", ""] if title else []
    lines.append("| " + " | ".join(_markdown_cell(f.header(view.lang)) for f in shown) + " |")
    lines.append(
        "|"
        + "|".join("---:" if f.kind in ("int", "money", "decimal") else "---" for f in shown)
        + "|"
    )
    body = [{f.key: screen_value(f, row.get(f.key), view) for f in shown} for row in rows]
    if total:
        body.append(
            {
                f.key: f"**{screen_value(f, total.get(f.key), view)}**"
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
    fields: Sequence[Field],
    view: View,
    *,
    title: str | None,
    total: Mapping[str, Any] | None,
) -> None:
    from rich import box
    from rich.table import Table

    from kunnan.ui.console import stdout_console

    shown = [field for field in fields if field.in_table]
    headers = [field.header(view.lang) for field in shown]
    cells = [[screen_value(f, row.get(f.key), view) for f in shown] for row in rows]
    footer = [screen_value(f, total.get(f.key), view) for f in shown] if total else None
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
    for index, field in enumerate(shown):
        table.add_column(
            headers[index],
            justify="right" if field.kind in ("int", "money", "decimal") else "left",
            footer=footer[index] if footer else "",
            overflow="fold",
            no_wrap=field.kind in UNBROKEN,
            width=widths[index],
        )
    for row_cells in cells:
        table.add_row(*row_cells)
    console.print(table)


#: Text columns may wrap, but not below two Chinese characters.
WRAPPED_MIN = 4


def fit_columns(
    fields: Sequence[Field], headers: Sequence[str], cells: Sequence[Sequence[str]], width: int
) -> tuple[list[int | None], int]:
    """Column widths for a table in ``width`` cells, and the width it needs.

    Numbers, dates and ID numbers are never broken; text columns give up
    space widest-first, down to their minimum. When even that does not fit,
    the table is printed wider than the terminal rather than cropped.
    """
    from rich.cells import cell_len

    count = len(fields)
    overhead = 2 + (count - 1) + 2 * count  # edges, separators, one space of padding a side
    natural = [
        max([cell_len(headers[i]), *(cell_len(row[i]) for row in cells)]) for i in range(count)
    ]
    if sum(natural) + overhead <= width:
        return [None] * count, sum(natural) + overhead
    flexible = [i for i, field in enumerate(fields) if field.kind not in UNBROKEN]
    floors = {i: min(natural[i], fields[i].min_width or WRAPPED_MIN) for i in flexible}
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
