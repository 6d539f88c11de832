"""Dates as caseworkers type them: ISO 2018-12-24, 2018/12/24 or 2018年12月24日.

Digits are ASCII or full-width (２０１８年); others (٢٠١٨, ²⁰¹⁸) are refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
)
_YEAR = re.compile(r"[0-9]{4}")


class DateError(ValueError):
    """Raised when a string is not a real calendar date, or a date that is not allowed."""


def parse_date(text: str) -> dt.date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the ISO form files and exports use: the first of the forms below, quickly
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    char = foreign_digit(text)
    if char is not None:
        raise DateError(
            _(
                "date '{text}' is written with '{char}' (U+{code:04X}); "
                "write dates with the digits 0-9, like 2018-12-24",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for form in _FORMS:
        match = form.fullmatch(cleaned)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise DateError(_("'{text}' is not a date (use YYYY-MM-DD, like 2018-12-24)", text=text))


def not_in_future(value: dt.date, *, today: dt.date, what: str | None = None) -> dt.date:
    """``value`` unless it is after ``today``; ``what`` names it (default: "date")."""
    if value > today:
        raise DateError(
            _(
                "{what} {value} is in the future (today is {today})",
                what=_("date") if what is None else what,
                value=value.isoformat(),
                today=today.isoformat(),
            )
        )
    return value


def parse_year(text: str) -> int:
    char = foreign_digit(text)
    if char is not None:
        raise DateError(
            _(
                "year '{text}' is written with '{char}' (U+{code:04X}); "
                "write years with the digits 0-9, like 2018",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    cleaned = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    if not (_YEAR.fullmatch(cleaned) and 1949 <= int(cleaned) <= 2200):
        raise DateError(_("'{text}' is not a year (like 2018)", text=text))
    return int(cleaned)
