"""Mainland mobile numbers: 11 digits starting 1[3-9], after stripping +86 and separators."""

from __future__ import annotations

import re
import unicodedata

from kunnan.domain.numerals import foreign_digit

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


class PhoneError(ValueError):
    """Raised when a string is not a mainland mobile number."""


def parse_mobile(text: str) -> str:
    """Return the 11-digit mobile number, or raise PhoneError."""
    char = foreign_digit(text)
    if char is not None:
        raise PhoneError(
            f"mobile number '{text}' is written with '{char}' (U+{ord(char):04X}); "
            "write it with the digits 0-9"
        )
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for separator in (" ", "-", "(", ")"):
        cleaned = cleaned.replace(separator, "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    if not _MOBILE.fullmatch(cleaned):
        raise PhoneError(f"'{text}' is not a mobile number (11 digits starting 13-19)")
    return cleaned
