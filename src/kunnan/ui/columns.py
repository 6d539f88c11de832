"""A column, once for every output: its key, its headers, its kind, and how each output writes it.

One ``Column`` describes a column of a list on screen (Rich table, Markdown),
on stdout for programs (JSON, CSV), in an export file (CSV, .xlsx; see
``kunnan.sheets``) and on the HTML page. Its kind decides how a value looks
in each, in the functions below, side by side:

- ``screen_value``: tables and Markdown; labels in the chosen language, money
  in yuan (3,000.00), ID numbers and phones masked.
- ``machine_value``: JSON and CSV on stdout; English keys, enum slugs, money
  as integer fen, ISO dates, masked personal data.
- ``file_value``: export files, which ``import`` reads back; with ``--lang zh``
  Chinese labels and yuan (in English, money under a key ending ``_fen`` is in
  fen, any other in yuan), in .xlsx real dates and numbers.
- ``page_value``: the HTML page; as on screen, with thousands grouped (3,195).

ID numbers and phones are masked and birth dates show their year
(``kunnan.domain.masking`` says why); ``--reveal`` shows them in full in every
output. Text cells of every CSV kunnan writes go through ``escape_cell``.
Nothing here touches a terminal, a file or the database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from kunnan.domain.enums import Category, Labelled
from kunnan.domain.masking import mask_birth_date, mask_id_number, mask_phone
from kunnan.domain.money import format_fen
from kunnan.i18n import by_name, translate

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

#: Kinds aligned right and summed in totals.
NUMERIC = frozenset({"int", "money", "decimal"})
#: Values that must never be split across lines in a table.
UNBROKEN = frozenset({"id_number", "phone", "birth_date", "date", "datetime", "money", "int"})
#: Characters that make a spreadsheet treat a cell as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Yuan in files: two decimals.
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    """A column: its key in JSON, CSV and files, its headers, and the kind of its values."""

    key: str
    #: The English header, and the message id of its translations (``kunnan.i18n``).
    en: str
    kind: Kind = "text"
    enum: type[Labelled] | None = None
    #: Narrowest the column may get in a table (in terminal cells; a Chinese
    #: character takes two), so names wrap rather than shrink to one character.
    min_width: int | None = None
    #: Lists that have many columns show only the table ones on screen.
    in_table: bool = True
    #: Told to translators where one English header has two meanings ("Completed": a count
    #: of trainees, or the day a trainee completed).
    context: str | None = None
    #: How readily the column is left out of a table too wide for the terminal: 0 never,
    #: else the highest first (``--wide`` shows every column).
    drop: int = 0

    def header(self, lang: str) -> str:
        return translate(self.en, lang, self.context)

    @property
    def zh(self) -> str:
        """The Chinese header (files are read by it whatever the language)."""
        return self.header("zh")

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


# Columns many lists of households share ---------------------------------------------------

HOUSEHOLD_CODE = Column("code", "Code", min_width=7, context="code")
#: A household named in a list of something else (grants, trainees, funds' entries).
HOUSEHOLD = Column("household", "Household", context="household")
ARCHIVE_NO = Column("archive_no", "Archive no.", min_width=8, drop=4)
HEAD_NAME = Column("head_name", "Head", min_width=6)
UNION = Column("org", "Union", min_width=8, context="org")
CATEGORY = Column("category", "Category", "enum", Category, context="category")


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def escape_cell(text: str) -> str:
    """Prefix ``'`` to a CSV text cell a spreadsheet would run as a formula.

    Text that already starts with quotes before a formula character gets one
    more, so ``unescape_cell`` gives back exactly what was written.
    """
    return "'" + text if _formula_like(text) else text


def unescape_cell(text: str) -> str:
    """Undo ``escape_cell`` on a CSV cell read back."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


def machine_value(column: Column, value: Any, *, reveal: bool) -> Any:
    """The value as JSON and CSV on stdout carry it."""
    if value is None:
        return None
    if not reveal and column.kind in ("id_number", "phone", "birth_date"):
        return _masked(column.kind, value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple):
        return [machine_value(column, part, reveal=reveal) for part in value]
    return value


def _masked(kind: Kind, value: Any) -> str:
    if kind == "birth_date":
        return mask_birth_date(value if isinstance(value, dt.date) else str(value))
    if kind == "phone":
        return mask_phone(str(value))
    return mask_id_number(str(value), today=dt.date.today())


def screen_value(column: Column, value: Any, *, lang: str, reveal: bool = False) -> str:
    """The value as a table shows it."""
    if value is None or value == []:
        return ""
    if column.kind == "money":
        return format_fen(int(value))
    if column.kind == "enum" and column.enum is not None:
        return _label(column.enum, value, lang)
    if column.kind == "enum_list" and column.enum is not None:
        separator = translate(", ", lang, "list separator")
        return separator.join(_label(column.enum, part, lang) for part in value)
    if column.kind == "datetime" and isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    shown = machine_value(column, value, reveal=reveal)
    if isinstance(shown, dict | list):
        return json.dumps(shown, ensure_ascii=False)
    return str(shown)


def _label(enum: type[Labelled], value: Any, lang: str) -> str:
    try:
        return enum(str(value)).label(lang)
    except ValueError:
        return str(value)  # already a label, or a value the enum does not know


def page_value(column: Column, value: Any, *, lang: str) -> str:
    """The value as the HTML page shows it: as on screen, with thousands grouped."""
    if column.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return screen_value(column, value, lang=lang)


def file_list_separator(lang: str) -> str:
    """How a list of choices (secondary causes) is written in a file: ``;`` in English."""
    return translate(";", lang, "file list separator")


def file_in_fen(column: Column, lang: str) -> bool:
    """Whether an export file holds a money column in fen: only under an English key that
    says so (``monthly_income_fen``, as ``import`` reads it); every other one is in yuan."""
    return not by_name(lang) and column.key.endswith("_fen")


def file_value(column: Column, value: Any, *, lang: str, reveal: bool, xlsx: bool) -> Any:
    """A value as an export writes it: masked, labelled, yuan or fen, dates as dates in Excel.

    Masked, an ID number keeps its area code and last two, a phone its first three and
    last four, and a birth date its year (``kunnan.domain.masking`` says why).
    """
    if value is None or value == []:
        return None
    kind = column.kind
    if kind == "id_number":
        return str(value) if reveal else mask_id_number(str(value), today=dt.date.today())
    if kind == "phone":
        return str(value) if reveal else mask_phone(str(value))
    if kind == "birth_date":
        if not reveal:
            return mask_birth_date(value if isinstance(value, dt.date) else str(value))
        kind = "date"
    if kind == "enum" and column.enum is not None:
        return column.enum(str(value)).label(lang)
    if kind == "enum_list" and column.enum is not None:
        enum = column.enum
        separator = file_list_separator(lang)
        return separator.join(enum(str(v)).label(lang) for v in value)
    if kind == "money":
        if file_in_fen(column, lang):
            return int(value)
        # A number in CSV too, never text: a reversal's -8000.00 is no formula to escape.
        return (Decimal(int(value)) / 100).quantize(CENT)
    if kind == "decimal":
        return Decimal(value) if xlsx else str(value)
    if kind == "date" and isinstance(value, dt.date):
        return value if xlsx else value.isoformat()
    return value
