"""Masking of personal data: what the screen, exports and notices show by default.

The rule the masks keep: for every person, at least 1,000 valid ID numbers
(GB 11643: a province's area code, a real birth date from 1900 to today, the
check character) stay consistent with everything a default output shows
about them, even to someone who also knows their area, birth year and sex.

So an ID number shows its area code (which outputs show anyway) and its last
two characters, the last digit of the sequence (the sex) and the check
character: ``620402**********13``; and a birth date shows its year only. The
unknowns are then the day of the year and the first two sequence digits:
365 × 100 fillings, of which the check character keeps 9 or 10 a day, at
least 3,317 numbers in every complete year. A person born this year has had
fewer days, so their number shows no end at all until the year is over
(``620402************``): 500 numbers a day of the year so far. Showing the
birth date, or the last four beside the year, would leave fewer than 100.
"""

from __future__ import annotations

import datetime as dt
import re

#: Characters an 18-character ID number keeps visible at its start and its end.
ID_START = 6
ID_END = 2

#: What looks like a full ID number (18, or the old 15 digits), a mobile number or a landline
#: with its area code (0943-8221234, (0943)8221234, 0943 8221234) in free text.
_LONG_DIGITS = re.compile(
    r"\d{17}[\dXx]|\d{15}|1[3-9]\d{9}"
    r"|(?<!\d)(?P<area>\(?0[1-9]\d{1,2}\)?[- ]?)(?P<local>[2-9]\d{6,7})(?!\d)"
)
#: A landline as kunnan keeps it (``kunnan.domain.phone``): 0943-8221234, or 8221234.
_LANDLINE = re.compile(r"(?P<area>0[1-9]\d{1,2}-)?(?P<local>[2-9]\d{6,7})")
#: Digits a phone mask hides: a mobile's middle four, a landline's local number but its end.
PHONE_HIDDEN = 4


def mask_id_number(value: str, *, today: dt.date) -> str:
    """Keep the area code and the last two: 620402**********13.

    Masking a masked number again changes nothing, and a number written under an
    older, wider mask (620402********0013) is narrowed to this one. A number whose
    birth year is ``today``'s keeps only its area code; anything that is not 18
    characters long (a 15-digit original, a fragment) keeps only its first six.
    """
    if len(value) <= 10:
        return "*" * len(value)
    if len(value) != 18:
        return value[:ID_START] + "*" * (len(value) - ID_START)
    year = value[6:10]
    born_this_year = year.isascii() and year.isdigit() and int(year) >= today.year
    end = "*" * ID_END if born_this_year else value[-ID_END:]
    return value[:ID_START] + "*" * (18 - ID_START - ID_END) + end


def mask_birth_date(value: dt.date | str) -> str:
    """A birth date as outputs show it: the year alone (1978)."""
    if isinstance(value, dt.date):
        return f"{value.year:04d}"
    year = value[:4]
    return year if year.isascii() and year.isdigit() else "*" * len(value)


def mask_phone(value: str) -> str:
    """A mobile keeps its first three and its last four digits: 138****5678. A landline
    keeps its area code and hides four digits of its local number as a mobile does, the
    first four: 0943-****234 (a seven-digit number), 0755-****5678 (eight)."""
    landline = _LANDLINE.fullmatch(value)
    if landline is not None:
        return _mask_landline(landline)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def _mask_landline(match: re.Match[str]) -> str:
    local = match["local"]
    return (match["area"] or "") + "*" * PHONE_HIDDEN + local[PHONE_HIDDEN:]


def mask_numbers(text: str, *, today: dt.date) -> str:
    """Mask anything in a message that looks like an ID number or a phone number."""

    def masked(match: re.Match[str]) -> str:
        found = match[0]
        if match["local"] is not None:
            return _mask_landline(match)
        return mask_phone(found) if len(found) == 11 else mask_id_number(found, today=today)

    return _LONG_DIGITS.sub(masked, text)


def mask_name(value: str) -> str:
    """A name as a public notice shows it: 张*华, and 李* for two-character names."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
