"""Phone numbers: mainland mobiles, and the landlines (座机) union rosters give beside them.

A mobile is 11 digits starting 1[3-9], after stripping +86 and separators. A landline is an
area code (区号: 0 and two or three digits) and a local number of 7 or 8 digits that does not
start with 0 or 1, written ``0943-8221234``, ``0943 8221234``, ``(0943)8221234`` or
``09438221234``; or the local number alone (``8221234``), as rosters of one town write it.
Each is kept in one normal form: the mobile's 11 digits, ``0943-8221234``, or the local
number's digits. The area codes of three digits are 010 and 020-029 (Beijing and the
largest cities); every other starts 03-09 and has four, which is how a number written
without a separator is split.
"""

from __future__ import annotations

import re
import unicodedata

from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
#: A landline in its normal form (the area code and the local number, or the local number).
LANDLINE = re.compile(r"(?:(?P<area>0[1-9][0-9]{1,2})-)?(?P<local>[2-9][0-9]{6,7})")
_AREA_SHORT = re.compile(r"0[12][0-9]")
_AREA_LONG = re.compile(r"0[3-9][0-9]{2}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
#: The longest normal form: a four-digit area code, a dash and eight digits.
PHONE_MAX = 13


class PhoneError(ValueError):
    """Raised when a string is not a mainland mobile number (or, for ``parse_phone``, a
    landline)."""


def _cleaned(text: str) -> str:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for separator in (" ", "-", "(", ")"):
        cleaned = cleaned.replace(separator, "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    return cleaned


def parse_mobile(text: str) -> str:
    """Return the 11-digit mobile number, or raise PhoneError."""
    char = foreign_digit(text)
    if char is not None:
        raise PhoneError(
            _(
                "mobile number '{text}' is written with '{char}' (U+{code:04X}); "
                "write it with the digits 0-9",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    cleaned = _cleaned(text)
    if not _MOBILE.fullmatch(cleaned):
        raise PhoneError(_("'{text}' is not a mobile number (11 digits starting 13-19)", text=text))
    return cleaned


def parse_phone(text: str) -> str:
    """Return a mobile's 11 digits or a landline's normal form (``0943-8221234``, or the
    local number alone), or raise PhoneError."""
    char = foreign_digit(text)
    if char is not None:
        raise PhoneError(
            _(
                "phone number '{text}' is written with '{char}' (U+{code:04X}); "
                "write it with the digits 0-9",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    cleaned = _cleaned(text)
    if _MOBILE.fullmatch(cleaned):
        return cleaned
    landline = _landline(cleaned)
    if landline is None:
        raise PhoneError(
            _(
                "'{text}' is not a mobile number (11 digits starting 13-19) or a landline "
                "number (an area code such as 0943, then a number of 7 or 8 digits)",
                text=text,
            )
        )
    return landline


def _landline(digits: str) -> str | None:
    """A landline's normal form from its digits (separators gone), or None."""
    if _LOCAL.fullmatch(digits):
        return digits
    for area in (digits[:3], digits[:4]):
        local = digits[len(area) :]
        short = len(area) == 3
        if (_AREA_SHORT if short else _AREA_LONG).fullmatch(area) and _LOCAL.fullmatch(local):
            return f"{area}-{local}"
    return None
