"""Mainland mobile numbers: 11 digits starting 1[3-9], after stripping +86 and separators."""

from __future__ import annotations

import re
import unicodedata

from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


class PhoneError(ValueError):
    """Raised when a string is not a mainland mobile number."""


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
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for separator in (" ", "-", "(", ")"):
        cleaned = cleaned.replace(separator, "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    if not _MOBILE.fullmatch(cleaned):
        raise PhoneError(_("'{text}' is not a mobile number (11 digits starting 13-19)", text=text))
    return cleaned
