"""The digits numbers and dates are written with: ASCII 0-9 and their full-width forms ０-９.

Python reads many more as digits: ``int('٣٠٠')`` is 300 and ``\\d`` matches
Arabic-Indic, Devanagari and a hundred other scripts' digits, and Unicode
NFKC folds superscripts (³), circled numbers (③) and mathematical digits to
0-9. An amount or a date in any of those is a typing accident or a trick, and
looks like something else on screen; so every number, date, phone, area code
and ID number kunnan reads is refused when it holds one (``foreign_digit``),
before it is folded with NFKC (which turns ０-９ into 0-9).
"""

from __future__ import annotations

import re
import unicodedata

from kunnan.i18n import _

#: The digits kunnan reads: ASCII and full-width (what Chinese input methods type).
DIGITS = frozenset("0123456789０１２３４５６７８９")
_ASCII_DIGIT = re.compile(r"[0-9]")
_WHOLE = re.compile(r"[-+]?[0-9]+")


class NumberError(ValueError):
    """Raised when a text is not a whole number kunnan reads; the message says why."""


def foreign_digit(text: str) -> str | None:
    """The first character that writes a digit otherwise than 0-9 or ０-９ (٣, ३, ³, ③), if any."""
    if text.isascii():
        return None
    for char in text:
        if char.isascii() or char in DIGITS:
            continue
        if unicodedata.category(char)[0] == "N" or _ASCII_DIGIT.search(
            unicodedata.normalize("NFKC", char)
        ):
            return char
    return None


def parse_whole(text: str) -> int:
    """A whole number typed as text (``2018``, ``２０１８``, ``-1``)."""
    char = foreign_digit(text)
    if char is not None:
        raise NumberError(
            _(
                "'{text}' is written with '{char}' (U+{code:04X}); "
                "write numbers with the digits 0-9",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _WHOLE.fullmatch(folded):
        raise NumberError(_("'{text}' is not a whole number", text=text))
    return int(folded)
