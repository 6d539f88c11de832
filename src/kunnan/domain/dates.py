"""Dates as caseworkers type them: ISO 2018-12-24, 2018/12/24 or 2018年12月24日."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
)


class DateError(ValueError):
    """Raised when a string is not a real calendar date, or a date that is not allowed."""


def parse_date(text: str) -> dt.date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the ISO form files and exports use: the first of the forms below, quickly
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for form in _FORMS:
        match = form.fullmatch(cleaned)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise DateError(f"'{text}' is not a date (use YYYY-MM-DD, like 2018-12-24)")


def not_in_future(value: dt.date, *, today: dt.date, what: str = "date") -> dt.date:
    if value > today:
        raise DateError(
            f"{what} {value.isoformat()} is in the future (today is {today.isoformat()})"
        )
    return value


def parse_year(text: str) -> int:
    cleaned = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    if not (cleaned.isdigit() and len(cleaned) == 4 and 1949 <= int(cleaned) <= 2200):
        raise DateError(f"'{text}' is not a year (like 2018)")
    return int(cleaned)
