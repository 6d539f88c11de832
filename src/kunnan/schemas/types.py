"""The rules input fields are validated by, and the annotated types the input models use.

A ``Rule`` reads a field's text (an option, an import cell) with a pure domain reader
and checks the value, however it was given, with a domain check: ``Annotated[Decimal,
AREA_M2]`` makes a model field validate by it, and ``Rule.take`` applies the very same
functions to a value outside any model (the import's cheap path for plain rows). So a
field's rule is written once, here or in the domain, and every path that reads the
field calls it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar, get_args

from pydantic import GetCoreSchemaHandler, ValidationInfo
from pydantic_core import CoreSchema, core_schema

from kunnan.domain import text
from kunnan.domain.dates import not_in_future, parse_date
from kunnan.domain.enums import Labelled
from kunnan.domain.idnumber import parse_id_number
from kunnan.domain.money import parse_yuan
from kunnan.domain.numerals import parse_whole
from kunnan.domain.phone import parse_mobile, parse_phone
from kunnan.domain.register import check_area_m2, parse_area_m2
from kunnan.i18n import _

E = TypeVar("E", bound=Labelled)

#: Reads a field's text into its value (the day is today, for rules that need it);
#: ValueError saying what is wrong otherwise.
Reader = Callable[[str, dt.date], Any]
#: Checks a field's value, given as text or already typed; ValueError otherwise.
Check = Callable[[Any, dt.date], Any]


def _today(info: ValidationInfo) -> dt.date:
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


@dataclass(frozen=True, eq=False)
class Rule:
    """How one field reads its text and checks its value.

    ``many``: the field holds a list, each item read by ``read`` (a cell of several
    choices); ``check`` then checks the whole list.
    """

    read: Reader
    check: Check | None = None
    many: bool = False

    def take(self, raw: Any, today: dt.date) -> Any:
        """The value the input models make of ``raw``: a text (or, when ``many``, a list of
        texts), or a value already of the field's type (a cell read as whole fen)."""
        read = self.read
        if self.many:
            value: Any = [read(item, today) if isinstance(item, str) else item for item in raw]
        else:
            value = read(raw, today) if isinstance(raw, str) else raw
        return value if self.check is None else self.check(value, today)

    # --- as Pydantic metadata: Annotated[T, rule] -------------------------------------------

    def _read_text(self, value: Any, info: ValidationInfo) -> Any:
        return self.read(value, _today(info)) if isinstance(value, str) else value

    def _check_value(self, value: Any, info: ValidationInfo) -> Any:
        assert self.check is not None
        return self.check(value, _today(info))

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """Text read by ``read`` before the type's own validation, the value checked after."""
        read = core_schema.with_info_before_validator_function
        schema: CoreSchema
        if self.many:
            (item,) = get_args(source)
            schema = core_schema.list_schema(read(self._read_text, handler.generate_schema(item)))
        else:
            schema = read(self._read_text, handler(source))
        if self.check is None:
            return schema
        return core_schema.with_info_after_validator_function(self._check_value, schema)


# --- readers and checks: each a domain rule, given the day -------------------------------------


def text_of(field: str, max_length: int) -> Reader:
    """Free text, trimmed and bounded (``field`` names it in messages: a word marked with
    ``N_``, shown in the language of the command)."""
    return lambda value, _today: text.clean_text(value, field=field, max_length=max_length)


def required_text_of(field: str, max_length: int) -> Reader:
    """Free text that must not be empty."""
    return lambda value, _today: text.clean_required_text(value, field=field, max_length=max_length)


def choice_of(enum: type[E]) -> Reader:
    """A member of ``enum`` by its slug or Chinese label."""
    return lambda value, _today: enum.parse(value)


def _name(value: str, _today: dt.date) -> str:
    return text.clean_name(value)


def _id_number(value: str, today: dt.date) -> str:
    return parse_id_number(value, today=today).value


def _mobile(value: str, _today: dt.date) -> str:
    return parse_mobile(value)


def _phone(value: str, _today: dt.date) -> str:
    return parse_phone(value)


def _yuan(value: str, _today: dt.date) -> int:
    return parse_yuan(value)


def _not_negative(value: int, _today: dt.date) -> int:
    if value < 0:
        raise ValueError(_("amount is negative; amounts are zero or more"))
    return value


def _date(value: str, _today: dt.date) -> dt.date:
    return parse_date(value)


def _past(value: dt.date, today: dt.date) -> dt.date:
    return not_in_future(value, today=today)


def _area_code(value: str, _today: dt.date) -> str:
    return text.clean_area_code(value)


def _code(value: str, _today: dt.date) -> str:
    return text.clean_code(value)


def _area_m2(value: str, _today: dt.date) -> Decimal:
    return parse_area_m2(value)


def _checked_area_m2(value: Decimal, _today: dt.date) -> Decimal:
    return check_area_m2(value)


def _whole(value: str, _today: dt.date) -> int:
    return parse_whole(value)


NAME = Rule(_name)
ID_NUMBER = Rule(_id_number)
MOBILE = Rule(_mobile)
#: A mobile or a landline number, in its normal form.
PHONE = Rule(_phone)
#: An amount in yuan read into whole fen, zero or more.
FEN = Rule(_yuan, check=_not_negative)
#: A date that has happened (paper records come late, never early).
PAST_DATE = Rule(_date, check=_past)
DATE = Rule(_date)
AREA_CODE = Rule(_area_code)
CODE = Rule(_code)
#: A floor area in square metres.
AREA_M2 = Rule(_area_m2, check=_checked_area_m2)
#: A whole number given as text (an import cell): ASCII or full-width digits only, where
#: Pydantic's own reading refuses full-width ones and ``int()`` would take ٣ or ३.
WHOLE = Rule(_whole)


def labelled(enum: type[E]) -> Rule:
    """Accept a slug or a Chinese label for ``enum``."""
    return Rule(choice_of(enum))


def bounded(field: str, max_length: int) -> Rule:
    return Rule(text_of(field, max_length))


def required(field: str, max_length: int) -> Rule:
    return Rule(required_text_of(field, max_length))


Whole = WHOLE
Name = Annotated[str, NAME]
IdNumberText = Annotated[str, ID_NUMBER]
Mobile = Annotated[str, MOBILE]
Phone = Annotated[str, PHONE]
Fen = Annotated[int, FEN]
PastDate = Annotated[dt.date, PAST_DATE]
AnyDate = Annotated[dt.date, DATE]
AreaCode = Annotated[str, AREA_CODE]
Code = Annotated[str, CODE]
AreaM2 = Annotated[Decimal, AREA_M2]
