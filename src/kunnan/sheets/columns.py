"""File formats as columns: headers in English and Chinese, and how each cell is read.

A format is a tuple of ``Column``: the one column description of
``kunnan.ui.columns`` (which also says how an export writes each value), whose
English header is its key, with the aliases union spreadsheets use. Export
writes its headers (English keys, or Chinese headers with ``--lang zh``) and
values; import matches a file's headers against the same columns (English
keys, Chinese headers or the aliases) and turns each cell into the text the
input models validate. Nothing here touches a file or the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kunnan.domain.dates import DateError, date_of_number
from kunnan.domain.enums import Labelled
from kunnan.domain.masking import mask_numbers
from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _
from kunnan.ui import columns as ui_columns
from kunnan.ui.columns import Kind, unescape_cell

Lang = Literal["en", "zh"]

#: The separators accepted when reading a list of causes (``ui_columns.file_list_separator`` gives the one written).
_LIST_SPLIT = re.compile(r"[;；,，、/]")
_HEADER_NOISE = re.compile(r"[\s*＊:：]")
_FEN = re.compile(r"[0-9]+")

#: Longest cell text quoted back in a message, and longest message about one cell.
QUOTE_MAX = 60
MESSAGE_MAX = 400


class Formula(str):
    """The text of a spreadsheet cell that holds a formula; kunnan never evaluates one."""


class CellProblem(ValueError):
    """Raised when a cell cannot be read as its column's kind; the message says why."""


@dataclass(frozen=True, init=False)
class Column(ui_columns.Column):
    """One column of a file: its English key (also its English header), its Chinese header,
    and the names it also goes by."""

    aliases: tuple[str, ...] = ()
    #: The Chinese header of the file format (a name the file may use, like the aliases).
    file_zh: str = ""

    def __init__(
        self,
        key: str,
        zh: str,
        kind: Kind = "text",
        enum: type[Labelled] | None = None,
        *,
        aliases: tuple[str, ...] = (),
    ) -> None:
        super().__init__(key, key, kind, enum)
        object.__setattr__(self, "aliases", aliases)
        object.__setattr__(self, "file_zh", zh)

    def header(self, lang: str) -> str:
        """The header in a file of ``lang``: part of the file format (``import`` reads either
        whatever language it speaks), so not the catalog's to translate."""
        return {"en": self.key, "zh": self.file_zh}[lang]

    @property
    def zh(self) -> str:
        return self.file_zh

    def names(self) -> tuple[str, ...]:
        return (self.key, self.zh, *self.aliases)


def normalise_header(text: str) -> str:
    """A header as matched: NFKC, lower case, no spaces, no '*' marking required columns."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Bound:
    """A column found in a file: where it is and how the file spells it."""

    column: Column
    index: int
    spelled: str

    @property
    def in_fen(self) -> bool:
        """Money columns hold fen only under their English key (ending ``_fen``); yuan otherwise."""
        return self.column.kind == "money" and normalise_header(self.spelled) == self.column.key


class HeaderError(ValueError):
    """Raised when a header row cannot be used (a column given twice)."""


@dataclass(frozen=True)
class HeaderMatch:
    """The columns of a format that a file's header row names."""

    bound: dict[str, Bound]
    ignored: tuple[str, ...]
    lang: Lang
    width: int

    def has(self, key: str) -> bool:
        return key in self.bound

    def name(self, column: Column) -> str:
        """The column as the file spells it, or its header in the file's language if absent."""
        found = self.bound.get(column.key)
        return found.spelled if found else column.header(self.lang)


def _lookup(columns: Iterable[Column]) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            table.setdefault(normalise_header(name), column)
    return table


def count_known(cells: Sequence[str], columns: Sequence[Column]) -> int:
    """How many cells of a row name a column of the format (to find the header row)."""
    table = _lookup(columns)
    return len({table[n].key for n in (normalise_header(c) for c in cells) if n in table})


