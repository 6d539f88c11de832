"""Money as integer fen (分): parsing what caseworkers type, and printing yuan.

Floats never touch money. Input accepts ``3000``, ``3000.5``, ``3,000.00``,
full-width digits and an optional ¥ sign or 元 suffix; anything negative,
with more than two decimals, written with other digits (٣٠٠, ³) or not a
number is refused.
"""

from __future__ import annotations

import re
import unicodedata

from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

#: The largest amount kunnan accepts: ten billion yuan, far above any grant,
#: fund or budget, and well inside a 64-bit integer of fen.
MAX_FEN = 10_000_000_000 * 100

_AMOUNT = re.compile(
    r"""
    (?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)   # whole yuan, optionally grouped by thousands
    (?:\.(?P<frac>[0-9]{1,2}))?                # up to two decimals: jiao and fen
    """,
    re.VERBOSE,
)


class MoneyError(ValueError):
    """Raised when a string is not an amount of money kunnan accepts."""


def parse_yuan(text: str) -> int:
    """Parse an amount in yuan and return integer fen."""
    char = foreign_digit(text)
    if char is not None:
        raise MoneyError(
            _(
                "amount '{text}' is written with '{char}' (U+{code:04X}); "
                "write amounts with the digits 0-9",
                text=text,
                char=char,
                code=ord(char),
            )
        )
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.removeprefix("¥").removesuffix("元").strip()
    if cleaned.startswith("-"):
        raise MoneyError(_("amount '{text}' is negative; amounts are zero or more", text=text))
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise MoneyError(
            _("'{text}' is not an amount in yuan (like 3000, 3000.50 or 3,000.00)", text=text)
        )
    whole = int(match["int"].replace(",", ""))
    frac = (match["frac"] or "").ljust(2, "0")
    fen = whole * 100 + int(frac)
    if fen > MAX_FEN:
        raise MoneyError(
            _("amount '{text}' is larger than kunnan accepts (10,000,000,000 yuan)", text=text)
        )
    return fen


def format_fen(fen: int, *, grouping: bool = True) -> str:
    """Yuan with two decimals: 300050 → '3,000.50'."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    whole_text = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{whole_text}.{part:02d}"
