"""Dates as caseworkers type them and rosters hold them: ISO 2018-12-24, 2018/12/24,
2018.12.24, 20181224 or 2018年12月24日, and Excel's serial day numbers.

Digits are ASCII or full-width (２０１８年); others (٢٠١８, ²⁰¹⁸) are refused. Whatever the
form, the value is a ``datetime.date``, written back as ISO: one normal form. A date that
does not exist (2018-02-30, month 13) is refused saying why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from kunnan.domain.errors import InvalidInput
from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})\.(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
)
#: Excel's day numbers in its usual (1900) date system: 1 is 1900-01-01, 2958465 is
#: 9999-12-31. Excel counts a 1900-02-29 that never was (day 60), so from day 61 on, day n
#: is n days after 1899-12-30.
EXCEL_DAY_MAX = 2958465
_EXCEL_FALSE_LEAP_DAY = 60
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: A number of eight digits in a date cell is the date typed without separators (20181224).
_COMPACT_LEAST = 10000101
_COMPACT_MOST = 99991231
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
            return _calendar_date(text, int(match["y"]), int(match["m"]), int(match["d"]))
    raise _not_a_date(text)


def _not_a_date(text: str) -> DateError:
    return DateError(_("'{text}' is not a date (use YYYY-MM-DD, like 2018-12-24)", text=text))


def _calendar_date(text: str, year: int, month: int, day: int) -> dt.date:
    """The date of a year, month and day written as ``text``, or why there is none."""
    if year < 1:
        raise _not_a_date(text)
    if not 1 <= month <= 12:
        raise DateError(
            _("'{text}' is not a date: there is no month {month}", text=text, month=month)
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateError(
            _(
                "'{text}' is not a date: {year:04d}-{month:02d} has {days} days",
                text=text,
                year=year,
                month=month,
                days=days,
            )
        )
    return dt.date(year, month, day)


def date_of_number(number: float) -> dt.date:
    """The date a number in a date cell of a sheet stands for: the cell was not formatted as
    a date, so it holds Excel's serial day number (43458 is 2018-12-24), or it was typed as
    the eight digits 20181224; DateError for any other number."""
    whole = float(number).is_integer()
    if whole and _COMPACT_LEAST <= number <= _COMPACT_MOST:
        digits = str(int(number))
        return _calendar_date(digits, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if not (whole and 1 <= number <= EXCEL_DAY_MAX):
        raise DateError(
            _(
                "holds the number {number}, which is not a date: give the date as a date "
                "(2018-12-24), or a whole Excel day number from 1 to {most}",
                number=str(int(number)) if whole else repr(float(number)),
                most=EXCEL_DAY_MAX,
            )
        )
    day = int(number)
    if day == _EXCEL_FALSE_LEAP_DAY:
        raise DateError(_("holds Excel's day number 60, the 1900-02-29 that never was: not a date"))
    if day < _EXCEL_FALSE_LEAP_DAY:
        day += 1
    return _EXCEL_EPOCH + dt.timedelta(days=day)


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


def check_span(start: dt.date | None, end: dt.date | None) -> None:
    """Days from ``start`` to ``end`` (``--from``, ``--to``; either may be open): refused
    when the first is after the last, which no record could fall within."""
    if start is not None and end is not None and start > end:
        raise InvalidInput(
            _(
                "--from {start} is after --to {end}; no day falls between them",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