def match_header(
    cells: Sequence[str], columns: Sequence[Column], *, quiet: Iterable[str] = ()
) -> HeaderMatch:
    """Bind a header row to the format; headers it does not know are ignored (and listed)."""
    table = _lookup(columns)
    silent = {normalise_header(name) for name in quiet}
    bound: dict[str, Bound] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        spelled = cell.strip()
        name = normalise_header(spelled)
        if not name or name in silent:
            continue
        column = table.get(name)
        if column is None:
            ignored.append(spelled)
            continue
        if column.key in bound:
            raise HeaderError(
                _(
                    "columns '{first}' and '{second}' are both {key} ({zh}); keep one",
                    first=quote(bound[column.key].spelled),
                    second=quote(spelled),
                    key=column.key,
                    zh=column.zh,
                )
            )
        bound[column.key] = Bound(column=column, index=index, spelled=spelled)
    chinese = any(not b.spelled.isascii() for b in bound.values())
    return HeaderMatch(
        bound=bound, ignored=tuple(ignored), lang="zh" if chinese else "en", width=len(cells)
    )


def quote(text: str) -> str:
    """Cell text for a message: shortened, with ID and phone numbers masked."""
    short = text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX] + "…"
    return mask_numbers(short, today=dt.date.today())


def tidy(message: str) -> str:
    """A validation message for a row report: bounded, ID and phone numbers masked.

    Messages quote the value they refuse; a cell can be megabytes long and
    may hold a full ID number.
    """
    short = message if len(message) <= MESSAGE_MAX else message[:MESSAGE_MAX] + "…"
    return mask_numbers(short, today=dt.date.today())


def cell_text(value: Any, *, csv_escaped: bool = False) -> str | None:
    """Any cell as the text a person sees in it; None when it is blank."""
    if value is None:
        return None
    if type(value) is str:  # every CSV cell: the fast path
        text = unescape_cell(value) if csv_escaped and value[:1] == "'" else value
        return text if text and not text.isspace() else None
    if isinstance(value, Formula):
        raise CellProblem(
            _(
                "holds a formula ({formula}); kunnan reads values only: paste as values",
                formula=quote(str(value)),
            )
        )
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    else:
        text = str(value)
    if csv_escaped:
        text = unescape_cell(text)
    return text if text.strip() else None


def read_cell(
    value: Any, bound: Bound, *, csv_escaped: bool = False
) -> str | int | list[str] | None:
    """A cell as its column's input model takes it: text, whole fen, or a list of choices.

    A number in a date column is the date it stands for (``domain.dates.date_of_number``),
    as ISO text: the one form every date is read from."""
    if value is None or value == "":
        return None  # the common case, first
    kind = bound.column.kind
    if kind == "id_number" and isinstance(value, float):
        raise CellProblem(
            _(
                "is stored as a number, so the spreadsheet has rounded it: "
                "format the column as text and enter the ID numbers again"
            )
        )
    if kind == "date" and isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell not formatted as a date holds a number (openpyxl gives a datetime
        # for one that is): Excel's serial day, or 20181224 typed as a number.
        try:
            return date_of_number(value).isoformat()
        except DateError as error:
            raise CellProblem(str(error)) from None
    text = cell_text(value, csv_escaped=csv_escaped)
    if text is None:
        return None
    if kind in ("id_number", "phone") and "*" in text:
        raise CellProblem(
            _(
                "is masked ({text}); export with --reveal to move full numbers between ledgers",
                text=quote(text),
            )
        )
    if kind == "money" and bound.in_fen:
        digits = unicodedata.normalize("NFKC", text).strip()
        # not str.isdigit(): it, and int(), take ٣ and ³ as well as 3
        if foreign_digit(text) is not None or not _FEN.fullmatch(digits):
            raise CellProblem(
                _(
                    "'{text}' is not a whole number of fen "
                    "(a column named {key} holds fen; other names hold yuan)",
                    text=quote(text),
                    key=bound.column.key,
                )
            )
        return int(digits)
    if kind == "enum_list":
        return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]
    return text


def cell_reader(bound: Bound, *, csv_escaped: bool = False) -> Callable[[Any], Any]:
    """``read_cell`` for one column, with the common case of a CSV file decided up front:
    a plain text cell that needs no unescaping and no check of its own is its own value.
    Anything else goes through ``read_cell``, so both always agree."""
    kind = bound.column.kind
    if kind in ("enum_list",) or (kind == "money" and bound.in_fen):

        def general(value: Any) -> Any:
            return read_cell(value, bound, csv_escaped=csv_escaped)

        return general
    numbers = kind in ("id_number", "phone")

    def read(value: Any) -> Any:
        if (
            type(value) is str
            and value
            and value[0] != "'"
            and not (numbers and "*" in value)
            and not value.isspace()
        ):
            return value
        return read_cell(value, bound, csv_escaped=csv_escaped)

    return read
