"""Free text and names as the register stores them: trimmed, bounded, printable.

Chinese text is stored exactly as typed (after Unicode NFC normalisation and
trimming); control characters such as NUL never enter the ledger, nor do the
invisible characters that make text read otherwise than it is stored:
bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
can show 张三 where 三张 is kept or turn a file name around, and zero-width
characters (U+200B–U+200D, U+FEFF), which make two names look the same.
"""

from __future__ import annotations

import re
import unicodedata

from kunnan.domain.idnumber import PROVINCE_CODES
from kunnan.domain.numerals import foreign_digit
from kunnan.i18n import N_, _, p_

NAME_MAX = 40
SHORT_TEXT_MAX = 100
ADDRESS_MAX = 200
NOTE_MAX = 2000
CODE_MAX = 40

_NAME_PUNCTUATION = frozenset("·・•.-' ")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_AREA = re.compile(r"[0-9]{6}")


#: Invisible characters no text field takes: bidirectional embeddings, overrides and
#: isolates, and zero-width spaces and joiners (the byte-order mark among them).
HIDDEN_CHARACTERS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200b", "\u200c", "\u200d", "\ufeff"]
)


class TextError(ValueError):
    """Raised when a text field is empty, too long, or holds characters it must not."""


def clean_text(value: str, *, field: str, max_length: int, allow_newlines: bool = False) -> str:
    """Trim and normalise free text; refuse control characters, the invisible characters
    that change how text reads (``HIDDEN_CHARACTERS``) and over-long values.

    ``field`` names the text in messages: an option (``--note``), or a word marked for the
    catalog (``N_("address")``), shown in the language of the command."""
    text = unicodedata.normalize("NFC", value).strip()
    # Printable text holds no control, format (the hidden characters are formats),
    # surrogate, private-use or unassigned character, so the character-by-character
    # look is needed only for the rest.
    for char in "" if text.isprintable() else text:
        if char in HIDDEN_CHARACTERS:
            raise TextError(
                _(
                    "{field} contains the invisible character U+{code:04X}, which changes "
                    "how text reads without being seen; remove it",
                    field=_(field),
                    code=ord(char),
                )
            )
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and not (
            allow_newlines and char in "\n\t"
        ):
            raise TextError(
                _(
                    "{field} contains a control character ({code:#06x})",
                    field=_(field),
                    code=ord(char),
                )
            )
    check_length(text, field=field, max_length=max_length)
    return text


def check_length(text: str, *, field: str, max_length: int) -> None:
    """TextError when ``text`` is longer than ``max_length`` characters."""
    if len(text) > max_length:
        raise TextError(
            _(
                "{field} is {length} characters long; at most {most} are allowed",
                field=_(field),
                length=len(text),
                most=max_length,
            )
        )


def check_not_empty(text: str, *, field: str) -> None:
    """TextError when ``text`` is empty."""
    if not text:
        raise TextError(_("{field} must not be empty", field=_(field)))


def clean_required_text(value: str, *, field: str, max_length: int) -> str:
    text = clean_text(value, field=field, max_length=max_length)
    check_not_empty(text, field=field)
    return text


def clean_name(value: str) -> str:
    """A person's name: letters of any script and the separators names use (张三, 阿依古丽·买买提)."""
    name = clean_required_text(value, field=p_("person", "name"), max_length=NAME_MAX)
    # str.isalpha() is exactly "every character is a letter" (categories L*).
    for char in "" if name.isalpha() else name:
        if not (unicodedata.category(char).startswith("L") or char in _NAME_PUNCTUATION):
            raise TextError(
                _(
                    "name '{name}' contains '{char}', which is not part of a name",
                    name=name,
                    char=char,
                )
            )
    return name


def clean_code(value: str, *, field: str = N_("code")) -> str:
    """A short handle typed on the command line: ASCII letters, digits, - and _."""
    code = value.strip()
    check_not_empty(code, field=field)
    check_length(code, field=field, max_length=CODE_MAX)
    if not _CODE.fullmatch(code):
        raise TextError(
            _(
                "{field} '{code}' may hold only ASCII letters, digits, - and _",
                field=_(field),
                code=code,
            )
        )
    return code


def clean_area_code(value: str) -> str:
    """A six-digit administrative area code (GB/T 2260), such as 620402 for 白银区."""
    char = foreign_digit(value)
    if char is not None:
        raise TextError(
            _(
                "area code '{value}' is written with '{char}' (U+{code:04X}); "
                "write it with the digits 0-9, like 620402",
                value=value,
                char=char,
                code=ord(char),
            )
        )
    code = unicodedata.normalize("NFKC", value).strip()
    if not _AREA.fullmatch(code):
        raise TextError(_("area code '{value}' must be six digits, like 620402", value=value))
    if code[:2] not in PROVINCE_CODES:
        raise TextError(_("area code '{code}' does not start with a province code", code=code))
    return code
