"""Resident identity numbers (居民身份号码) as GB 11643-1999 defines them.

An 18-character number is a 6-digit area code, an 8-digit birth date, a
3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2
check character. Older 15-digit numbers lack the century and the check
character; they are upgraded by inserting "19" and computing it.
"""

from __future__ import annotations

import datetime as dt
import operator
import unicodedata
from typing import NamedTuple

from kunnan.domain.enums import Sex
from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_MAP = "10X98765432"
#: What weighting the ASCII codes of the digits instead of the digits adds: 48 × Σ weights.
_ASCII_OFFSET = ord("0") * sum(WEIGHTS)

#: The first two digits of an area code: provinces, autonomous regions and
#: municipalities (GB/T 2260), plus Taiwan, Hong Kong and Macao.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip

EARLIEST_BIRTH = dt.date(1900, 1, 1)


class IdNumberError(ValueError):
    """Raised when a string is not a valid resident ID number; the message says why."""


class IdNumber(NamedTuple):
    """A valid, normalised 18-character resident ID number and what it encodes.

    A tuple: an import reads a million of them."""

    value: str
    birth_date: dt.date
    sex: Sex

    @property
    def area_code(self) -> str:
        return self.value[:6]


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"the check character needs 17 digits, not {len(first17)}")
    if first17.isascii() and first17.isdigit():  # weigh the bytes: no int() per digit
        total = sum(map(operator.mul, first17.encode(), WEIGHTS)) - _ASCII_OFFSET
    else:
        total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_MAP[total % 11]


def normalise(text: str) -> str:
    """Strip spaces, fold full-width characters and make the check character upper case."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def parse_id_number(text: str, *, today: dt.date) -> IdNumber:
    """Validate a resident ID number (18 characters, or 15 digits to upgrade).

    ``today`` bounds the birth date: nobody is born in the future.
    """
    # ASCII letters and digits only (the common case) need no Unicode folding.
    if text.isascii() and text.isalnum():
        value = text.upper()
    else:
        char = foreign_digit(text)
        if char is not None:
            raise IdNumberError(
                _(
                    "the ID number is written with '{char}' (U+{code:04X}); "
                    "write it with the digits 0-9 and X",
                    char=char,
                    code=ord(char),
                )
            )
        value = normalise(text)
    if len(value) == 15:
        if not (value.isascii() and value.isdigit()):
            raise IdNumberError(_("a 15-character ID number must be all digits"))
        value = upgrade_15(value)
    elif len(value) != 18:
        raise IdNumberError(
            _("an ID number has 18 characters, this one has {length}", length=len(value))
        )
    first17, last = value[:17], value[17]
    if not first17.isascii() or not first17.isdigit():
        raise IdNumberError(_("the first 17 characters of an ID number must be digits"))
    if not (last.isdigit() or last == "X"):
        raise IdNumberError(
            _("the last character of an ID number is a digit or X, not '{last}'", last=last)
        )
    if value[:2] not in PROVINCE_CODES:
        raise IdNumberError(
            _("ID number starts with '{start}', which is no province code", start=value[:2])
        )
    birth = _birth_date(value[6:14])
    if birth > today:
        raise IdNumberError(
            _(
                "ID number gives birth date {birth}, which is in the future",
                birth=birth.isoformat(),
            )
        )
    expected = check_character(first17)
    if last != expected:
        raise IdNumberError(
            _(
                "ID number check character is wrong: expected {expected}, got {last}",
                expected=expected,
                last=last,
            )
        )
    sex = Sex.MALE if int(value[16]) % 2 == 1 else Sex.FEMALE
    return IdNumber(value=value, birth_date=birth, sex=sex)


def facts(value: str) -> IdNumber:
    """What a number already validated and normalised by ``parse_id_number`` encodes."""
    birth = dt.date.fromisoformat(value[6:14])
    sex = Sex.MALE if int(value[16]) % 2 == 1 else Sex.FEMALE
    return IdNumber(value=value, birth_date=birth, sex=sex)


def upgrade_15(value: str) -> str:
    """Turn a 15-digit first-generation number into its 18-character form."""
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_character(first17)


def _birth_date(yyyymmdd: str) -> dt.date:
    try:  # eight ASCII digits: ISO 8601's basic form, which fromisoformat reads
        birth = dt.date.fromisoformat(yyyymmdd)
    except ValueError:
        raise IdNumberError(
            _("ID number gives birth date '{birth}', which is no real date", birth=yyyymmdd)
        ) from None
    if birth < EARLIEST_BIRTH:
        raise IdNumberError(
            _("ID number gives birth date {birth}, before 1900", birth=birth.isoformat())
        )
    return birth
